// compileCertifier: front end + lowering of the flow's transformer + the pass pipeline.
#include "runtime/compiled_certifier.h"

#include "compiler/frontend.h"
#include "compiler/ir/ir_verifier.h"
#include "compiler/lower/lower.h"
#include "compiler/passes/pipeline.h"

namespace cert {

Result<CompiledCertifier> compileCertifier(std::string_view specText, bool optimize) {
  FrontendResult fe = runFrontend(specText);
  Result<CompiledCertifier> out;
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
  const ast::FlowDecl& flow = *forward;
  const ast::TransformerDecl* t = fe.program.findTransformer(flow.transformer);
  if (!t) {
    out.diagnostics.push_back(Diagnostic::error("unknown transformer '" + flow.transformer + "'", flow.transformerRange));
    return out;
  }
  CompiledCertifier c;
  c.transformer = t->name;
  for (const auto& m : fe.program.shape->members) {
    c.memberNames.push_back(m.name);
    const auto base = m.type.base;
    c.ctMembers.push_back(base == ast::BaseType::Ct && m.type.listDepth == 0);
    c.memberTypes.push_back(base == ast::BaseType::PolyExp || base == ast::BaseType::Neuron || c.ctMembers.back()
                                ? ir::ElemType::Poly
                            : base == ast::BaseType::SymExp || base == ast::BaseType::Noise ? ir::ElemType::Sym
                                                                                             : ir::ElemType::Float);
  }
  Result<std::vector<ir::Program>> programs = lower::lowerTransformer(fe, *t);
  for (auto& d : programs.diagnostics) out.diagnostics.push_back(std::move(d));
  if (hasErrors(out.diagnostics) || !programs.value) return out;
  for (auto& p : *programs.value) {
    if (optimize) passes::optimize(p);
    for (const auto& problem : ir::verify(p))
      out.diagnostics.push_back(Diagnostic::error("IR verifier (" + p.op + "): " + problem));
    c.rules.emplace(p.op, std::move(p));
  }
  for (const auto& f : fe.program.flows) {  // backward flows: their transformers' rev_ rules
    if (f.direction != ast::Direction::Backward) continue;
    const ast::TransformerDecl* bt = fe.program.findTransformer(f.transformer);
    if (!bt) continue;
    for (const auto& rule : bt->rules) {
      if (rule.op.rfind("rev_", 0) != 0) continue;
      Result<ir::Program> p = lower::lowerRule(fe, *bt, rule);
      for (auto& d : p.diagnostics) out.diagnostics.push_back(std::move(d));
      if (!p.value) continue;
      if (optimize) passes::optimize(*p.value);
      for (const auto& problem : ir::verify(*p.value))
        out.diagnostics.push_back(Diagnostic::error("IR verifier (" + p.value->op + "): " + problem));
      c.reverseRules.emplace(rule.op, std::move(*p.value));
    }
  }
  if (hasErrors(out.diagnostics)) return out;
  out.value = std::move(c);
  return out;
}

}  // namespace cert
