// A quick, incomplete check of a rule's facts with every non-linear product (and every sigma
// application) treated as an opaque atom: unsat there is unsat for real; it closes the S-curve
// zonotope rules whose proof is linear in the shape lemmas once products are normalized.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include <z3++.h>

namespace cert::prove {

/// `f(..., ite(c, a, b), ...)` for a product f becomes `ite(c, f(..., a, ...), f(..., b, ...))`,
/// recursively, so that a coefficient chosen by a per-neuron conditional and multiplied by a
/// noise symbol yields the same monomials as the branch's own terms (an equivalent formula).
z3::expr pushIteOutOfProducts(const z3::expr& e);

/// True when `facts` are unsatisfiable already over linear arithmetic with monomials as atoms
/// (after sum-of-monomials normalization and solving equalities); false when that check is not
/// enough (sat in the abstraction, unknown, or `deadline` / `cancelled`). Never a false "true".
bool unsatOverMonomials(z3::context& c, const std::vector<z3::expr>& facts,
                        std::chrono::steady_clock::time_point deadline,
                        const std::function<bool()>& cancelled);

}  // namespace cert::prove
