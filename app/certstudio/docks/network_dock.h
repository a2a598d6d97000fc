// The Network dock: pick a bundled or any ONNX network, see its layers and import messages.
#pragma once

#include <QDockWidget>

#include <memory>

#include "core/network/network.h"

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace cert::studio {

class LayerTableModel;
class NetworkLoader;
struct NetworkLoad;

/// Shows the loaded network as a layer table with its import warnings. A failed load shows every
/// error in the dock (and emits statusMessage for the status bar); the table is then empty, with
/// the summary line saying why. Later docks follow networkChanged() and layerSelected().
class NetworkDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit NetworkDock(QWidget* parent = nullptr);

  /// Fills the bundled-networks combo (absolute paths; shown by file name).
  void setBundledNetworks(const QStringList& paths);
  /// Starts loading `path` in the background; loadFinished() follows.
  void loadNetwork(const QString& path);
  /// Asks for a file with a dialog and loads it.
  void openNetworkDialog();

  /// The loaded network, or null (nothing loaded yet, or the last load failed).
  std::shared_ptr<const cert::Network> network() const { return network_; }
  /// The path of the last load attempt.
  QString networkPath() const { return path_; }
  /// The file of the last load (the failed one when a load failed and the working network stayed).
  QString lastLoadPath() const { return attemptedPath_; }
  /// Where Open ONNX starts: the folder used last, else the current network's, never a build tree.
  QString dialogStartFolder() const;
  /// The text of the summary line (the error when the last load failed).
  QString summaryText() const;
  /// The import messages as listed under the table.
  QStringList messages() const;
  /// Every diagnostic of the last load (errors, or import warnings).
  const cert::Diagnostics& diagnostics() const { return diagnostics_; }
  const LayerTableModel* layerModel() const { return model_; }
  /// Shows why nothing is loaded (e.g. no bundled networks were found).
  void showPlaceholder(const QString& text);
  bool isLoading() const;
  /// Selects layer `index` in the table (as a click would: layerSelected() follows when it
  /// changes); an index outside the table is ignored.
  void selectLayer(int index);
  /// The selected layer's index, or -1.
  int selectedLayer() const;
  /// What the Bundled combo shows: the bundled network loaded, "(opened file)" for a network
  /// opened by path, or empty before any load.
  QString bundledChoice() const;

 signals:
  void loadFinished(bool ok);
  /// A new network is shown (null after a failed load).
  void networkChanged(std::shared_ptr<const cert::Network> network);
  /// The person selected layer `index` (-1 when the selection is cleared).
  void layerSelected(int index);
  /// One line for the status bar.
  void statusMessage(const QString& message);

 private:
  void showResult(const NetworkLoad& load);
  void showMessages(const cert::Diagnostics& diags);
  void showEmptyPage(const QString& why);
  void showSource(const QString& path);

  NetworkLoader* loader_ = nullptr;
  LayerTableModel* model_ = nullptr;
  QComboBox* bundled_ = nullptr;
  QToolButton* open_ = nullptr;
  QLabel* summary_ = nullptr;
  QStackedWidget* stack_ = nullptr;  ///< the table, or a page saying why there is none
  QTableView* table_ = nullptr;
  QLabel* emptyPage_ = nullptr;
  QLabel* messagesTitle_ = nullptr;
  QListWidget* messages_ = nullptr;
  std::shared_ptr<const cert::Network> network_;
  cert::Diagnostics diagnostics_;
  QString path_;
  QString attemptedPath_;
};

}  // namespace cert::studio
