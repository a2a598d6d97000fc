// Facts of the `sigma_tangent` builtin and the tangent / chord lemmas of sigma that CROWN's S-curve
// rules need, instantiated at a rule's terms.
#pragma once

#include <vector>

#include "compiler/prove/evaluator.h"

namespace cert::prove {

/// Empty unless the rule calls `sigma_tangent`. Otherwise true facts, over the rule's sigma
/// arguments P and sigma_tangent arguments Y (tp(z) = sigma(p) + sigma'(p) (z - p)):
///  - d = sigma_tangent(y): d <= 0; y <= 0 gives d = y; z <= y gives t_d(z) <= sigma(z);
///    z >= -y gives t_{-d}(z) >= sigma(z) (sigma(-t) = 1 - sigma(t));
///  - p <= sigma_tangent(y), z <= y: t_p(z) <= sigma(z); p >= -sigma_tangent(y), z >= -y: t_p(z) >= sigma(z);
///  - p, z >= 0: t_p(z) >= sigma(z) (concave); p, z <= 0: t_p(z) <= sigma(z) (convex);
///  - a < b, a <= z <= b, k = (sigma(b) - sigma(a)) / (b - a): k <= sigma'(a) gives the chord
///    below, sigma(a) + k (z - a) <= sigma(z); k <= sigma'(b) gives it above.
/// These are what the builtin guarantees by construction (compiler/ir/sigma_tangent.h) and what
/// the shape of sigma implies; see compiler/prove/README.md.
std::vector<z3::expr> tangentAxioms(const Evaluator& ev);

/// Rewrites obligations and axioms into one normal form with conditionals pushed out of
/// arithmetic (ite(c, a, b) * x -> ite(c, a * x, b * x)): a tangent line chosen by a per-neuron
/// case has coefficients ite(c, sigma'(d), ...) on the neuron, and z3's linear reasoning matches
/// the tangent facts above only once the products are multiplied out per case.
void normalizeForTangents(z3::context& c, std::vector<Obligation>& obligations, std::vector<z3::expr>& axioms);

}  // namespace cert::prove
