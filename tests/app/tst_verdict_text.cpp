// Verdict text per property kind: the number shown is the bound that decides the verdict, checked
// against margins computed directly with the runtime; the per-layer progress bar reaches n of n.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <limits>

#include "app/certstudio/docks/bounds_dock.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/models/bounds_model.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/run/run_controller.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/run/verdict_text.h"
#include "core/property/dataset_csv.h"
#include "core/property/vnnlib.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/app/run_fixtures.h"
#include "tests/app/window_fixtures.h"

#include <QAction>
#include <QProgressBar>

using namespace cert::studio;
using namespace cert::studio::test;

namespace {

QString g4(double v) { return QString::number(v, 'g', 4); }

/// The runtime's own result for `property` (no app code involved).
cert::ItemResult direct(const QString& spec, const cert::Network& net, const cert::Property& property, size_t item = 0) {
  auto cc = cert::compileCertifier(readAll(kSource + QStringLiteral("/specs/") + spec));
  if (!cc.ok()) return {};
  auto run = cert::certify(*cc, net, property);
  if (!run.ok() || run->items.size() <= item) return {};
  return run->items[item];
}

RunOutcome runNow(RunRequest r) {
  std::atomic<bool> cancel{false};
  return executeRun(r, cancel);
}

}  // namespace

class TestVerdictText : public QObject {
  Q_OBJECT

 private slots:
  void atomTextWritesTheInequality();
  void labelledSaysSmallestMarginAndPair();
  void vnnlibSingleAtomSaysItsUpperBound();
  void vnnlibManyConjunctionsNamesTheDecidingOne();
  void windowHeadingMatchesThePropertyKind();
  void progressBarReachesLayerCount();
};

void TestVerdictText::atomTextWritesTheInequality() {
  cert::OutputInequality a;
  a.coeffs = Eigen::VectorXd::Zero(4);
  a.coeffs[0] = 1;
  a.coeffs[3] = -1;
  QCOMPARE(atomText(a), QStringLiteral("Y_0 - Y_3 >= 0"));
  cert::OutputInequality b;
  b.coeffs = Eigen::VectorXd::Zero(2);
  b.coeffs[0] = 2;
  b.coeffs[1] = -0.5;
  b.constant = 1;  // 2 y0 - 0.5 y1 + 1 >= 0
  QCOMPARE(atomText(b), QStringLiteral("2*Y_0 - 0.5*Y_1 >= -1"));
}

void TestVerdictText::labelledSaysSmallestMarginAndPair() {
  for (const double eps : {0.0, 0.01}) {
    RunRequest r = request(QStringLiteral("mlp_784_50_50_10.onnx"));
    r.eps = eps;
    const RunOutcome out = runNow(r);
    QCOMPARE(out.state, RunOutcome::State::Done);
    auto prop = cert::datasetProperty(*r.network, r.input.path.toStdString(), 0, 1, eps);
    QVERIFY(prop.ok());
    const cert::ItemResult d = direct(QStringLiteral("deeppoly.cf"), *r.network, *prop);
    QVERIFY(d.marginLower.size() == 9);
    // Independently: the smallest lower bound and which output it compares with the label.
    const int label = *prop->items.front().label;
    int argmin = -1;
    double m = std::numeric_limits<double>::infinity();
    int row = 0;
    for (int j = 0; j < 10; ++j) {
      if (j == label) continue;
      if (d.marginLower[row] < m) {
        m = d.marginLower[row];
        argmin = j;
      }
      ++row;
    }
    const VerdictText v = verdictText(out.property, out.item);
    QVERIFY(v.hasDeciding);
    QCOMPARE(v.deciding, m);
    QCOMPARE(v.heading, QStringLiteral("Margins y_label - y_j"));
    const QString pair = QStringLiteral("(y_%1 - y_%2)").arg(label).arg(argmin);
    QVERIFY2(v.text.contains(pair), qPrintable(v.text));
    QVERIFY2(v.text.contains(g4(m)), qPrintable(v.text));
    QVERIFY2(v.text.startsWith(d.verified ? QStringLiteral("verified") : QStringLiteral("not verified")), qPrintable(v.text));
    QVERIFY2(out.summary().contains(v.text), qPrintable(out.summary()));
  }
}

void TestVerdictText::vnnlibSingleAtomSaysItsUpperBound() {
  RunRequest r = request(QStringLiteral("deeppoly_example.onnx"));
  r.input.kind = RunInput::Kind::Vnnlib;
  r.input.path = kSource + QStringLiteral("/resources/inputs/deeppoly_example.vnnlib");
  const RunOutcome out = runNow(r);
  QCOMPARE(out.state, RunOutcome::State::Done);
  auto prop = cert::readVnnlib(r.input.path.toStdString(), *r.network);
  QVERIFY(prop.ok());
  const cert::ItemResult d = direct(QStringLiteral("deeppoly.cf"), *r.network, *prop);
  QCOMPARE(d.marginUpper.size(), Eigen::Index(1));  // one atom: Y_0 <= Y_1, i.e. -Y_0 + Y_1 >= 0
  QVERIFY(d.verified);
  QVERIFY(d.marginUpper[0] < 0);
  const VerdictText v = verdictText(out.property, out.item);
  QCOMPARE(v.deciding, d.marginUpper[0]);
  QCOMPARE(v.text, QStringLiteral("verified: the unsafe region needs -Y_0 + Y_1 >= 0 but its upper bound is %1").arg(g4(d.marginUpper[0])));
  QVERIFY(v.heading.startsWith(QStringLiteral("Unsafe region")));
  QVERIFY(!out.summary().contains(QStringLiteral("smallest margin lower bound")));
  QVERIFY2(out.summary().contains(v.text), qPrintable(out.summary()));
}

