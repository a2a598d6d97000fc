// Operators and builtins: unary, binary (LANGUAGE.md section 3), ?:, max/min/sum/len/avg,
// argmax/argmin and list literals.
#include "compiler/types/checker_impl.h"

namespace cert::types {

using ast::BinaryOp;
using ast::ExprKind;

namespace {

const Type kFloat = Type::of(Kind::Float);
const Type kPoly = Type::of(Kind::PolyExp);
const Type kSym = Type::of(Kind::SymExp);
const Type kCt = Type::of(Kind::Ct);

/// The result of `l op r` on the element types l and r of the operands lf and rf, or Error
/// with `why` set. `nonlinear` is set for a SymExp x PolyExp product (typed PolyExp, as the
/// published checker does).
Type scalarBinary(BinaryOp op, const Type& l, const Type& r, const Type& lf, const Type& rf,
                  std::string* why, bool* nonlinear) {
  const std::string sp = ast::binaryOpSpelling(op);
  const std::string got = "; got " + lf.str() + " " + sp + " " + rf.str();
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      if (!isArithmetic(l) || !isArithmetic(r)) break;
      const auto j = join(l, r);
      return promote(j ? *j : kPoly);  // PolyExp mixed with SymExp gives PolyExp
    }
    case BinaryOp::Mul: {
      if (!isArithmetic(l) || !isArithmetic(r)) break;
      if (!isSubtype(l, kFloat) && !isSubtype(r, kFloat)) {
        if ((isSubtype(l, kSym) && isSubtype(r, kPoly)) || (isSubtype(l, kPoly) && isSubtype(r, kSym))) {
          *nonlinear = true;
          return kPoly;
        }
        *why = "'*' needs one side of type Float" + got;
        return Type::error();
      }
      return promote(*join(l, r));
    }
    case BinaryOp::Div: {
      if (!isArithmetic(l) || !isArithmetic(r)) break;
      if (!isSubtype(r, kFloat)) {
        *why = "'/' needs a right side of type Float" + got;
        return Type::error();
      }
      const Type j = promote(*join(l, r));
      return j.isScalar(Kind::Int) ? kFloat : j;
    }
    case BinaryOp::And:
    case BinaryOp::Or:
      if (isSubtype(l, kCt) && isSubtype(r, kCt) && !l.isList() && !r.isList())
        return l.isScalar(Kind::Bool) && r.isScalar(Kind::Bool) ? Type::of(Kind::Bool) : kCt;
      *why = "'" + sp + "' needs Bool or Ct operands" + got;
      return Type::error();
    case BinaryOp::In:
      if (isSubtype(l, kPoly) && isSubtype(r, kSym)) return kCt;
      *why = "'In' needs a PolyExp on the left and a SymExp on the right" + got;
      return Type::error();
    default:  // comparisons
      if (isArithmetic(l) && isArithmetic(r))
        return isSubtype(l, kFloat) && isSubtype(r, kFloat) ? Type::of(Kind::Bool) : kCt;
      if ((op == BinaryOp::Eq || op == BinaryOp::Ne) && l.isScalar(Kind::Bool) &&
          r.isScalar(Kind::Bool))
        return Type::of(Kind::Bool);
      *why = "'" + sp + "' cannot compare " + lf.str() + " and " + rf.str();
      return Type::error();
  }
  *why = "'" + sp + "' needs numbers or symbolic values (Int, Float, Neuron, Noise, PolyExp, " +
         "SymExp)" + got;
  return Type::error();
}

}  // namespace

Type Checker::checkUnary(const ast::Expr& e) {
  const Type t = value(e.kid(0));
  if (t.isError()) return t;
  const Type elem = Type::of(t.kind);  // unary operators apply element-wise to lists
  switch (e.unaryOp) {
    case ast::UnaryOp::Neg:
      if (isArithmetic(elem)) return promote(t);
      error("'-' needs a number or a symbolic value; got " + t.str(), e.range);
      break;
    case ast::UnaryOp::Not:
      if (isSubtype(elem, kCt)) return t;
      error("'!' needs Bool or Ct; got " + t.str(), e.range);
      break;
    case ast::UnaryOp::Sigma:
      if (isSubtype(elem, kFloat)) return Type::of(Kind::Float, t.listDepth);
      error("'sigma' needs Int or Float; got " + t.str(), e.range);
      break;
    case ast::UnaryOp::SigmaTangent:
    case ast::UnaryOp::SigmaTangentTable:
    case ast::UnaryOp::TanhTangentTable:
      if (isSubtype(elem, kFloat)) return Type::of(Kind::Float, t.listDepth);
      error("'" + std::string(ast::unaryOpSpelling(e.unaryOp)) + "' needs Int or Float; got " + t.str(), e.range);
      break;
  }
  return Type::error();
}

