// TeachingSession: dock <-> Network dock, trace runs, jumps into the editor.
#include "app/certstudio/teaching/teaching_session.h"

#include <QDockWidget>
#include <QStatusBar>

#include "app/certstudio/docks/dock_registry.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/run/run_controller.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/teaching/teaching_dock.h"
#include "app/certstudio/teaching/teaching_model.h"

namespace cert::studio {

TeachingSession::TeachingSession(MainWindow& window, RunSession& runs) : QObject(&window), window_(window), runs_(runs) {
  model_ = new TeachingModel(this);
  controller_ = new RunController(this);
  dock_ = new TeachingDock(*model_, &window);
  window.addDock(dock_, Qt::BottomDockWidgetArea, QStringLiteral("TeachingDock"));
  // The bottom row is full (Problems, Bounds, Sparsity): share the Sparsity dock's place as a tab.
  if (QDockWidget* sparsity = window.docks().find(QStringLiteral("SparsityDock"))) {
    window.tabifyDockWidget(sparsity, dock_);
    sparsity->raise();
  }

  NetworkDock* net = window.networkDock();
  connect(net, &NetworkDock::networkChanged, dock_, &TeachingDock::setNetwork);
  connect(net, &NetworkDock::layerSelected, dock_, &TeachingDock::setLayer);
  connect(dock_, &TeachingDock::traceRequested, this, &TeachingSession::trace);
  connect(controller_, &RunController::finished, model_, &TeachingModel::setOutcome);
  connect(controller_, &RunController::finished, this, [this](const RunOutcome& o) {
    // Replace "Teaching: running…" (it stayed for good) with the outcome, for a few seconds.
    window_.statusBar()->showMessage(o.state == RunOutcome::State::Done ? tr("Teaching: trace ready")
                                     : o.state == RunOutcome::State::Cancelled ? tr("Teaching: trace cancelled")
                                                                                : tr("Teaching: %1").arg(o.summary()),
                                     kStatusMs);
  });
  connect(dock_, &TeachingDock::sourceActivated, this, [this](int line, int column) {
    SpecEditor* e = window_.editors()->currentEditor();
    if (!e) return;
    cert::SourceRange r;
    r.begin = {line, column, 0};
    r.end = r.begin;
    e->goTo(r);
  });
}

bool TeachingSession::trace(int layer, qint64 neuron) {
  std::optional<RunRequest> r = runs_.makeRequest();
  if (!r) return false;
  r->lastLayer = layer;
  r->trace = std::make_pair(layer, static_cast<int64_t>(neuron));
  model_->setRunning(layer, neuron);
  window_.statusBar()->showMessage(tr("Teaching: running layers 0..%1 of %2…").arg(layer).arg(QString::fromStdString(r->network->name)));
  controller_->start(std::move(*r));
  return true;
}

}  // namespace cert::studio
