// The sigma_tangent builtin: its result is a sound tangent point (checked here on a grid, with an
// independent bisection for the exact point), and the prover proves a rule that uses it as CROWN
// does and never proves one that uses it on the wrong side.
#include <QtTest>

#include <cmath>
#include <string>

#include "compiler/frontend.h"
#include "compiler/ir/scalar_ops.h"
#include "compiler/prove/prove.h"
#include "tests/support/test_paths.h"

using cert::prove::RuleVerdict;
using cert::prove::Verdict;

namespace {

double sig(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double dsig(double x) { return sig(x) * (1.0 - sig(x)); }

/// The exact tangent point through (x, sigma(x)), x > 0, by 300 halvings of [-50, 0] (test code).
double exactPoint(double x) {
  double lo = -50, hi = 0;
  for (int i = 0; i < 300; ++i) {
    const double m = 0.5 * (lo + hi);
    (sig(m) + dsig(m) * (x - m) > sig(x) ? hi : lo) = m;
  }
  return lo;
}

const std::string kSpec =
    "def Shape as (Float l, Float u, PolyExp L, PolyExp U)"
    "{[(curr[l]<=curr),(curr[u]>=curr),(curr[L]<=curr),(curr[U]>=curr)]};\n"
    "func priority(Neuron n) = n[layer];\n"
    "func dsigma(Float x) = sigma(x) * (1 - sigma(x));\n"
    "func tl(Neuron n) = sigma_tangent(n[u]);\n"
    "func tu(Neuron n) = -sigma_tangent(-n[l]);\n"
    "transformer t { Sigmoid -> (sigma(prev[l]), sigma(prev[u]), LOWER, UPPER); }\n"
    "flow(forward, priority, false, t);\n";

std::vector<RuleVerdict> proveText(const std::string& spec, const std::string& op) {
  const cert::FrontendResult fe = cert::runFrontend(spec);
  for (const auto& d : fe.diagnostics)
    if (d.severity == cert::Severity::Error) qWarning("%s", d.message.c_str());
  cert::prove::ProveOptions options;
  options.op = op;
  options.timeoutSeconds = 15;
  return cert::prove::proveSpec(fe, options).rules;
}

std::vector<RuleVerdict> proveWith(const std::string& lower, const std::string& upper) {
  std::string spec = kSpec;
  spec.replace(spec.find("LOWER"), 5, lower);
  spec.replace(spec.find("UPPER"), 5, upper);
  return proveText(spec, "Sigmoid");
}

}  // namespace

class TestProveTangent : public QObject {
  Q_OBJECT

 private slots:
  void builtinIsASoundTangentPoint();
  void crownTangentsAreProved();
  void wrongSideIsNeverProved();
  void crownSCurvesAreProved_data();
  void crownSCurvesAreProved();
  void crownSCurveBugsAreNeverProved_data();
  void crownSCurveBugsAreNeverProved();
};

void TestProveTangent::builtinIsASoundTangentPoint() {
  for (double x : {1e-6, 0.01, 0.3, 1.0, 2.5, 7.0, 30.0, 200.0}) {
    const double d = *cert::ir::applyUnary("sigma_tangent", x);
    const double exact = exactPoint(x);
    QVERIFY2(d <= 0 && d <= exact + 1e-12, std::to_string(x).c_str());
    // Close to the exact point where the tangent's value at x says so (within 1e-12 of sigma(x)).
    QVERIFY2(std::abs(sig(d) + dsig(d) * (x - d) - sig(x)) <= 1e-12, std::to_string(x).c_str());
    // Below sigma on a grid of (-inf, x].
    for (int i = 0; i <= 2000; ++i) {
      const double z = -40.0 + (x + 40.0) * i / 2000.0;
      QVERIFY2(sig(d) + dsig(d) * (z - d) <= sig(z) + 1e-15, (std::to_string(x) + " at " + std::to_string(z)).c_str());
    }
  }
  QCOMPARE(*cert::ir::applyUnary("sigma_tangent", -2.0), -2.0);
  QVERIFY(std::isnan(*cert::ir::applyUnary("sigma_tangent", std::nan(""))));
}

void TestProveTangent::crownTangentsAreProved() {
  const auto rules = proveWith(
      "(prev[l] < 0 and prev[u] > 0) ? sigma(tl(prev)) + dsigma(tl(prev)) * (prev - tl(prev)) : sigma(prev[l])",
      "(prev[l] < 0 and prev[u] > 0) ? sigma(tu(prev)) + dsigma(tu(prev)) * (prev - tu(prev)) : sigma(prev[u])");
  QCOMPARE(rules.size(), std::size_t(1));
  QVERIFY2(rules.front().verdict == Verdict::Proved, cert::prove::describe(rules.front()).c_str());
}

void TestProveTangent::wrongSideIsNeverProved() {
  // The upper tangent point used for the lower bound (and the other way round): not bounds.
  const auto rules = proveWith(
      "(prev[l] < 0 and prev[u] > 0) ? sigma(tu(prev)) + dsigma(tu(prev)) * (prev - tu(prev)) : sigma(prev[l])",
      "(prev[l] < 0 and prev[u] > 0) ? sigma(tl(prev)) + dsigma(tl(prev)) * (prev - tl(prev)) : sigma(prev[u])");
  QCOMPARE(rules.size(), std::size_t(1));
  QVERIFY2(rules.front().verdict != Verdict::Proved, cert::prove::describe(rules.front()).c_str());
}

void TestProveTangent::crownSCurvesAreProved_data() {
  QTest::addColumn<QString>("op");
  QTest::newRow("Sigmoid") << "Sigmoid";
  QTest::newRow("Tanh") << "Tanh";
}

void TestProveTangent::crownSCurvesAreProved() {
  QFETCH(QString, op);
  std::string error;
  const auto text = cert::readSpecFile(cert::test::sourcePath("specs/crown.cf"), &error);
  QVERIFY2(text, error.c_str());
  const auto rules = proveText(*text, op.toStdString());
  QCOMPARE(rules.size(), std::size_t(1));
  QVERIFY2(rules.front().verdict == Verdict::Proved, cert::prove::describe(rules.front()).c_str());
}

void TestProveTangent::crownSCurveBugsAreNeverProved_data() {
  QTest::addColumn<QString>("from");
  QTest::addColumn<QString>("to");
  // The midpoint tangent as L when m is right of dL (not a bound there); the chord as L when it
  // leaves (l, g(l)) steeper than g (it crosses g).
  QTest::newRow("midpoint side") << "((t >= mid(n)) ? gm" << "((t <= mid(n)) ? gm";
  QTest::newRow("chord side") << "((chord_slope(n, gl, gu) < dl)" << "((chord_slope(n, gl, gu) > dl)";
}

void TestProveTangent::crownSCurveBugsAreNeverProved() {
  QFETCH(QString, from);
  QFETCH(QString, to);
  std::string error;
  auto text = cert::readSpecFile(cert::test::sourcePath("specs/crown.cf"), &error);
  QVERIFY2(text, error.c_str());
  const size_t at = text->find(from.toStdString());
  QVERIFY(at != std::string::npos);
  text->replace(at, static_cast<size_t>(from.size()), to.toStdString());
  const auto rules = proveText(*text, "Sigmoid");
  QCOMPARE(rules.size(), std::size_t(1));
  QVERIFY2(rules.front().verdict != Verdict::Proved, cert::prove::describe(rules.front()).c_str());
}

QTEST_GUILESS_MAIN(TestProveTangent)
#include "tst_prove_tangent.moc"
