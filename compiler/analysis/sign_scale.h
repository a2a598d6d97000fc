// Sign-scale term regions: the map bodies whose value is the term's coefficient times one of two
// constants chosen by the coefficient's sign, c * (c >= 0 ? a : b). DeepZ's concretization
// (sym_lower: c >= 0 ? -c : c, sym_upper: c >= 0 ? c : -c) is one: summed over a block of terms it
// is a pos(C) + b neg(C) row by row, which the runtime computes in one pass over the block's
// stored values (Backend::signSplitSum with two scalars) instead of evaluating the region over a
// dense term frame. The body may read nothing but the coefficient and constants.
#pragma once

#include <optional>

#include "compiler/ir/ir.h"

namespace cert::analysis {

struct SignScale {
  double onPositive = 0;  ///< the factor of a coefficient > 0
  double onNegative = 0;  ///< the factor of a coefficient < 0
};

/// The factors when region `r` (a map body inside `p`) yields c * (c >= 0 ? a : b) for every
/// coefficient c != 0, built from the coefficient, finite constants, neg, abs, add, sub, mul and
/// div by a constant, min and max with 0, and selects on the coefficient's sign; nullopt otherwise
/// (a body that reads a member, a noise symbol or anything else, or yields a linear form).
std::optional<SignScale> signScaleOf(const ir::Program& p, const ir::Region& r);

/// Marks every map of `p` whose body is a sign scale (Instr::signScale), for
/// `certc compile --emit=ir --annotate`.
void computeSignScales(ir::Program& p);

}  // namespace cert::analysis
