// The concrete meaning of each layer operator: the rule's input neurons (prev, prev_0/1) as free
// neurons and curr's concrete value as a function of theirs.
#pragma once

#include <string>

#include "compiler/prove/evaluator.h"

namespace cert::prove {

/// Binds prev/prev_0/prev_1/curr in `ev.env` for operator `op` and returns curr's atom, whose
/// value is the operator applied to the inputs' values (Affine: sum w_i x_i + b with free w, b).
/// For a rev_ operator (a backward flow), curr is the refined input, a constrained neuron (not
/// isCurr) whose members the rule reads, and prev (prev_0) the layer's output. Throws Unsupported
/// for operators without a modelled meaning (rev_ over lists of outputs, ...).
int bindOperator(Evaluator& ev, const std::string& op, const SourceRange& at);

}  // namespace cert::prove
