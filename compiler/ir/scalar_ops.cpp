// The element-wise arithmetic of the IR's unary and binary operators (float64).
#include "compiler/ir/scalar_ops.h"

#include "compiler/ir/sigma_tangent.h"
#include "compiler/ir/tangent_table.h"

#include <algorithm>
#include <cmath>

namespace cert::ir {

std::optional<double> applyBinary(Op op, double a, double b) {
  switch (op) {
    case Op::Add: return a + b;
    case Op::Sub: return a - b;
    case Op::Mul: return a * b;
    case Op::Div: return a / b;
    case Op::Min: return std::min(a, b);
    case Op::Max: return std::max(a, b);
    case Op::Lt: return a < b;
    case Op::Le: return a <= b;
    case Op::Gt: return a > b;
    case Op::Ge: return a >= b;
    case Op::Eq: return a == b;
    case Op::Ne: return a != b;
    case Op::And: return a != 0 && b != 0;
    case Op::Or: return a != 0 || b != 0;
    default: return std::nullopt;
  }
}

std::optional<double> applyUnary(Op op, double a) {
  switch (op) {
    case Op::Neg: return -a;
    case Op::Not: return a == 0 ? 1.0 : 0.0;
    case Op::Sigma: return 1.0 / (1.0 + std::exp(-a));
    case Op::Abs: return std::abs(a);
    case Op::SigmaTangent: return sigmaTangent(a);
    case Op::SigmaTangentTable: return tangentFromTable(SCurve::Sigmoid, a);
    case Op::TanhTangentTable: return tangentFromTable(SCurve::Tanh, a);
    default: return std::nullopt;
  }
}

std::optional<double> applyBinary(std::string_view op, double a, double b) { return applyBinary(parseOp(op), a, b); }

std::optional<double> applyUnary(std::string_view op, double a) { return applyUnary(parseOp(op), a); }

}  // namespace cert::ir
