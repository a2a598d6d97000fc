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
    case Op::Div: return divide(a, b);
    case Op::Min: return minimum(a, b);
    case Op::Max: return maximum(a, b);
    case Op::Lt: return truth(a < b, a, b);
    case Op::Le: return truth(a <= b, a, b);
    case Op::Gt: return truth(a > b, a, b);
    case Op::Ge: return truth(a >= b, a, b);
    case Op::Eq: return truth(a == b, a, b);
    case Op::Ne: return truth(a != b, a, b);
    case Op::And: return truth(a != 0 && b != 0, a, b);
    case Op::Or: return truth(a != 0 || b != 0, a, b);
    default: return std::nullopt;
  }
}

std::optional<double> applyUnary(Op op, double a) {
  switch (op) {
    case Op::Neg: return -a;
    case Op::Not: return truth(a == 0, a, a);
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
