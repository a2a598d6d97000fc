// CompareSession: the last run, the set and the dock.
#include "app/certstudio/compare/compare_session.h"

#include <QStatusBar>

#include "app/certstudio/compare/compare_dock.h"
#include "app/certstudio/compare/comparison_set.h"
#include "app/certstudio/docks/bounds_dock.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/run/run_session.h"

namespace cert::studio {

CompareSession::CompareSession(MainWindow& window, RunSession& runs) : QObject(&window), window_(window) {
  setObjectName(QStringLiteral("CompareSession"));
  set_ = new ComparisonSet(this);
  dock_ = new CompareDock(*set_, &window);
  window.addDock(dock_, Qt::BottomDockWidgetArea, QStringLiteral("CompareDock"));
  window.tabifyDockWidget(runs.dock(), dock_);  // a tab beside Bounds: no extra width
  runs.dock()->raise();                         // pinning raises Compare
  connect(&runs, &RunSession::runFinished, this, [this](const RunOutcome& o) {
    if (o.state == RunOutcome::State::Done) last_ = o;
  });
  connect(dock_, &CompareDock::pinRequested, this, &CompareSession::pinLast);
  connect(dock_, &CompareDock::statusMessage, this, [this](const QString& m) { window_.statusBar()->showMessage(m, 10000); });
}

int CompareSession::pinLast() {
  if (last_.state != RunOutcome::State::Done) {
    window_.statusBar()->showMessage(tr("Compare: no finished run to pin yet: press Run (F5)"), 10000);
    return -1;
  }
  return pin(last_);
}

int CompareSession::pin(const RunOutcome& outcome) {
  const int i = set_->pin(outcome);
  if (i >= 0) {
    window_.statusBar()->showMessage(tr("Pinned %1").arg(set_->run(i).label), 10000);
    dock_->show();
    dock_->raise();
  }
  return i;
}

}  // namespace cert::studio
