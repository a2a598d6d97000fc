// Symbolic evaluation of expressions: literals, names, calls (inlined), arithmetic, comparisons,
// per-neuron conditionals as z3 ite under a path condition.
#include "compiler/prove/evaluator.h"

#include "compiler/ast/equal.h"
#include "compiler/printer/printer.h"

namespace cert::prove {

using ast::BinaryOp;
using ast::ExprKind;

Evaluator::Evaluator(World& w, const ast::Program& p, const ProveOptions& o)
    : world(w), program(p), options(o), path(w.ctx.bool_val(true)),
      sigma(z3::function("sigma", w.ctx.real_sort(), w.ctx.real_sort())),
      sigmaTangent(z3::function("sigma_tangent", w.ctx.real_sort(), w.ctx.real_sort())),
      sigmaTangentTable(z3::function("sigma_tangent_table", w.ctx.real_sort(), w.ctx.real_sort())),
      tanhTangentTable(z3::function("tanh_tangent_table", w.ctx.real_sort(), w.ctx.real_sort())) {}

z3::expr Evaluator::asBool(const Value& v, const SourceRange& at) {
  if (v.kind != VKind::Bool) throw Unsupported{"a condition was expected here", at};
  return v.x;
}

z3::expr Evaluator::asReal(const Value& v, const SourceRange& at) {
  if (v.kind != VKind::Real) throw Unsupported{"a Float was expected here", at};
  return v.x;
}

Value Evaluator::apply(const Value& fn, std::vector<Value> args, const SourceRange& at) {
  if (fn.kind != VKind::Func) return fn;
  const ast::FuncDecl* f = program.findFunc(fn.func);
  if (!f) throw Unsupported{"unknown function '" + fn.func + "'", at};
  std::vector<Value> all = fn.items;
  for (auto& a : args) all.push_back(std::move(a));
  if (all.size() < f->params.size()) {
    Value partial = fn;
    partial.items = std::move(all);
    return partial;
  }
  std::map<std::string, Value> inner;
  for (std::size_t i = 0; i < f->params.size(); ++i) inner.insert_or_assign(f->params[i].name, all[i]);
  // curr, prev, ... stay visible inside functions (published specs read curr in helpers).
  for (const auto& [k, v] : env)
    if (k == "curr" || k == "prev" || k == "prev_0" || k == "prev_1") inner.insert_or_assign(k, v);
  std::swap(env, inner);
  auto saved = std::move(overrides_);
  overrides_.clear();
  Value r = eval(*f->body);
  overrides_ = std::move(saved);
  std::swap(env, inner);
  return r;
}

Value Evaluator::eval(const ast::Expr& e) {
  for (const auto& [pattern, value] : overrides_)
    if (ast::structurallyEqual(*pattern, e)) return value;
  z3::context& c = world.ctx;
  switch (e.kind) {
    case ExprKind::IntLit: return Value::real(c.real_val(static_cast<int64_t>(e.intValue)));
    case ExprKind::FloatLit: return Value::real(literal(c, e.text, e.floatValue));
    case ExprKind::BoolLit: return Value::boolean(c.bool_val(e.boolValue));
    case ExprKind::Curr:
    case ExprKind::Prev:
    case ExprKind::PrevIndexed: {
      const std::string key = e.kind == ExprKind::Curr   ? "curr"
                              : e.kind == ExprKind::Prev ? "prev"
                                                         : "prev_" + std::to_string(e.prevIndex);
      auto it = env.find(key);
      if (it == env.end()) throw Unsupported{"'" + key + "' is not defined for this operator", e.range};
      return it->second;
    }
    case ExprKind::Name: {
      auto it = env.find(e.name);
      if (it != env.end()) return it->second;
      if (program.findFunc(e.name)) {
        Value f(c);
        f.kind = VKind::Func;
        f.func = e.name;
        return f;
      }
      throw Unsupported{"unknown name '" + e.name + "'", e.range};
    }
    case ExprKind::Call: {
      Value fn(c);
      auto it = env.find(e.name);
      if (it != env.end()) {
        fn = it->second;
      } else {
        fn.kind = VKind::Func;
        fn.func = e.name;
      }
      std::vector<Value> args;
      for (const auto& k : e.kids) args.push_back(eval(*k));
      return apply(fn, std::move(args), e.range);
    }
    case ExprKind::Eps: {
      Value v(c);
      v.kind = VKind::Noise;
      v.atom = world.epsAtom();
      return v;
    }
    case ExprKind::Unary: {
      Value a = eval(e.kid(0));
      switch (e.unaryOp) {
        case ast::UnaryOp::Not: return Value::boolean(!asBool(a, e.range));
        case ast::UnaryOp::Sigma: {
          z3::expr x = asReal(a, e.range);
          usesSigma = true;
          sigmaArgs.push_back(x);
          return Value::real(sigma(x));
        }
        case ast::UnaryOp::SigmaTangent: {
          z3::expr x = asReal(a, e.range);
          usesSigma = true;
          tangentArgs.push_back(x);
          return Value::real(sigmaTangent(x));
        }
        case ast::UnaryOp::SigmaTangentTable:
        case ast::UnaryOp::TanhTangentTable: {
          z3::expr x = asReal(a, e.range);
          usesSigma = true;
          const bool s = e.unaryOp == ast::UnaryOp::SigmaTangentTable;
          (s ? sigmaTableArgs : tanhTableArgs).push_back(x);
          return Value::real(s ? sigmaTangentTable(x) : tanhTangentTable(x));
        }
        case ast::UnaryOp::Neg:
          if (a.kind == VKind::Real) return Value::real(-a.x);
          return linValue(linScale(toLin(a, e.range), c.real_val(-1)));
      }
      break;
    }
    case ExprKind::Binary: return evalBinary(e);
    case ExprKind::Ternary: {
      z3::expr cond = asBool(eval(e.kid(0)), e.kid(0).range).simplify();
      if (cond.is_true()) return eval(e.kid(1));
      if (cond.is_false()) return eval(e.kid(2));
      const z3::expr outer = path;
      path = outer && cond;
      Value a = eval(e.kid(1));
      path = outer && !cond;
      Value b = eval(e.kid(2));
      path = outer;
      return select(cond, a, b, e.range);
    }
    case ExprKind::Member: return member(eval(e.kid(0)), e.name, e.range);
    case ExprKind::Tuple:
    case ExprKind::List: {
      Value t(c);
      t.kind = e.kind == ExprKind::Tuple ? VKind::Tuple : VKind::List;
      for (const auto& k : e.kids) {
        t.items.push_back(eval(*k));
        if (t.kind == VKind::List) t.present.push_back(c.bool_val(true));
      }
      return t;
    }
    case ExprKind::Builtin:
    case ExprKind::Dot:
    case ExprKind::Concat:
    case ExprKind::MapList: return evalBuiltin(e);
    case ExprKind::Map: return evalMap(eval(e.kid(0)), eval(e.kid(1)), e.range);
    case ExprKind::Traverse: return evalTraverse(e);
    case ExprKind::Lp: return evalLp(e);
    case ExprKind::CurrList: throw Unsupported{"'curr_list' (backward flows) is not modelled by the prover", e.range};
    case ExprKind::Error: throw Unsupported{"the expression has errors", e.range};
  }
  throw Unsupported{std::string("'") + ast::exprKindName(e.kind) + "' is not modelled by the prover", e.range};
}

Value Evaluator::evalBinary(const ast::Expr& e) {
  const BinaryOp op = e.binaryOp;
  if (op == BinaryOp::And || op == BinaryOp::Or) {
    const z3::expr a = asBool(eval(e.kid(0)), e.kid(0).range);
    const z3::expr b = asBool(eval(e.kid(1)), e.kid(1).range);
    return Value::boolean(op == BinaryOp::And ? (a && b) : (a || b));
  }
  Value a = eval(e.kid(0));
  Value b = eval(e.kid(1));
  if (op == BinaryOp::Div && recordDivisions) {
    const z3::expr d = asReal(b, e.kid(1).range);
    const z3::expr nz = (d != 0).simplify();
    if (!nz.is_true()) {
      if (options.divisionsAssumed) {
        world.hypotheses.push_back(z3::implies(path, nz));
      } else {
        Obligation ob{"division by zero in '" + printer::printExpr(e) + "'", path, nz,
                      world.ctx.real_val(0), false};
        obligations.push_back(ob);
      }
    }
  }
  return arith(op, a, b, e.range);
}

Value Evaluator::arith(BinaryOp op, const Value& a, const Value& b, const SourceRange& at) {
  z3::context& c = world.ctx;
  if (op == BinaryOp::In) {
    // No fresh symbol (an input's own zonotope): a equals z at the shared symbols, stated as an
    // equation so that z3 can substitute it.
    const Lin z = toLin(b, at);
    bool fresh = false;
    for (const auto& t : z.terms) fresh = fresh || world.atoms[t.atom].fresh;
    if (!fresh) return Value::boolean(world.valueOf(toLin(a, at)) == world.valueOf(z));
    return Value::boolean(inSlack(a, b, at) <= 0);
  }
  if (a.kind == VKind::Bool && b.kind == VKind::Bool && (op == BinaryOp::Eq || op == BinaryOp::Ne))
    return Value::boolean(op == BinaryOp::Eq ? a.x == b.x : a.x != b.x);
  const bool scalar = a.kind == VKind::Real && b.kind == VKind::Real;
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      if (scalar) return Value::real(op == BinaryOp::Add ? a.x + b.x : a.x - b.x);
      Lin rb = toLin(b, at);
      if (op == BinaryOp::Sub) rb = linScale(rb, c.real_val(-1));
      return linValue(linAdd(toLin(a, at), rb));
    }
    case BinaryOp::Mul:
      if (scalar) return Value::real(a.x * b.x);
      if (a.kind == VKind::Real && isLinear(b)) return linValue(linScale(toLin(b, at), a.x));
      if (b.kind == VKind::Real && isLinear(a)) return linValue(linScale(toLin(a, at), b.x));
      throw Unsupported{"a product of two symbolic expressions (PolyExp/SymExp) is not modelled", at};
    case BinaryOp::Div: {
      const z3::expr d = asReal(b, at);
      if (a.kind == VKind::Real) return Value::real(a.x / d);
      return linValue(linScale(toLin(a, at), 1 / d));
    }
    default: break;
  }
  const z3::expr x = scalar ? a.x : world.valueOf(toLin(a, at));
  const z3::expr y = scalar ? b.x : world.valueOf(toLin(b, at));
  switch (op) {
    case BinaryOp::Eq: return Value::boolean(x == y);
    case BinaryOp::Ne: return Value::boolean(x != y);
    case BinaryOp::Lt: return Value::boolean(x < y);
    case BinaryOp::Le: return Value::boolean(x <= y);
    case BinaryOp::Gt: return Value::boolean(x > y);
    case BinaryOp::Ge: return Value::boolean(x >= y);
    default: break;
  }
  throw Unsupported{"operator not modelled", at};
}

