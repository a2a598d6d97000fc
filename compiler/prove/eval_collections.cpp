// Symbolic evaluation of lists and linear forms: max/min/sum/len/avg/argmax, dot, concat,
// map_list, and `map` over the terms of a PolyExp/SymExp.
#include "compiler/prove/evaluator.h"

namespace cert::prove {

using ast::BuiltinFn;
using ast::ExprKind;

namespace {

Value asList(const Value& v, const SourceRange& at) {
  if (v.kind != VKind::List) throw Unsupported{"a list was expected here", at};
  return v;
}

// Sum of the present elements, as a Real when every element is one.
Value sumOf(const Value& list, const SourceRange& at) {
  z3::context& c = list.x.ctx();
  bool allReal = true;
  for (const auto& it : list.items) allReal = allReal && it.kind == VKind::Real;
  if (allReal) {
    z3::expr s = c.real_val(0);
    for (std::size_t i = 0; i < list.items.size(); ++i)
      s = s + z3::ite(list.present[i], list.items[i].x, c.real_val(0));
    return Value::real(s.simplify());
  }
  Lin s{c.real_val(0), {}};
  for (std::size_t i = 0; i < list.items.size(); ++i)
    s = linAdd(s, linSelect(list.present[i], toLin(list.items[i], at), Lin{c.real_val(0), {}}));
  return linValue(s);
}

z3::expr lenOf(const Value& list) {
  z3::context& c = list.x.ctx();
  z3::expr n = c.real_val(0);
  for (const auto& p : list.present) n = n + z3::ite(p, c.real_val(1), c.real_val(0));
  return n.simplify();
}

}  // namespace

Value Evaluator::evalBuiltin(const ast::Expr& e) {
  z3::context& c = world.ctx;
  if (e.kind == ExprKind::Dot) {
    const Value a = asList(eval(e.kid(0)), e.kid(0).range);
    const Value b = asList(eval(e.kid(1)), e.kid(1).range);
    if (a.items.size() != b.items.size()) throw Unsupported{"'dot' of lists of different lengths", e.range};
    Value prods(c);
    prods.kind = VKind::List;
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      prods.items.push_back(arith(ast::BinaryOp::Mul, a.items[i], b.items[i], e.range));
      prods.present.push_back(a.present[i] && b.present[i]);
    }
    return sumOf(prods, e.range);
  }
  if (e.kind == ExprKind::Concat) {
    Value a = asList(eval(e.kid(0)), e.kid(0).range);
    const Value b = asList(eval(e.kid(1)), e.kid(1).range);
    a.items.insert(a.items.end(), b.items.begin(), b.items.end());
    a.present.insert(a.present.end(), b.present.begin(), b.present.end());
    return a;
  }
  if (e.kind == ExprKind::MapList) {
    Value a = asList(eval(e.kid(0)), e.kid(0).range);
    const Value f = eval(e.kid(1));
    for (auto& it : a.items) it = apply(f, {it}, e.range);
    return a;
  }
  const BuiltinFn fn = e.builtin;
  if ((fn == BuiltinFn::Max || fn == BuiltinFn::Min) && e.kids.size() == 2) {
    const z3::expr a = asReal(eval(e.kid(0)), e.kid(0).range);
    const z3::expr b = asReal(eval(e.kid(1)), e.kid(1).range);
    return Value::real(fn == BuiltinFn::Max ? z3::ite(a >= b, a, b) : z3::ite(a <= b, a, b));
  }
  if (e.kids.empty()) throw Unsupported{"builtin without arguments", e.range};
  const Value list = asList(eval(e.kid(0)), e.kid(0).range);
  switch (fn) {
    case BuiltinFn::Max:
    case BuiltinFn::Min: {
      z3::expr m = c.real_val(0);
      z3::expr seen = c.bool_val(false);
      for (std::size_t i = 0; i < list.items.size(); ++i) {
        const z3::expr x = asReal(list.items[i], e.range);
        const z3::expr better = fn == BuiltinFn::Max ? x > m : x < m;
        m = z3::ite(list.present[i] && (!seen || better), x, m);
        seen = seen || list.present[i];
      }
      // Of an empty list (an argmax that keeps nothing) the run gives -inf (max) or +inf (min),
      // which no real here stands for: where the list may be empty on the rule's path, that is an
      // obligation of its own (a bound of -inf above a value, or +inf below it, is unsound).
      if (recordDivisions && !seen.simplify().is_true()) {
        const bool max = fn == BuiltinFn::Max;
        obligations.push_back(Obligation{std::string(max ? "max" : "min") + " of a list that may be empty (the run gives " +
                                             (max ? "-inf" : "+inf") + " for it)",
                                         path, seen, c.real_val(0), false});
      }
      return Value::real(m);
    }
    case BuiltinFn::Sum: return sumOf(list, e.range);
    case BuiltinFn::Len: return Value::real(lenOf(list));
    case BuiltinFn::Avg: {
      // sum / len with len one of 0..N: a chain of exact divisions (no symbolic division).
      const z3::expr n = lenOf(list);
      z3::expr inv = c.real_val(0);
      for (int k = static_cast<int>(list.items.size()); k >= 1; --k)
        inv = z3::ite(n == k, c.real_val(1, k), inv);
      const Value s = sumOf(list, e.range);
      if (s.kind == VKind::Real) return Value::real(s.x * inv);
      return linValue(linScale(s.lin, inv));
    }
    case BuiltinFn::Argmax:
    case BuiltinFn::Argmin: {
      if (e.kids.size() < 2) throw Unsupported{"argmax/argmin needs a comparison function", e.range};
      const Value f = eval(e.kid(1));
      Value r = list;
      for (std::size_t i = 0; i < list.items.size(); ++i) {
        z3::expr keep = list.present[i];
        for (std::size_t j = 0; j < list.items.size(); ++j) {
          if (i == j) continue;
          const z3::expr holds = asBool(apply(f, {list.items[i], list.items[j]}, e.range), e.range);
          keep = keep && z3::implies(list.present[j], holds);
        }
        r.present[i] = keep.simplify();
      }
      return r;
    }
  }
  throw Unsupported{"builtin not modelled", e.range};
}

