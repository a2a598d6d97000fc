// RunSession: Run / Cancel / live re-run, and where an outcome is shown.
#include "app/certstudio/run/run_session.h"

#include <QFileInfo>
#include <QStatusBar>

#include "app/certstudio/docks/bounds_dock.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/docks/problems_dock.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/models/bounds_model.h"
#include "app/certstudio/run/run_bar_memory.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/run/run_controller.h"
#include "app/certstudio/run/size_mismatch.h"

namespace cert::studio {
namespace {

const QString kRunSource = QStringLiteral("run");

}  // namespace

RunSession::RunSession(MainWindow& window) : QObject(&window), window_(window) {
  bar_ = new RunBar(&window);
  window.addToolBarBreak();
  window.addToolBar(Qt::TopToolBarArea, bar_);
  new RunBarMemory(*bar_, window.settings(), this);  // the choices made last time, kept from now on
  controller_ = new RunController(this);
  model_ = new BoundsModel(this);
  dock_ = new BoundsDock(*model_, &window);
  window.addDock(dock_, Qt::BottomDockWidgetArea, QStringLiteral("BoundsDock"));

  live_.setSingleShot(true);
  live_.setInterval(kLiveDelayMs);
  connect(&live_, &QTimer::timeout, this, [this] { run(); });
  connect(window.editors(), &EditorTabs::editorTextChanged, this, [this](SpecEditor* e) {
    if (bar_->liveRerun() && e == window_.editors()->currentEditor()) live_.start();
  });
  connect(bar_, &RunBar::liveRerunToggled, this, [this](bool on) {
    if (on) live_.start();
    else live_.stop();
  });
  connect(bar_, &RunBar::runRequested, this, [this] { run(); });
  connect(bar_, &RunBar::cancelRequested, this, &RunSession::cancel);
  NetworkDock* net = window.networkDock();
  connect(net, &NetworkDock::networkChanged, this, [this, net](std::shared_ptr<const cert::Network> n) {
    bar_->setNetwork(std::move(n), net->networkPath());
  });
  connect(net, &NetworkDock::layerSelected, dock_, [this](int layer) {
    if (layer >= 0) dock_->setLayer(layer);
  });
  connect(dock_, &BoundsDock::layerPicked, net, &NetworkDock::selectLayer);  // and back
  connect(controller_, &RunController::progress, bar_, &RunBar::setProgress);
  connect(controller_, &RunController::progress, this, [this](int layer, int layers) {
    window_.statusBar()->showMessage(tr("Running… layer %1 of %2").arg(layer).arg(layers));
  });
  connect(controller_, &RunController::finished, this, &RunSession::onFinished);
  connect(dock_, &BoundsDock::statusMessage, this, [this](const QString& m) { window_.statusBar()->showMessage(m, 10000); });
}

bool RunSession::run() {
  live_.stop();
  std::optional<RunRequest> r = makeRequest();
  if (!r) return false;
  bar_->setRunning(true);
  window_.statusBar()->showMessage(tr("Running %1 on %2…").arg(r->specName, QString::fromStdString(r->network->name)));
  controller_->start(std::move(*r));
  return true;
}

std::optional<RunRequest> RunSession::makeRequest() {
  SpecEditor* editor = window_.editors()->currentEditor();
  if (!editor) {
    report(tr("Run: no spec is open"), {cert::Diagnostic::error("no spec is open")}, tr("Run"));
    return std::nullopt;
  }
  RunRequest r;
  r.specText = editor->text().toStdString();
  r.specName = editor->displayName();
  r.network = bar_->network() ? bar_->network() : window_.networkDock()->network();
  if (!r.network) {
    report(tr("Run: no network is loaded (pick one in the Network dock)"),
           {cert::Diagnostic::error("no network is loaded: pick one in the Network dock")}, tr("Run"));
    return std::nullopt;
  }
  // Re-runs on the same network (after a spec edit, another input) reuse its prepared weights.
  if (!prepared_ || prepared_->network != r.network) prepared_ = std::make_shared<PreparedNetwork>(r.network);
  r.prepared = prepared_;
  r.input = bar_->input();
  r.eps = bar_->eps();
  r.intermediate = bar_->intermediate();
  if (r.input.path.isEmpty()) {
    report(tr("Run: choose an input file in the Run bar"), {cert::Diagnostic::error("no input file is chosen")}, tr("Run"));
    return std::nullopt;
  }
  return r;
}

void RunSession::cancel() { controller_->cancel(); }

void RunSession::onFinished(const RunOutcome& outcome) {
  bar_->setRunning(false);
  model_->setOutcome(outcome);  // a failed run keeps the last bounds, marked stale
  QString label = tr("Run: %1").arg(outcome.specName);
  if (outcome.state == RunOutcome::State::Failed && outcome.stage == QLatin1String("input"))
    label = tr("Run input: %1").arg(QFileInfo(bar_->input().path).fileName());
  // A spec that does not compile: its errors are about the spec's file, which its own check
  // lists too (the same rows are then shown once).
  report(outcome.summary(),
         outcome.state == RunOutcome::State::Failed ? foldSizeMismatch(outcome.diagnostics) : cert::Diagnostics{}, label,
         outcome.stage == QLatin1String("spec") ? outcome.specName : QString());
  emit runFinished(outcome);
}

void RunSession::report(const QString& message, const cert::Diagnostics& diags, const QString& label,
                        const QString& subject) {
  lastMessage_ = message;
  window_.statusBar()->showMessage(message);
  window_.problemsDock()->setDiagnostics(kRunSource, label, diags, subject);
}

}  // namespace cert::studio
