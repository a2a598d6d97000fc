// splitGoal: max/min chains in comparison goals, one goal per branch.
#include "compiler/prove/goal_split.h"

#include <utility>

namespace cert::prove {

namespace {

bool same(const z3::expr& a, const z3::expr& b) { return z3::eq(a, b); }

bool isIte(const z3::expr& e) { return e.is_app() && e.decl().decl_kind() == Z3_OP_ITE; }

/// e is ite(t >= f, t, f) (or ite(f <= t, t, f), strict forms included): max(t, f).
bool isMax(const z3::expr& e, z3::expr* a, z3::expr* b) {
  if (!isIte(e)) return false;
  const z3::expr c = e.arg(0), t = e.arg(1), f = e.arg(2);
  if (!c.is_app() || c.num_args() != 2) return false;
  const Z3_decl_kind k = c.decl().decl_kind();
  const bool tFirst = (k == Z3_OP_GE || k == Z3_OP_GT) && same(c.arg(0), t) && same(c.arg(1), f);
  const bool fFirst = (k == Z3_OP_LE || k == Z3_OP_LT) && same(c.arg(0), f) && same(c.arg(1), t);
  if (!tFirst && !fFirst) return false;
  *a = t;
  *b = f;
  return true;
}

/// e is ite(t <= f, t, f) (or ite(f >= t, t, f), strict forms included): min(t, f).
bool isMin(const z3::expr& e, z3::expr* a, z3::expr* b) {
  if (!isIte(e)) return false;
  const z3::expr c = e.arg(0), t = e.arg(1), f = e.arg(2);
  if (!c.is_app() || c.num_args() != 2) return false;
  const Z3_decl_kind k = c.decl().decl_kind();
  const bool tFirst = (k == Z3_OP_LE || k == Z3_OP_LT) && same(c.arg(0), t) && same(c.arg(1), f);
  const bool fFirst = (k == Z3_OP_GE || k == Z3_OP_GT) && same(c.arg(0), f) && same(c.arg(1), t);
  if (!tFirst && !fFirst) return false;
  *a = t;
  *b = f;
  return true;
}

void split(const z3::expr& g, std::vector<z3::expr>& out) {
  if (g.is_app() && g.decl().decl_kind() == Z3_OP_AND) {
    for (unsigned i = 0; i < g.num_args(); ++i) split(g.arg(i), out);
    return;
  }
  if (g.is_app() && g.num_args() == 2 && (g.decl().decl_kind() == Z3_OP_LE || g.decl().decl_kind() == Z3_OP_GE)) {
    // As small <= big.
    const bool le = g.decl().decl_kind() == Z3_OP_LE;
    const z3::expr small = le ? g.arg(0) : g.arg(1), big = le ? g.arg(1) : g.arg(0);
    z3::expr a = small, b = small;
    if (isMax(small, &a, &b)) {
      split(a <= big, out);
      split(b <= big, out);
      return;
    }
    if (isMin(big, &a, &b)) {
      split(small <= a, out);
      split(small <= b, out);
      return;
    }
  }
  out.push_back(g);
}

}  // namespace

std::vector<z3::expr> splitGoal(const z3::expr& goal) {
  std::vector<z3::expr> out;
  split(goal, out);
  return out;
}

std::vector<Obligation> splitObligations(const std::vector<Obligation>& obligations) {
  std::vector<Obligation> out;
  for (const Obligation& o : obligations) {
    const std::vector<z3::expr> goals = splitGoal(o.goal);
    if (goals.size() == 1) {
      out.push_back(o);
      continue;
    }
    for (const z3::expr& g : goals) {
      Obligation part = o;
      part.goal = g;
      part.hasMargin = false;
      out.push_back(std::move(part));
    }
  }
  return out;
}

}  // namespace cert::prove
