// The prover's driver: for each rule, bind the operator's inputs, evaluate the rule, state the
// shape's constraints on its result as obligations, and let z3 decide them.
#include "compiler/prove/prove.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "compiler/printer/printer.h"
#include "compiler/prove/evaluator.h"
#include "compiler/prove/isolated.h"
#include "compiler/prove/semantics.h"
#include "compiler/prove/solve.h"
#include "compiler/prove/tangent_axioms.h"

namespace cert::prove {

namespace {

using Clock = std::chrono::steady_clock;

SolveOutcome proveRule(const ast::Program& program, const ast::Rule& rule, const ProveOptions& options) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(
                                           static_cast<long>(options.timeoutSeconds * 1000.0));
  z3::context ctx;
  World world(ctx);
  Evaluator ev(world, program, options);
  const auto& members = program.shape->members;
  const int curr = bindOperator(ev, rule.op, rule.opRange);
  if (!world.atoms[curr].isCurr) {
    // A rev_ rule: curr's members as the forward run left them satisfy the shape (assumed here,
    // before the rule reads them); the obligations below are on the members the rule gives.
    // Their unknowns are reported as "curr[m] before".
    const std::size_t named = world.named.size();
    for (const z3::expr& h : ev.constraintsOf(curr)) world.hypotheses.push_back(h);
    world.atoms[curr].assumed = true;
    for (std::size_t k = named; k < world.named.size(); ++k)
      if (world.named[k].first.rfind("curr[", 0) == 0) world.named[k].first += " before";
  }
  Value body = ev.eval(*rule.body);
  if (body.kind != VKind::Tuple) {
    Value t(ctx);
    t.kind = VKind::Tuple;
    t.items.push_back(body);
    body = t;
  }
  if (body.items.size() != members.size())
    throw Unsupported{"the rule gives " + std::to_string(body.items.size()) + " values for " +
                          std::to_string(members.size()) + " shape members",
                      rule.range};
  for (std::size_t i = 0; i < members.size(); ++i) {
    const Value& m = body.items[i];
    world.atoms[curr].members.insert_or_assign(members[i].name, m);
    const std::string name = "curr[" + members[i].name + "]";
    if (m.kind == VKind::Real) world.derived.emplace_back(name, m.x);
    bool symbolicNoise = false;
    if (isLinear(m) && m.kind != VKind::Real) {
      for (const auto& t : toLin(m, rule.range).terms)
        symbolicNoise = symbolicNoise || world.atoms[t.atom].kind == AtomKind::Noise;
      if (!symbolicNoise) world.derived.emplace_back(name, world.valueOf(toLin(m, rule.range)));
    }
  }
  // The shape's constraints on curr, now that its members are the rule's results.
  ev.env.clear();
  ev.env.insert_or_assign("curr", [&] {
    Value v(ctx);
    v.kind = VKind::Neuron;
    v.atom = curr;
    return v;
  }());
  ev.path = ctx.bool_val(true);
  for (const auto& c : program.shape->constraints) {
    Obligation ob{printer::printExpr(*c), ctx.bool_val(true), ev.eval(*c).x, ctx.real_val(0), false};
    ob.hasMargin = ev.slack(*c, &ob.margin);
    ev.obligations.push_back(ob);
  }
  ev.constrainNeurons();
  std::vector<z3::expr> axioms = sigmaAxioms(ev);
  const std::vector<z3::expr> tangent = tangentAxioms(ev);
  axioms.insert(axioms.end(), tangent.begin(), tangent.end());
  if (!tangent.empty()) normalizeForTangents(ctx, ev.obligations, axioms);
  return solve(world, ev.obligations, axioms, ev.usesSigma, deadline, options.cancelled);
}

/// Time a child gets beyond the rule's own deadline (z3's interrupt normally ends it there).
constexpr double kIsolationGraceSeconds = 1.5;

RuleOutcome proveOne(const ast::Program& program, const ast::Rule& rule, const ProveOptions& options) {
  RuleOutcome v;
  if (options.beforeProof) options.beforeProof();
  try {
    SolveOutcome o = proveRule(program, rule, options);
    v.verdict = o.verdict;
    v.reason = std::move(o.reason);
    v.counterexample = std::move(o.counterexample);
  } catch (const Unsupported& u) {
    v.verdict = Verdict::Unknown;
    v.reason = u.message;
    if (u.range.valid()) v.reason += " (line " + std::to_string(u.range.begin.line) + ")";
  } catch (const z3::exception& ex) {
    v.verdict = Verdict::Unknown;
    v.reason = std::string("z3: ") + ex.msg();
  }
  return v;
}

}  // namespace

ProveReport proveSpec(const FrontendResult& fe, const ProveOptions& options) {
  ProveReport report;
  if (!fe.ok()) {
    report.diagnostics.push_back(Diagnostic::error("the spec has errors: fix them before proving"));
    return report;
  }
  const ast::Program& program = fe.program;
  if (!program.shape || program.shape->constraints.empty()) {
    report.diagnostics.push_back(Diagnostic::warning(
        "the shape declares no constraints (its {[...]} list is empty): nothing to prove against",
        program.shape ? program.shape->range : SourceRange{}));
    return report;
  }
  for (const auto& t : program.transformers) {
    if (!options.transformer.empty() && t.name != options.transformer) continue;
    for (const auto& rule : t.rules) {
      if (!options.op.empty() && rule.op != options.op) continue;
      if (options.cancelled && options.cancelled()) {
        report.cancelled = true;
        return report;
      }
      RuleVerdict v;
      v.transformer = t.name;
      v.op = rule.op;
      v.range = rule.opRange;
      const auto start = Clock::now();
      RuleOutcome o;
      if (options.isolate) {
        // The child never polls the parent's cancel flag (its state is the parent's, frozen at
        // fork; it may guard a lock some other thread held): the parent polls it and kills.
        ProveOptions inChild = options;
        inChild.cancelled = nullptr;
        o = runIsolated([&] { return proveOne(program, rule, inChild); },
                        options.timeoutSeconds + kIsolationGraceSeconds, options.cancelled);
      } else {
        o = proveOne(program, rule, options);
      }
      v.verdict = o.verdict;
      v.reason = std::move(o.reason);
      v.counterexample = std::move(o.counterexample);
      if (v.reason == "cancelled" && options.cancelled && options.cancelled()) report.cancelled = true;
      v.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      report.rules.push_back(std::move(v));
    }
  }
  return report;
}

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::Proved: return "proved";
    case Verdict::Unsound: return "unsound";
    case Verdict::Unknown: return "unknown";
  }
  return "unknown";
}

std::string formatCounterexample(const std::vector<CexValue>& cex) {
  std::string out;
  for (const auto& c : cex) {
    if (!out.empty()) out += ", ";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", c.value);
    out += c.name + " = " + buf;
  }
  return out;
}

std::string describe(const RuleVerdict& v) {
  switch (v.verdict) {
    case Verdict::Proved: return "proved";
    case Verdict::Unsound:
      return "unsound: " + v.reason + " fails at " + formatCounterexample(v.counterexample);
    case Verdict::Unknown: return "unknown: " + v.reason;
  }
  return {};
}

double cexValue(const std::vector<CexValue>& cex, const std::string& name) {
  for (const auto& c : cex)
    if (c.name == name) return c.value;
  return std::nan("");
}

}  // namespace cert::prove
