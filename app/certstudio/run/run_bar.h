// The Run bar: network, input (dataset row or VNN-LIB), eps, backend, Run / Cancel, live re-run.
#pragma once

#include <QToolBar>

#include "app/certstudio/run/run_job.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QSpinBox;
class QToolButton;
class QAction;
class QDialog;

namespace cert::studio {

/// Collects the run settings and shows progress; it does not run anything itself: Run emits
/// runRequested(), Cancel cancelRequested(). The network label follows setNetwork().
class RunBar : public QToolBar {
  Q_OBJECT

 public:
  explicit RunBar(QWidget* parent = nullptr);

  /// Shows the network's name; a bundled dataset whose rows do not fit its inputs is swapped for
  /// the bundled one whose rows do (inputChanged), a dataset the user chose is kept.
  void setNetwork(std::shared_ptr<const cert::Network> network, const QString& path);
  std::shared_ptr<const cert::Network> network() const { return network_; }
  /// The network's file as given to setNetwork (empty before one is set).
  QString networkPath() const { return networkPath_; }

  /// The input as chosen (dataset path + row and its scaling, or a VNN-LIB path).
  RunInput input() const;
  /// Restores the kind, path and row (the scaling stays as it is: setScaling).
  void setInput(const RunInput& input);
  /// A dataset row's pixel scale and per-channel standardization (the Scaling… dialog; remembered
  /// across sessions by RunBarMemory).
  void setScaling(double pixelScale, const cert::ChannelStandardization& standardization);
  /// Opens the Scaling… dialog; its OK applies the values (inputChanged).
  void editScaling();
  QToolButton* scalingButton() const { return scaling_; }
  double eps() const;
  void setEps(double eps);
  /// Whether the eps box takes `eps` as it is (inside its range).
  bool epsAllowed(double eps) const;
  /// True when the GPU backend is chosen (only possible when it is available).
  bool gpuSelected() const;
  /// Every neuron back-substituted (All), or only the Relu inputs their interval leaves unstable.
  cert::IntermediateBounds intermediate() const;
  void setIntermediate(cert::IntermediateBounds b);
  QComboBox* boundsBox() const { return bounds_; }
  bool liveRerun() const;
  void setLiveRerun(bool on);

  /// Running: Run disabled, Cancel enabled, progress shown.
  void setRunning(bool running);
  void setProgress(int layer, int layers);

  QAction* runAction() const { return run_; }
  QAction* cancelAction() const { return cancel_; }
  QComboBox* backendBox() const { return backend_; }
  /// The per-layer progress bar; shown (its toolbar action visible) while running.
  QProgressBar* progressBar() const { return progress_; }
  QAction* progressAction() const { return progressAction_; }
  /// The dialog editScaling() has open (nullptr when none), for tests.
  QDialog* scalingDialog() const { return scalingDialog_; }

 signals:
  void runRequested();
  void cancelRequested();
  void liveRerunToggled(bool on);
  /// The input kind, file or row changed (setInput, the file dialog, the row box).
  void inputChanged();
  /// The eps or the bounds choice changed.
  void choicesChanged();
  /// setNetwork took a network (networkPath() is its file), before it swaps a bundled dataset:
  /// RunBarMemory puts that network's remembered scaling in place.
  void networkSet();

 private:
  void browseInput();
  void updateInputWidgets();
  /// The Scaling… button's text and tooltip for the current values.
  void showScaling();

  std::shared_ptr<const cert::Network> network_;
  QString networkPath_;
  QLabel* networkLabel_ = nullptr;
  QComboBox* inputKind_ = nullptr;
  QLabel* inputPath_ = nullptr;
  QString datasetPath_, vnnlibPath_;
  QSpinBox* row_ = nullptr;
  QDoubleSpinBox* eps_ = nullptr;
  QComboBox* backend_ = nullptr;
  QComboBox* bounds_ = nullptr;
  QCheckBox* live_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QAction* run_ = nullptr;
  QAction* cancel_ = nullptr;
  QAction* rowAction_ = nullptr;
  QToolButton* scaling_ = nullptr;
  QAction* scalingAction_ = nullptr;
  QDialog* scalingDialog_ = nullptr;
  double pixelScale_ = cert::kDefaultPixelScale;
  cert::ChannelStandardization standardization_;
  QAction* epsAction_ = nullptr;
  QAction* progressAction_ = nullptr;
};

}  // namespace cert::studio
