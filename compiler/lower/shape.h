// Minimal shapes of IR values: which frames a value has and which of them it depends on.
#pragma once

#include "compiler/ir/ir.h"

namespace cert::lower {

/// The shape of `i` (its operands already in `prog` or `region`): frames in the order
/// batch, curr, prev, poly, sym, other; a frame is materialized only where the value depends on
/// it (a Meta weight has batch broadcast, a Const is all-broadcast, a prev-list member of an
/// Affine has curr broadcast, binary ops join). `perCurrList`: the prev list differs per curr
/// neuron (pooling windows).
ir::Shape inferShape(const ir::Instr& i, const ir::Program& prog, const ir::Region& region, bool perCurrList);

}  // namespace cert::lower
