// The Soundness dock: sample count, Check / Cancel, and every violation of the last check with
// the concrete input that shows it.
#pragma once

#include <QDockWidget>

#include "app/certstudio/soundness/soundness_job.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace cert::studio {

/// Shows a SoundnessOutcome: one table row per violation (item, sample, layer, neuron, member,
/// value, the range it had to be in); selecting a row shows its concrete input below.
class SoundnessDock : public QDockWidget {
  Q_OBJECT

 public:
  static constexpr int kMaxRows = 2000;  ///< rows listed; the count says how many there are
  explicit SoundnessDock(QWidget* parent = nullptr);

  void setOutcome(const SoundnessOutcome& outcome);
  void setRunning(bool running);
  int samples() const;
  void setSamples(int samples);

  QTableWidget* table() const { return table_; }
  QString statusText() const;
  /// The input shown for the selected row ("" when none is selected).
  QString inputText() const;

 signals:
  void checkRequested();
  void cancelRequested();
  /// The person selected a violation of network layer `layer`.
  void layerPicked(int layer);

 private:
  void showInput(int row);

  SoundnessOutcome outcome_;
  QLabel* status_ = nullptr;
  QSpinBox* samples_ = nullptr;
  QPushButton* check_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QTableWidget* table_ = nullptr;
  QPlainTextEdit* input_ = nullptr;
};

}  // namespace cert::studio
