// Discharging a rule's proof obligations with z3: proved, or a counterexample model, or unknown.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "compiler/prove/evaluator.h"

namespace cert::prove {

struct SolveOutcome {
  Verdict verdict = Verdict::Unknown;
  std::string reason;
  std::vector<CexValue> counterexample;
};

/// Facts about sigma for every argument it was applied to: 0 < sigma < 1, monotone, 1/4-Lipschitz.
std::vector<z3::expr> sigmaAxioms(const Evaluator& ev);

/// Checks every obligation under the World's hypotheses (and `axioms`) until `deadline`.
/// A model found while sigma is only axiomatized gives Unknown (sigma's values may be unreal).
SolveOutcome solve(const World& world, const std::vector<Obligation>& obligations,
                   const std::vector<z3::expr>& axioms, bool sigmaAxiomatized,
                   std::chrono::steady_clock::time_point deadline,
                   const std::function<bool()>& cancelled);

}  // namespace cert::prove
