// scriptBatch / scriptComparison: drive BatchSession and CompareSession as a person would.
#include "app/certstudio/launch_batch_compare.h"

#include <functional>
#include <memory>

#include "app/certstudio/batch/batch_session.h"
#include "app/certstudio/compare/compare_session.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/run/run_session.h"

namespace cert::studio {

void scriptBatch(MainWindow& window, const QString& rows) {
  auto* batch = window.findChild<BatchSession*>();
  if (!batch) return;
  BatchSource source;
  source.path = window.runSession()->bar()->input().path;
  if (rows != QLatin1String("all")) {
    const QStringList parts = rows.split(QLatin1Char(':'));
    source.first = parts.value(0).toInt();
    source.count = parts.size() > 1 ? parts[1].toInt() : 1;
  }
  // Once done, the first item's bounds in the Bounds dock, as a click on it would.
  auto* once = new QMetaObject::Connection;
  *once = QObject::connect(batch, &BatchSession::batchFinished, batch, [batch, once](const RunOutcome&) {
    QObject::disconnect(*once);
    delete once;
    batch->showItem(0);
  });
  if (!batch->start(source)) {
    QObject::disconnect(*once);
    delete once;
  }
}

void scriptComparison(MainWindow& window, const QStringList& specPaths) {
  auto* compare = window.findChild<CompareSession*>();
  if (!compare || specPaths.isEmpty()) return;
  auto next = std::make_shared<int>(0);
  auto step = std::make_shared<std::function<void()>>();
  *step = [&window, specPaths, next] {
    if (*next >= specPaths.size()) return;
    if (window.openSpec(specPaths[*next])) window.runSession()->run();
  };
  auto* conn = new QMetaObject::Connection;
  *conn = QObject::connect(window.runSession(), &RunSession::runFinished, compare, [compare, next, step, conn, n = specPaths.size()](const RunOutcome& o) {
    if (o.state == RunOutcome::State::Done) compare->pin(o);
    if (++*next >= n) {
      QObject::disconnect(*conn);
      delete conn;
      return;
    }
    (*step)();
  });
  (*step)();
}

}  // namespace cert::studio
