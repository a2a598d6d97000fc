// The tangent tables of sigmoid and tanh on a 0.01 grid, and their lookup (auto_LiRPA's method).
#include "compiler/ir/tangent_table.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>

#include "compiler/ir/sigma_tangent.h"

namespace cert::ir {

namespace {

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }
double dsigmoid(double z) { return sigmoid(z) * (1.0 - sigmoid(z)); }
double dtanh(double z) { return 1.0 - std::tanh(z) * std::tanh(z); }

double value(SCurve g, double z) { return g == SCurve::Sigmoid ? sigmoid(z) : std::tanh(z); }
double slope(SCurve g, double z) { return g == SCurve::Sigmoid ? dsigmoid(z) : dtanh(z); }

/// g, g' and the gap g(G) - tangent_d(G) in long double (64-bit mantissa on x86-64: about 1e-19,
/// so the gap is the exact one to well below kMargin; in double, 1 - tanh(d)^2 alone can be off by
/// 2e-16 and the gap by a few 1e-15).
long double valueL(SCurve g, long double z) {
  return g == SCurve::Sigmoid ? 1.0L / (1.0L + std::exp(-z)) : std::tanh(z);
}
long double slopeL(SCurve g, long double z) {
  const long double v = valueL(g, z);
  return g == SCurve::Sigmoid ? v * (1.0L - v) : 1.0L - v * v;
}
long double gapL(SCurve g, double d, double G) {
  const long double dl = d, Gl = G;
  return valueL(g, Gl) - (valueL(g, dl) + slopeL(g, dl) * (Gl - dl));
}

/// How far below (G, g(G)) a table entry's tangent must pass (the safe side).
constexpr long double kMargin = 1e-15L;

/// The search for one end point G >= 0 (see tangentTableEntry).
double solveEntry(SCurve g, double G) {
  const double gG = value(g, G);
  // auto_LiRPA's test: the tangent at d, evaluated at G, is at or below g(G) (its operation order).
  auto below = [&](double d) { return slope(g, d) * (G - d) + value(g, d) <= gG; };
  double lo = -1.0;
  // Far left both curves are flat (slope 0 in double below about -745 for sigmoid, -19 for tanh),
  // so the test holds there and this ends.
  while (!below(lo) && lo > -4096.0) lo *= 2;
  double hi = 0.0;
  for (int step = 0; step < 100; ++step) {
    const double mid = (lo + hi) / 2;
    const double lo0 = lo, hi0 = hi;
    if (below(mid)) lo = mid;
    else hi = mid;
    if (lo == lo0 && hi == hi0) break;  // adjacent doubles: the remaining halvings change nothing
  }
  // The safe side: the rounding in auto_LiRPA's test must not leave the tangent above (G, g(G)).
  double step = 1e-16 * std::max(1.0, std::abs(lo));
  for (int k = 0; k < 2000 && gapL(g, lo, G) < kMargin; ++k) {
    lo -= step;
    step *= 2;
  }
  return lo;
}

/// One curve's table, each entry solved on first use and kept: a run touches a few hundred of the
/// 50005 entries, and solving all of them (about 0.15 s) would dominate a small network's run.
/// 0 marks an entry not solved yet (every entry is < 0). Entries are atomics: two threads that
/// solve the same entry store the same value (the search is deterministic).
class LazyTable {
 public:
  explicit LazyTable(SCurve g) : g_(g), entries_(new std::atomic<double>[kTangentEntries]()) {}
  double at(int i) const {
    std::atomic<double>& e = entries_[static_cast<size_t>(i)];
    double d = e.load(std::memory_order_relaxed);
    if (d == 0) {
      d = solveEntry(g_, kTangentStep * i);
      e.store(d, std::memory_order_relaxed);
    }
    return d;
  }

 private:
  SCurve g_;
  std::unique_ptr<std::atomic<double>[]> entries_;
};

const LazyTable& table(SCurve g) {
  // Function-local statics: created on first use, once, thread-safe.
  if (g == SCurve::Sigmoid) {
    static const LazyTable sigmoidTable(SCurve::Sigmoid);
    return sigmoidTable;
  }
  static const LazyTable tanhTable(SCurve::Tanh);
  return tanhTable;
}

}  // namespace

double tangentTableEntry(SCurve g, int i) {
  if (i < 0 || i >= kTangentEntries) return std::numeric_limits<double>::quiet_NaN();
  return table(g).at(i);
}

double tangentFromTable(SCurve g, double x) {
  if (std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  const double k = x / kTangentStep;
  long long i = kTangentEntries;  // beyond the table unless k is below the last index
  if (k < kTangentEntries - 1) {
    i = (k > 0 ? static_cast<long long>(k) : 0) + 1;
    if (kTangentStep * static_cast<double>(i) < x) ++i;  // x / 0.01 rounded down past a grid point
  }
  if (i < kTangentEntries) return table(g).at(static_cast<int>(i));
  return g == SCurve::Sigmoid ? sigmaTangent(x) : sigmaTangent(2 * x) / 2;
}

}  // namespace cert::ir
