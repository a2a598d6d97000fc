// Check Soundness in the IDE: after a run of an unsound spec (DeepPoly with relu lower = u) the
// background check lists violations with their concrete inputs and the Bounds dock marks them; a
// sound spec finds none; cancel stops a check; an invalid run shows its reason in red, no verdict.
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "app/certstudio/docks/bounds_dock.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/models/bounds_model.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/soundness/soundness_dock.h"
#include "app/certstudio/soundness/soundness_session.h"
#include "core/network/forward.h"
#include "tests/app/run_fixtures.h"
#include "tests/app/window_fixtures.h"

using namespace cert::studio;
using namespace cert::studio::test;

namespace {

/// deeppoly.cf with the unsound ReLU lower bound L = u, written to `dir`.
QString unsoundSpec(const QTemporaryDir& dir) {
  std::string text = readAll(kSource + QStringLiteral("/specs/deeppoly.cf"));
  const std::string from = "func relu_lower(Neuron n) = (n[u] > -n[l]) ? n : 0;";
  text.replace(text.find(from), from.size(), "func relu_lower(Neuron n) = n[u];");
  const QString path = dir.filePath(QStringLiteral("relu_lower_u.cf"));
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly)) return {};
  f.write(QByteArray::fromStdString(text));
  return path;
}

}  // namespace

class TestSoundness : public QObject {
  Q_OBJECT

 private slots:
  void unsoundSpecIsShownWithInputs();
  void soundSpecHasNoViolation();
  void invalidRunShowsReasonInRed();
  void checksTheLastRunNotTheEditedSpec();
};

void TestSoundness::unsoundSpecIsShownWithInputs() {
  QTemporaryDir dir;
  MainWindow w(isolatedWindowOptions(dir));
  QSignalSpy loaded(w.networkDock(), &NetworkDock::loadFinished);
  w.startUp(unsoundSpec(dir), kSource + QStringLiteral("/resources/networks/mlp_784_50_50_10.onnx"));
  QVERIFY(loaded.wait(30000));
  SoundnessSession* s = w.soundness();
  QVERIFY(!s->action()->isEnabled());  // nothing to check before a run
  QSignalSpy ran(w.runSession(), &RunSession::runFinished);
  QVERIFY(w.runSession()->run());
  QVERIFY(ran.wait(120000));
  QVERIFY(s->action()->isEnabled());

  s->dock()->setSamples(20);
  QSignalSpy done(s, &SoundnessSession::finished);
  s->action()->trigger();
  QVERIFY(s->isRunning());
  QVERIFY(done.wait(120000));
  const SoundnessOutcome& o = s->lastOutcome();
  QCOMPARE(o.state, SoundnessOutcome::State::Done);
  QCOMPARE(o.summary.samples, int64_t{20});
  QVERIFY(!o.summary.violations.empty());
  QVERIFY2(s->dock()->statusText().contains(QStringLiteral("UNSOUND")), qPrintable(s->dock()->statusText()));
  QTableWidget* t = s->dock()->table();
  QCOMPARE(t->rowCount(), std::min<int>(static_cast<int>(o.summary.violations.size()), SoundnessDock::kMaxRows));
  // The run's verdict is withdrawn on the Run bar: never "verified" next to a spec shown unsound.
  QVERIFY2(s->verdictLabel()->text().contains(QStringLiteral("unsound spec, no verdict")),
           qPrintable(s->verdictLabel()->text()));
  QVERIFY(!s->verdictLabel()->text().contains(QStringLiteral("  verified")));

  // The selected (first) violation shows its input; re-run here, the neuron really has that value.
  const cert::SoundnessViolation& v = o.summary.violations.front();
  QVERIFY2(s->dock()->inputText().contains(QStringLiteral("neuron %1").arg(v.neuron)), qPrintable(s->dock()->inputText()));
  const auto net = w.runSession()->model()->network();
  QVERIFY(net);
  const Eigen::VectorXd& x = o.summary.inputs.at(static_cast<size_t>(v.input));
  if (static_cast<size_t>(v.layer) < net->layers.size()) {
    const double value = cert::forwardAll(*net, x)[static_cast<size_t>(v.layer)][v.neuron];
    QVERIFY(std::abs(value - v.value) <= 1e-9 * (1 + std::abs(value)));
    QVERIFY(value < v.lower - 1e-9 || value > v.upper + 1e-9);
  }
  // The Bounds dock marks the violating neurons of the layer it shows.
  const BoundsModel::Run* run = w.runSession()->model()->run();
  QVERIFY(run && !run->marks.empty());
  const int layer = run->marks.begin()->first;
  w.runSession()->dock()->setLayer(layer);
  QVERIFY2(w.runSession()->dock()->summaryText().contains(QStringLiteral("Soundness:")),
           qPrintable(w.runSession()->dock()->summaryText()));
  QVERIFY(run->marks.at(layer).size() > 0);

  // A new run clears the marks; a check can be cancelled.
  QVERIFY(w.runSession()->run());
  QVERIFY(ran.wait(120000));
  QVERIFY(w.runSession()->model()->run()->marks.empty());
  s->dock()->setSamples(100000);
  QVERIFY(s->check());
  s->cancel();
  QVERIFY(done.wait(120000));
  QCOMPARE(s->lastOutcome().state, SoundnessOutcome::State::Cancelled);
}

