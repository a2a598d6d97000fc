// CROWN's tangent points (test code): bisection on g itself, and auto_LiRPA's grid of end points.
#include "tests/support/reference_tangent.h"

#include <algorithm>
#include <cmath>

namespace cert::test {

double tangentThrough(double end, double (*g)(double), double (*dg)(double)) {
  const double dir = end > 0 ? -1.0 : 1.0;  // the side the tangent point lies on
  // miss > 0: the tangent at d passes above (end > 0) / below (end < 0) the point: d is too near 0.
  auto miss = [&](double d) { return (g(d) + dg(d) * (end - d) - g(end)) * (end > 0 ? 1.0 : -1.0); };
  double near = 0.0, far = dir;
  while (miss(far) > 0) { near = far; far *= 2; }
  for (int i = 0; i < 200; ++i) {
    const double d = (near + far) / 2;
    (miss(d) > 0 ? near : far) = d;
  }
  return far;
}

double tangentGridPoint(double x) {
  const double steps = x / 0.01;
  if (steps >= 50004) return x;
  return 0.01 * (std::max(0.0, std::trunc(steps)) + 1);
}

double tableLowerTangent(double u, double (*g)(double), double (*dg)(double)) {
  return tangentThrough(tangentGridPoint(u), g, dg);
}

double tableUpperTangent(double l, double (*g)(double), double (*dg)(double)) {
  return tangentThrough(-tangentGridPoint(-l), g, dg);
}

}  // namespace cert::test
