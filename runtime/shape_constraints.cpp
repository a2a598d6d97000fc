// shapeConstraints: classifies each declared shape constraint by its AST form.
#include "runtime/shape_constraints.h"

#include <optional>

#include "compiler/frontend.h"

namespace cert {
namespace {

using ast::BinaryOp;
using ast::Expr;
using ast::ExprKind;

/// `curr[m]` -> m.
std::optional<std::string> currMember(const Expr& e) {
  if (e.kind == ExprKind::Member && e.kids.size() == 1 && e.kid(0).kind == ExprKind::Curr) return e.name;
  return std::nullopt;
}

bool isCurr(const Expr& e) { return e.kind == ExprKind::Curr; }

std::string textOf(std::string_view spec, const Expr& e) {
  const SourceRange& r = e.range;
  if (!r.valid() || r.end.offset <= r.begin.offset || static_cast<size_t>(r.end.offset) > spec.size()) return "?";
  std::string t(spec.substr(static_cast<size_t>(r.begin.offset), static_cast<size_t>(r.end.offset - r.begin.offset)));
  while (t.size() > 1 && t.front() == '(' && t.back() == ')') t = t.substr(1, t.size() - 2);
  return t;
}

void classify(std::string_view spec, const Expr& e, ShapeConstraints& out) {
  if (e.kind == ExprKind::Binary && e.binaryOp == BinaryOp::And && e.kids.size() == 2) {
    classify(spec, e.kid(0), out);
    classify(spec, e.kid(1), out);
    return;
  }
  using R = MemberConstraint::Relation;
  if (const auto m = currMember(e)) {  // curr[c]: a Ct member (the type checker allows only that)
    out.checkable.push_back({*m, R::Holds, textOf(spec, e)});
    return;
  }
  if (e.kind == ExprKind::Binary && e.kids.size() == 2) {
    const Expr& a = e.kid(0);
    const Expr& b = e.kid(1);
    const auto ma = currMember(a), mb = currMember(b);
    std::optional<MemberConstraint> c;
    switch (e.binaryOp) {
      case BinaryOp::Le:
      case BinaryOp::Lt:  // m <= curr: Lower; curr <= m: Upper
        if (ma && isCurr(b)) c = MemberConstraint{*ma, R::Lower, {}};
        if (mb && isCurr(a)) c = MemberConstraint{*mb, R::Upper, {}};
        break;
      case BinaryOp::Ge:
      case BinaryOp::Gt:
        if (ma && isCurr(b)) c = MemberConstraint{*ma, R::Upper, {}};
        if (mb && isCurr(a)) c = MemberConstraint{*mb, R::Lower, {}};
        break;
      case BinaryOp::In:
        if (mb && isCurr(a)) c = MemberConstraint{*mb, R::Contains, {}};
        break;
      default: break;
    }
    if (c) {
      c->text = textOf(spec, e);
      out.checkable.push_back(std::move(*c));
      return;
    }
  }
  out.unchecked.push_back(textOf(spec, e));
}

}  // namespace

ShapeConstraints defaultShapeConstraints(const CompiledCertifier& cc) {
  ShapeConstraints out;
  using R = MemberConstraint::Relation;
  for (size_t m = 0; m < cc.memberNames.size(); ++m) {
    const std::string& n = cc.memberNames[m];
    if (m < cc.ctMembers.size() && cc.ctMembers[m]) out.checkable.push_back({n, R::Holds, "curr[" + n + "]"});
    else if (cc.memberTypes[m] == ir::ElemType::Sym) out.checkable.push_back({n, R::Contains, "curr In curr[" + n + "]"});
    else if (n == "l" || n == "L") out.checkable.push_back({n, R::Lower, "curr[" + n + "] <= curr"});
    else if (n == "u" || n == "U") out.checkable.push_back({n, R::Upper, "curr[" + n + "] >= curr"});
  }
  return out;
}

ShapeConstraints shapeConstraintsOf(const ast::Program& program, std::string_view specText, const CompiledCertifier& cc) {
  if (!program.shape || program.shape->constraints.empty()) return defaultShapeConstraints(cc);
  ShapeConstraints out;
  out.declared = true;
  for (const auto& c : program.shape->constraints)
    if (c) classify(specText, *c, out);
  return out;
}

ShapeConstraints shapeConstraints(std::string_view specText, const CompiledCertifier& cc) {
  const FrontendResult fe = runFrontend(specText);
  if (!fe.ok()) return defaultShapeConstraints(cc);
  return shapeConstraintsOf(fe.program, specText, cc);
}

}  // namespace cert
