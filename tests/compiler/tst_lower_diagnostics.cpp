// Rules that `certc check` accepts but that cannot run get one positioned diagnostic from the
// lowering, at the construct that cannot run (never an IR-verifier message): a SymExp x PolyExp
// product that stays non-linear after inlining. The same product with a Float argument lowers.
// `certc check` reports each of these as a warning at the same position (runnabilityWarnings);
// a spec that compiles gets none.
#include <QtTest>

#include "compiler/frontend.h"
#include "compiler/ir/ir_verifier.h"
#include "compiler/lower/lower.h"
#include "compiler/lower/runnable.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

const char* const kShape =
    "def Shape as (Float l, Float u, PolyExp L, PolyExp U) {[curr[l] <= curr, curr[u] >= curr, "
    "curr[L] <= curr, curr[U] >= curr]};\n"
    "func prio(Neuron n) = n[layer];\n"
    "func scale(SymExp s, PolyExp p) = s * p;\n";

/// The diagnostics of lowering every rule of `rules` (one transformer t), as "LINE:COL: message".
QStringList lowerAll(const std::string& rules, bool* checked) {
  const FrontendResult fe =
      runFrontend(std::string(kShape) + "transformer t {\n" + rules + "}\nflow(forward, prio, true, t);\n");
  *checked = fe.ok();
  QStringList out;
  for (const auto& t : fe.program.transformers)
    for (const auto& r : t.rules) {
      const Result<ir::Program> p = lower::lowerRule(fe, t, r);
      for (const auto& d : p.diagnostics)
        out << QString("%1:%2: %3").arg(d.range.begin.line).arg(d.range.begin.col).arg(QString::fromStdString(d.message));
      if (p.ok()) {
        const auto problems = ir::verify(*p.value);
        for (const auto& m : problems) out << QString("verifier: %1").arg(QString::fromStdString(m));
      }
    }
  return out;
}

}  // namespace

class TestLowerDiagnostics : public QObject {
  Q_OBJECT

 private slots:
  void nonlinearProductIsPositioned_data() {
    QTest::addColumn<QString>("rule");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("col");
    // line 5 is the rule; the shape takes lines 1-3 and `transformer t {` line 4
    QTest::newRow("eps times prev") << "    Relu -> (0, 0, 0, ((1 + eps) / 2) * prev);\n" << 5 << 23;
    QTest::newRow("prev times eps") << "    Relu -> (0, 0, prev * eps, 0);\n" << 5 << 20;
    // through a SymExp parameter: the product in scale's body (line 3, column 35)
    QTest::newRow("via a function") << "    Relu -> (0, 0, scale(eps, prev), 0);\n" << 3 << 35;
  }

  void nonlinearProductIsPositioned() {
    QFETCH(QString, rule);
    QFETCH(int, line);
    QFETCH(int, col);
    bool checked = false;
    const QStringList d = lowerAll(rule.toStdString(), &checked);
    QVERIFY2(checked, "check must accept the product (it is typed PolyExp)");
    QCOMPARE(d.size(), 1);
    QVERIFY2(d.front().startsWith(QString("%1:%2: ").arg(line).arg(col)), qPrintable(d.front()));
    QVERIFY2(d.front().contains("not linear"), qPrintable(d.front()));
  }

  void floatArgumentIsLinear() {
    bool checked = false;
    const QStringList d = lowerAll("    Relu -> (0, 0, scale(0.5, prev), scale(prev[u], prev) + 1);\n", &checked);
    QVERIFY(checked);
    QVERIFY2(d.isEmpty(), qPrintable(d.join('\n')));
  }

  void checkWarnsWhereCompileRejects_data() {
    QTest::addColumn<QString>("rule");
    QTest::addColumn<QString>("expected");
    QTest::newRow("eps times prev") << "    Relu -> (0, 0, 0, ((1 + eps) / 2) * prev);\n" << "5:23 not linear";
    QTest::newRow("bias of prev") << "    Relu -> (prev[bias], 0, 0, 0);\n" << "5:14 only available on curr";
    QTest::newRow("lp") << "    Relu -> (lp(minimize, prev, prev <= 1), 0, 0, 0);\n" << "5:33 constraints of lp must be";
  }