z3::expr Evaluator::inSlack(const Value& a, const Value& b, const SourceRange& at) {
  // a In z: a's value equals z for the shared symbols' values and some value of the fresh
  // symbols in [-1, 1]: |a - z(shared, fresh = 0)| <= sum |coef of a fresh symbol|.
  z3::context& c = world.ctx;
  const Lin z = toLin(b, at);
  Lin rest{z.c0, {}};
  z3::expr radius = c.real_val(0);
  for (const auto& t : z.terms) {
    if (world.atoms[t.atom].fresh) radius = radius + z3::ite(t.coef >= 0, t.coef, -t.coef);
    else rest.terms.push_back(t);
  }
  const z3::expr d = world.valueOf(toLin(a, at)) - world.valueOf(rest);
  return z3::ite(d >= 0, d, -d) - radius;
}

bool Evaluator::slack(const ast::Expr& e, z3::expr* out) {
  if (e.kind != ExprKind::Binary) return false;
  const BinaryOp op = e.binaryOp;
  if (op != BinaryOp::Le && op != BinaryOp::Lt && op != BinaryOp::Ge && op != BinaryOp::Gt &&
      op != BinaryOp::In)
    return false;
  const Value a = eval(e.kid(0));
  const Value b = eval(e.kid(1));
  if (!isLinear(a) || !isLinear(b)) return false;
  if (op == BinaryOp::In) {
    *out = inSlack(a, b, e.range);
    return true;
  }
  const z3::expr x = world.valueOf(toLin(a, e.range));
  const z3::expr y = world.valueOf(toLin(b, e.range));
  *out = (op == BinaryOp::Le || op == BinaryOp::Lt) ? x - y : y - x;
  return true;
}

}  // namespace cert::prove
