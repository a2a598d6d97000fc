// Sign-split term regions: the map/traverse bodies that scale each term by its coefficient and one
// of two members of the term's neuron, chosen by the coefficient's sign. DeepPoly's and CROWN's
// back-substitution replaces a term c * n by
//     max(c, 0) * n[A] + min(c, 0) * n[B]      (A = L, B = U for a lower bound)
// and their concretization sums max(c, 0) * n[l] + min(c, 0) * n[u]. Summed over a block of terms
// this is pos(C) @ A + neg(C) @ B: the runtime computes it as one fused product per block
// (Backend::signSplit) instead of evaluating the region over a term frame. `c * n[A]` alone is
// the case A == B.
#pragma once

#include <optional>
#include <string>

#include "compiler/ir/ir.h"

namespace cert::analysis {

struct SignSplit {
  std::string onPositive;  ///< the member a term with coefficient >= 0 is scaled by
  std::string onNegative;  ///< the member for coefficient < 0 (== onPositive: no split)
};

/// The members when region `r` (a map body or a traverse's replacement, inside `p`) yields exactly
/// max(coeff, 0) * member A of term + min(coeff, 0) * member B of term, or coeff * member A of
/// term (operands in either order, the constant 0 defined anywhere in `p`); nullopt otherwise.
std::optional<SignSplit> signSplitOf(const ir::Program& p, const ir::Region& r);

/// Marks every map and traverse of `p` whose body / replacement is a sign split
/// (Instr::signSplitPositive/Negative), for `certc compile --emit=ir --annotate`.
void computeSignSplits(ir::Program& p);

}  // namespace cert::analysis
