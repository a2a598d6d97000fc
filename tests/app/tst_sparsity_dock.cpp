// Sparsity dock: after a DeepPoly run the model lists the g-BCSR blocks of a layer's member
// (Relu: one Diagonal block over its input layer's columns; Affine: one Dense block), the footer
// sums the blocks' bytes, and the dock is registered in the main window with an empty state.
#include <QFile>
#include <QSignalSpy>
#include <QWheelEvent>
#include <QTemporaryDir>
#include <QtTest>

#include "app/certstudio/docks/dock_registry.h"
#include "app/certstudio/docks/sparsity_dock.h"
#include "app/certstudio/main_window.h"
#include "tests/app/window_fixtures.h"
#include "app/certstudio/models/sparsity_model.h"
#include "app/certstudio/run/run_controller.h"
#include "tests/app/run_fixtures.h"
#include "core/network/onnx_import.h"

using namespace cert::studio;

using namespace cert::studio::test;

class TestSparsityDock : public QObject {
  Q_OBJECT

 private slots:
  void deepPolyLayouts();
  void emptyStateAndCancel();
  void registeredInWindow();
};

void TestSparsityDock::deepPolyLayouts() {
  RunRequest r = request(QStringLiteral("mlp_784_50_50_10.onnx"));
  QVERIFY(r.network);
  RunController c;
  const RunOutcome out = finish(c, r);
  QCOMPARE(out.state, RunOutcome::State::Done);
  QVERIFY(!out.item.layouts.empty());

  SparsityModel model;
  SparsityDock dock(model);
  dock.resize(900, 400);
  model.setOutcome(out);
  QVERIFY(model.hasRun());
  for (const char* m : {"L", "U", "l", "u"}) QVERIFY2(model.members().contains(QLatin1String(m)), m);

  QCOMPARE(model.member(), QStringLiteral("L"));  // the default: the first linear form
  dock.setLayer(2);  // the first Relu
  model.setMember(QStringLiteral("L"));
  QVERIFY(model.hasSelection());
  QCOMPARE(model.rows(), qint64(50));
  QCOMPARE(model.rowStart(), qint64(834));
  QCOMPARE(model.cols(), qint64(784 + 50 + 50 + 50 + 50 + 10));
  QCOMPARE(model.blocks().size(), size_t(1));
  const cert::gbcsr::BlockInfo relu = model.blocks().front();
  QCOMPARE(relu.kind, cert::gbcsr::Kind::Diagonal);
  QCOMPARE(relu.box.off[2], qint64(784));
  QCOMPARE(relu.box.end(2), qint64(834));
  QCOMPARE(relu.box.ext[1], qint64(50));
  QCOMPARE(model.blockAt(0, 784), 0);
  QCOMPARE(model.blockAt(0, 833), 0);
  QCOMPARE(model.blockAt(0, 834), -1);
  QVERIFY(model.blockText(0).startsWith(QStringLiteral("Diagonal")));
  QVERIFY(model.blockText(0).contains(QStringLiteral("cols 784..833")));

  dock.setLayer(3);  // Affine
  QCOMPARE(model.member(), QStringLiteral("L"));
  QCOMPARE(model.blocks().size(), size_t(1));
  const cert::gbcsr::BlockInfo fc = model.blocks().front();
  QCOMPARE(fc.kind, cert::gbcsr::Kind::Dense);
  QCOMPARE(fc.box.off[2], qint64(834));
  QCOMPARE(fc.box.end(2), qint64(884));

  // The footer: memory of the blocks vs the dense [rows x cols] form.
  qint64 sum = 0;
  for (const cert::gbcsr::BlockInfo& b : model.blocks()) sum += b.bytes;
  QVERIFY(sum > 0);
  QCOMPARE(model.usedBytes(), sum);
  QCOMPARE(model.denseBytes(), model.rows() * model.cols() * 8);
  QVERIFY2(dock.footerText().contains(QStringLiteral("%1 B").arg(sum)), qPrintable(dock.footerText()));
  QVERIFY2(dock.footerText().contains(QStringLiteral("%1 B dense").arg(model.denseBytes())), qPrintable(dock.footerText()));

  // A Float member is one row over the layer's own neurons.
  model.setMember(QStringLiteral("l"));
  QCOMPARE(model.rows(), qint64(1));
  QCOMPARE(model.blocks().size(), size_t(1));
  QCOMPARE(model.blocks().front().box.off[2], qint64(884));
  QCOMPARE(model.blockAt(0, 900), 0);
  model.setMember(QStringLiteral("L"));

  // The view draws something and finds the block under the cursor.
  dock.show();
  QVERIFY(QTest::qWaitForWindowExposed(&dock));
  SparsityView* view = dock.view();
  const double xs = (view->width() - SparsityView::kLeft - SparsityView::kRight) / double(model.cols());
  const QPoint inside(SparsityView::kLeft + int(860 * xs), SparsityView::kTop + 2);
  QCOMPARE(view->blockAtPos(inside), 0);
  const double z = view->zoom();
  view->zoomBy(2.0);
  QCOMPARE(view->zoom(), z * 2.0);

  // The mouse wheel zooms about the mouse: the matrix point under it stays under it on screen.
  view->zoomBy(1.0 / view->zoom());
  QWidget* viewport = view->parentWidget();
  QVERIFY(viewport);
  // Zoom in until the matrix is wider than the viewport (only then can the view scroll).
  while (view->width() < viewport->width() * 3 / 2 && view->zoom() < 64) view->zoomBy(1.25);
  QVERIFY(view->width() >= viewport->width() * 3 / 2);
  const double zoomBefore = view->zoom();
  // A point of the matrix's first row (the view may be shorter than the viewport), 60 % across
  // the visible part.
  const QPoint start = view->mapFrom(viewport, QPoint(viewport->width() * 6 / 10, 0)) + QPoint(0, SparsityView::kTop + 1);
  const QPointF mouse = view->mapTo(viewport, start);
  const QPointF matrix = view->matrixAt(start);
  for (int step = 0; step < 3; ++step) {
    const QPointF local = view->mapFrom(viewport, mouse.toPoint());
    QWheelEvent wheel(local, view->mapToGlobal(local), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(view, &wheel);
  }
  QVERIFY(view->zoom() > zoomBefore * 1.9);
  const QPoint nowOnScreen = view->mapTo(viewport, view->posOf(matrix).toPoint());
  QVERIFY2((QPointF(nowOnScreen) - mouse).manhattanLength() <= 3.0,
           qPrintable(QStringLiteral("(%1, %2) drifted to (%3, %4)")
                          .arg(mouse.x()).arg(mouse.y()).arg(nowOnScreen.x()).arg(nowOnScreen.y())));
}

void TestSparsityDock::emptyStateAndCancel() {
  SparsityModel model;
  SparsityDock dock(model);
  QVERIFY(!model.hasRun());
  QCOMPARE(model.emptyText(), QStringLiteral("Run a certifier to see how its state is stored"));
  RunOutcome cancelled;
  cancelled.state = RunOutcome::State::Cancelled;
  model.setOutcome(cancelled);
  QVERIFY(!model.hasRun());
  QVERIFY(dock.footerText().isEmpty());
}

void TestSparsityDock::registeredInWindow() {
  QTemporaryDir dir;
  MainWindowOptions o = cert::studio::test::isolatedWindowOptions(dir);
  MainWindow w(o);
  QDockWidget* d = w.docks().find(QStringLiteral("SparsityDock"));
  QVERIFY(d);
  QCOMPARE(d, static_cast<QDockWidget*>(w.sparsityDock()));
  QVERIFY(w.sparsityModel());
  QCOMPARE(w.sparsityModel()->emptyText(), QStringLiteral("Run a certifier to see how its state is stored"));
}

QTEST_MAIN(TestSparsityDock)
#include "tst_sparsity_dock.moc"
