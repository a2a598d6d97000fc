// The element-wise arithmetic of the IR's unary and binary operators, shared by constant folding
// and the executors so that a folded constant is exactly what the runtime would compute.
#pragma once

#include <optional>
#include <string_view>

#include "compiler/ir/op.h"

namespace cert::ir {

/// add sub mul div min max lt le gt ge eq ne and or (comparisons and logic give 0 or 1);
/// nothing for an unknown operator.
std::optional<double> applyBinary(std::string_view op, double a, double b);

/// neg not sigma abs sigma_tangent (compiler/ir/sigma_tangent.h), sigma_tangent_table and
/// tanh_tangent_table (compiler/ir/tangent_table.h); nothing for an unknown operator.
std::optional<double> applyUnary(std::string_view op, double a);

/// applyBinary / applyUnary by enum (no name lookup).
std::optional<double> applyBinary(Op op, double a, double b);
std::optional<double> applyUnary(Op op, double a);

}  // namespace cert::ir
