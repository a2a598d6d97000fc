// Names and spellings of AST enums; lookups over a Program.
#include "compiler/ast/ast.h"

namespace cert::ast {

const FuncDecl* Program::findFunc(std::string_view name) const {
  for (const auto& f : funcs)
    if (f.name == name) return &f;
  return nullptr;
}

const TransformerDecl* Program::findTransformer(std::string_view name) const {
  for (const auto& t : transformers)
    if (t.name == name) return &t;
  return nullptr;
}

const char* baseTypeName(BaseType t) {
  switch (t) {
    case BaseType::Int: return "Int";
    case BaseType::Float: return "Float";
    case BaseType::Bool: return "Bool";
    case BaseType::Neuron: return "Neuron";
    case BaseType::Noise: return "Noise";
    case BaseType::PolyExp: return "PolyExp";
    case BaseType::SymExp: return "SymExp";
    case BaseType::Ct: return "Ct";
  }
  return "?";
}

std::string typeNameString(const TypeName& t) {
  std::string s = baseTypeName(t.base);
  for (int i = 0; i < t.listDepth; ++i) s += " List";
  return s;
}

const char* exprKindName(ExprKind k) {
  switch (k) {
    case ExprKind::IntLit: return "IntLit";
    case ExprKind::FloatLit: return "FloatLit";
    case ExprKind::BoolLit: return "BoolLit";
    case ExprKind::Name: return "Name";
    case ExprKind::Curr: return "Curr";
    case ExprKind::Prev: return "Prev";
    case ExprKind::PrevIndexed: return "PrevIndexed";
    case ExprKind::CurrList: return "CurrList";
    case ExprKind::Eps: return "Eps";
    case ExprKind::Unary: return "Unary";
    case ExprKind::Binary: return "Binary";
    case ExprKind::Ternary: return "Ternary";
    case ExprKind::Member: return "Member";
    case ExprKind::Call: return "Call";
    case ExprKind::Builtin: return "Builtin";
    case ExprKind::Dot: return "Dot";
    case ExprKind::Map: return "Map";
    case ExprKind::MapList: return "MapList";
    case ExprKind::Concat: return "Concat";
    case ExprKind::Traverse: return "Traverse";
    case ExprKind::Lp: return "Lp";
    case ExprKind::Tuple: return "Tuple";
    case ExprKind::List: return "List";
    case ExprKind::Error: return "Error";
  }
  return "?";
}

const char* unaryOpSpelling(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg: return "-";
    case UnaryOp::Not: return "!";
    case UnaryOp::Sigma: return "sigma";
    case UnaryOp::SigmaTangent: return "sigma_tangent";
    case UnaryOp::SigmaTangentTable: return "sigma_tangent_table";
    case UnaryOp::TanhTangentTable: return "tanh_tangent_table";
  }
  return "?";
}

const char* binaryOpSpelling(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::In: return "In";
    case BinaryOp::And: return "and";
    case BinaryOp::Or: return "or";
  }
  return "?";
}

const char* builtinName(BuiltinFn f) {
  switch (f) {
    case BuiltinFn::Max: return "max";
    case BuiltinFn::Min: return "min";
    case BuiltinFn::Sum: return "sum";
    case BuiltinFn::Len: return "len";
    case BuiltinFn::Avg: return "avg";
    case BuiltinFn::Argmax: return "argmax";
    case BuiltinFn::Argmin: return "argmin";
  }
  return "?";
}

const char* directionName(Direction d) { return d == Direction::Forward ? "forward" : "backward"; }

const char* lpGoalName(LpGoal g) { return g == LpGoal::Minimize ? "minimize" : "maximize"; }

}  // namespace cert::ast