  void checkWarnsWhereCompileRejects() {
    QFETCH(QString, rule);
    QFETCH(QString, expected);
    const FrontendResult fe = runFrontend(std::string(kShape) + "transformer t {\n" + rule.toStdString() +
                                          "}\nflow(forward, prio, true, t);\n");
    QVERIFY(fe.ok());
    const Diagnostics w = lower::runnabilityWarnings(fe);
    QCOMPARE(w.size(), size_t(1));
    QCOMPARE(w.front().severity, Severity::Warning);
    const QString got = QString("%1:%2 %3").arg(w.front().range.begin.line).arg(w.front().range.begin.col).arg(QString::fromStdString(w.front().message));
    const QString at = expected.section(' ', 0, 0), what = expected.section(' ', 1);
    QVERIFY2(got.startsWith(at + " cannot run (t."), qPrintable(got));
    QVERIFY2(got.contains(what), qPrintable(got));
  }

  /// lp, map_list and curr[equations] where they cannot run: one warning each from `check`, at the
  /// construct, saying which form runs.
  void lpFormsThatCannotRun() {
    const std::string spec =
        "def Shape as (Float l, Float u, Ct c){[curr[l] <= curr, curr[u] >= curr, curr[c]]};\n"
        "func prio(Neuron n) = n[layer];\n"
        "func eqc(Neuron n, PolyExp e) = n == e;\n"
        "func le1(Neuron n) = n <= 1;\n"
        "func same(PolyExp e, PolyExp f) = e == f;\n"
        "transformer t {\n"
        "    Affine -> (lp(minimize, curr, curr[equations].map_list(eqc curr)), 0, true);\n"
        "    Relu -> (lp(minimize, prev, prev <= 1), 0, true);\n"
        "    Maxpool -> (lp(maximize, curr, prev.map_list(le1)), 0, true);\n"
        "    Avgpool -> (len(prev.map_list(prio)), 0, true);\n"
        "}\n"
        "transformer r {\n"
        "    rev_Affine -> (lp(minimize, curr, curr[equations].map_list(same prev)), 0, true);\n"
        "    rev_Relu -> (curr[l], curr[bias], true);\n"
        "}\n"
        "flow(forward, prio, true, t);\n"
        "flow(backward, prio, true, r);\n";
    const FrontendResult fe = runFrontend(spec);
    QVERIFY2(fe.ok(), fe.diagnostics.empty() ? "?" : fe.diagnostics.front().message.c_str());
    const Diagnostics w = lower::runnabilityWarnings(fe);
    QStringList got;
    for (const auto& d : w)
      got << QString("%1:%2 %3").arg(d.range.begin.line).arg(d.range.begin.col).arg(QString::fromStdString(d.message));
    const QStringList expected = {
        "7:35 cannot run (t.Affine): curr[equations] is only provided in rev_Affine rules",
        "8:33 cannot run (t.Relu): the constraints of lp must be prev.map_list(f)",
        "9:50 cannot run (t.Maxpool): over prev, lp's map_list must read a Ct member",
        "10:21 cannot run (t.Avgpool): map_list runs only as the constraints of lp",
        "13:64 cannot run (r.rev_Affine): over curr[equations], lp's map_list must build curr == e",
        "14:27 cannot run (r.rev_Relu): 'bias' is not defined in rev_Relu rules",
    };
    QCOMPARE(got.size(), expected.size());
    for (int k = 0; k < got.size(); ++k) QVERIFY2(got[k].startsWith(expected[k]), qPrintable(got[k]));
  }

  void shippedAndConstructSpecsRun() {
    for (const char* s : {"specs/ibp.cf", "specs/deeppoly.cf", "specs/crown.cf", "specs/deepz.cf",
                          "specs/deeppoly_deepz.cf", "specs/deeppoly_k.cf",
                          "tests/golden/ir/constructs/ct_member.cf", "tests/golden/ir/constructs/list_literal.cf",
                          "tests/golden/ir/constructs/symexp_param.cf", "tests/golden/ir/constructs/backward_flow.cf",
                          "tests/golden/ir/constructs/map_float.cf", "tests/golden/ir/constructs/lp_refine.cf",
                          "tests/golden/ir/constructs/lp_backward.cf"}) {
      const FrontendResult fe = runFrontend(test::readTextFile(test::sourcePath(s)));
      QVERIFY2(fe.ok(), s);
      const Diagnostics w = lower::runnabilityWarnings(fe);
      QVERIFY2(w.empty(), (std::string(s) + ": " + (w.empty() ? "" : w.front().message)).c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestLowerDiagnostics)
#include "tst_lower_diagnostics.moc"
