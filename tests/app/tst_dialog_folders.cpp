// File dialogs remember their folders (per kind, in the settings), never start in a build tree;
// Save As of a bundled spec proposes the documents folder, not specs/; the Run bar's input, eps
// and bounds choice are remembered across windows (a launch option still decides over them), the
// dataset scaling per network.
#include <QDir>
#include <QSignalSpy>
#include <QToolButton>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "app/certstudio/bundled_files.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/launch_options.h"
#include "app/certstudio/launch_script.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/settings/app_settings.h"
#include "app/certstudio/settings/dialog_folders.h"
#include "tests/app/window_fixtures.h"

using namespace cert::studio;

class TestDialogFolders : public QObject {
  Q_OBJECT

 private slots:
  void remembersPerKindAndAvoidsBuildTrees();
  void saveAsOfBundledSpecProposesDocuments();
  void runInputIsRemembered();
  void runChoicesAreRemembered();
  void datasetScalingIsRemembered();
  void datasetScalingIsRememberedPerNetwork();
};

namespace {

bool loadNetwork(MainWindow& w, const QString& name) {
  return test::loadNetwork(w, QStringLiteral(CERTSTUDIO_SOURCE_DIR "/resources/networks/") + name);
}

}  // namespace

void TestDialogFolders::remembersPerKindAndAvoidsBuildTrees() {
  QTemporaryDir dir;
  MainWindow w(test::isolatedWindowOptions(dir));
  const QString docs = DialogFolders::documentsFolder();
  QVERIFY(QFileInfo(docs).isDir());
  // Nothing remembered: the documents folder, for every kind.
  QCOMPARE(DialogFolders::startFolder(w.editors(), QStringLiteral("spec")), docs);
  QCOMPARE(w.networkDock()->dialogStartFolder(), docs);  // no network loaded yet

  QDir(dir.path()).mkpath(QStringLiteral("mine/specs"));
  QDir(dir.path()).mkpath(QStringLiteral("nets"));
  const QString specs = dir.filePath(QStringLiteral("mine/specs"));
  const QString nets = dir.filePath(QStringLiteral("nets"));
  DialogFolders::remember(w.editors(), QStringLiteral("spec"), specs + QStringLiteral("/a.cf"));
  DialogFolders::remember(w.networkDock(), QStringLiteral("network"), nets + QStringLiteral("/n.onnx"));
  QCOMPARE(DialogFolders::startFolder(w.editors(), QStringLiteral("spec")), specs);
  QCOMPARE(w.networkDock()->dialogStartFolder(), nets);
  QCOMPARE(DialogFolders::startFolder(w.runSession()->bar(), QStringLiteral("input")), docs);  // its own memory

  // A folder inside a build tree (CMakeCache.txt above it) is never a start folder.
  QDir(dir.path()).mkpath(QStringLiteral("build/app/certstudio"));
  QFile cache(dir.filePath(QStringLiteral("build/CMakeCache.txt")));
  QVERIFY(cache.open(QIODevice::WriteOnly));
  cache.close();
  const QString inBuild = dir.filePath(QStringLiteral("build/app/certstudio"));
  QVERIFY(DialogFolders::isUnsuitable(inBuild));
  QVERIFY(!DialogFolders::isUnsuitable(specs));
  DialogFolders::remember(w.editors(), QStringLiteral("spec"), inBuild + QStringLiteral("/x.cf"));
  QCOMPARE(DialogFolders::startFolder(w.editors(), QStringLiteral("spec")), docs);

  // The memory is in the settings: a new window starts where the last one left off.
  w.settings().sync();
  MainWindow again(test::isolatedWindowOptions(dir));
  QCOMPARE(again.networkDock()->dialogStartFolder(), nets);
}

