// compileCertifier: the front end, then the compile driver's flows, keyed by operator.
#include "runtime/compiled_certifier.h"

#include "compiler/driver.h"
#include "compiler/frontend.h"
#include "runtime/shape_constraints.h"

namespace cert {

Result<CompiledCertifier> compileCertifier(std::string_view specText, bool optimize) {
  const FrontendResult fe = runFrontend(specText);
  driver::Options options;
  options.optimize = optimize;
  Result<driver::FlowPrograms> flows = driver::compileFlows(fe, options);
  Result<CompiledCertifier> out;
  out.diagnostics = std::move(flows.diagnostics);
  if (hasErrors(out.diagnostics) || !flows.value) return out;
  CompiledCertifier c;
  c.transformer = flows.value->transformer;
  for (const auto& m : fe.program.shape->members) {
    c.memberNames.push_back(m.name);
    const auto base = m.type.base;
    c.ctMembers.push_back(base == ast::BaseType::Ct && m.type.listDepth == 0);
    c.memberTypes.push_back(base == ast::BaseType::PolyExp || base == ast::BaseType::Neuron || c.ctMembers.back()
                                ? ir::ElemType::Poly
                            : base == ast::BaseType::SymExp || base == ast::BaseType::Noise ? ir::ElemType::Sym
                                                                                             : ir::ElemType::Float);
  }
  // The input box's end each member starts at: the one its shape constraints need.
  const ShapeConstraints constraints = shapeConstraintsOf(fe.program, specText, c);
  for (size_t m = 0; m < c.memberNames.size(); ++m) {
    const std::string& name = c.memberNames[m];
    bool lower = false, upper = false;
    for (const MemberConstraint& k : constraints.checkable) {
      if (k.member != name) continue;
      lower = lower || k.relation == MemberConstraint::Relation::Lower;
      upper = upper || k.relation == MemberConstraint::Relation::Upper;
    }
    if (lower && upper && c.memberTypes[m] != ir::ElemType::Sym && !c.ctMembers[m]) {
      out.diagnostics.push_back(Diagnostic::error("the shape bounds curr with member '" + name +
                                                      "' from below and from above: no end of the input box holds both "
                                                      "at the input layer",
                                                  fe.program.shape->range));
      return out;
    }
    c.inputUpper.push_back(upper || (!lower && (name == "u" || name == "U")));
  }
  for (auto& p : flows.value->rules) c.rules.emplace(p.op, std::move(p));
  for (auto& p : flows.value->reverseRules) c.reverseRules.emplace(p.op, std::move(p));
  out.value = std::move(c);
  return out;
}

}  // namespace cert
