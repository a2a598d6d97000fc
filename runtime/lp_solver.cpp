// GLPK behind LpSolver: primal simplex from the previous basis, then a rounding-safe dual bound.
#include "runtime/lp_solver.h"

#include <glpk.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <mutex>

namespace cert::runtime {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// GLPK's environment is not shared safely between threads in every build: one solve at a time.
std::mutex& glpkMutex() {
  static std::mutex m;
  return m;
}

bool finite(double v) { return std::isfinite(v); }

/// gamma(n) = n u / (1 - n u), u = 2^-53: the relative error bound of n rounded operations.
double gamma(double n) {
  const double u = DBL_EPSILON / 2;
  return n * u / (1 - n * u);
}

/// The exact sum of `parts` as Shewchuk's non-overlapping expansion (Grow-Expansion with TwoSum):
/// its sign exactly, and a double interval [value - err, value + err] that holds it.
struct ExactSum {
  int sign = 0;
  double value = 0, err = 0;
};

ExactSum exactSum(const std::vector<double>& parts) {
  std::vector<double> e;  // components, increasing magnitude, sum exactly the parts' sum
  for (double x : parts) {
    double q = x;
    std::vector<double> h;
    h.reserve(e.size() + 1);
    for (double ei : e) {
      const double sum = q + ei;  // TwoSum: sum + low == q + ei exactly
      const double bv = sum - q;
      const double low = (q - (sum - bv)) + (ei - bv);
      if (low != 0) h.push_back(low);
      q = sum;
    }
    if (q != 0) h.push_back(q);
    e = std::move(h);
  }
  ExactSum r;
  if (e.empty()) return r;
  r.sign = e.back() > 0 ? 1 : -1;  // non-overlapping: the largest component decides the sign
  double abs = 0;
  for (double c : e) {
    r.value += c;
    abs += std::abs(c);
  }
  r.err = 2 * gamma(static_cast<double>(e.size()) + 1) * abs;
  return r;
}

}  // namespace

struct LpSolver::Impl {
  glp_prob* lp = nullptr;
  LpProblem problem;
  bool valid = true;  ///< every coefficient and right-hand side is finite
  std::vector<std::vector<std::pair<int, double>>> columns;  ///< per variable: (row, coefficient)
  std::vector<int> lastObjective;  ///< variables with a non-zero objective coefficient in GLPK
};

LpSolver::LpSolver(const LpProblem& problem) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.problem = problem;
  const int n = static_cast<int>(problem.lower.size());
  s.columns.assign(static_cast<size_t>(n), {});
  for (size_t r = 0; r < problem.rows.size(); ++r) {
    if (!finite(problem.rows[r].rhs)) s.valid = false;
    for (const auto& [k, a] : problem.rows[r].terms) {
      if (k < 0 || k >= n || !finite(a)) s.valid = false;
      else s.columns[static_cast<size_t>(k)].push_back({static_cast<int>(r), a});
    }
  }
  if (!s.valid) return;
  std::lock_guard<std::mutex> lock(glpkMutex());
  s.lp = glp_create_prob();
  glp_set_obj_dir(s.lp, GLP_MIN);
  if (!problem.rows.empty()) glp_add_rows(s.lp, static_cast<int>(problem.rows.size()));
  if (n > 0) glp_add_cols(s.lp, n);
  for (int k = 0; k < n; ++k) {
    const double lo = problem.lower[static_cast<size_t>(k)], hi = problem.upper[static_cast<size_t>(k)];
    const bool hasLo = finite(lo), hasHi = finite(hi);
    const int type = hasLo && hasHi ? (lo == hi ? GLP_FX : GLP_DB) : hasLo ? GLP_LO : hasHi ? GLP_UP : GLP_FR;
    glp_set_col_bnds(s.lp, k + 1, type, hasLo ? lo : 0.0, hasHi ? hi : 0.0);
  }
  std::vector<int> ind;
  std::vector<double> val;
  for (size_t r = 0; r < problem.rows.size(); ++r) {
    const LpRow& row = problem.rows[r];
    glp_set_row_bnds(s.lp, static_cast<int>(r) + 1, GLP_FX, row.rhs, row.rhs);
    ind.assign(1, 0);
    val.assign(1, 0.0);
    for (const auto& [k, a] : row.terms) {
      ind.push_back(k + 1);
      val.push_back(a);
    }
    glp_set_mat_row(s.lp, static_cast<int>(r) + 1, static_cast<int>(row.terms.size()), ind.data(), val.data());
  }
}

LpSolver::~LpSolver() {
  if (!impl_ || !impl_->lp) return;
  std::lock_guard<std::mutex> lock(glpkMutex());
  glp_delete_prob(impl_->lp);
}