void TestDialogFolders::saveAsOfBundledSpecProposesDocuments() {
  const QString bundled = BundledFiles::defaultSpec();
  if (bundled.isEmpty()) QSKIP("no bundled specs in this tree");
  QTemporaryDir dir;
  MainWindow w(test::isolatedWindowOptions(dir));
  QVERIFY(w.openSpec(bundled));
  SpecEditor* e = w.editors()->currentEditor();
  const QString start = w.editors()->saveAsStartPath(e);
  QCOMPARE(QFileInfo(start).fileName(), QFileInfo(bundled).fileName());
  QCOMPARE(QFileInfo(start).absolutePath(), DialogFolders::documentsFolder());
  QVERIFY(DialogFolders::isBundledSpecFolder(QFileInfo(bundled).absolutePath()));

  // A spec of the person's own: Save As starts at the file itself.
  const QString own = dir.filePath(QStringLiteral("own.cf"));
  QFile f(own);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write("// own\n");
  f.close();
  QVERIFY(w.openSpec(own));
  QCOMPARE(w.editors()->saveAsStartPath(w.editors()->currentEditor()), w.editors()->currentEditor()->filePath());
  // An untitled one: the remembered spec folder.
  DialogFolders::remember(w.editors(), QStringLiteral("spec"), own);
  SpecEditor* untitled = w.editors()->addEditor();
  QCOMPARE(QFileInfo(w.editors()->saveAsStartPath(untitled)).absolutePath(), QFileInfo(own).absolutePath());
}

void TestDialogFolders::runInputIsRemembered() {
  QTemporaryDir dir;
  const QString csv = dir.filePath(QStringLiteral("rows.csv"));
  const QString vnnlib = dir.filePath(QStringLiteral("p.vnnlib"));
  for (const QString& p : {csv, vnnlib}) {
    QFile f(p);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("x\n");
  }
  {
    MainWindow w(test::isolatedWindowOptions(dir));
    RunInput vn;
    vn.kind = RunInput::Kind::Vnnlib;
    vn.path = vnnlib;
    w.runSession()->bar()->setInput(vn);
    RunInput in;
    in.path = csv;
    in.row = 7;
    w.runSession()->bar()->setInput(in);
    w.settings().sync();
  }
  {
    MainWindow w(test::isolatedWindowOptions(dir));
    const RunInput in = w.runSession()->bar()->input();
    QCOMPARE(in.kind, RunInput::Kind::Dataset);
    QCOMPARE(in.path, csv);
    QCOMPARE(in.row, 7);
    // The VNN-LIB choice is kept too: switching the kind finds it.
    RunInput vn;
    vn.kind = RunInput::Kind::Vnnlib;
    vn.path = vnnlib;
    w.runSession()->bar()->setInput(vn);
    w.settings().sync();
  }
  {
    MainWindow w(test::isolatedWindowOptions(dir));
    QCOMPARE(w.runSession()->bar()->input().kind, RunInput::Kind::Vnnlib);
    QCOMPARE(w.runSession()->bar()->input().path, vnnlib);
  }
  QFile::remove(csv);  // a remembered file that is gone: the bundled default again
  QFile::remove(vnnlib);
  MainWindow w(test::isolatedWindowOptions(dir));
  QVERIFY(w.runSession()->bar()->input().path != csv);
}

void TestDialogFolders::datasetScalingIsRemembered() {
  QTemporaryDir dir;
  const cert::ChannelStandardization st{{0.4914, 0.4822, 0.4465}, {0.2471, 0.2435, 0.2616}};
  {
    MainWindow w(test::isolatedWindowOptions(dir));
    RunBar* bar = w.runSession()->bar();
    QCOMPARE(bar->input().pixelScale, cert::kDefaultPixelScale);  // nothing remembered: the defaults
    QVERIFY(bar->input().standardization.empty());
    bar->setScaling(1.0, st);
    w.settings().sync();
  }
  {
    MainWindow w(test::isolatedWindowOptions(dir));
    const RunInput in = w.runSession()->bar()->input();
    QCOMPARE(in.pixelScale, 1.0);
    QCOMPARE(in.standardization.mean, st.mean);  // exact: written with 17 digits
    QCOMPARE(in.standardization.std, st.std);
  }
  // Values the dialog would refuse (edited by hand) leave the defaults.
  {
    AppSettings s(test::isolatedWindowOptions(dir).settingsFile);
    s.setScalingFor(QString(), QStringLiteral("1/255"), QStringLiteral("0.5"), QStringLiteral("0, 1"));
    s.sync();
  }
  MainWindow w(test::isolatedWindowOptions(dir));
  QCOMPARE(w.runSession()->bar()->input().pixelScale, cert::kDefaultPixelScale);
  QVERIFY(w.runSession()->bar()->input().standardization.empty());
}

