// The element-wise arithmetic of the IR's unary and binary operators (float64).
#include "compiler/ir/scalar_ops.h"

#include "compiler/ir/sigma_tangent.h"

#include <algorithm>
#include <cmath>

namespace cert::ir {

std::optional<double> applyBinary(std::string_view op, double a, double b) {
  if (op == "add") return a + b;
  if (op == "sub") return a - b;
  if (op == "mul") return a * b;
  if (op == "div") return a / b;
  if (op == "min") return std::min(a, b);
  if (op == "max") return std::max(a, b);
  if (op == "lt") return a < b;
  if (op == "le") return a <= b;
  if (op == "gt") return a > b;
  if (op == "ge") return a >= b;
  if (op == "eq") return a == b;
  if (op == "ne") return a != b;
  if (op == "and") return a != 0 && b != 0;
  if (op == "or") return a != 0 || b != 0;
  return std::nullopt;
}

std::optional<double> applyUnary(std::string_view op, double a) {
  if (op == "neg") return -a;
  if (op == "not") return a == 0 ? 1.0 : 0.0;
  if (op == "sigma") return 1.0 / (1.0 + std::exp(-a));
  if (op == "abs") return std::abs(a);
  if (op == "sigma_tangent") return sigmaTangent(a);
  return std::nullopt;
}

}  // namespace cert::ir
