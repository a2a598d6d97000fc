// Printing one expression with minimal parentheses (precedence of LANGUAGE.md section 2).
#include <cstdio>

#include "compiler/printer/printer.h"

namespace cert::printer {
namespace {

using ast::Expr;
using ast::ExprKind;

constexpr int kTernary = 0;
constexpr int kPrefix = 7;
constexpr int kPostfix = 8;

int binaryPrecedence(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::Or: return 1;
    case ast::BinaryOp::And: return 2;
    case ast::BinaryOp::Eq:
    case ast::BinaryOp::Ne: return 3;
    case ast::BinaryOp::Lt:
    case ast::BinaryOp::Le:
    case ast::BinaryOp::Gt:
    case ast::BinaryOp::Ge:
    case ast::BinaryOp::In: return 4;
    case ast::BinaryOp::Add:
    case ast::BinaryOp::Sub: return 5;
    case ast::BinaryOp::Mul:
    case ast::BinaryOp::Div: return 6;
  }
  return 1;
}

std::string literalText(const Expr& e) {
  if (!e.text.empty()) return e.text;
  if (e.kind == ExprKind::IntLit) return std::to_string(e.intValue);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", e.floatValue);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

int precedence(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Ternary: return kTernary;
    case ExprKind::Binary: return binaryPrecedence(e.binaryOp);
    case ExprKind::Unary: return kPrefix;
    case ExprKind::IntLit:
    case ExprKind::FloatLit: return literalText(e)[0] == '-' ? kPrefix : kPostfix;
    default: return kPostfix;
  }
}

std::string print(const Expr& e, int minPrec);

std::string list(const std::vector<ast::ExprPtr>& kids, std::size_t from = 0) {
  std::string s;
  for (std::size_t i = from; i < kids.size(); ++i) s += (i > from ? ", " : "") + print(*kids[i], 0);
  return s;
}

std::string method(const Expr& e, const char* name) {
  return print(e.kid(0), kPostfix) + "." + name + "(" + list(e.kids, 1) + ")";
}

std::string raw(const Expr& e) {
  switch (e.kind) {
    case ExprKind::IntLit:
    case ExprKind::FloatLit: return literalText(e);
    case ExprKind::BoolLit: return e.boolValue ? "true" : "false";
    case ExprKind::Name: return e.name;
    case ExprKind::Curr: return "curr";
    case ExprKind::Prev: return "prev";
    case ExprKind::PrevIndexed: return e.prevIndex == 0 ? "prev_0" : "prev_1";
    case ExprKind::CurrList: return "curr_list";
    case ExprKind::Eps: return "eps";
    case ExprKind::Unary: {
      if (e.unaryOp != ast::UnaryOp::Neg && e.unaryOp != ast::UnaryOp::Not)
        return std::string(ast::unaryOpSpelling(e.unaryOp)) + "(" + print(e.kid(0), 0) + ")";
      const std::string operand = print(e.kid(0), kPrefix);
      const std::string op = ast::unaryOpSpelling(e.unaryOp);
      return op + (operand[0] == '-' || operand[0] == '!' ? " " : "") + operand;
    }
    case ExprKind::Binary: {
      const int p = binaryPrecedence(e.binaryOp);
      return print(e.kid(0), p) + " " + ast::binaryOpSpelling(e.binaryOp) + " " +
             print(e.kid(1), p + 1);
    }
    case ExprKind::Ternary:
      return print(e.kid(0), 1) + " ? " + print(e.kid(1), 1) + " : " + print(e.kid(2), 1);
    case ExprKind::Member: return print(e.kid(0), kPostfix) + "[" + e.name + "]";
    case ExprKind::Call: return e.name + "(" + list(e.kids) + ")";
    case ExprKind::Builtin: return std::string(ast::builtinName(e.builtin)) + "(" + list(e.kids) + ")";
    case ExprKind::Dot: return method(e, "dot");
    case ExprKind::Map: return method(e, "map");
    case ExprKind::MapList: return method(e, "map_list");
    case ExprKind::Concat: return method(e, "concat");
    case ExprKind::Traverse:
      return print(e.kid(0), kPostfix) + ".traverse(" + ast::directionName(e.direction) + ", " +
             print(e.kid(1), 0) + ", " + print(e.kid(2), 0) + ", " + print(e.kid(3), 0) + "){" +
             print(e.kid(4), 0) + "}";
    case ExprKind::Lp:
      return std::string("lp(") + ast::lpGoalName(e.goal) + ", " + list(e.kids) + ")";
    case ExprKind::Tuple: return "(" + list(e.kids) + ")";
    case ExprKind::List: return "[" + list(e.kids) + "]";
    case ExprKind::Error: return "<error>";
  }
  return "<error>";
}

std::string print(const Expr& e, int minPrec) {
  std::string s = raw(e);
  return precedence(e) < minPrec ? "(" + s + ")" : s;
}

}  // namespace

std::string printExpr(const ast::Expr& e) { return print(e, 0); }

}  // namespace cert::printer