// A network's standardization belongs to how it was trained: opening another network does not
// carry it over (its rows would be certified in a space it was not trained on, without a word);
// each network gets its own back, in this window and the next.
void TestDialogFolders::datasetScalingIsRememberedPerNetwork() {
  QTemporaryDir dir;
  const cert::ChannelStandardization st{{0.1307}, {0.3081}};
  const QString standardized = QStringLiteral("cnn_small.onnx"), other = QStringLiteral("mlp_784_50_50_10.onnx");
  auto isDefault = [](const RunInput& in) { return in.pixelScale == cert::kDefaultPixelScale && in.standardization.empty(); };
  {
    MainWindow w(test::isolatedWindowOptions(dir));
    RunBar* bar = w.runSession()->bar();
    QVERIFY(loadNetwork(w, standardized));
    QVERIFY(isDefault(bar->input()));
    bar->setScaling(0.5, st);
    QVERIFY(loadNetwork(w, other));
    QVERIFY(isDefault(bar->input()));
    QVERIFY(bar->scalingButton()->text() == QStringLiteral("×1/255"));
    QVERIFY(loadNetwork(w, standardized));
    QCOMPARE(bar->input().pixelScale, 0.5);
    QCOMPARE(bar->input().standardization.mean, st.mean);
    QCOMPARE(bar->input().standardization.std, st.std);
    w.settings().sync();
  }
  MainWindow w(test::isolatedWindowOptions(dir));
  QVERIFY(loadNetwork(w, other));
  QVERIFY(isDefault(w.runSession()->bar()->input()));
  QVERIFY(loadNetwork(w, standardized));
  QCOMPARE(w.runSession()->bar()->input().pixelScale, 0.5);
  QCOMPARE(w.runSession()->bar()->input().standardization.std, st.std);
  // Set back to the defaults, the network's entry is forgotten: a new window starts unscaled.
  w.runSession()->bar()->setScaling(cert::kDefaultPixelScale, {});
  QVERIFY(w.settings().scalingFor(w.runSession()->bar()->networkPath()).isEmpty());
}

void TestDialogFolders::runChoicesAreRemembered() {
  QTemporaryDir dir;
  {
    MainWindow w(test::isolatedWindowOptions(dir));
    RunBar* bar = w.runSession()->bar();
    QCOMPARE(bar->eps(), 0.01);  // nothing remembered: the defaults
    QCOMPARE(bar->intermediate(), cert::IntermediateBounds::All);
    bar->setEps(0.03);
    bar->setIntermediate(cert::IntermediateBounds::ReluUnstable);
    w.settings().sync();
  }
  {
    MainWindow w(test::isolatedWindowOptions(dir));
    QCOMPARE(w.runSession()->bar()->eps(), 0.03);
    QCOMPARE(w.runSession()->bar()->intermediate(), cert::IntermediateBounds::ReluUnstable);
    // A launch option decides over the remembered choice.
    LaunchOptions o;
    o.intermediate = cert::IntermediateBounds::All;
    applyLaunchScript(w, o);
    QCOMPARE(w.runSession()->bar()->intermediate(), cert::IntermediateBounds::All);
    w.settings().sync();
  }
  {
    MainWindow w(test::isolatedWindowOptions(dir));
    QCOMPARE(w.runSession()->bar()->intermediate(), cert::IntermediateBounds::All);  // the last choice
  }
  // Values the bar cannot take (edited by hand, or from another version) leave its defaults.
  {
    AppSettings s(test::isolatedWindowOptions(dir).settingsFile);
    s.setLastEps(7.5);
    s.setLastBounds(QStringLiteral("some-other-mode"));
    s.sync();
  }
  MainWindow w(test::isolatedWindowOptions(dir));
  QCOMPARE(w.runSession()->bar()->eps(), 0.01);
  QCOMPARE(w.runSession()->bar()->intermediate(), cert::IntermediateBounds::All);
}

QTEST_MAIN(TestDialogFolders)
#include "tst_dialog_folders.moc"
