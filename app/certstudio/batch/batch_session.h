// Wires batch runs into the window: the Run bar's Batch… action, a controller, the Batch dock.
#pragma once

#include <QObject>

#include "app/certstudio/batch/batch_source.h"
#include "app/certstudio/run/run_job.h"

class QAction;

namespace cert::studio {

class BatchDock;
class BatchTableModel;
class MainWindow;
class RunController;
class RunSession;

/// A batch runs the current editor's spec over many items off the GUI thread (a RunController,
/// the same machinery as single runs); the table fills as items finish; a click on an item puts
/// its bounds into the Bounds dock. Found with window.findChild<BatchSession*>().
class BatchSession : public QObject {
  Q_OBJECT

 public:
  BatchSession(MainWindow& window, RunSession& runs);

  /// Starts a batch over `source` (cancelling a running one). False, with the reason in the
  /// status bar, when there is nothing to run (no spec, no network, no items).
  bool start(const BatchSource& source);
  void cancel();
  /// Shows item `row`'s bounds in the Bounds dock (a finished, successful item). False otherwise.
  bool showItem(int row);

  BatchTableModel* model() const { return model_; }
  BatchDock* dock() const { return dock_; }
  RunController* controller() const { return controller_; }
  QAction* batchAction() const { return action_; }
  QString lastMessage() const { return lastMessage_; }

 signals:
  void batchFinished(const cert::studio::RunOutcome& total);

 private:
  void openDialog();
  void message(const QString& text);

  MainWindow& window_;
  RunSession& runs_;
  BatchTableModel* model_ = nullptr;
  BatchDock* dock_ = nullptr;
  RunController* controller_ = nullptr;
  QAction* action_ = nullptr;
  QString lastMessage_;
};

}  // namespace cert::studio
