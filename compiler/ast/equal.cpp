// Structural equality of ASTs (used by the round-trip tests: parse(print(ast)) == ast).
#include "compiler/ast/equal.h"

namespace cert::ast {
namespace {

bool same(const ExprPtr& a, const ExprPtr& b) {
  if (!a || !b) return !a && !b;
  return structurallyEqual(*a, *b);
}

bool sameType(const TypeName& a, const TypeName& b) {
  return a.base == b.base && a.listDepth == b.listDepth;
}

bool sameParams(const std::vector<Param>& a, const std::vector<Param>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || !sameType(a[i].type, b[i].type)) return false;
  return true;
}

bool sameFields(const Expr& a, const Expr& b) {
  switch (a.kind) {
    case ExprKind::IntLit: return a.intValue == b.intValue;
    case ExprKind::FloatLit: return a.floatValue == b.floatValue;
    case ExprKind::BoolLit: return a.boolValue == b.boolValue;
    case ExprKind::Name:
    case ExprKind::Member:
    case ExprKind::Call: return a.name == b.name;
    case ExprKind::PrevIndexed: return a.prevIndex == b.prevIndex;
    case ExprKind::Unary: return a.unaryOp == b.unaryOp;
    case ExprKind::Binary: return a.binaryOp == b.binaryOp;
    case ExprKind::Builtin: return a.builtin == b.builtin;
    case ExprKind::Traverse: return a.direction == b.direction;
    case ExprKind::Lp: return a.goal == b.goal;
    default: return true;
  }
}

}  // namespace

bool structurallyEqual(const Expr& a, const Expr& b) {
  if (a.kind != b.kind || a.kids.size() != b.kids.size() || !sameFields(a, b)) return false;
  for (std::size_t i = 0; i < a.kids.size(); ++i)
    if (!same(a.kids[i], b.kids[i])) return false;
  return true;
}

bool structurallyEqual(const Program& a, const Program& b) {
  if (a.shape.has_value() != b.shape.has_value() || a.order != b.order) return false;
  if (a.shape) {
    if (!sameParams(a.shape->members, b.shape->members)) return false;
    if (a.shape->constraints.size() != b.shape->constraints.size()) return false;
    for (std::size_t i = 0; i < a.shape->constraints.size(); ++i)
      if (!same(a.shape->constraints[i], b.shape->constraints[i])) return false;
  }
  if (a.funcs.size() != b.funcs.size()) return false;
  for (std::size_t i = 0; i < a.funcs.size(); ++i) {
    const auto &fa = a.funcs[i], &fb = b.funcs[i];
    if (fa.name != fb.name || !sameParams(fa.params, fb.params) || !same(fa.body, fb.body))
      return false;
  }
  if (a.transformers.size() != b.transformers.size()) return false;
  for (std::size_t i = 0; i < a.transformers.size(); ++i) {
    const auto &ta = a.transformers[i], &tb = b.transformers[i];
    if (ta.name != tb.name || ta.rules.size() != tb.rules.size()) return false;
    for (std::size_t r = 0; r < ta.rules.size(); ++r)
      if (ta.rules[r].op != tb.rules[r].op || !same(ta.rules[r].body, tb.rules[r].body))
        return false;
  }
  if (a.flows.size() != b.flows.size()) return false;
  for (std::size_t i = 0; i < a.flows.size(); ++i) {
    const auto &fa = a.flows[i], &fb = b.flows[i];
    if (fa.direction != fb.direction || fa.transformer != fb.transformer ||
        !same(fa.priority, fb.priority) || !same(fa.stop, fb.stop))
      return false;
  }
  return true;
}

}  // namespace cert::ast
