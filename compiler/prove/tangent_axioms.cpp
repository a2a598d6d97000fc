// Facts of `sigma_tangent` and sigma's tangent / chord lemmas, instantiated at a rule's terms.
#include "compiler/prove/tangent_axioms.h"

#include <optional>
#include <functional>
#include <set>
#include <utility>

namespace cert::prove {

namespace {

std::vector<z3::expr> distinct(const std::vector<z3::expr>& xs) {
  std::vector<z3::expr> out;
  std::set<unsigned> seen;
  for (const auto& x : xs)
    if (seen.insert(x.id()).second) out.push_back(x);
  return out;
}


using Fn = std::function<z3::expr(const z3::expr&)>;

/// Tangents in the concave half above g, in the convex half below; a chord leaving an end at a
/// slope below g' there is on that side of g between its ends.
void shapeLemmas(z3::context& c, const std::vector<z3::expr>& ps, const Fn& g, const Fn& dg, std::vector<z3::expr>& out) {
  const z3::expr zero = c.real_val(0), one = c.real_val(1);
  auto tangent = [&](const z3::expr& p, const z3::expr& z) { return g(p) + dg(p) * (z - p); };
  for (const auto& p : ps)
    for (const auto& z : ps) {
      if (p.id() == z.id()) continue;
      out.push_back(z3::implies(p >= zero && z >= zero, tangent(p, z) >= g(z)));
      out.push_back(z3::implies(p <= zero && z <= zero, tangent(p, z) <= g(z)));
    }
  for (const auto& a : ps)
    for (const auto& b : ps) {
      if (a.id() == b.id()) continue;
      const z3::expr k = (g(b) - g(a)) / z3::ite(b - a > zero, b - a, one);
      for (const auto& z : ps) {
        const z3::expr inside = a < b && a <= z && z <= b;
        out.push_back(z3::implies(inside && k <= dg(a), g(a) + k * (z - a) <= g(z)));
        out.push_back(z3::implies(inside && k <= dg(b), g(b) + k * (z - b) >= g(z)));
      }
    }
}

}  // namespace

std::vector<z3::expr> tangentAxioms(const Evaluator& ev) {
  std::vector<z3::expr> out;
  if (ev.tangentArgs.empty() && ev.sigmaTableArgs.empty() && ev.tanhTableArgs.empty()) return out;
  z3::context& c = ev.world.ctx;
  const z3::expr zero = c.real_val(0);
  const std::vector<z3::expr> ps = distinct(ev.sigmaArgs);
  auto s = [&ev](const z3::expr& t) { return ev.sigma(t); };
  auto ds = [&ev](const z3::expr& t) { return ev.sigma(t) * (1 - ev.sigma(t)); };
  auto tangent = [&](const z3::expr& p, const z3::expr& z) { return s(p) + ds(p) * (z - p); };
  // (d, y): sigma's tangent at d is below sigma on (-inf, y]. sigma_tangent(y) and
  // sigma_tangent_table(y) directly; tanh_tangent_table(y) = t in sigma's terms, tanh's tangent at t
  // being 2 (sigma's tangent at 2t, taken at 2z) - 1: (2t, 2y).
  std::vector<std::pair<z3::expr, z3::expr>> points;
  for (const auto& y : distinct(ev.tangentArgs)) {
    out.push_back(z3::implies(y <= zero, ev.sigmaTangent(y) == y));
    points.emplace_back(ev.sigmaTangent(y), y);
  }
  for (const auto& y : distinct(ev.sigmaTableArgs)) points.emplace_back(ev.sigmaTangentTable(y), y);
  for (const auto& y : distinct(ev.tanhTableArgs)) points.emplace_back(2 * ev.tanhTangentTable(y), 2 * y);
  for (const auto& [d, y] : points) {
    out.push_back(d <= zero);
    for (const auto& z : ps) {
      out.push_back(z3::implies(z <= y, tangent(d, z) <= s(z)));
      out.push_back(z3::implies(z >= -y, tangent(-d, z) >= s(z)));
      for (const auto& p : ps) {
        out.push_back(z3::implies(p <= d && z <= y, tangent(p, z) <= s(z)));
        out.push_back(z3::implies(p >= -d && z >= -y, tangent(p, z) >= s(z)));
      }
    }
  }
  shapeLemmas(c, ps, s, ds, out);
  // tanh(t) = 2 sigma(2t) - 1: the same lemmas in tanh's own terms at the halves t of sigma's
  // arguments 2t (its chords divide by b - a, not 2b - 2a, so sigma's do not apply).
  std::vector<z3::expr> halves;
  for (const auto& a : ps)
    if (a.is_app() && a.decl().decl_kind() == Z3_OP_MUL && a.num_args() == 2 && a.arg(0).is_numeral() &&
        a.arg(0).get_decimal_string(3) == "2")
      halves.push_back(a.arg(1));
  auto th = [&ev](const z3::expr& t) { return 2 * ev.sigma(2 * t) - 1; };
  auto dth = [&th](const z3::expr& t) { return 1 - th(t) * th(t); };
  if (halves.size() >= 2) shapeLemmas(c, distinct(halves), th, dth, out);
  return out;
}

namespace {

/// An ite term of `e` whose condition has no ite inside (post-order), or none.
std::optional<z3::expr> innermostIte(const z3::expr& e, std::set<unsigned>& seen) {
  if (!e.is_app() || !seen.insert(e.id()).second) return std::nullopt;
  for (unsigned i = 0; i < e.num_args(); ++i)
    if (auto t = innermostIte(e.arg(i), seen)) return t;
  if (e.decl().decl_kind() == Z3_OP_ITE) return e;
  return std::nullopt;
}

void itesWithCondition(const z3::expr& e, const z3::expr& c, std::set<unsigned>& seen, z3::expr_vector& out) {
  if (!e.is_app() || !seen.insert(e.id()).second) return;
  for (unsigned i = 0; i < e.num_args(); ++i) itesWithCondition(e.arg(i), c, seen, out);
  if (e.decl().decl_kind() == Z3_OP_ITE && e.arg(0).id() == c.id()) out.push_back(e);
}

/// e with its conditionals lifted to the top: (c => e[ite(c,a,b) := a]) and (!c => e[... := b]),
/// for at most `depth` conditions (deeper ones stay inside).
z3::expr liftItes(z3::context& ctx, const z3::expr& e, int depth) {
  if (depth <= 0) return e;
  std::set<unsigned> seen;
  const std::optional<z3::expr> t = innermostIte(e, seen);
  if (!t) return e;
  const z3::expr c = t->arg(0);
  z3::expr_vector from(ctx), thenArgs(ctx), elseArgs(ctx);
  std::set<unsigned> seen2;
  itesWithCondition(e, c, seen2, from);
  for (unsigned i = 0; i < from.size(); ++i) {
    thenArgs.push_back(from[i].arg(1));
    elseArgs.push_back(from[i].arg(2));
  }
  z3::expr a = e, b = e;
  a = a.substitute(from, thenArgs);
  b = b.substitute(from, elseArgs);
  return (!c || liftItes(ctx, a, depth - 1)) && (c || liftItes(ctx, b, depth - 1));
}

}  // namespace

void normalizeForTangents(z3::context& c, std::vector<Obligation>& obligations, std::vector<z3::expr>& axioms) {
  z3::params p(c);
  p.set("som", true);
  constexpr int kDepth = 10;  // at most 2^10 cases per obligation
  for (Obligation& o : obligations) o.goal = liftItes(c, o.goal, kDepth).simplify(p);
  for (z3::expr& a : axioms) a = liftItes(c, a, kDepth).simplify(p);
}

}  // namespace cert::prove