Value Evaluator::evalMap(const Value& target, const Value& fn, const SourceRange& at) {
  z3::context& c = world.ctx;
  if (target.kind == VKind::List) {
    Value r = target;
    for (auto& it : r.items) it = apply(fn, {it}, at);
    return r;
  }
  const Lin src = toLin(target, at);
  // Opaque members (a neuron's PolyExp member) are expanded into generic terms first.
  Lin e{src.c0, {}};
  for (const auto& t : src.terms) {
    if (world.atoms[t.atom].kind == AtomKind::Opaque) e = linAdd(e, linScale(expand(t.atom, at), t.coef));
    else e = linAdd(e, Lin{c.real_val(0), {t}});
  }
  bool allReal = true;
  z3::expr sumReal = e.c0;
  Lin sumLin{e.c0, {}};
  const z3::expr outer = path;
  for (const auto& t : e.terms) {
    Value atomValue(c);
    atomValue.kind = world.atoms[t.atom].kind == AtomKind::Noise ? VKind::Noise : VKind::Neuron;
    atomValue.atom = t.atom;
    const z3::expr nonzero = t.coef != 0;
    path = outer && nonzero;
    const Value r = apply(fn, {atomValue, Value::real(t.coef)}, at);
    path = outer;
    if (r.kind == VKind::Real && allReal) {
      sumReal = sumReal + z3::ite(nonzero, r.x, c.real_val(0));
    } else {
      if (allReal) sumLin = Lin{sumReal, {}};
      allReal = false;
      sumLin = linAdd(sumLin, linSelect(nonzero, toLin(r, at), Lin{c.real_val(0), {}}));
    }
  }
  if (allReal) return Value::real(sumReal);
  return linValue(sumLin);
}

}  // namespace cert::prove
