// Goals over max/min chains are proved branch by branch: the split itself (max(a, b) <= x into
// a <= x and b <= x; min for upper bounds; nothing else split), and ERAN-style DeepPoly (a max of
// 14 back-substitutions) proved, while one wrong branch among the 14 is refuted.
#include <QtTest>

#include <regex>
#include <string>

#include "compiler/frontend.h"
#include "compiler/prove/goal_split.h"
#include "compiler/prove/prove.h"
#include "tests/support/test_paths.h"

using cert::prove::RuleVerdict;
using cert::prove::Verdict;

namespace {

RuleVerdict proveAffine(const std::string& spec) {
  const cert::FrontendResult fe = cert::runFrontend(spec);
  cert::prove::ProveOptions options;
  options.op = "Affine";
  options.timeoutSeconds = 20;
  const auto rules = cert::prove::proveSpec(fe, options).rules;
  if (rules.size() != 1) qFatal("expected one Affine rule, got %zu", rules.size());
  return rules.front();
}

}  // namespace

class TestGoalSplit : public QObject {
  Q_OBJECT

 private slots:
  void maxAndMinChainsSplit() {
    z3::context c;
    const z3::expr a = c.real_const("a"), b = c.real_const("b"), d = c.real_const("d"), x = c.real_const("x");
    const z3::expr max3 = z3::ite(a >= z3::ite(b >= d, b, d), a, z3::ite(b >= d, b, d));
    QCOMPARE(cert::prove::splitGoal(max3 <= x).size(), size_t{3});
    QCOMPARE(cert::prove::splitGoal(x >= max3).size(), size_t{3});
    const z3::expr min2 = z3::ite(a <= b, a, b);
    QCOMPARE(cert::prove::splitGoal(min2 >= x).size(), size_t{2});
    QCOMPARE(cert::prove::splitGoal(x <= min2 && max3 <= x).size(), size_t{5});
    // Not a max: the condition does not compare the two branches; and max on the wrong side.
    QCOMPARE(cert::prove::splitGoal(z3::ite(d >= x, a, b) <= x).size(), size_t{1});
    QCOMPARE(cert::prove::splitGoal(x <= z3::ite(a >= b, a, b)).size(), size_t{1});
    // Each split equals the goal: (conjunction of parts) <-> goal is valid.
    for (const z3::expr& goal : {max3 <= x, min2 >= x, x <= min2 && max3 <= x}) {
      z3::expr all = c.bool_val(true);
      for (const z3::expr& g : cert::prove::splitGoal(goal)) all = all && g;
      z3::solver s(c);
      s.add(!(all == goal));
      QCOMPARE(s.check(), z3::unsat);
    }
  }

  void eranDeepPolyIsProvedAndOneWrongDepthRefuted() {
    const std::string shipped = cert::test::readTextFile(cert::test::sourcePath("specs/deeppoly_eran.cf"));
    QCOMPARE(proveAffine(shipped).verdict, Verdict::Proved);
    // Depth 7's lower bound raised by 0.5: the max of the others cannot hide it.
    const std::string wrong = std::regex_replace(shipped, std::regex(R"(max\(depth_lower\(e, n, 7\),)"),
                                                 "max(depth_lower(e, n, 7) + 0.5,");
    QVERIFY(wrong != shipped);
    const RuleVerdict r = proveAffine(wrong);
    QCOMPARE(r.verdict, Verdict::Unsound);
    QVERIFY2(r.reason.find("curr[l] <= curr") != std::string::npos, r.reason.c_str());
  }
};

QTEST_APPLESS_MAIN(TestGoalSplit)
#include "tst_goal_split.moc"
