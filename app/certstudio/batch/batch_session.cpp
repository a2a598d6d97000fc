// BatchSession: the dialog, the batch task on a RunController, the table and bounds on click.
#include "app/certstudio/batch/batch_session.h"

#include <QAction>
#include <QFileInfo>
#include <QStatusBar>

#include "app/certstudio/batch/batch_dialog.h"
#include "app/certstudio/batch/batch_dock.h"
#include "app/certstudio/batch/batch_job.h"
#include "app/certstudio/batch/batch_table_model.h"
#include "app/certstudio/docks/bounds_dock.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/docks/problems_dock.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/models/bounds_model.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/run/run_controller.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/run/verdict_text.h"

namespace cert::studio {

BatchSession::BatchSession(MainWindow& window, RunSession& runs) : QObject(&window), window_(window), runs_(runs) {
  setObjectName(QStringLiteral("BatchSession"));
  model_ = new BatchTableModel(this);
  dock_ = new BatchDock(*model_, &window);
  window.addDock(dock_, Qt::RightDockWidgetArea, QStringLiteral("BatchDock"));  // placed by DockLayout
  window.problemsDock()->raise();                         // a batch raises its tab
  controller_ = new RunController(this);
  action_ = runs.bar()->addAction(QIcon::fromTheme(QStringLiteral("view-list-details")), tr("Batch…"), this, &BatchSession::openDialog);
  action_->setToolTip(tr("Run the spec on many items: dataset rows, a VNN-LIB folder, or an instances CSV"));

  connect(controller_, &RunController::progress, model_, &BatchTableModel::setProgress);
  connect(controller_, &RunController::itemFinished, model_, &BatchTableModel::setItem);
  connect(controller_, &RunController::itemFinished, this, [this] { message(tr("Batch running: %1").arg(model_->summary())); });
  connect(controller_, &RunController::finished, this, [this](const RunOutcome& total) {
    model_->finish();
    dock_->setRunning(false);
    message(total.state == RunOutcome::State::Cancelled ? tr("Batch cancelled: %1").arg(model_->summary())
                                                        : tr("Batch done: %1").arg(model_->summary()));
    emit batchFinished(total);
  });
  connect(dock_, &BatchDock::cancelRequested, this, &BatchSession::cancel);
  connect(dock_, &BatchDock::itemActivated, this, &BatchSession::showItem);
  connect(dock_, &BatchDock::statusMessage, this, &BatchSession::message);
}

bool BatchSession::start(const BatchSource& source) {
  SpecEditor* editor = window_.editors()->currentEditor();
  if (!editor) {
    message(tr("Batch: no spec is open"));
    return false;
  }
  BatchList list = listBatch(source);
  if (!list.error.isEmpty() || list.entries.empty()) {
    message(tr("Batch: %1").arg(list.error.isEmpty() ? tr("no items") : list.error));
    return false;
  }
  // Dataset rows are scaled as the Run bar's input is (its Scaling… dialog).
  const RunInput barInput = runs_.bar()->input();
  for (BatchEntry& e : list.entries)
    if (e.input.kind == RunInput::Kind::Dataset) {
      e.input.pixelScale = barInput.pixelScale;
      e.input.standardization = barInput.standardization;
    }
  BatchRequest request;
  request.specText = editor->text().toStdString();
  request.specName = editor->displayName();
  request.network = runs_.bar()->network() ? runs_.bar()->network() : window_.networkDock()->network();
  request.eps = runs_.bar()->eps();
  request.intermediate = runs_.bar()->intermediate();
  const bool ownNetworks = source.kind == BatchSource::Kind::InstancesCsv;
  if (!request.network && !ownNetworks) {
    message(tr("Batch: no network is loaded (pick one in the Network dock)"));
    return false;
  }
  request.entries = std::move(list.entries);
  model_->reset(request.entries);
  dock_->setRunning(true);
  dock_->show();
  dock_->raise();
  message(tr("Batch: %n item(s) of %1…", nullptr, static_cast<int>(request.entries.size())).arg(request.specName));
  controller_->startTask([request = std::move(request)](const std::atomic<bool>& cancel, const RunProgress& progress,
                                                        const ItemReport& item) {
    return executeBatch(request, cancel, progress, item);
  });
  return true;
}

void BatchSession::cancel() { controller_->cancel(); }

bool BatchSession::showItem(int row) {
  if (row < 0 || row >= model_->rowCount()) return false;
  const BatchTableModel::Row& r = model_->row(row);
  if (r.outcome.state != RunOutcome::State::Done) {
    if (!r.verdictText.isEmpty()) message(tr("%1: %2").arg(r.name, r.verdictText));
    return false;
  }
  runs_.model()->setOutcome(r.outcome);
  runs_.dock()->show();
  runs_.dock()->raise();
  message(tr("%1 (%2): %3").arg(r.name, r.property, r.verdictText));
  return true;
}

void BatchSession::openDialog() {
  BatchSource initial;
  const RunInput in = runs_.bar()->input();
  if (in.kind == RunInput::Kind::Dataset) initial.path = in.path;
  else {
    initial.kind = BatchSource::Kind::VnnlibFolder;
    initial.path = in.path.isEmpty() ? QString() : QFileInfo(in.path).absolutePath();
  }
  initial.first = in.row;
  BatchDialog dialog(initial, &window_);
  if (dialog.exec() == QDialog::Accepted) start(dialog.source());
}

void BatchSession::message(const QString& text) {
  lastMessage_ = text;
  window_.statusBar()->showMessage(text, 10000);
}

}  // namespace cert::studio