double LpSolver::bound(const std::vector<std::pair<int, double>>& objective, double constant, bool maximize) {
  Impl& s = *impl_;
  const double failed = maximize ? kInf : -kInf;
  const int n = static_cast<int>(s.problem.lower.size());
  if (!s.valid || !finite(constant)) return failed;
  // minimize g = sign * f; the bound on f is sign * (lower bound on g).
  const double sign = maximize ? -1.0 : 1.0;
  std::vector<double> c(static_cast<size_t>(n), 0.0);
  for (const auto& [k, a] : objective) {
    if (k < 0 || k >= n || !finite(a)) return failed;
    c[static_cast<size_t>(k)] += sign * a;
  }
  std::vector<double> y(s.problem.rows.size(), 0.0);
  {
    std::lock_guard<std::mutex> lock(glpkMutex());
    for (int k : s.lastObjective) glp_set_obj_coef(s.lp, k + 1, 0.0);
    s.lastObjective.clear();
    for (int k = 0; k < n; ++k)
      if (c[static_cast<size_t>(k)] != 0) {
        glp_set_obj_coef(s.lp, k + 1, c[static_cast<size_t>(k)]);
        s.lastObjective.push_back(k);
      }
    if (!s.problem.rows.empty()) {  // without rows y is empty: the bound is the box's
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;  // keep the basis between objectives; duals of every row
    int rc = glp_simplex(s.lp, &parm);
    if (rc != 0) {  // e.g. a singular basis left by the previous solve: restart from a fresh one
      glp_std_basis(s.lp);
      rc = glp_simplex(s.lp, &parm);
    }
    if (rc != 0 || glp_get_status(s.lp) != GLP_OPT) return failed;
    for (size_t r = 0; r < y.size(); ++r) y[r] = glp_get_row_dual(s.lp, static_cast<int>(r) + 1);
    }
  }
  // For feasible x: g(x) = sign*constant + y.b + sum_k d_k x_k with d = c - A^T y (exactly, for
  // any y). Each part is computed in double with its error bounded below.
  std::vector<double> parts;
  parts.push_back(sign * constant);
  for (size_t r = 0; r < y.size(); ++r) {
    if (!finite(y[r])) return failed;
    parts.push_back(y[r] * s.problem.rows[r].rhs);
  }
  for (int k = 0; k < n; ++k) {
    const auto& col = s.columns[static_cast<size_t>(k)];
    double d = c[static_cast<size_t>(k)];
    double mag = std::abs(d);
    for (const auto& [r, a] : col) {
      d -= a * y[static_cast<size_t>(r)];
      mag += std::abs(a * y[static_cast<size_t>(r)]);
    }
    const double err = 2 * gamma(static_cast<double>(col.size()) * 2 + 2) * mag;
    const double lo = s.problem.lower[static_cast<size_t>(k)], hi = s.problem.upper[static_cast<size_t>(k)];
    const bool hasLo = finite(lo), hasHi = finite(hi);
    if (!hasLo || !hasHi) {
      // An infinite end: d's sign must be known exactly. d = c_k - sum a y as an exact sum of the
      // rounded products' high and low parts (a * y == hi + lo exactly, by fma).
      std::vector<double> exact{c[static_cast<size_t>(k)]};
      for (const auto& [r, a] : col) {
        const double p = a * y[static_cast<size_t>(r)];
        exact.push_back(-p);
        exact.push_back(-std::fma(a, y[static_cast<size_t>(r)], -p));
      }
      const ExactSum ds = exactSum(exact);
      if (ds.sign == 0) continue;  // d == 0 exactly: the variable does not count
      if ((!hasLo && ds.sign > 0) || (!hasHi && ds.sign < 0) || (!hasLo && !hasHi)) return failed;
      const double dlo = ds.sign > 0 ? std::max(0.0, ds.value - ds.err) : ds.value - ds.err;
      const double dhi = ds.sign < 0 ? std::min(0.0, ds.value + ds.err) : ds.value + ds.err;
      const double end = hasLo ? lo : hi;  // d >= 0 and x >= lo, or d <= 0 and x <= hi
      const double t = std::min(dlo * end, dhi * end);
      if (!finite(t)) return failed;
      parts.push_back(t);
      continue;
    }
    if (d == 0 && err == 0) continue;
    // min over x in [lo, hi] of t x for every t in [d - err, d + err]
    const double t = std::min(d * lo, d * hi) - err * std::max(std::abs(lo), std::abs(hi));
    if (!finite(t)) return failed;
    parts.push_back(t);
  }
  double sum = 0, abs = 0;
  for (double p : parts) {
    sum += p;
    abs += std::abs(p);
  }
  const double lowerG = sum - 2 * gamma(static_cast<double>(parts.size()) + 2) * abs;
  if (!finite(lowerG)) return failed;
  // Round once more outward so that the final negation and the stated value keep the direction.
  const double outward = std::nextafter(lowerG, -kInf);
  return sign * outward;
}

double lpBound(const LpProblem& problem, const std::vector<std::pair<int, double>>& objective, double constant,
               bool maximize) {
  LpSolver s(problem);
  return s.bound(objective, constant, maximize);
}

}  // namespace cert::runtime
