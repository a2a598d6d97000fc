// Symbolic values of the prover: linear-form arithmetic, selects, atoms and named unknowns.
#include "compiler/prove/symbolic.h"

#include <cctype>

namespace cert::prove {

Value Value::real(z3::expr e) {
  Value v(e.ctx());
  v.kind = VKind::Real;
  v.x = e;
  return v;
}

Value Value::boolean(z3::expr e) {
  Value v(e.ctx());
  v.kind = VKind::Bool;
  v.x = e;
  return v;
}

z3::expr World::real(const std::string& name) {
  z3::expr e = ctx.real_const(("|" + name + "#" + std::to_string(named.size()) + "|").c_str());
  named.emplace_back(name, e);
  return e;
}

z3::expr World::boolean(const std::string& name) {
  z3::expr e = ctx.bool_const(("|" + name + "#" + std::to_string(named.size()) + "|").c_str());
  named.emplace_back(name, e);
  return e;
}

int World::addAtom(AtomKind kind, const std::string& name, z3::expr value, int depth) {
  atoms.emplace_back(kind, name, std::move(value), depth);
  return static_cast<int>(atoms.size()) - 1;
}

int World::neuron(const std::string& name, int depth, bool constrained) {
  const int id = addAtom(AtomKind::Neuron, name, real(name), depth);
  atoms[id].constrained = constrained;
  return id;
}

z3::expr World::valueOf(const Lin& l) const {
  z3::expr v = l.c0;
  for (const auto& t : l.terms) v = v + t.coef * atoms[t.atom].value;
  return v;
}

const std::vector<int>& World::noise(int count) {
  while (static_cast<int>(sharedNoise.size()) < count) {
    const std::string name = "e" + std::to_string(sharedNoise.size());
    z3::expr e = real(name);
    hypotheses.push_back(e >= -1 && e <= 1);
    sharedNoise.push_back(addAtom(AtomKind::Noise, name, e, 0));
  }
  return sharedNoise;
}

int World::epsAtom() {
  if (freshNoise < 0) {
    z3::expr e = real("eps");
    freshNoise = addAtom(AtomKind::Noise, "eps", e, 0);
    atoms[freshNoise].fresh = true;
  }
  return freshNoise;
}

bool isLinear(const Value& v) {
  return v.kind == VKind::Real || v.kind == VKind::Neuron || v.kind == VKind::Noise ||
         v.kind == VKind::Lin;
}

Lin toLin(const Value& v, const SourceRange& at) {
  switch (v.kind) {
    case VKind::Lin: return v.lin;
    case VKind::Real: return Lin{v.x, {}};
    case VKind::Neuron:
    case VKind::Noise: return Lin{v.lin.c0.ctx().real_val(0), {Term{v.atom, v.lin.c0.ctx().real_val(1)}}};
    default: throw Unsupported{"a linear expression was expected here", at};
  }
}

Value linValue(Lin l) {
  Value v(l.c0.ctx());
  v.kind = VKind::Lin;
  v.lin = std::move(l);
  return v;
}

Lin linAdd(const Lin& a, const Lin& b) {
  Lin r{(a.c0 + b.c0).simplify(), a.terms};
  for (const auto& t : b.terms) {
    bool merged = false;
    for (auto& s : r.terms)
      if (s.atom == t.atom) {
        s.coef = s.coef + t.coef;
        merged = true;
      }
    if (!merged) r.terms.push_back(t);
  }
  return r;
}

Lin linScale(const Lin& a, const z3::expr& k) {
  Lin r{a.c0 * k, {}};
  for (const auto& t : a.terms) r.terms.push_back(Term{t.atom, t.coef * k});
  return r;
}

Lin linSelect(const z3::expr& cond, const Lin& a, const Lin& b) {
  z3::context& c = cond.ctx();
  Lin r{z3::ite(cond, a.c0, b.c0), {}};
  auto coefIn = [&](const Lin& l, int atom) {
    for (const auto& t : l.terms)
      if (t.atom == atom) return t.coef;
    return c.real_val(0);
  };
  for (const auto& t : a.terms) r.terms.push_back(Term{t.atom, z3::ite(cond, t.coef, coefIn(b, t.atom))});
  for (const auto& t : b.terms) {
    bool seen = false;
    for (const auto& s : a.terms) seen = seen || s.atom == t.atom;
    if (!seen) r.terms.push_back(Term{t.atom, z3::ite(cond, c.real_val(0), t.coef)});
  }
  return r;
}

Value select(const z3::expr& cond, const Value& a, const Value& b, const SourceRange& at) {
  if (a.kind == VKind::Real && b.kind == VKind::Real) return Value::real(z3::ite(cond, a.x, b.x));
  if (a.kind == VKind::Bool && b.kind == VKind::Bool) return Value::boolean(z3::ite(cond, a.x, b.x));
  if ((a.kind == VKind::Neuron || a.kind == VKind::Noise) && a.kind == b.kind && a.atom == b.atom)
    return a;
  if (isLinear(a) && isLinear(b)) return linValue(linSelect(cond, toLin(a, at), toLin(b, at)));
  if ((a.kind == VKind::Tuple || a.kind == VKind::List) && a.kind == b.kind &&
      a.items.size() == b.items.size()) {
    Value r = a;
    for (std::size_t i = 0; i < a.items.size(); ++i) r.items[i] = select(cond, a.items[i], b.items[i], at);
    for (std::size_t i = 0; i < a.present.size() && i < b.present.size(); ++i)
      r.present[i] = z3::ite(cond, a.present[i], b.present[i]);
    return r;
  }
  throw Unsupported{"the two branches of this conditional have shapes the prover cannot merge", at};
}

z3::expr literal(z3::context& c, const std::string& text, double fallback) {
  // digits[.digits][e[+-]digits] -> an exact fraction
  std::string digits;
  int scale = 0;  // value = digits * 10^scale
  std::size_t i = 0;
  bool neg = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) neg = text[i++] == '-';
  bool frac = false;
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    if (std::isdigit(static_cast<unsigned char>(ch))) {
      digits += ch;
      if (frac) --scale;
    } else if (ch == '.') {
      frac = true;
    } else if (ch == 'e' || ch == 'E') {
      scale += std::stoi(text.substr(i + 1));
      break;
    } else {
      digits.clear();
      break;
    }
  }
  if (digits.empty()) return c.real_val(std::to_string(fallback).c_str());
  std::string num = digits, den = "1";
  if (scale > 0) num += std::string(static_cast<std::size_t>(scale), '0');
  if (scale < 0) den += std::string(static_cast<std::size_t>(-scale), '0');
  const std::string s = (neg ? "-" : "") + num + "/" + den;
  return c.real_val(s.c_str());
}

}  // namespace cert::prove
