// SoundnessSession: Check Soundness off the GUI thread and where its outcome is shown.
#include "app/certstudio/soundness/soundness_session.h"

#include <QAction>
#include <QFutureWatcher>
#include <QLabel>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include "app/certstudio/docks/bounds_dock.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/models/bounds_model.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/run/run_controller.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/soundness/soundness_dock.h"

namespace cert::studio {

SoundnessSession::SoundnessSession(MainWindow& window, RunSession& runs)
    : QObject(&window), window_(window), runs_(runs) {
  dock_ = new SoundnessDock(&window);
  window.addDock(dock_, Qt::BottomDockWidgetArea, QStringLiteral("SoundnessDock"));
  action_ = new QAction(tr("Check Soundness"), this);
  action_->setToolTip(tr("Sample concrete inputs of the last run's box and check every proven bound (Soundness dock)"));
  action_->setEnabled(false);
  verdict_ = new QLabel(runs.bar());
  verdict_->setObjectName(QStringLiteral("RunVerdictLabel"));
  verdict_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  runs.bar()->addSeparator();
  runs.bar()->addAction(action_);
  runs.bar()->addWidget(verdict_);

  connect(action_, &QAction::triggered, this, [this] { check(); });
  connect(dock_, &SoundnessDock::checkRequested, this, [this] { check(); });
  connect(dock_, &SoundnessDock::cancelRequested, this, &SoundnessSession::cancel);
  connect(dock_, &SoundnessDock::layerPicked, this, [this](int layer) {
    runs_.dock()->setLayer(layer);
    window_.networkDock()->selectLayer(layer);
  });
  connect(&runs, &RunSession::runFinished, this, [this](const RunOutcome& o) {
    action_->setEnabled(o.state == RunOutcome::State::Done);
    showVerdict(o);
  });
}

SoundnessSession::~SoundnessSession() {
  if (watcher_) {
    cancel_->store(true);
    watcher_->waitForFinished();
  }
}

bool SoundnessSession::check() {
  // The last run as it ran: its spec and network were copied when it started.
  const std::shared_ptr<const RunRequest> r = runs_.controller()->lastRequest();
  if (!r || runs_.controller()->lastOutcome().state != RunOutcome::State::Done) {
    window_.statusBar()->showMessage(tr("Check Soundness: no finished run to check (Run first; it samples the last run)"));
    return false;
  }
  if (watcher_) {  // the old check: cancelled, waited for, dropped
    cancel_->store(true);
    watcher_->disconnect(this);
    watcher_->waitForFinished();
    watcher_->deleteLater();
    watcher_ = nullptr;
  }
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  watcher_ = new QFutureWatcher<SoundnessOutcome>(this);
  connect(watcher_, &QFutureWatcher<SoundnessOutcome>::finished, this, &SoundnessSession::onFinished);
  dock_->setRunning(true);
  dock_->show();
  dock_->raise();
  window_.statusBar()->showMessage(tr("Checking soundness of %1 (%2 samples)…").arg(r->specName).arg(dock_->samples()));
  watcher_->setFuture(QtConcurrent::run([req = r, samples = dock_->samples(), flag = cancel_] {
    return executeSoundness(*req, samples, *flag);
  }));
  return true;
}

void SoundnessSession::cancel() {
  if (cancel_) cancel_->store(true);
}

void SoundnessSession::onFinished() {
  last_ = watcher_->result();
  watcher_->deleteLater();
  watcher_ = nullptr;
  dock_->setOutcome(last_);
  window_.statusBar()->showMessage(last_.text());
  std::map<int, std::map<int64_t, double>> marks;
  if (last_.state == SoundnessOutcome::State::Done && last_.network == runs_.model()->network())
    for (const cert::SoundnessViolation& v : last_.summary.violations)
      marks[v.layer].emplace(v.neuron, v.value);  // the first value found per neuron
  runs_.model()->setSoundnessMarks(std::move(marks));
  // Violations found on the run that is shown: its verdict came from a spec shown unsound on
  // concrete inputs, so it is withdrawn, in red, never left as "verified".
  if (last_.state == SoundnessOutcome::State::Done && !last_.summary.violations.empty() &&
      last_.specText == lastRunSpecText_) {
    verdict_->setStyleSheet(QStringLiteral("QLabel { color: #c03030; font-weight: bold; }"));
    verdict_->setText(tr("  unsound spec, no verdict: %n violation(s) on sampled inputs", nullptr,
                         static_cast<int>(last_.summary.violations.size())));
    verdict_->setToolTip(last_.text());
  }
  emit finished(last_);
}

void SoundnessSession::showVerdict(const RunOutcome& o) {
  const std::shared_ptr<const RunRequest> r = runs_.controller()->lastRequest();
  lastRunSpecText_ = r ? r->specText : std::string();
  if (o.state != RunOutcome::State::Done) {
    verdict_->clear();
    return;
  }
  if (o.verdict == cert::Verdict::Invalid) {
    verdict_->setStyleSheet(QStringLiteral("QLabel { color: #c03030; font-weight: bold; }"));
    // A refuted rule: named short (the tooltip and the status bar carry the whole reason).
    const QString text = o.refutedRule.isEmpty() ? tr("  invalid run, no verdict: %1").arg(o.reason)
                                                 : tr("  no verdict: the %1 rule is unsound").arg(o.refutedRule);
    verdict_->setText(verdict_->fontMetrics().elidedText(text, Qt::ElideRight, 560));
  } else {
    verdict_->setStyleSheet(o.verdict == cert::Verdict::Verified ? QStringLiteral("QLabel { color: #2a7d2a; }") : QString());
    verdict_->setText(o.verdict == cert::Verdict::Verified ? tr("  verified") : tr("  not verified"));
  }
  verdict_->setToolTip(o.reason);
}

}  // namespace cert::studio
