// The element-wise arithmetic of the IR's unary and binary operators, shared by constant folding
// and the executors so that a folded constant is exactly what the runtime would compute.
#pragma once

#include <limits>
#include <optional>
#include <string_view>

#include "compiler/ir/op.h"

namespace cert::ir {

// Poison: a value computed from a division by zero is NaN (x / 0 too, not +-inf), and every
// operator keeps NaN: arithmetic as IEEE does, and also min, max, comparisons, logic and select,
// where IEEE would drop it (NaN > 0 is false). So a division by zero on the path a rule takes
// reaches the bounds (and the verdict is invalid), while one in a branch a select does not take is
// dropped with that branch. This is what certc run's proofs assume (ProveOptions::divisionsAssumed):
// the rules are proved wherever their divisors are non-zero, and the run itself shows where one
// was zero.
inline constexpr double kPoison = std::numeric_limits<double>::quiet_NaN();
inline bool poisoned(double a, double b) { return a != a || b != b; }
inline double divide(double a, double b) { return b == 0 ? kPoison : a / b; }
inline double minimum(double a, double b) { return poisoned(a, b) ? kPoison : (b < a ? b : a); }
inline double maximum(double a, double b) { return poisoned(a, b) ? kPoison : (a < b ? b : a); }
/// 1 or 0, or poison when either side is.
inline double truth(bool value, double a, double b) { return poisoned(a, b) ? kPoison : (value ? 1.0 : 0.0); }

/// add sub mul div min max lt le gt ge eq ne and or (comparisons and logic give 0 or 1, poison
/// kept: see above); nothing for an unknown operator.
std::optional<double> applyBinary(std::string_view op, double a, double b);

/// neg not sigma abs sigma_tangent (compiler/ir/sigma_tangent.h), sigma_tangent_table and
/// tanh_tangent_table (compiler/ir/tangent_table.h); nothing for an unknown operator.
std::optional<double> applyUnary(std::string_view op, double a);

/// applyBinary / applyUnary by enum (no name lookup).
std::optional<double> applyBinary(Op op, double a, double b);
std::optional<double> applyUnary(Op op, double a);

}  // namespace cert::ir