Type Checker::checkBinary(const ast::Expr& e) {
  const Type l = value(e.kid(0));
  const Type r = value(e.kid(1));
  if (l.isError() || r.isError()) return Type::error();
  const std::string sp = ast::binaryOpSpelling(e.binaryOp);
  if (l.listDepth != r.listDepth) {
    error("'" + sp + "' needs both sides to be lists or neither; got " + l.str() + " " + sp +
              " " + r.str(),
          e.range);
    return Type::error();
  }
  // Two lists combine element-wise (as in the published tools).
  std::string why;
  bool nonlinear = false;
  const Type t = scalarBinary(e.binaryOp, Type::of(l.kind), Type::of(r.kind), l, r, &why, &nonlinear);
  if (t.isError()) {
    error(why, e.range);
    return t;
  }
  if (nonlinear)
    warning("'*' of " + l.str() + " and " + r.str() +
                " is not linear (typed PolyExp, so a proof can reason about it); the executor runs it only "
                "where one side is a Float after inlining, otherwise `certc compile` rejects the rule here",
            e.range);
  return Type::of(t.kind, l.listDepth);
}

Type Checker::checkTernary(const ast::Expr& e) {
  checkCondition(e.kid(0));
  const Type a = value(e.kid(1));
  const Type b = value(e.kid(2));
  const auto j = join(a, b);
  if (j) return *j;
  error("the branches of '?:' have no common type: " + a.str() + " and " + b.str(), e.range);
  return Type::error();
}

Type Checker::checkBuiltin(const ast::Expr& e) {
  const std::string name = ast::builtinName(e.builtin);
  std::vector<Type> args;
  const bool higherOrder = e.builtin == ast::BuiltinFn::Argmax || e.builtin == ast::BuiltinFn::Argmin;
  for (std::size_t i = 0; i < e.kids.size(); ++i)
    if (!(higherOrder && i == 1)) args.push_back(value(e.kid(i)));
  const auto n = e.kids.size();
  const auto arity = [&](const char* expected) {
    error("'" + name + "' takes " + expected + "; got " + std::to_string(n), e.range);
    return Type::error();
  };
  for (const auto& a : args)
    if (a.isError()) return Type::error();
  switch (e.builtin) {
    case ast::BuiltinFn::Max:
    case ast::BuiltinFn::Min:
      if (n == 1) {
        if (args[0].listDepth == 1 && isSubtype(args[0].element(), kFloat))
          return args[0].element();
        error("'" + name + "' of one argument needs an Int List or a Float List; got " +
                  args[0].str(),
              e.range);
        return Type::error();
      }
      if (n != 2) return arity("1 or 2 arguments");
      if (isSubtype(args[0], kFloat) && isSubtype(args[1], kFloat)) return *join(args[0], args[1]);
      error("'" + name + "' needs Int or Float arguments; got " + args[0].str() + " and " +
                args[1].str(),
            e.range);
      return Type::error();
    case ast::BuiltinFn::Sum:
    case ast::BuiltinFn::Avg:
    case ast::BuiltinFn::Len: {
      if (n != 1) return arity("1 argument");
      if (!args[0].isList() ||
          (e.builtin != ast::BuiltinFn::Len && !isArithmetic(Type::of(args[0].kind)))) {
        error("'" + name + "' needs a list" +
                  (e.builtin == ast::BuiltinFn::Len ? "" : " of numbers or symbolic values") +
                  "; got " + args[0].str(),
              e.range);
        return Type::error();
      }
      if (e.builtin == ast::BuiltinFn::Len) return Type::of(Kind::Int);
      const Type elem = promote(args[0].element());
      return e.builtin == ast::BuiltinFn::Avg && elem.isScalar(Kind::Int) ? kFloat : elem;
    }
    case ast::BuiltinFn::Argmax:
    case ast::BuiltinFn::Argmin: {
      if (n != 2) return arity("2 arguments (a list and a comparison function)");
      if (!args[0].isList()) {
        error("'" + name + "' needs a list as its first argument; got " + args[0].str(), e.range);
        return Type::error();
      }
      const Type elem = args[0].element();
      const Type r = functionArg(e.kid(1), {{{elem, elem}, Type::of(Kind::Bool)}}, false,
                                 "the comparison given to '" + name + "'");
      return r.isError() ? r : args[0];
    }
  }
  return Type::error();
}

Type Checker::checkList(const ast::Expr& e) {
  std::optional<Type> acc;
  bool bad = false;
  for (const auto& k : e.kids) {
    const Type t = value(*k);
    if (t.isError()) bad = true;
    if (bad) continue;
    const auto j = acc ? join(*acc, t) : std::optional<Type>(t);
    if (!j) {
      error("list elements have no common type: " + acc->str() + " and " + t.str(), k->range);
      bad = true;
      continue;
    }
    acc = j;
  }
  if (bad || !acc) return Type::error();
  return acc->listOf();
}

}  // namespace cert::types
