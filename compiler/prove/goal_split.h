// Splitting a goal over a max/min chain into one goal per branch: max(a, b) <= x holds exactly when
// a <= x and b <= x (min(a, b) >= x exactly when a >= x and b >= x), so each branch is proved with
// only its own terms, and a model that breaks one branch breaks the whole goal.
#pragma once

#include <z3++.h>

#include <vector>

#include "compiler/prove/evaluator.h"

namespace cert::prove {

/// The conjuncts of `goal` after splitting every `max(a, b) <= x` / `x <= min(a, b)` (as the
/// evaluator writes them: ite(a >= b, a, b), ite(a <= b, a, b)) and every `and`; `goal` itself when
/// there is nothing to split.
std::vector<z3::expr> splitGoal(const z3::expr& goal);

/// `obligations` with each goal split (splitGoal); a split obligation keeps its text and antecedent
/// and loses its margin (the margin was the whole goal's).
std::vector<Obligation> splitObligations(const std::vector<Obligation>& obligations);

}  // namespace cert::prove
