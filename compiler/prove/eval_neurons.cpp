// Neurons in the prover: members made on first read (Float: a free real; PolyExp: an opaque
// value, expanded into generic terms when mapped over; SymExp: a form over the shared noise),
// the shape's constraints as hypotheses, and `traverse` proved by induction on its invariant.
#include "compiler/prove/evaluator.h"

namespace cert::prove {

namespace {

Value neuronValue(z3::context& c, int atom) {
  Value v(c);
  v.kind = VKind::Neuron;
  v.atom = atom;
  return v;
}

}  // namespace

Value Evaluator::member(const Value& v, const std::string& m, const SourceRange& at) {
  if (v.kind == VKind::List) {
    Value r = v;
    for (auto& it : r.items) it = member(it, m, at);
    return r;
  }
  if (v.kind != VKind::Neuron) throw Unsupported{"'[" + m + "]' of a value that is not a neuron", at};
  return neuronMember(v.atom, m, at);
}

Value Evaluator::genericLin(const std::string& name, int depth, int terms) {
  Lin l{world.real(name + ".c0"), {}};
  for (int k = 0; k < terms; ++k) {
    const std::string kName = name + ".n" + std::to_string(k);
    const int n = world.neuron(kName, depth);
    l.terms.push_back(Term{n, world.real(name + ".c" + std::to_string(k + 1))});
  }
  return linValue(l);
}

Value Evaluator::neuronMember(int atom, const std::string& m, const SourceRange& at) {
  {
    auto it = world.atoms[atom].members.find(m);
    if (it != world.atoms[atom].members.end()) return it->second;
  }
  const std::string name = world.atoms[atom].name + "[" + m + "]";
  const ast::Param* decl = nullptr;
  if (program.shape)
    for (const auto& p : program.shape->members)
      if (p.name == m) decl = &p;
  Value r(world.ctx);
  if (decl) {
    if (world.atoms[atom].isCurr)
      throw Unsupported{"the rule reads curr[" + m + "], a member it is computing", at};
    if (decl->type.listDepth > 0) throw Unsupported{"list-typed shape members are not modelled", at};
    switch (decl->type.base) {
      case ast::BaseType::Int:
      case ast::BaseType::Float: r = Value::real(world.real(name)); break;
      case ast::BaseType::Bool:
      // A Ct member (a constraint over concrete values) of an input: a free truth value; the shape
      // constraint `curr[c]` then assumes it holds, which says nothing about the values (sound: an
      // input's constraint is only ever assumed). curr's Ct is the rule's expression itself.
      case ast::BaseType::Ct: r = Value::boolean(world.boolean(name)); break;
      case ast::BaseType::PolyExp: {
        const int opaque = world.addAtom(AtomKind::Opaque, name, world.real(name), world.atoms[atom].depth);
        r = linValue(Lin{world.ctx.real_val(0), {Term{opaque, world.ctx.real_val(1)}}});
        break;
      }
      case ast::BaseType::SymExp: {
        Lin l{world.real(name + ".c0"), {}};
        const auto noise = world.noise(options.noiseWidth);
        for (std::size_t k = 0; k < noise.size(); ++k)
          l.terms.push_back(Term{noise[k], world.real(name + ".c" + std::to_string(k + 1))});
        r = linValue(l);
        break;
      }
      default: throw Unsupported{"shape members of this type are not modelled", at};
    }
  } else if (m == "layer" || m == "bias") {
    r = Value::real(world.real(name));
  } else if (m == "last_layer") {
    const z3::expr x = world.real(name);
    world.hypotheses.push_back(x == 0 || x == 1);
    r = Value::real(x);
  } else {
    throw Unsupported{"'" + m + "' of this neuron is not modelled by the prover", at};
  }
  world.atoms[atom].members.insert_or_assign(m, r);
  return r;
}

Lin Evaluator::expand(int opaque, const SourceRange& at) {
  if (!world.atoms[opaque].expansion.empty()) return world.atoms[opaque].expansion.front();
  if (world.atoms[opaque].depth >= 2)
    throw Unsupported{"a PolyExp member nested deeper than two member reads is mapped over", at};
  const Value g = genericLin(world.atoms[opaque].name, world.atoms[opaque].depth + 1, options.termWidth);
  world.hypotheses.push_back(world.atoms[opaque].value == world.valueOf(g.lin));
  world.atoms[opaque].expansion.push_back(g.lin);
  return g.lin;
}

std::vector<z3::expr> Evaluator::constraintsOf(int neuron) {
  std::vector<z3::expr> out;
  if (!program.shape) return out;
  auto saved = std::move(env);
  env.clear();
  env.insert_or_assign("curr", neuronValue(world.ctx, neuron));
  const z3::expr savedPath = path;
  const bool savedRecord = recordDivisions;
  path = world.ctx.bool_val(true);
  recordDivisions = false;
  for (const auto& c : program.shape->constraints) out.push_back(asBool(eval(*c), c->range));
  recordDivisions = savedRecord;
  path = savedPath;
  env = std::move(saved);
  return out;
}

void Evaluator::constrainNeurons() {
  for (std::size_t i = 0; i < world.atoms.size(); ++i) {
    if (world.atoms[i].kind != AtomKind::Neuron || !world.atoms[i].constrained || world.atoms[i].assumed)
      continue;
    world.atoms[i].assumed = true;
    for (auto& h : constraintsOf(static_cast<int>(i))) world.hypotheses.push_back(h);
  }
}

Value Evaluator::evalTraverse(const ast::Expr& e) {
  const ast::Expr& receiver = e.kid(0);
  const ast::Expr& invariant = e.kid(4);
  if (invariant.kind == ast::ExprKind::Error)
    throw Unsupported{"'traverse' without an invariant '{...}' cannot be proved", e.range};
  const Lin start = toLin(eval(receiver), receiver.range);
  const Value stop = eval(e.kid(2));
  const Value replace = eval(e.kid(3));
  const std::string name = "traverse" + std::to_string(++traverseCount);
  auto invariantOf = [&](const Value& v) {
    overrides_.emplace_back(&receiver, v);
    const z3::expr r = asBool(eval(invariant), invariant.range);
    overrides_.pop_back();
    return r;
  };
  const z3::expr outer = path;
  // 1. The invariant holds for the expression traverse starts from.
  obligations.push_back(Obligation{"the invariant of traverse holds initially", outer,
                                   invariantOf(linValue(start)), world.ctx.real_val(0), false});
  // 2. One step keeps it: any active terms (c != 0, not stop) of a generic expression that
  //    satisfies it may be replaced (any order is sound, so the choice is free).
  const Value v = genericLin(name + ".V", 1, options.termWidth);
  const z3::expr before = invariantOf(v);
  Lin next{v.lin.c0, {}};
  for (std::size_t k = 0; k < v.lin.terms.size(); ++k) {
    const Term& t = v.lin.terms[k];
    const Value n = neuronValue(world.ctx, t.atom);
    path = outer && before;
    const z3::expr stopped = asBool(apply(stop, {n, Value::real(t.coef)}, e.kid(2).range), e.kid(2).range);
    const z3::expr chosen = world.boolean(name + ".pick" + std::to_string(k));
    const z3::expr active = chosen && t.coef != 0 && !stopped;
    path = outer && before && active;
    const Value r = apply(replace, {n, Value::real(t.coef)}, e.kid(3).range);
    next = linAdd(next, linSelect(active, toLin(r, e.kid(3).range), Lin{world.ctx.real_val(0), {t}}));
  }
  path = outer;
  obligations.push_back(Obligation{"the invariant of traverse is kept by one step", outer && before,
                                   invariantOf(linValue(next)), world.ctx.real_val(0), false});
  // 3. The result: a generic expression that satisfies the invariant and has no active term.
  const Value result = genericLin(name + ".R", 1, options.termWidth);
  z3::expr done = invariantOf(result);
  for (const auto& t : result.lin.terms) {
    const z3::expr stopped =
        asBool(apply(stop, {neuronValue(world.ctx, t.atom), Value::real(t.coef)}, e.kid(2).range),
               e.kid(2).range);
    done = done && (t.coef == 0 || stopped);
  }
  world.hypotheses.push_back(z3::implies(outer, done));
  return result;
}

}  // namespace cert::prove
