// The sigma_tangent builtin: its result is a sound tangent point (checked here on a grid, with an
// independent bisection for the exact point), and the prover proves a rule that uses it as CROWN
// does and never proves one that uses it on the wrong side. The table builtins
// (sigma_tangent_table, tanh_tangent_table): auto_LiRPA's tangent points (against the test
// reference, tests/support/reference_tangent.h), and the facts the prover assumes of them hold.
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "compiler/frontend.h"
#include "compiler/ir/scalar_ops.h"
#include "compiler/prove/prove.h"
#include "tests/support/reference_tangent.h"
#include "tests/support/test_paths.h"

using cert::prove::RuleVerdict;
using cert::prove::Verdict;

namespace {

double sig(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double dsig(double x) { return sig(x) * (1.0 - sig(x)); }
double tanhStd(double x) { return std::tanh(x); }
double dtanhStd(double x) { return 1.0 - std::tanh(x) * std::tanh(x); }

/// sigma and its tangent at p, in long double (the prover's facts are about real numbers).
long double sigL(long double x) { return 1.0L / (1.0L + std::exp(-x)); }
long double tangentL(long double p, long double z) {
  const long double s = sigL(p);
  return s + s * (1.0L - s) * (z - p);
}

/// End points for the table builtins: random ones, grid points 0.01 k and the doubles next to
/// them, points at or below 0, and points beyond the table (above 500.04).
std::vector<double> tableArguments() {
  std::vector<double> xs = {-7.0, -0.3, -1e-9, 0.0, 1e-12, 0.004, 0.01, 0.015, 0.02, 1.0, 2.0, 499.99,
                            500.03, 500.04, 500.05, 600.0, 1e4, -std::numeric_limits<double>::infinity()};
  std::mt19937_64 rng(15);
  std::uniform_real_distribution<double> small(-2.0, 12.0), large(0.0, 520.0);
  for (int i = 0; i < 400; ++i) xs.push_back(small(rng));
  for (int i = 0; i < 100; ++i) xs.push_back(large(rng));
  for (int k = 1; k <= 1200; k += 7) {
    const double g = 0.01 * k;
    xs.push_back(g);
    xs.push_back(std::nextafter(g, 0.0));
    xs.push_back(std::nextafter(g, 1.0e9));
  }
  return xs;
}

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
  void tableBuiltinsAreAutoLirpaTables_data();
  void tableBuiltinsAreAutoLirpaTables();
  void tableBuiltinsSatisfyTheProversFacts_data();
  void tableBuiltinsSatisfyTheProversFacts();
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

void TestProveTangent::tableBuiltinsAreAutoLirpaTables_data() {
  QTest::addColumn<QString>("builtin");
  QTest::newRow("sigma_tangent_table") << "sigma_tangent_table";
  QTest::newRow("tanh_tangent_table") << "tanh_tangent_table";
}

void TestProveTangent::tableBuiltinsAreAutoLirpaTables() {
  QFETCH(QString, builtin);
  const bool sigmoid = builtin == "sigma_tangent_table";
  double (*g)(double) = sigmoid ? sig : tanhStd;
  double (*dg)(double) = sigmoid ? dsig : dtanhStd;
  for (const double x : tableArguments()) {
    const double d = *cert::ir::applyUnary(builtin.toStdString(), x);
    // The reference: the tangent through auto_LiRPA's grid point above x (test code). The builtin
    // is moved to the safe side by at most about 2e-10 (docs/LANGUAGE.md, "Tangent tables").
    const double want = cert::test::tableLowerTangent(x, g, dg);
    const std::string where = builtin.toStdString() + "(" + std::to_string(x) + ") = " + std::to_string(d) +
                              ", reference " + std::to_string(want);
    QVERIFY2(std::abs(d - want) <= 1e-9, where.c_str());
    // The tangent lines agree closely on [-10, 10].
    for (const double z : {-10.0, -1.0, 0.0, 1.0, 10.0})
      QVERIFY2(std::abs(g(d) + dg(d) * (z - d) - (g(want) + dg(want) * (z - want))) <= 1e-11, where.c_str());
  }
  // tanh has its own grid, not sigma's at 2x: at u = 0.012 tanh's grid point is 0.02, sigma's for
  // 2u = 0.024 is 0.03, that is 0.015 in tanh's argument.
  QVERIFY(std::abs(*cert::ir::applyUnary("tanh_tangent_table", 0.012) -
                   *cert::ir::applyUnary("sigma_tangent_table", 0.024) / 2) > 1e-3);
  QVERIFY(std::isnan(*cert::ir::applyUnary(builtin.toStdString(), std::nan(""))));
  const double inf = *cert::ir::applyUnary(builtin.toStdString(), std::numeric_limits<double>::infinity());
  QVERIFY(inf <= 0 && std::isfinite(inf));
}

void TestProveTangent::tableBuiltinsSatisfyTheProversFacts_data() {
  tableBuiltinsAreAutoLirpaTables_data();
}

void TestProveTangent::tableBuiltinsSatisfyTheProversFacts() {
  // compiler/prove/tangent_axioms.h, in sigma's terms: (D, Y) = (d, x) for sigma_tangent_table(x),
  // (2d, 2x) for d = tanh_tangent_table(x). D <= 0; z <= Y: t_D(z) <= sigma(z); z >= -Y:
  // t_{-D}(z) >= sigma(z); p <= D, z <= Y: t_p(z) <= sigma(z) (and the mirror). Checked in long
  // double at many z, with 1e-17 for its rounding (the builtin keeps 1e-15 at the grid point).
  QFETCH(QString, builtin);
  const long double scale = builtin == "sigma_tangent_table" ? 1.0L : 2.0L;
  constexpr long double kTol = 1e-17L;
  for (const double x : tableArguments()) {
    if (!std::isfinite(x)) continue;
    const long double D = scale * *cert::ir::applyUnary(builtin.toStdString(), x), Y = scale * x;
    const std::string where = builtin.toStdString() + "(" + std::to_string(x) + ")";
    QVERIFY2(D <= 0, where.c_str());
    std::vector<long double> zs = {Y, D, std::nextafter(Y, -1e300L), Y - 1e-9L};
    for (int i = 0; i <= 600; ++i) zs.push_back(Y - 60.0L * i / 600.0L);
    for (int i = 0; i <= 200; ++i) zs.push_back(Y - 1e-6L * i);
    for (const long double z : zs) {
      QVERIFY2(tangentL(D, z) <= sigL(z) + kTol, (where + " below at " + std::to_string(static_cast<double>(z))).c_str());
      QVERIFY2(tangentL(-D, -z) >= sigL(-z) - kTol, (where + " above at " + std::to_string(static_cast<double>(-z))).c_str());
      for (const long double p : {D - 0.01L, D - 1.0L, D - 7.0L})
        QVERIFY2(tangentL(p, z) <= sigL(z) + kTol, (where + " left of d at " + std::to_string(static_cast<double>(z))).c_str());
    }
  }
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
  // The upper tangent point from the table at u (a lower tangent's end point) instead of at -l.
  QTest::newRow("table side") << "-sigma_tangent_table(-n[l])" << "-sigma_tangent_table(n[u])";
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
