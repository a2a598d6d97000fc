// certstudio --help / --version print and exit 0 without a display (no QApplication is made for
// them); other arguments still need the window.
#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

#include "app/certstudio/launch_options.h"

class TestLaunch : public QObject {
  Q_OBJECT

 private slots:
  void textOnlyArguments();
  void helpWithoutDisplay();
  void versionWithoutDisplay();
};

void TestLaunch::textOnlyArguments() {
  using cert::studio::asksForTextOnly;
  const char* help[] = {"certstudio", "--help"};
  const char* version[] = {"certstudio", "spec.cf", "-v"};
  const char* plain[] = {"certstudio", "spec.cf", "--net", "x.onnx"};
  const char* afterDashes[] = {"certstudio", "--", "--help"};
  QVERIFY(asksForTextOnly(2, help));
  QVERIFY(asksForTextOnly(3, version));
  QVERIFY(!asksForTextOnly(4, plain));
  QVERIFY(!asksForTextOnly(3, afterDashes));
}

/// Runs the real binary with no display at all: no DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM.
static QProcess* runBare(const QStringList& args, QObject* parent) {
  auto* p = new QProcess(parent);
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  for (const char* v : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(QString::fromLatin1(v));
  p->setProcessEnvironment(env);
  p->start(QStringLiteral(CERTSTUDIO_BINARY), args);
  return p;
}

void TestLaunch::helpWithoutDisplay() {
  QProcess* p = runBare({QStringLiteral("--help")}, this);
  QVERIFY(p->waitForFinished(60000));
  const QString out = QString::fromLocal8Bit(p->readAllStandardOutput());
  QCOMPARE(p->exitStatus(), QProcess::NormalExit);
  QCOMPARE(p->exitCode(), 0);
  QVERIFY2(out.contains(QLatin1String("Usage:")) && out.contains(QLatin1String("--net")), qPrintable(out));
}

void TestLaunch::versionWithoutDisplay() {
  QProcess* p = runBare({QStringLiteral("--version")}, this);
  QVERIFY(p->waitForFinished(60000));
  QCOMPARE(p->exitCode(), 0);
  QCOMPARE(QString::fromLocal8Bit(p->readAllStandardOutput()).trimmed(),
           QStringLiteral("certstudio %1").arg(QStringLiteral(CERTSTUDIO_VERSION)));
}

QTEST_MAIN(TestLaunch)
#include "tst_launch.moc"
