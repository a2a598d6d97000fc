// Lowering: one type-checked (transformer, operator) rule -> an ir::Program (functions inlined,
// map/traverse as region ops, per-neuron conditionals as selects, shapes per value).
#pragma once

#include <string>
#include <vector>

#include "compiler/frontend.h"
#include "compiler/ir/ir.h"
#include "core/diagnostics/diagnostic.h"

namespace cert::lower {

/// Lowers `rule` of `transformer`; `fe` must be a front-end result without errors. A construct
/// the executor cannot lift (lp or map_list outside the two published forms, concat, a priority
/// that varies inside a layer) is a diagnostic at its source range.
Result<ir::Program> lowerRule(const FrontendResult& fe, const ast::TransformerDecl& transformer,
                              const ast::Rule& rule);

/// Every rule of `transformer`, in source order (programs of failed rules are left out).
Result<std::vector<ir::Program>> lowerTransformer(const FrontendResult& fe,
                                                  const ast::TransformerDecl& transformer);

}  // namespace cert::lower
