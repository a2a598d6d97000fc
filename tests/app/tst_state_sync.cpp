// The views follow the model: another network clears the Bounds and Sparsity views of the old
// one; a failed open keeps the working network and its views; a failed run keeps the last bounds,
// marked stale (a visible banner); a run error leaves Problems once the spec is edited, and a
// spec error the spec's own check lists is listed once after a Run fails on it; a VNN-LIB
// file written for another network size gives one Problems row.
#include <QDockWidget>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/certstudio/docks/bounds_dock.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/docks/problems_dock.h"
#include "app/certstudio/docks/stale_banner.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/models/bounds_model.h"
#include "app/certstudio/models/diagnostics_model.h"
#include "app/certstudio/models/sparsity_model.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/run/run_controller.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/run/size_mismatch.h"
#include "tests/app/run_fixtures.h"
#include "tests/app/window_fixtures.h"

using namespace cert::studio;
using cert::studio::test::kSource;

namespace {

QString net(const QString& name) { return kSource + QStringLiteral("/resources/networks/") + name; }


RunOutcome runNow(MainWindow& w) {
  QSignalSpy done(w.runSession(), &RunSession::runFinished);
  if (!w.runSession()->run() || !done.wait(120000)) return {};
  return w.runSession()->controller()->lastOutcome();
}

int runRows(const MainWindow& w) {
  const DiagnosticsModel* m = w.problemsDock()->model();
  int n = 0;
  for (int i = 0; i < m->rowCount(); ++i) n += m->entry(i).source == QStringLiteral("run") ? 1 : 0;
  return n;
}

}  // namespace

class TestStateSync : public QObject {
  Q_OBJECT

 private slots:
  void init();
  void cleanup();
  void networkSwitchClearsDependentViews();
  void failedOpenKeepsNetworkAndViews();
  void failedRunKeepsBoundsMarkedStale();
  void fixedErrorLeavesProblems();
  void specErrorOfARunListedOnce();
  void wrongSizeVnnlibGivesOneRow();
  void foldKeepsOtherDiagnostics();

 private:
  void startWithRun(const QString& network);
  std::unique_ptr<QTemporaryDir> dir_;
  std::unique_ptr<MainWindow> w_;
};

void TestStateSync::init() {
  dir_ = std::make_unique<QTemporaryDir>();
  w_ = std::make_unique<MainWindow>(test::isolatedWindowOptions(*dir_));
  w_->resize(1280, 800);
  w_->show();
}

void TestStateSync::cleanup() {
  for (SpecEditor* e : w_->editors()->editors()) e->setModified(false);
  w_.reset();
}

void TestStateSync::startWithRun(const QString& network) {
  QSignalSpy loaded(w_->networkDock(), &NetworkDock::loadFinished);
  w_->startUp(kSource + QStringLiteral("/specs/deeppoly.cf"), net(network));
  QVERIFY(loaded.wait(30000));
  RunInput in;
  in.path = kSource + QStringLiteral("/resources/inputs/mnist_10.csv");
  w_->runSession()->bar()->setInput(in);
  QCOMPARE(runNow(*w_).state, RunOutcome::State::Done);
  QVERIFY(w_->runSession()->model()->hasRun());
  QVERIFY(w_->sparsityModel()->hasRun());
}

void TestStateSync::networkSwitchClearsDependentViews() {
  startWithRun(QStringLiteral("mlp_784_50_50_10.onnx"));
  const int oldLayers = w_->runSession()->model()->layerCount();
  QVERIFY(test::loadNetwork(*w_, net(QStringLiteral("cnn_small.onnx"))));
  QVERIFY(w_->networkDock()->network()->layers.size() != static_cast<std::size_t>(oldLayers));
  QVERIFY(!w_->runSession()->model()->hasRun());
  QVERIFY(!w_->runSession()->model()->comparison());
  QVERIFY(!w_->sparsityModel()->hasRun());
  QVERIFY(w_->runSession()->dock()->summaryText().startsWith(QStringLiteral("No bounds yet")));
  // And a run on the new network fills them again, with its layers.
  QCOMPARE(runNow(*w_).state, RunOutcome::State::Done);
  QCOMPARE(static_cast<std::size_t>(w_->runSession()->model()->layerCount()), w_->networkDock()->network()->layers.size());
}

