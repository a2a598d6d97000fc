// The default dock layout fits 1280x800 and 1600x1000: the window can be that small, and every
// dock is either shown with a usable size inside the window or one click away as a tab.
#include <QDockWidget>
#include <QLayout>
#include <QSignalSpy>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>

#include "app/certstudio/docks/dock_layout.h"
#include "app/certstudio/docks/dock_registry.h"
#include "app/certstudio/main_window.h"
#include "tests/app/window_fixtures.h"

using cert::studio::DockLayout;
using cert::studio::MainWindow;

class TestLayout : public QObject {
  Q_OBJECT

 private slots:
  void everyDockReachable_data();
  void everyDockReachable();
  void groupsAreTabbed();

 private:
  QTemporaryDir dir_;
};

void TestLayout::everyDockReachable_data() {
  QTest::addColumn<QSize>("size");
  QTest::newRow("1280x800") << QSize(1280, 800);
  QTest::newRow("1600x1000") << QSize(1600, 1000);
}

/// The tab texts of every tab bar the main window shows (the dock tab groups).
static QStringList visibleTabTitles(const MainWindow& w) {
  QStringList out;
  for (const QTabBar* bar : w.findChildren<QTabBar*>()) {
    if (!bar->isVisible()) continue;
    const QRect inWindow(bar->mapTo(&w, QPoint(0, 0)), bar->size());
    if (!w.rect().contains(inWindow)) continue;  // a tab bar cut off by the window edge is no use
    for (int i = 0; i < bar->count(); ++i) out << bar->tabText(i).remove(QLatin1Char('&'));
  }
  return out;
}

void TestLayout::everyDockReachable() {
  QFETCH(QSize, size);
  QTemporaryDir dir;
  MainWindow w(cert::studio::test::isolatedWindowOptions(dir));
  const QSize hint = w.minimumSizeHint();
  QVERIFY2(hint.width() <= size.width() && hint.height() <= size.height(),
           qPrintable(QStringLiteral("minimumSizeHint %1x%2").arg(hint.width()).arg(hint.height())));
  w.resize(size);
  w.show();
  QVERIFY(QTest::qWaitForWindowExposed(&w));
  QTest::qWait(50);
  if (w.size() != size) {  // say what forced it
    for (QDockWidget* d : w.docks().docks())
      qInfo("%s: minimum %dx%d, content minimum %dx%d (hint %dx%d)", qPrintable(d->objectName()), d->minimumSizeHint().width(),
            d->minimumSizeHint().height(), d->widget()->minimumSize().width(), d->widget()->minimumSize().height(),
            d->widget()->minimumSizeHint().width(), d->widget()->minimumSizeHint().height());
    qInfo("central %dx%d; layout minimum %dx%d", w.centralWidget()->minimumSizeHint().width(),
          w.centralWidget()->minimumSizeHint().height(), w.layout()->minimumSize().width(), w.layout()->minimumSize().height());
  }
  QTRY_COMPARE(w.size(), size);  // nothing forces the window wider or taller
  QVERIFY(w.centralWidget()->width() >= size.width() * 45 / 100);  // the editor keeps about half
  QVERIFY(w.centralWidget()->height() >= 250);

  const QStringList tabs = visibleTabTitles(w);
  const QRect window = w.rect();
  QVERIFY(!w.docks().docks().isEmpty());
  for (QDockWidget* d : w.docks().docks()) {
    const QString name = d->objectName();
    QVERIFY2(!d->isFloating(), qPrintable(name));
    QVERIFY2(!d->isHidden() || tabs.contains(d->windowTitle()), qPrintable(name));
    if (d->isVisible() && !d->visibleRegion().isEmpty()) {
      const QRect at(d->mapTo(&w, QPoint(0, 0)), d->size());
      QVERIFY2(window.contains(at), qPrintable(name + QStringLiteral(" is cut off")));
      QVERIFY2(d->width() >= 250 && d->height() >= 150,
               qPrintable(QStringLiteral("%1 is %2x%3").arg(name).arg(d->width()).arg(d->height())));
    }
    const bool front = d->isVisible() && !d->visibleRegion().isEmpty();
    QVERIFY2(front || tabs.contains(d->windowTitle()),
             qPrintable(QStringLiteral("%1 ('%2') is neither shown nor a tab (tabs: %3)")
                            .arg(name, d->windowTitle(), tabs.join(QStringLiteral(", ")))));
  }
  // The Teaching dock, brought to the front, gets the full width under the editor.
  QDockWidget* teaching = w.docks().find(QStringLiteral("TeachingDock"));
  QVERIFY(teaching);
  teaching->raise();
  QTRY_VERIFY(teaching->isVisible());
  QVERIFY2(teaching->width() >= size.width() * 9 / 10, qPrintable(QString::number(teaching->width())));
  QVERIFY(teaching->height() >= 200);
}

void TestLayout::groupsAreTabbed() {
  MainWindow w(cert::studio::test::isolatedWindowOptions(dir_));
  for (const QStringList& group : {DockLayout::rightGroup(), DockLayout::bottomGroup()}) {
    QDockWidget* first = w.docks().find(group.front());
    QVERIFY(first);
    const QList<QDockWidget*> mates = w.tabifiedDockWidgets(first);
    for (const QString& n : group.mid(1)) {
      QDockWidget* d = w.docks().find(n);
      QVERIFY2(d, qPrintable(n));
      QVERIFY2(mates.contains(d), qPrintable(n + QStringLiteral(" is not in ") + group.front() + QStringLiteral("'s tabs")));
      QCOMPARE(w.dockWidgetArea(d), w.dockWidgetArea(first));
    }
  }
  QCOMPARE(w.dockWidgetArea(w.docks().find(QStringLiteral("NetworkDock"))), Qt::RightDockWidgetArea);
  QCOMPARE(w.dockWidgetArea(w.docks().find(QStringLiteral("ProblemsDock"))), Qt::BottomDockWidgetArea);
}

QTEST_MAIN(TestLayout)
#include "tst_layout.moc"
