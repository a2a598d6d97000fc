// CROWN's tangent points of an S-curve (test code): the exact point through an end point, and
// auto_LiRPA's 0.01 grid of end points that its tangent tables stand for.
#pragma once

namespace cert::test {

/// The point d on the far side of 0 from `end` whose tangent of g passes through (end, g(end)),
/// on the side whose tangent is a bound (below g up to end > 0, above g from end < 0); bisection.
double tangentThrough(double end, double (*g)(double), double (*dg)(double));

/// The end point auto_LiRPA's tables use for x >= ... (the upper bound u; -l for the upper tangent):
/// the grid point 0.01 k, k = max(0, trunc(x / 0.01)) + 1 (retrieve_from_precompute), for the 50005
/// points 0.01 i, i < 50005. Beyond them (x / 0.01 >= 50004) x itself: certc's builtins then use
/// the exact point (docs/LANGUAGE.md, "Tangent tables").
double tangentGridPoint(double x);

/// CROWN's tangent points of g on [l, u], l < 0 < u, as specs/crown.cf takes them from the tables:
/// dL through (G(u), g(G(u))), dU = the mirror through (-G(-l), g(-G(-l))).
double tableLowerTangent(double u, double (*g)(double), double (*dg)(double));
double tableUpperTangent(double l, double (*g)(double), double (*dg)(double));

}  // namespace cert::test