void TestStateSync::failedOpenKeepsNetworkAndViews() {
  startWithRun(QStringLiteral("mlp_784_50_50_10.onnx"));
  const auto working = w_->networkDock()->network();
  const QString bad = dir_->filePath(QStringLiteral("broken.onnx"));
  QFile f(bad);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write("not an onnx file");
  f.close();
  QVERIFY(!test::loadNetwork(*w_, bad));
  QCOMPARE(w_->networkDock()->network(), working);
  QCOMPARE(w_->runSession()->bar()->network(), working);
  QVERIFY(w_->runSession()->model()->hasRun());
  QVERIFY(!w_->runSession()->model()->isStale());
  QVERIFY(w_->sparsityModel()->hasRun());
  // The failure is reported under the failed file's name.
  const DiagnosticsModel* pm = w_->problemsDock()->model();
  bool named = false;
  for (int i = 0; i < pm->rowCount(); ++i) named = named || pm->entry(i).label == QStringLiteral("broken.onnx");
  QVERIFY(named);
  // Run still runs on the working network.
  QCOMPARE(runNow(*w_).state, RunOutcome::State::Done);
}

void TestStateSync::failedRunKeepsBoundsMarkedStale() {
  startWithRun(QStringLiteral("mlp_784_50_50_10.onnx"));
  BoundsModel* model = w_->runSession()->model();
  const Eigen::VectorXd before = model->bounds(model->layerCount() - 1)->upper;
  auto* banner = w_->runSession()->dock()->findChild<StaleBanner*>();
  QVERIFY(banner);
  QVERIFY(!banner->isVisibleTo(w_->runSession()->dock()));

  RunInput bad;
  bad.path = dir_->filePath(QStringLiteral("missing.csv"));
  w_->runSession()->bar()->setInput(bad);
  QCOMPARE(runNow(*w_).state, RunOutcome::State::Failed);
  QVERIFY(model->hasRun());
  QVERIFY(model->isStale());
  QCOMPARE(model->bounds(model->layerCount() - 1)->upper, before);  // the same bounds, kept
  QVERIFY(banner->isVisibleTo(w_->runSession()->dock()));
  QVERIFY(banner->text().contains(QLatin1String("Stale")));
  QVERIFY(runRows(*w_) >= 1);

  RunInput good;
  good.path = kSource + QStringLiteral("/resources/inputs/mnist_10.csv");
  w_->runSession()->bar()->setInput(good);
  QCOMPARE(runNow(*w_).state, RunOutcome::State::Done);
  QVERIFY(!model->isStale());
  QVERIFY(!banner->isVisibleTo(w_->runSession()->dock()));
  QCOMPARE(runRows(*w_), 0);
}

void TestStateSync::fixedErrorLeavesProblems() {
  startWithRun(QStringLiteral("mlp_784_50_50_10.onnx"));
  SpecEditor* e = w_->editors()->currentEditor();
  const QString good = e->text();
  e->setText(good + QStringLiteral("\nflow(forward, priority, false, no_such_transformer);\n"));
  QCOMPARE(runNow(*w_).state, RunOutcome::State::Failed);
  QVERIFY(runRows(*w_) >= 1);
  e->setText(good);  // the fix
  QCOMPARE(runRows(*w_), 0);
}

void TestStateSync::specErrorOfARunListedOnce() {
  startWithRun(QStringLiteral("mlp_784_50_50_10.onnx"));
  SpecEditor* e = w_->editors()->currentEditor();
  const QString good = e->text();
  e->setText(good + QStringLiteral("\nflow(forward, priority, false, no_such_transformer);\n"));
  const DiagnosticsModel* pm = w_->problemsDock()->model();
  auto rowsNaming = [&] {
    int n = 0;
    for (int i = 0; i < pm->rowCount(); ++i)
      n += QString::fromStdString(pm->entry(i).diagnostic.message).contains(QLatin1String("no_such_transformer")) ? 1 : 0;
    return n;
  };
  QTRY_COMPARE_WITH_TIMEOUT(rowsNaming(), 1, 10000);  // the spec's own check
  const RunOutcome out = runNow(*w_);
  QCOMPARE(out.state, RunOutcome::State::Failed);
  QCOMPARE(out.stage, QStringLiteral("spec"));
  bool reported = false;
  for (const cert::Diagnostic& d : out.diagnostics)
    reported = reported || QString::fromStdString(d.message).contains(QLatin1String("no_such_transformer"));
  QVERIFY(reported);
  QCOMPARE(rowsNaming(), 1);  // the run reports it too: one row
  e->setText(good);
  QTRY_COMPARE_WITH_TIMEOUT(rowsNaming(), 0, 10000);
}

