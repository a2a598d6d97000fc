// Layer forms: the instructions that are the layer's own linear map (`W * prev` summed over prev)
// or a matmul of its weight, so that an executor can use the layer's matrix or kernel directly.
#pragma once

#include "compiler/ir/ir.h"

namespace cert::analysis {

/// Sets Instr::layerForm on every instruction of `p` (nested regions too):
/// Product: `binary mul` of `meta weight of curr` and `neuron prev_list` or a linear member of
/// prev_list (`member z of prev_list`; either order) whose only reader is a `reduce sum over prev`; MatMul: `matmul over prev` whose first operand is the
/// weight or a zero-keeping map of it (unary neg; binary max/min with a constant 0; binary mul by
/// a constant). Everything else: None.
void computeLayerForms(ir::Program& p);

}  // namespace cert::analysis
