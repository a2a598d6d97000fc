// Discharging proof obligations with z3: one combined check first (the common case: all hold),
// then one check per obligation to name the failing one and find its counterexample. Each check
// is a small portfolio: z3's default solver briefly, then nlsat (complete for non-linear real
// arithmetic) for the rest of its budget; a watchdog interrupts z3 at the deadline.
#include "compiler/prove/solve.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <set>
#include <functional>
#include <thread>

#include "compiler/prove/goal_split.h"
#include "compiler/prove/monomial_check.h"

namespace cert::prove {

namespace {

using Clock = std::chrono::steady_clock;

/// Interrupts z3 at a deadline or when `cancelled` turns true (z3's own timeout is not honoured
/// by every tactic).
class Watchdog {
 public:
  Watchdog(z3::context& c, Clock::time_point deadline, const std::function<bool()>& cancelled)
      : thread_([this, &c, deadline, cancelled] {
          std::unique_lock<std::mutex> lock(mutex_);
          while (!done_) {
            if (Clock::now() >= deadline || (cancelled && cancelled())) {
              c.interrupt();
              return;
            }
            wake_.wait_for(lock, std::chrono::milliseconds(20));
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

struct Check {
  z3::check_result result = z3::unknown;
  std::optional<z3::model> model;
  std::string reason;
};

long msUntil(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
}

Check runOne(z3::solver& s, const std::vector<z3::expr>& facts, Clock::time_point deadline,
             const std::function<bool()>& cancelled) {
  Check out;
  if (msUntil(deadline) <= 0) {
    out.reason = "timeout";
    return out;
  }
  // No z3 "timeout" parameter: z3 4.8.12's timer thread has been seen to deadlock a check; the
  // watchdog's interrupt ends it instead.
  for (const auto& f : facts) s.add(f);
  try {
    Watchdog dog(s.ctx(), deadline, cancelled);
    out.result = s.check();
  } catch (const z3::exception& e) {
    out.result = z3::unknown;
    out.reason = e.msg();
    return out;
  }
  if (out.result == z3::sat) out.model = s.get_model();
  if (out.result == z3::unknown) out.reason = s.reason_unknown();
  return out;
}

// Satisfiability of `facts`: the default solver for a short while, then nlsat. Not nlsat with
// sigma (an uninterpreted function): it does not support them and has been seen to ignore
// interrupts on such input.
Check check(z3::context& c, const std::vector<z3::expr>& facts, Clock::time_point deadline,
            const std::function<bool()>& cancelled, bool withNlsat) {
  // Rules with sigma: first the linear abstraction over monomials (quick; it closes the S-curve
  // zonotopes, whose proof is linear in the shape lemmas), for at most a third of the budget.
  if (!withNlsat) {
    const auto third = Clock::now() + (deadline - Clock::now()) / 3;
    if (unsatOverMonomials(c, facts, std::min(third, deadline), cancelled)) {
      Check proved;
      proved.result = z3::unsat;
      return proved;
    }
  }
  const long total = msUntil(deadline);
  const auto quick = Clock::now() + std::chrono::milliseconds(std::min(2000L, std::max(1L, total / 4)));
  z3::solver smt(c);
  {
    // The default solver calls nlsat itself on non-linear input, and does not always stop when
    // interrupted there: without it, incomplete but interruptible (nlsat runs next, on its own).
    z3::params p(c);
    p.set("arith.nl.nra", false);
    smt.set(p);
  }
  Check r = runOne(smt, facts, withNlsat ? std::min(quick, deadline) : deadline, cancelled);
  if (r.result != z3::unknown || (cancelled && cancelled()) || !withNlsat) return r;
  z3::solver nlsat = (z3::tactic(c, "simplify") & z3::tactic(c, "elim-term-ite") & z3::tactic(c, "qfnra")).mk_solver();
  Check n = runOne(nlsat, facts, deadline, cancelled);
  if (n.result == z3::unknown && n.reason.empty()) n.reason = r.reason;
  return n;
}

CexValue readValue(const z3::model& m, const std::string& name, const z3::expr& e) {
  const z3::expr v = m.eval(e, true);
  CexValue r;
  r.name = name;
  if (v.is_numeral() || v.is_algebraic()) {
    r.text = v.get_decimal_string(12);
    std::string digits = r.text;
    digits.erase(std::remove(digits.begin(), digits.end(), '?'), digits.end());
    r.value = std::strtod(digits.c_str(), nullptr);
  } else if (v.is_true() || v.is_false()) {
    r.text = v.is_true() ? "true" : "false";
    r.value = v.is_true() ? 1.0 : 0.0;
  } else {
    r.text = v.to_string();
    r.value = 0.0;
  }
  return r;
}

std::vector<CexValue> counterexample(const World& w, const z3::model& m) {
  std::vector<CexValue> out;
  for (const auto& [name, e] : w.derived) out.push_back(readValue(m, name, e));
  for (const auto& [name, e] : w.named) out.push_back(readValue(m, name, e));
  return out;
}

}  // namespace

namespace {

/// Shape lemmas of an S-shaped g (the logistic sigma, or tanh(t) = 2 sigma(2t) - 1), true facts
/// instantiated at every ordered pair a < b of arguments and every x with a <= x <= b, written in
/// the form the shipped specs use (pos(d) = d > 0 ? d : 1, min(p, q) = p <= q ? p : q), so that
/// linear reasoning over the same terms closes DeepPoly's and CROWN's S-curve rules:
///  - g concave on [0, inf): 0 <= a gives the chord below, g(a) + (g(b)-g(a))/(b-a) (x-a) <= g(x);
///  - g convex on (-inf, 0]: b <= 0 gives the chord above, g(b) + (g(b)-g(a))/(b-a) (x-b) >= g(x);
///  - g' (sigma(1-sigma), 1-tanh^2) rises up to 0 and falls after, so its least value on [a, b]
///    is at an end, m = min(g'(a), g'(b)); by the mean value theorem g(a) + m (x-a) <= g(x) and
///    g(b) + m (x-b) >= g(x), i.e. g(a) - m a <= g(x) - m x <= g(b) - m b: with m = lambda, the
///    band of DeepZ's S-curve zonotope (its centre and radius are the midpoint and half-width).
/// (Tangent lemmas for CROWN's midpoint lines were tried: z3 then timed out on CROWN's rules.)
void shapeLemmas(z3::context& c, const std::vector<z3::expr>& points, const std::function<z3::expr(const z3::expr&)>& g,
                 const std::function<z3::expr(const z3::expr&)>& dg, std::vector<z3::expr>& out) {
  const z3::expr zero = c.real_val(0), one = c.real_val(1);
  for (const auto& a : points)
    for (const auto& b : points) {
      if (a.id() == b.id()) continue;
      const z3::expr pos = z3::ite(b - a > zero, b - a, one);
      const z3::expr slope = (g(b) - g(a)) / pos;
      const z3::expr m = z3::ite(dg(a) <= dg(b), dg(a), dg(b));
      for (const auto& x : points) {
        const z3::expr inside = a < b && a <= x && x <= b;
        out.push_back(z3::implies(inside && a >= zero, g(a) + slope * (x - a) <= g(x)));
        out.push_back(z3::implies(inside && b <= zero, g(b) + slope * (x - b) >= g(x)));
        out.push_back(z3::implies(inside, g(a) + m * (x - a) <= g(x)));
        out.push_back(z3::implies(inside, g(b) + m * (x - b) >= g(x)));
      }
    }
}

/// t when e is 2 * t (a tanh argument, tanh(t) = 2 sigma(2t) - 1).
std::optional<z3::expr> halfOfDouble(const z3::expr& e) {
  if (!e.is_app() || e.decl().decl_kind() != Z3_OP_MUL || e.num_args() != 2) return std::nullopt;
  const z3::expr k = e.arg(0);
  if (!k.is_numeral() || k.get_decimal_string(3) != "2") return std::nullopt;
  return e.arg(1);
}

void addShapeLemmas(const Evaluator& ev, const std::vector<z3::expr>& args, std::vector<z3::expr>& out) {
  z3::context& c = ev.world.ctx;
  auto sig = [&ev](const z3::expr& t) { return ev.sigma(t); };
  auto dsig = [&ev](const z3::expr& t) { return ev.sigma(t) * (1 - ev.sigma(t)); };
  shapeLemmas(c, args, sig, dsig, out);
  std::vector<z3::expr> halves;
  for (const auto& a : args)
    if (const auto t = halfOfDouble(a)) halves.push_back(*t);
  if (halves.size() < 2) return;
  auto th = [&ev](const z3::expr& t) { return 2 * ev.sigma(2 * t) - 1; };
  auto dth = [&th](const z3::expr& t) { return 1 - th(t) * th(t); };
  shapeLemmas(c, halves, th, dth, out);
}

}  // namespace

std::vector<z3::expr> sigmaAxioms(const Evaluator& ev) {
  std::vector<z3::expr> out;
  std::vector<z3::expr> args;
  std::set<unsigned> seen;
  for (const auto& a : ev.sigmaArgs)
    if (seen.insert(a.id()).second) args.push_back(a);
  z3::context& c = ev.world.ctx;
  for (const auto& a : args) out.push_back(ev.sigma(a) > 0 && ev.sigma(a) < 1);
  for (const auto& a : args)
    for (const auto& b : args) {
      if (a.id() == b.id()) continue;
      out.push_back(z3::implies(a <= b, ev.sigma(a) <= ev.sigma(b)));
      out.push_back(z3::implies(a < b, ev.sigma(a) < ev.sigma(b)));
      out.push_back(z3::implies(a <= b, ev.sigma(b) - ev.sigma(a) <= (b - a) * c.real_val(1, 4)));
    }
  addShapeLemmas(ev, args, out);
  return out;
}

SolveOutcome solve(const World& world, const std::vector<Obligation>& given,
                   const std::vector<z3::expr>& axioms, bool sigmaAxiomatized,
                   Clock::time_point deadline, const std::function<bool()>& cancelled) {
  z3::context& c = world.ctx;
  // A bound that is the best of several (max of lower bounds, min of upper bounds: ERAN-style
  // DeepPoly's depths) is checked branch by branch, each with only its own traverse's terms.
  const std::vector<Obligation> obligations = splitObligations(given);
  std::vector<z3::expr> base = world.hypotheses;
  base.insert(base.end(), axioms.begin(), axioms.end());
  SolveOutcome out;
  z3::expr all = c.bool_val(true);
  for (const auto& o : obligations) all = all && z3::implies(o.antecedent, o.goal);
  {
    std::vector<z3::expr> facts = base;
    facts.push_back(!all);
    // Briefly: when it does not settle, the per-obligation checks below are smaller problems.
    const auto share = std::min(deadline, Clock::now() + std::chrono::milliseconds(2000));
    const Check combined = check(c, facts, share, cancelled, !sigmaAxiomatized);
    if (combined.result == z3::unsat) {
      out.verdict = Verdict::Proved;
      return out;
    }
  }
  std::string undecided;
  for (std::size_t i = 0; i < obligations.size(); ++i) {
    const Obligation& o = obligations[i];
    if (cancelled && cancelled()) {
      out.reason = "cancelled";
      return out;
    }
    if (msUntil(deadline) <= 0) {
      out.reason = "timeout: z3 did not finish within the time limit";
      return out;
    }
    const auto slot = Clock::now() + (deadline - Clock::now()) / static_cast<long>(obligations.size() - i);
    std::vector<z3::expr> facts = base;
    facts.push_back(o.antecedent);
    facts.push_back(!o.goal);
    Check r;
    if (o.hasMargin) {  // prefer a counterexample that misses by a visible amount
      std::vector<z3::expr> wide = facts;
      wide.push_back(o.margin >= c.real_val(1, 100));
      const auto quick = Clock::now() + (slot - Clock::now()) / 3;
      r = check(c, wide, quick, cancelled, !sigmaAxiomatized);
      if (r.result != z3::sat) r = Check{};
    }
    if (r.result != z3::sat) r = check(c, facts, slot, cancelled, !sigmaAxiomatized);
    if (r.result == z3::unsat) continue;
    if (r.result == z3::unknown) {
      if (undecided.empty()) undecided = "z3 could not decide '" + o.what + "' (" + r.reason + ")";
      continue;
    }
    if (sigmaAxiomatized) {
      out.reason = "'" + o.what + "' not proved: sigma is known to z3 only by its range, monotonicity "
                   "and slope bound, and the model it found may not be a real counterexample";
      return out;
    }
    out.verdict = Verdict::Unsound;
    out.reason = o.what;
    out.counterexample = counterexample(world, *r.model);
    return out;
  }
  if (!undecided.empty()) {
    out.reason = undecided;
    return out;
  }
  // Each obligation holds on its own (the combined check may have timed out): so does their
  // conjunction.
  out.verdict = Verdict::Proved;
  return out;
}

}  // namespace cert::prove
