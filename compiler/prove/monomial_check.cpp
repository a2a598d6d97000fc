// The linear abstraction check: simplify to sums of monomials, solve equalities, lift ites,
// then z3's SMT core with non-linear reasoning off (monomials are opaque atoms).
#include "compiler/prove/monomial_check.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace cert::prove {

namespace {

using Clock = std::chrono::steady_clock;

z3::expr pushIte(const z3::expr& e, std::map<unsigned, z3::expr>& memo) {
  if (const auto it = memo.find(e.id()); it != memo.end()) return it->second;
  z3::expr r = e;
  if (e.is_app() && e.num_args() > 0) {
    z3::expr_vector args(e.ctx());
    for (unsigned i = 0; i < e.num_args(); ++i) args.push_back(pushIte(e.arg(i), memo));
    r = e.decl()(args);
    if (e.decl().decl_kind() == Z3_OP_MUL) {
      for (unsigned i = 0; i < args.size(); ++i) {
        const z3::expr a = args[i];
        if (!a.is_app() || a.decl().decl_kind() != Z3_OP_ITE) continue;
        z3::expr_vector yes(e.ctx()), no(e.ctx());
        for (unsigned j = 0; j < args.size(); ++j) {
          yes.push_back(j == i ? a.arg(1) : args[j]);
          no.push_back(j == i ? a.arg(2) : args[j]);
        }
        r = z3::ite(a.arg(0), pushIte(e.decl()(yes), memo), pushIte(e.decl()(no), memo));
        break;
      }
    }
  }
  memo.emplace(e.id(), r);
  return r;
}

}  // namespace

z3::expr pushIteOutOfProducts(const z3::expr& e) {
  std::map<unsigned, z3::expr> memo;
  return pushIte(e, memo);
}

bool unsatOverMonomials(z3::context& c, const std::vector<z3::expr>& facts, Clock::time_point deadline,
                        const std::function<bool()>& cancelled) {
  if (Clock::now() >= deadline) return false;
  z3::params som(c);
  som.set("som", true);
  z3::params linear(c);
  linear.set("arith.nl", false);
  linear.set("arith.nl.nra", false);
  z3::solver s = (z3::with(z3::tactic(c, "simplify"), som) & z3::tactic(c, "propagate-values") &
                  z3::tactic(c, "solve-eqs") & z3::with(z3::tactic(c, "simplify"), som) &
                  z3::tactic(c, "elim-term-ite") & z3::with(z3::tactic(c, "smt"), linear))
                     .mk_solver();
  std::map<unsigned, z3::expr> memo;
  for (const auto& f : facts) s.add(pushIte(f, memo));
  // Interrupt at the deadline (linear arithmetic does honour it).
  std::mutex m;
  std::condition_variable wake;
  bool done = false;
  std::thread dog([&] {
    std::unique_lock<std::mutex> lock(m);
    while (!done) {
      if (Clock::now() >= deadline || (cancelled && cancelled())) {
        c.interrupt();
        return;
      }
      wake.wait_for(lock, std::chrono::milliseconds(20));
    }
  });
  z3::check_result r = z3::unknown;
  try {
    r = s.check();
  } catch (const z3::exception&) {
    r = z3::unknown;
  }
  {
    std::lock_guard<std::mutex> lock(m);
    done = true;
  }
  wake.notify_all();
  dog.join();
  return r == z3::unsat;
}

}  // namespace cert::prove
