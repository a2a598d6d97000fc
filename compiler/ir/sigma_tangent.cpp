// The `sigma_tangent` builtin: bisection for the tangent point of sigma through (x, sigma(x)).
#include "compiler/ir/sigma_tangent.h"

#include <cmath>
#include <limits>

namespace cert::ir {

namespace {

double sig(double z) { return 1.0 / (1.0 + std::exp(-z)); }

/// How far below (x, sigma(x)) the tangent must pass, as computed (the safe side).
constexpr double kMargin = 1e-15;

/// sigma(x) - tangent_d(x): >= 0 exactly when the tangent at d (<= 0) is below sigma on (-inf, x]
/// (it is decreasing in d on d <= 0, and the tangent is below the convex part anyway).
double gap(double d, double x) {
  const double s = sig(d);
  return sig(x) - (s + s * (1.0 - s) * (x - d));
}

}  // namespace

double sigmaTangent(double x) {
  if (std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0) return x;
  // Bracket: gap(hi) <= 0 at hi = 0 (sigma(x) <= 1/2 + x/4 for x >= 0); gap(lo) >= 0 far left.
  constexpr double kFloor = -1024.0;  // sigma and sigma' are 0 in double below about -745
  double hi = 0.0, lo = -1.0;
  while (gap(lo, x) < kMargin && lo > kFloor) {
    hi = lo;
    lo *= 2;
  }
  if (gap(lo, x) < kMargin) return kFloor;  // unreachable (gap(kFloor) = sigma(x) > 1/2)
  for (;;) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (gap(mid, x) >= kMargin) lo = mid;
    else hi = mid;
  }
  return lo;
}

}  // namespace cert::ir
