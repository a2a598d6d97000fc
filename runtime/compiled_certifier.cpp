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
  const ast::FlowDecl& flow = fe.program.flows.front();
  if (flow.direction != ast::Direction::Forward) {
    out.diagnostics.push_back(Diagnostic::error("backward flows are not supported by the executor", flow.range));
    return out;
  }
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
    c.memberTypes.push_back(base == ast::BaseType::PolyExp || base == ast::BaseType::Neuron ? ir::ElemType::Poly
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
  if (hasErrors(out.diagnostics)) return out;
  out.value = std::move(c);
  return out;
}

}  // namespace cert
