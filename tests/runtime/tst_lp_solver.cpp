// runtime/lp_solver (GLPK behind a rounding-safe dual bound) against the optimum found by vertex
// enumeration in test code (tests/support/reference_lp): every bound is on the safe side of the
// true optimum and within 1e-7 of it; one solver re-used for many objectives gives the same;
// failures (infeasible rows, an unbounded direction) give -inf / +inf.
#include <QtTest>

#include <cmath>
#include <limits>

#include "runtime/lp_solver.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_lp.h"

using namespace cert;
using runtime::LpProblem;
using runtime::LpRow;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct RandomLp {
  LpProblem problem;
  Eigen::MatrixXd A;
  Eigen::VectorXd b, lower, upper;
};

double uniform(uint64_t& s, double lo, double hi) {
  return lo + (hi - lo) * static_cast<double>(test::splitmix64(s) >> 11) / 9007199254740992.0;
}

/// n variables in random boxes, m dense rows through a random point of the box (feasible).
RandomLp randomLp(int n, int m, uint64_t seed) {
  RandomLp r;
  uint64_t s = seed;
  r.lower.resize(n);
  r.upper.resize(n);
  Eigen::VectorXd point(n);
  for (int k = 0; k < n; ++k) {
    r.lower[k] = uniform(s, -2, 1);
    r.upper[k] = r.lower[k] + uniform(s, 0.1, 3);
    point[k] = uniform(s, r.lower[k], r.upper[k]);
  }
  r.A.resize(m, n);
  for (int i = 0; i < m; ++i)
    for (int k = 0; k < n; ++k) r.A(i, k) = uniform(s, -1, 1);
  r.b = r.A * point;
  r.problem.lower.assign(r.lower.data(), r.lower.data() + n);
  r.problem.upper.assign(r.upper.data(), r.upper.data() + n);
  for (int i = 0; i < m; ++i) {
    LpRow row;
    for (int k = 0; k < n; ++k) row.terms.push_back({k, r.A(i, k)});
    row.rhs = r.b[i];
    r.problem.rows.push_back(row);
  }
  return r;
}

std::vector<std::pair<int, double>> terms(const Eigen::VectorXd& c) {
  std::vector<std::pair<int, double>> out;
  for (Eigen::Index k = 0; k < c.size(); ++k) out.push_back({static_cast<int>(k), c[k]});
  return out;
}

}  // namespace

class TestLpSolver : public QObject {
  Q_OBJECT

 private slots:
  void boundsMatchVertexEnumeration() {
    int compared = 0;
    for (uint64_t seed = 1; seed <= 60; ++seed) {
      const int n = 2 + static_cast<int>(seed % 4);      // 2..5 variables
      const int m = static_cast<int>(seed % 3);          // 0..2 rows
      const RandomLp lp = randomLp(n, std::min(m, n - 1), seed);
      runtime::LpSolver solver(lp.problem);  // re-used for every objective (warm starts)
      uint64_t s = seed * 77;
      for (int obj = 0; obj < 4; ++obj) {
        Eigen::VectorXd c(n);
        for (int k = 0; k < n; ++k) c[k] = uniform(s, -2, 2);
        const double constant = uniform(s, -1, 1);
        for (bool maximize : {false, true}) {
          const auto ref = test::vertexOptimum(c, lp.A, lp.b, lp.lower, lp.upper, maximize);
          QVERIFY2(ref.has_value(), "the random LP is feasible by construction");
          const double exact = *ref + constant;
          const double got = solver.bound(terms(c), constant, maximize);
          const double fresh = runtime::lpBound(lp.problem, terms(c), constant, maximize);
          for (double v : {got, fresh}) {
            QVERIFY2(std::isfinite(v), qPrintable(QString("seed %1: no finite bound").arg(seed)));
            // safe side (the reference's own rounding is ~1e-15; 1e-12 leaves room for it)
            if (maximize) QVERIFY2(v >= exact - 1e-12, qPrintable(QString("seed %1: %2 < max %3").arg(seed).arg(v).arg(exact)));
            else QVERIFY2(v <= exact + 1e-12, qPrintable(QString("seed %1: %2 > min %3").arg(seed).arg(v).arg(exact)));
            QVERIFY2(std::abs(v - exact) <= 1e-7, qPrintable(QString("seed %1: %2 vs %3").arg(seed).arg(v).arg(exact)));
          }
          ++compared;
        }
      }
    }
    QCOMPARE(compared, 60 * 4 * 2);
  }

  void noRowsIsTheBox() {
    LpProblem p;
    p.lower = {-1, 2};
    p.upper = {3, 5};
    // min 2 x0 - x1 + 1 over the box = 2*(-1) - 5 + 1 = -6; max = 6 - 2 + 1 = 5
    QVERIFY(runtime::lpBound(p, {{0, 2.0}, {1, -1.0}}, 1.0, false) <= -6);
    QVERIFY(runtime::lpBound(p, {{0, 2.0}, {1, -1.0}}, 1.0, false) >= -6 - 1e-12);
    QVERIFY(runtime::lpBound(p, {{0, 2.0}, {1, -1.0}}, 1.0, true) >= 5);
    QVERIFY(runtime::lpBound(p, {{0, 2.0}, {1, -1.0}}, 1.0, true) <= 5 + 1e-12);
  }

  void equalityTightensTheBox() {
    // x0 - x1 == 0 with x0 in [0, 4], x1 in [1, 2]: min x0 = 1, max x0 = 2 (the box alone: 0, 4)
    LpProblem p;
    p.lower = {0, 1};
    p.upper = {4, 2};
    p.rows.push_back({{{0, 1.0}, {1, -1.0}}, 0.0});
    const double lo = runtime::lpBound(p, {{0, 1.0}}, 0, false), hi = runtime::lpBound(p, {{0, 1.0}}, 0, true);
    QVERIFY(lo <= 1 && lo >= 1 - 1e-12);
    QVERIFY(hi >= 2 && hi <= 2 + 1e-12);
  }

  void failuresAreInfinite() {
    LpProblem infeasible;  // x0 + x1 == 10 with both in [0, 1]
    infeasible.lower = {0, 0};
    infeasible.upper = {1, 1};
    infeasible.rows.push_back({{{0, 1.0}, {1, 1.0}}, 10.0});
    QCOMPARE(runtime::lpBound(infeasible, {{0, 1.0}}, 0, false), -kInf);
    QCOMPARE(runtime::lpBound(infeasible, {{0, 1.0}}, 0, true), kInf);
    LpProblem unbounded;  // x0 free, x1 in [0, 1], x0 - x1 == 0 is bounded; x0 alone is not
    unbounded.lower = {-kInf, 0};
    unbounded.upper = {kInf, 1};
    QCOMPARE(runtime::lpBound(unbounded, {{0, 1.0}}, 0, false), -kInf);
    QCOMPARE(runtime::lpBound(unbounded, {{0, -1.0}}, 0, true), kInf);
    unbounded.rows.push_back({{{0, 1.0}, {1, -1.0}}, 0.0});  // now x0 = x1 in [0, 1]
    const double lo = runtime::lpBound(unbounded, {{0, 1.0}}, 0, false);
    QVERIFY(lo <= 0 && lo >= -1e-12);
    LpProblem nan;  // a NaN coefficient: no solve
    nan.lower = {0};
    nan.upper = {1};
    QCOMPARE(runtime::lpBound(nan, {{0, std::nan("")}}, 0, false), -kInf);
  }
};

QTEST_APPLESS_MAIN(TestLpSolver)
#include "tst_lp_solver.moc"