void TestVerdictText::vnnlibManyConjunctionsNamesTheDecidingOne() {
  RunRequest r = request(QStringLiteral("mlp_784_50_50_10.onnx"));
  r.input.kind = RunInput::Kind::Vnnlib;
  r.input.path = kSource + QStringLiteral("/resources/inputs/mlp_784_50_50_10_row0.vnnlib");
  const RunOutcome out = runNow(r);
  QCOMPARE(out.state, RunOutcome::State::Done);
  auto prop = cert::readVnnlib(r.input.path.toStdString(), *r.network);
  QVERIFY(prop.ok());
  QCOMPARE(prop->items.front().unsafe.size(), size_t(9));  // one atom per conjunction
  const cert::ItemResult d = direct(QStringLiteral("deeppoly.cf"), *r.network, *prop);
  QCOMPARE(d.marginUpper.size(), Eigen::Index(9));
  Eigen::Index worst = 0;
  const double highest = d.marginUpper.maxCoeff(&worst);  // each conjunction's only atom
  const VerdictText v = verdictText(out.property, out.item);
  QCOMPARE(v.deciding, highest);
  QVERIFY2(v.text.contains(g4(highest)), qPrintable(v.text));
  if (d.verified) QVERIFY2(v.text.contains(QStringLiteral("conjunction %1,").arg(worst + 1)), qPrintable(v.text));
  else QVERIFY2(v.text.contains(QStringLiteral("conjunction %1 of 9").arg(worst + 1)), qPrintable(v.text));
  QVERIFY(v.text.startsWith(d.verified ? QStringLiteral("verified") : QStringLiteral("not verified")));
}

void TestVerdictText::windowHeadingMatchesThePropertyKind() {
  QTemporaryDir dir;
  MainWindow w(isolatedWindowOptions(dir));
  QSignalSpy loaded(w.networkDock(), &NetworkDock::loadFinished);
  w.startUp(kSource + QStringLiteral("/specs/deeppoly.cf"), kSource + QStringLiteral("/resources/networks/deeppoly_example.onnx"));
  QVERIFY(loaded.wait(30000));
  RunSession* s = w.runSession();
  RunInput in;
  in.kind = RunInput::Kind::Vnnlib;
  in.path = kSource + QStringLiteral("/resources/inputs/deeppoly_example.vnnlib");
  s->bar()->setInput(in);
  QSignalSpy done(s, &RunSession::runFinished);
  QVERIFY(s->run());
  QVERIFY(done.wait(120000));
  const QString summary = s->dock()->summaryText();
  QVERIFY2(summary.contains(QStringLiteral("Unsafe region")), qPrintable(summary));
  QVERIFY2(!summary.contains(QStringLiteral("y<sub>label")) && !summary.contains(QStringLiteral("y_label")), qPrintable(summary));
  QVERIFY2(summary.contains(QStringLiteral("upper bound is")), qPrintable(summary));
  QVERIFY2(s->lastMessage().contains(QStringLiteral("upper bound is")), qPrintable(s->lastMessage()));
}

void TestVerdictText::progressBarReachesLayerCount() {
  QTemporaryDir dir;
  MainWindow w(isolatedWindowOptions(dir));
  QSignalSpy loaded(w.networkDock(), &NetworkDock::loadFinished);
  w.startUp(kSource + QStringLiteral("/specs/deeppoly.cf"), kSource + QStringLiteral("/resources/networks/mlp_784_100x6_10.onnx"));
  QVERIFY(loaded.wait(30000));
  RunSession* s = w.runSession();
  const int layers = static_cast<int>(w.networkDock()->network()->layers.size());
  bool shownWhileRunning = true;
  int maxLayer = 0;
  connect(s->controller(), &RunController::progress, this, [&](int layer, int n) {
    shownWhileRunning = shownWhileRunning && s->bar()->progressAction()->isVisible();
    QCOMPARE(n, layers);  // "layer k of n": n is the network's layer count, not one more
    QVERIFY(layer >= 1 && layer <= n);
    maxLayer = std::max(maxLayer, layer);
  });
  QSignalSpy progress(s->controller(), &RunController::progress);
  QSignalSpy done(s, &RunSession::runFinished);
  QVERIFY(s->run());
  QVERIFY(s->bar()->progressAction()->isVisible());
  QVERIFY(done.wait(120000));
  QVERIFY(progress.count() >= layers);
  QVERIFY(shownWhileRunning);
  QCOMPARE(maxLayer, layers);
  QCOMPARE(s->bar()->progressBar()->maximum(), layers);
  QCOMPARE(s->bar()->progressBar()->value(), layers);
  QVERIFY(!s->bar()->progressAction()->isVisible());  // hidden again when the run is over
}

QTEST_MAIN(TestVerdictText)
#include "tst_verdict_text.moc"
