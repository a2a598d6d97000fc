// The `sigma_tangent` builtin: the tangent point of the logistic sigma whose tangent line passes
// through a given point of the curve (CROWN's lower tangent of an S-curve), solved by bisection.
#pragma once

namespace cert::ir {

/// For x > 0: a point d <= 0 such that the tangent of sigma at d,
///   t(z) = sigma(d) + sigma'(d) (z - d),
/// lies below sigma on all of (-inf, x] (so t is a lower bound of sigma on any [l, u] with u <= x),
/// as close to d*(x), the largest such point (t through (x, sigma(x))), as double allows, and
/// never above it: bisection (to adjacent doubles, at most about 1100 steps, usually 60) keeps
/// the end where t(x) <= sigma(x) - 1e-15 as computed, so rounding in sigma (relative error about
/// 1e-16) cannot put the result past d*(x). Any d <= d*(x) gives a lower bound: the result is sound.
/// For x <= 0: x itself (sigma is convex there: its tangent at x is below it on (-inf, 0]).
/// NaN for NaN; x = +inf gives the point where sigma' underflows (about -745), whose tangent is 0.
double sigmaTangent(double x);

}  // namespace cert::ir
