// The Prove action: verdicts arrive in the background as diagnostics at the rule (error with the
// counterexample for an unsound rule, note for a proved one), survive the live re-check of the
// same text, and an edit cancels a running proof.
#include <QtTest>

#include <QAction>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_checker.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/prove/prove_session.h"
#include "tests/app/window_fixtures.h"

using cert::studio::MainWindow;
using cert::studio::ProveSession;
using cert::studio::SpecEditor;

namespace {

// Line 4: Relu's upper bound is halved (unsound); line 5: Abs is IBP's (sound).
const QByteArray kSpec =
    "def Shape as (Float l, Float u){[(curr[l]<=curr),(curr[u]>=curr)]};\n"
    "func priority(Neuron n) = n[layer];\n"
    "transformer bad {\n"
    "    Relu -> ((prev[l] >= 0) ? prev[l] : 0, prev[u] / 2);\n"
    "    Abs -> (prev[l] >= 0) ? (prev[l], prev[u]) : ((prev[u] <= 0) ? (-prev[u], -prev[l]) : (0, max(-prev[l], prev[u])));\n"
    "}\n"
    "flow(forward, priority, false, bad);\n";

const cert::Diagnostic* verdictOn(const SpecEditor& e, int line, cert::Severity severity) {
  for (const auto& d : e.diagnostics())
    if (d.range.begin.line == line && d.severity == severity && d.message.rfind("prove: ", 0) == 0) return &d;
  return nullptr;
}

}  // namespace

class TestProveAction : public QObject {
  Q_OBJECT

 private slots:
  void init();
  void refutedRuleShowsCounterexample();
  void editCancelsProof();

 private:
  std::unique_ptr<QTemporaryDir> dir_;
  QString spec_;
};

void TestProveAction::init() {
  dir_ = std::make_unique<QTemporaryDir>();
  spec_ = dir_->filePath(QStringLiteral("bad.cf"));
  QFile f(spec_);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write(kSpec);
}

void TestProveAction::refutedRuleShowsCounterexample() {
  MainWindow w(cert::studio::test::isolatedWindowOptions(*dir_));
  w.startUp(spec_, dir_->filePath(QStringLiteral("none.onnx")));
  auto* prove = w.findChild<ProveSession*>();
  QVERIFY(prove);
  QVERIFY(prove->action()->isEnabled());
  QSignalSpy done(prove, &ProveSession::finished);
  prove->action()->trigger();
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
  QCOMPARE(done.first().at(1).toInt(), 1);  // proved: Abs
  QCOMPARE(done.first().at(2).toInt(), 1);  // unsound: Relu
  SpecEditor* e = w.editors()->currentEditor();
  QVERIFY(e);
  const cert::Diagnostic* bad = verdictOn(*e, 4, cert::Severity::Error);
  QVERIFY(bad);
  QVERIFY2(bad->message.find("bad Relu: unsound: curr[u] >= curr fails at") != std::string::npos, bad->message.c_str());
  QVERIFY2(bad->message.find("prev[u] = ") != std::string::npos, bad->message.c_str());
  QVERIFY(verdictOn(*e, 5, cert::Severity::Note));
  // The hover text at the rule shows it too.
  QVERIFY(e->diagnosticMessageAt(e->positionOf(bad->range.begin)).contains(QStringLiteral("unsound")));
  // A live re-check of the same text keeps the verdicts. (Under load the editor's own debounced
  // check may also land while this one runs: at least one check, each keeping the verdicts.)
  QSignalSpy checked(w.checker(), &cert::studio::SpecChecker::checked);
  w.checker()->checkNow(e);
  QTRY_VERIFY_WITH_TIMEOUT(checked.count() >= 1, 20000);
  QVERIFY(verdictOn(*e, 4, cert::Severity::Error));
}

void TestProveAction::editCancelsProof() {
  MainWindow w(cert::studio::test::isolatedWindowOptions(*dir_));
  w.startUp(spec_, dir_->filePath(QStringLiteral("none.onnx")));
  auto* prove = w.findChild<ProveSession*>();
  QVERIFY(prove);
  QSignalSpy done(prove, &ProveSession::finished);
  QVERIFY(prove->prove());
  SpecEditor* e = w.editors()->currentEditor();
  e->insertAt(QStringLiteral("// edited\n"), 0, 0);
  QVERIFY(!prove->isRunning());
  QTest::qWait(3000);
  QCOMPARE(done.count(), 0);
  QVERIFY(!verdictOn(*e, 5, cert::Severity::Error));
  // Proving the new text works.
  QVERIFY(prove->prove());
  QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
  QVERIFY(verdictOn(*e, 5, cert::Severity::Error));  // the Relu rule moved one line down
}

QTEST_MAIN(TestProveAction)
#include "tst_prove_action.moc"
