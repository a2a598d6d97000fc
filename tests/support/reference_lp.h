// Test code: the optimum of a small LP by enumerating the vertices of its feasible polytope (no
// simplex, no duals): an independent reference for runtime/lp_solver and `lp` in specs.
#pragma once

#include <Eigen/Dense>

#include <optional>

namespace cert::test {

/// min (or max) of c.x over {A x == b, lower <= x <= upper}, every bound finite, by trying every
/// choice of n - rank(A) variables at one of their bounds and solving A for the others (a vertex
/// has at least n - m variables at a bound). Nothing when no vertex is feasible (to `tolerance` on
/// the rows and bounds). Exponential: for n <= 8 or so.
std::optional<double> vertexOptimum(const Eigen::VectorXd& c, const Eigen::MatrixXd& A, const Eigen::VectorXd& b,
                                    const Eigen::VectorXd& lower, const Eigen::VectorXd& upper, bool maximize,
                                    double tolerance = 1e-9);

}  // namespace cert::test
