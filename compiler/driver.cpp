// compileRule and compileFlows: one place that orders lowering, verification, the passes and the
// analyses.
#include "compiler/driver.h"

#include "compiler/analysis/analyses.h"
#include "compiler/ir/ir_verifier.h"
#include "compiler/lower/lower.h"
#include "compiler/passes/pipeline.h"

namespace cert::driver {
namespace {

/// The verifier's findings on `p` as errors naming the rule and the stage ("" = final).
bool verifyInto(const ir::Program& p, const std::string& stage, const SourceRange& range, Diagnostics& out) {
  bool ok = true;
  for (const std::string& problem : ir::verify(p)) {
    out.push_back(Diagnostic::error("IR verifier (" + p.transformer + "." + p.op + (stage.empty() ? "" : ", " + stage) +
                                        "): " + problem,
                                    range));
    ok = false;
  }
  return ok;
}

void observe(const Options& o, const Stage& s) {
  if (o.observer) o.observer(s);
}

}  // namespace

Result<ir::Program> compileRule(const FrontendResult& fe, const ast::TransformerDecl& transformer,
                                const ast::Rule& rule, const Options& options) {
  Result<ir::Program> out = lower::lowerRule(fe, transformer, rule);
  if (!out.value) return out;
  ir::Program& p = *out.value;
  observe(options, {StageKind::Lowered, p});
  if (!verifyInto(p, "lowered", rule.range, out.diagnostics)) {
    observe(options, {StageKind::Final, p});
    return out;
  }
  bool verifiedLast = false;
  if (options.optimize) {
    const size_t perRound = passes::pipeline().size();
    size_t calls = 0;
    passes::optimize(p, [&](const passes::Pass& pass, const ir::Program& now, bool changed) {
      const int round = static_cast<int>(calls++ / perRound) + 1;
      if (options.verifyAfterEachPass) verifyInto(now, std::string("after ") + pass.name, rule.range, out.diagnostics);
      observe(options, {StageKind::AfterPass, now, pass.name, round, changed});
    });
    verifiedLast = options.verifyAfterEachPass && calls > 0;
  }
  if (!verifiedLast && options.optimize) verifyInto(p, "", rule.range, out.diagnostics);
  analysis::analyze(p);
  observe(options, {StageKind::Final, p});
  return out;
}

Result<FlowPrograms> compileFlows(const FrontendResult& fe, const Options& options) {
  Result<FlowPrograms> out;
  out.diagnostics = fe.diagnostics;
  if (!fe.ok()) return out;
  if (fe.program.flows.empty()) {
    out.diagnostics.push_back(Diagnostic::error("the spec has no flow statement"));
    return out;
  }
  const ast::FlowDecl* forward = nullptr;
  for (const auto& f : fe.program.flows)
    if (f.direction == ast::Direction::Forward && !forward) forward = &f;
  if (!forward) {
    out.diagnostics.push_back(Diagnostic::error("the spec has only backward flows; the executor starts from a forward flow",
                                                fe.program.flows.front().range));
    return out;
  }
  const ast::TransformerDecl* t = fe.program.findTransformer(forward->transformer);
  if (!t) {
    out.diagnostics.push_back(Diagnostic::error("unknown transformer '" + forward->transformer + "'", forward->transformerRange));
    return out;
  }
  FlowPrograms flows;
  flows.transformer = t->name;
  for (const auto& rule : t->rules) {
    Result<ir::Program> p = compileRule(fe, *t, rule, options);
    for (auto& d : p.diagnostics) out.diagnostics.push_back(std::move(d));
    if (p.value) flows.rules.push_back(std::move(*p.value));
  }
  if (!hasErrors(out.diagnostics)) {
    for (const auto& f : fe.program.flows) {
      if (f.direction != ast::Direction::Backward) continue;
      const ast::TransformerDecl* bt = fe.program.findTransformer(f.transformer);
      if (!bt) continue;
      for (const auto& rule : bt->rules) {
        if (rule.op.rfind("rev_", 0) != 0) continue;
        Result<ir::Program> p = compileRule(fe, *bt, rule, options);
        for (auto& d : p.diagnostics) out.diagnostics.push_back(std::move(d));
        if (p.value) flows.reverseRules.push_back(std::move(*p.value));
      }
    }
  }
  out.value = std::move(flows);
  return out;
}

}  // namespace cert::driver
