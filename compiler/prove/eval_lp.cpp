// `lp` in the prover: the runtime's LP (runtime/lp_bounds.h) bounds its objective over every
// neuron value that satisfies its constraints and lies in its neurons' [l, u] intervals, with a
// bound sound under rounding. The concrete values are such a point whenever the constraints hold
// at them and the shape bounds l and u, so lp(minimize, e, cs) is modelled as a fresh real v with
// "cs hold => v <= e's value" (>= for maximize): what any LP over a region holding the concrete
// point gives. The runtime keeps a weaker form of a Ct constraint (a larger region), whose bound
// is still below e's value there.
#include "compiler/prove/evaluator.h"

namespace cert::prove {

namespace {

using ast::BinaryOp;
using ast::Expr;
using ast::ExprKind;

/// Whether `e` is curr[m].
bool currMember(const Expr& e, const std::string& m) {
  return e.kind == ExprKind::Member && e.name == m && !e.kids.empty() && e.kid(0).kind == ExprKind::Curr;
}

/// Whether the shape states curr[m] <= curr (lower) or curr[m] >= curr (upper), either way round.
bool shapeBounds(const ast::Program& program, const std::string& m, bool lower) {
  for (const auto& c : program.shape->constraints) {
    if (c->kind != ExprKind::Binary || c->kids.size() != 2) continue;
    const bool le = c->binaryOp == BinaryOp::Le, ge = c->binaryOp == BinaryOp::Ge;
    if (!le && !ge) continue;
    const Expr& a = c->kid(0);
    const Expr& b = c->kid(1);
    // lower: m <= curr or curr >= m; upper: m >= curr or curr <= m.
    if (currMember(a, m) && b.kind == ExprKind::Curr && (lower ? le : ge)) return true;
    if (a.kind == ExprKind::Curr && currMember(b, m) && (lower ? ge : le)) return true;
  }
  return false;
}

bool shapeHas(const ast::Program& program, const std::string& m) {
  for (const auto& p : program.shape->members)
    if (p.name == m) return true;
  return false;
}

}  // namespace

Value Evaluator::evalLp(const ast::Expr& e) {
  if (!program.shape) throw Unsupported{"'lp' without a shape", e.range};
  // The LP keeps every neuron of its forms inside [l, u] read from members named l and u (none:
  // unbounded): those must be bounds of the concrete value by the shape, else the region may
  // leave out the concrete point.
  for (const auto& [m, lower] : {std::pair<const char*, bool>{"l", true}, {"u", false}})
    if (shapeHas(program, m) && !shapeBounds(program, m, lower))
      throw Unsupported{std::string("'lp' keeps neurons within their members l and u, and the shape does not state curr[") +
                            m + "] " + (lower ? "<=" : ">=") + " curr",
                        e.range};
  if (e.kids.size() != 2) throw Unsupported{"'lp' with other than one constraint list", e.range};
  const Lin objective = toLin(eval(e.kid(0)), e.kid(0).range);
  for (const Term& t : objective.terms)
    if (world.atoms[static_cast<size_t>(t.atom)].kind == AtomKind::Noise)
      throw Unsupported{"'lp' over a SymExp objective", e.kid(0).range};
  const Value constraints = eval(e.kid(1));
  z3::expr hold = world.ctx.bool_val(true);
  if (constraints.kind == VKind::List) {
    for (size_t k = 0; k < constraints.items.size(); ++k)
      hold = hold && z3::implies(constraints.present[k], asBool(constraints.items[k], e.kid(1).range));
  } else {
    hold = asBool(constraints, e.kid(1).range);
  }
  const z3::expr v = world.real("lp" + std::to_string(lpCount++));
  const z3::expr value = world.valueOf(objective);
  world.hypotheses.push_back(z3::implies(hold, e.goal == ast::LpGoal::Minimize ? v <= value : v >= value));
  return Value::real(v);
}

}  // namespace cert::prove
