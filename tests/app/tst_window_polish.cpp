// Window polish: one selected layer across the Network table, the Bounds and Shapes docks and
// --layer; chart titles that fit narrow widths; the View menu lists every dock; About's versions.
#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QTemporaryDir>
#include <QToolBar>
#include <QtTest>

#include <memory>

#include "app/certstudio/about.h"
#include "app/certstudio/charts/bounds_charts.h"
#include "app/certstudio/docks/bounds_dock.h"
#include "app/certstudio/docks/dock_registry.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/docks/shapes_dock.h"
#include "app/certstudio/ir/analysis_session.h"
#include "app/certstudio/launch_options.h"
#include "app/certstudio/launch_script.h"
#include "app/certstudio/main_window.h"
#include "tests/app/window_fixtures.h"
#include "app/certstudio/models/layer_table_model.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/teaching/teaching_dock.h"
#include "app/certstudio/teaching/teaching_session.h"
#include "compiler/version.h"

using cert::studio::MainWindow;
using cert::studio::MainWindowOptions;
using cert::studio::NetworkDock;

class TestWindowPolish : public QObject {
  Q_OBJECT

 private slots:
  void init();
  void layerPickedInBoundsSelectsTheNetworkRow();
  void layerOptionSelectsTheNetworkRow();
  void traceOptionNeedsALayer();
  void chartTitlesFitNarrowWidths();
  void viewMenuListsEveryDockAndToolBar();
  void aboutNamesTheVersions();

 private:
  /// A window with the bundled spec and network, loaded.
  std::unique_ptr<MainWindow> startedWindow();
  std::unique_ptr<QTemporaryDir> dir_;
};

void TestWindowPolish::init() { dir_ = std::make_unique<QTemporaryDir>(); }

std::unique_ptr<MainWindow> TestWindowPolish::startedWindow() {
  MainWindowOptions o = cert::studio::test::isolatedWindowOptions(*dir_);
  auto w = std::make_unique<MainWindow>(o);
  QSignalSpy finished(w->networkDock(), &NetworkDock::loadFinished);
  w->startUp();
  if (finished.isEmpty()) finished.wait(20000);
  return w;
}

void TestWindowPolish::layerPickedInBoundsSelectsTheNetworkRow() {
  auto w = startedWindow();
  NetworkDock* net = w->networkDock();
  if (!net->network()) QSKIP("no bundled network");
  QVERIFY(net->layerModel()->rowCount() > 3);
  emit w->runSession()->dock()->layerPicked(2);  // what a click on the per-layer chart sends
  QCOMPARE(net->selectedLayer(), 2);
  QCOMPARE(w->analysis()->shapesDock()->layer(), 2);  // the table's selection drives the rest
  // And the reverse: the table drives the Bounds dock.
  net->selectLayer(3);
  QCOMPARE(w->runSession()->dock()->layer(), 3);
  net->selectLayer(999);  // outside the table: ignored
  QCOMPARE(net->selectedLayer(), 3);
}

void TestWindowPolish::layerOptionSelectsTheNetworkRow() {
  auto w = startedWindow();
  if (!w->networkDock()->network()) QSKIP("no bundled network");
  cert::studio::LaunchOptions options;
  options.layer = 1;
  cert::studio::applyLaunchScript(*w, options);
  QCOMPARE(w->networkDock()->selectedLayer(), 1);
  QCOMPARE(w->runSession()->dock()->layer(), 1);
  QCOMPARE(w->teaching()->dock()->layer(), 1);  // the Teaching dock follows the selection too
}

void TestWindowPolish::traceOptionNeedsALayer() {
  using cert::studio::parseLaunchOptions;
  const QString prog = QStringLiteral("certstudio");
  const auto ok = parseLaunchOptions({prog, QStringLiteral("--layer"), QStringLiteral("5"), QStringLiteral("--trace"), QStringLiteral("7")});
  QVERIFY2(ok.error.isEmpty(), qPrintable(ok.error));
  QCOMPARE(ok.layer, 5);
  QCOMPARE(ok.traceNeuron, qint64(7));
  QCOMPARE(parseLaunchOptions({prog}).traceNeuron, qint64(-1));
  QVERIFY(!parseLaunchOptions({prog, QStringLiteral("--trace"), QStringLiteral("7")}).error.isEmpty());
  QVERIFY(!parseLaunchOptions({prog, QStringLiteral("--layer"), QStringLiteral("1"), QStringLiteral("--trace"), QStringLiteral("x")}).error.isEmpty());
  // --intermediate: all or relu-unstable (the Run bar's bounds), anything else an error.
  QCOMPARE(parseLaunchOptions({prog, QStringLiteral("--intermediate"), QStringLiteral("relu-unstable")}).intermediate,
           std::optional(cert::IntermediateBounds::ReluUnstable));
  QCOMPARE(parseLaunchOptions({prog, QStringLiteral("--intermediate"), QStringLiteral("all")}).intermediate,
           std::optional(cert::IntermediateBounds::All));
  QVERIFY(!parseLaunchOptions({prog}).intermediate);
  QVERIFY(!parseLaunchOptions({prog, QStringLiteral("--intermediate"), QStringLiteral("some")}).error.isEmpty());
}

void TestWindowPolish::chartTitlesFitNarrowWidths() {
  const QFontMetrics fm(QFont{});
  const QString title = QStringLiteral("Mean width by layer, log");
  QCOMPARE(cert::studio::fittedTitle(title, fm, fm.horizontalAdvance(title) + 1), title);
  const QString narrow = cert::studio::fittedTitle(title, fm, fm.horizontalAdvance(title) / 2);
  QVERIFY(narrow.endsWith(QChar(0x2026)));  // "…": shortened visibly, never cut mid-glyph
  QVERIFY(fm.horizontalAdvance(narrow) <= fm.horizontalAdvance(title) / 2);
}

void TestWindowPolish::viewMenuListsEveryDockAndToolBar() {
  auto w = startedWindow();
  QMenu* view = nullptr;
  for (QAction* a : w->menuBar()->actions())
    if (a->text().remove(QLatin1Char('&')) == QLatin1String("View")) view = a->menu();
  QVERIFY(view);
  const QList<QAction*> actions = view->actions();
  QVERIFY(w->docks().docks().size() >= 5);  // Network, Problems, Bounds, IR, Shapes
  for (QDockWidget* d : w->docks().docks())
    QVERIFY2(actions.contains(d->toggleViewAction()), qPrintable(d->objectName()));
  for (QToolBar* t : w->findChildren<QToolBar*>())
    QVERIFY2(actions.contains(t->toggleViewAction()), qPrintable(t->windowTitle()));
}

void TestWindowPolish::aboutNamesTheVersions() {
  const QString text = cert::studio::aboutText();
  QVERIFY(text.contains(QStringLiteral(CERTSTUDIO_VERSION)));
  QVERIFY(text.contains(QString::fromLatin1(cert::compilerVersion())));
  QVERIFY(text.contains(QString::fromLatin1(qVersion())));
  QVERIFY(text.contains(QLatin1String("QScintilla")));
}

QTEST_MAIN(TestWindowPolish)
#include "tst_window_polish.moc"
