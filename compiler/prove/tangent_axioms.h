// Facts of the `sigma_tangent` builtin and the tangent / chord lemmas of sigma that CROWN's S-curve
// rules need, instantiated at a rule's terms.
#pragma once

#include <vector>

#include "compiler/prove/evaluator.h"

namespace cert::prove {

/// Empty unless the rule calls `sigma_tangent`, `sigma_tangent_table` or `tanh_tangent_table`.
/// Otherwise true facts, over the rule's sigma arguments P and the builtins' arguments Y
/// (tp(z) = sigma(p) + sigma'(p) (z - p)), for d = sigma_tangent(y) (y <= 0 gives d = y),
/// d = sigma_tangent_table(y), and, in sigma's terms, d = 2 tanh_tangent_table(y') at y = 2 y'
/// (tanh(t) = 2 sigma(2t) - 1: tanh's tangent at t is 2 t_{2t}(2z) - 1):
///  - d <= 0; z <= y gives t_d(z) <= sigma(z);
///    z >= -y gives t_{-d}(z) >= sigma(z) (sigma(-t) = 1 - sigma(t));
///  - p <= d, z <= y: t_p(z) <= sigma(z); p >= -d, z >= -y: t_p(z) >= sigma(z);
///  - p, z >= 0: t_p(z) >= sigma(z) (concave); p, z <= 0: t_p(z) <= sigma(z) (convex);
///  - a < b, a <= z <= b, k = (sigma(b) - sigma(a)) / (b - a): k <= sigma'(a) gives the chord
///    below, sigma(a) + k (z - a) <= sigma(z); k <= sigma'(b) gives it above.
/// These are what the builtins guarantee by construction (compiler/ir/sigma_tangent.h,
/// compiler/ir/tangent_table.h: a table entry's tangent is below g up to its grid point, which is
/// at or above y) and what the shape of sigma implies; see compiler/prove/README.md.
std::vector<z3::expr> tangentAxioms(const Evaluator& ev);

/// Rewrites obligations and axioms into one normal form with conditionals pushed out of
/// arithmetic (ite(c, a, b) * x -> ite(c, a * x, b * x)): a tangent line chosen by a per-neuron
/// case has coefficients ite(c, sigma'(d), ...) on the neuron, and z3's linear reasoning matches
/// the tangent facts above only once the products are multiplied out per case.
void normalizeForTangents(z3::context& c, std::vector<Obligation>& obligations, std::vector<z3::expr>& axioms);

}  // namespace cert::prove