void TestStateSync::wrongSizeVnnlibGivesOneRow() {
  // A property over 784 inputs and 10 outputs, for a network with 2 inputs and 2 outputs.
  QString text;
  for (int i = 0; i < 784; ++i) text += QStringLiteral("(declare-const X_%1 Real)\n").arg(i);
  for (int j = 0; j < 10; ++j) text += QStringLiteral("(declare-const Y_%1 Real)\n").arg(j);
  for (int i = 0; i < 784; ++i)
    text += QStringLiteral("(assert (<= X_%1 0.5))\n(assert (>= X_%1 0.4))\n").arg(i);
  text += QStringLiteral("(assert (>= Y_1 Y_0))\n(assert (>= Y_9 Y_0))\n");
  const QString path = dir_->filePath(QStringLiteral("mnist_property.vnnlib"));
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write(text.toUtf8());
  f.close();

  QSignalSpy loaded(w_->networkDock(), &NetworkDock::loadFinished);
  w_->startUp(kSource + QStringLiteral("/specs/deeppoly.cf"), net(QStringLiteral("deeppoly_example.onnx")));
  QVERIFY(loaded.wait(30000));
  RunInput in;
  in.kind = RunInput::Kind::Vnnlib;
  in.path = path;
  w_->runSession()->bar()->setInput(in);
  const RunOutcome out = runNow(*w_);
  QCOMPARE(out.state, RunOutcome::State::Failed);
  // Unfolded, the reader reports each of X_2..X_783 and Y_2..Y_9.
  int perName = 0;
  for (const cert::Diagnostic& d : out.diagnostics)
    perName += QString::fromStdString(d.message).contains(QLatin1String("is out of range")) ? 1 : 0;
  QCOMPARE(perName, (784 - 2) + (10 - 2));
  QCOMPARE(runRows(*w_), 1);
  const DiagnosticsModel* pm = w_->problemsDock()->model();
  QString message;
  for (int i = 0; i < pm->rowCount(); ++i)
    if (pm->entry(i).source == QStringLiteral("run")) message = QString::fromStdString(pm->entry(i).diagnostic.message);
  QVERIFY2(message.contains(QLatin1String("X_0..X_783")) && message.contains(QLatin1String("2 inputs")) &&
               message.contains(QLatin1String("Y_0..Y_9")) && message.contains(QLatin1String("782 names")),
           qPrintable(message));
}

void TestStateSync::foldKeepsOtherDiagnostics() {
  cert::Diagnostics in;
  in.push_back(cert::Diagnostic::warning("a clipped range"));
  in.push_back(cert::Diagnostic::error("X_7 has no bounds (every input needs both)"));
  in.push_back(cert::Diagnostic::error("undeclared name 'Z'"));
  in.push_back(cert::Diagnostic::error("X_8 has no bounds (every input needs both)"));
  in.push_back(cert::Diagnostic::error("... and 20 more inputs without bounds"));
  const cert::Diagnostics out = foldSizeMismatch(in);
  QCOMPARE(out.size(), std::size_t{3});
  QCOMPARE(out[0].message, in[0].message);
  QVERIFY(QString::fromStdString(out[1].message).contains(QLatin1String("22 of the network's inputs without bounds (from X_7")));
  QCOMPARE(out[2].message, in[2].message);
  // One such error alone stays as it is.
  const cert::Diagnostics single{cert::Diagnostic::error("X_9 is out of range: the network has 5 inputs (X_0..X_4)")};
  QCOMPARE(foldSizeMismatch(single).front().message, single.front().message);
}

QTEST_MAIN(TestStateSync)
#include "tst_state_sync.moc"