void TestSoundness::soundSpecHasNoViolation() {
  RunRequest r = request(QStringLiteral("mlp_784_50_50_10.onnx"), QStringLiteral("deepz.cf"));
  QVERIFY(r.network);
  std::atomic<bool> cancel{false};
  const SoundnessOutcome o = executeSoundness(r, 15, cancel);
  QCOMPARE(o.state, SoundnessOutcome::State::Done);
  QVERIFY(o.summary.violations.empty());
  QCOMPARE(o.summary.marginRows, int64_t{9});
  QVERIFY2(o.text().contains(QStringLiteral("no violation")), qPrintable(o.text()));
  QCOMPARE(o.summary.checkedConstraints, std::vector<std::string>{"curr In curr[z]"});
}

void TestSoundness::invalidRunShowsReasonInRed() {
  // A bundled network with one bias of +inf: the run is invalid, with the tensor named.
  RunRequest r = request(QStringLiteral("mlp_784_50_50_10.onnx"));
  QVERIFY(r.network);
  auto broken = std::make_shared<cert::Network>(*r.network);
  int layer = -1;
  for (cert::Layer& l : broken->layers)
    if (layer < 0 && l.op == cert::LayerOp::Affine) l.bias[3] = std::numeric_limits<double>::infinity(), layer = l.index;
  r.network = broken;
  RunController c;
  const RunOutcome o = finish(c, r);
  QCOMPARE(o.state, RunOutcome::State::Done);
  QVERIFY(!o.verified);
  QCOMPARE(o.verdict, cert::Verdict::Invalid);
  QVERIFY2(o.reason.contains(QStringLiteral("non-finite values in layer %1").arg(layer)), qPrintable(o.reason));
  QVERIFY2(o.summary().contains(QStringLiteral("invalid, no verdict")) && !o.summary().contains(QStringLiteral(" verified")),
           qPrintable(o.summary()));

  QTemporaryDir dir;
  MainWindow w(isolatedWindowOptions(dir));
  w.runSession()->model()->setOutcome(o);
  emit w.runSession()->runFinished(o);
  QLabel* label = w.soundness()->verdictLabel();
  QVERIFY2(label->text().contains(QStringLiteral("invalid run, no verdict")), qPrintable(label->text()));
  QVERIFY(label->styleSheet().contains(QStringLiteral("#c03030")));
  QVERIFY2(w.runSession()->dock()->summaryText().contains(QStringLiteral("Invalid run, no verdict")),
           qPrintable(w.runSession()->dock()->summaryText()));
  QVERIFY(!w.runSession()->dock()->summaryText().contains(QStringLiteral("<b>verified</b>")));
}

/// Check Soundness samples the spec of the LAST RUN (copied when it started), not the editor's
/// text now: run the unsound spec, replace the editor's text with the sound deeppoly.cf, check:
/// the sampled program is the one that ran (its text, and its violations).
void TestSoundness::checksTheLastRunNotTheEditedSpec() {
  QTemporaryDir dir;
  MainWindow w(isolatedWindowOptions(dir));
  QSignalSpy loaded(w.networkDock(), &NetworkDock::loadFinished);
  const QString specPath = unsoundSpec(dir);
  w.startUp(specPath, kSource + QStringLiteral("/resources/networks/mlp_784_50_50_10.onnx"));
  QVERIFY(loaded.wait(30000));
  SoundnessSession* s = w.soundness();
  QVERIFY(!s->check());  // no run yet: nothing to check
  QSignalSpy ran(w.runSession(), &RunSession::runFinished);
  QVERIFY(w.runSession()->run());
  QVERIFY(ran.wait(120000));
  const std::string ranText = readAll(specPath);
  SpecEditor* editor = w.editors()->currentEditor();
  QVERIFY(editor);
  QCOMPARE(editor->text().toStdString(), ranText);

  const std::string sound = readAll(kSource + QStringLiteral("/specs/deeppoly.cf"));
  QVERIFY(sound != ranText);
  editor->setText(QString::fromStdString(sound));
  QCOMPARE(editor->text().toStdString(), sound);

  s->dock()->setSamples(20);
  QSignalSpy done(s, &SoundnessSession::finished);
  QVERIFY(s->check());
  QVERIFY(done.wait(120000));
  const SoundnessOutcome& o = s->lastOutcome();
  QCOMPARE(o.state, SoundnessOutcome::State::Done);
  QCOMPARE(o.specText, ranText);
  QVERIFY(o.network == w.runSession()->model()->network());
  QVERIFY(!o.summary.violations.empty());  // the unsound ReLU lower bound, not the sound spec

  // Run again (now the sound text): the next check samples that one.
  QVERIFY(w.runSession()->run());
  QVERIFY(ran.wait(120000));
  QVERIFY(s->check());
  QVERIFY(done.wait(120000));
  QCOMPARE(s->lastOutcome().state, SoundnessOutcome::State::Done);
  QCOMPARE(s->lastOutcome().specText, sound);
  QVERIFY(s->lastOutcome().summary.violations.empty());
}

QTEST_MAIN(TestSoundness)
#include "tst_soundness.moc"
