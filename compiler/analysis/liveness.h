// Liveness: per instruction, the values it reads for the last time (Instr::lastUses).
#pragma once

#include "compiler/ir/ir.h"

namespace cert::analysis {

/// Fills Instr::lastUses in every region of `p`: the values defined in the same region that no
/// later instruction of that region reads (directly, in a nested region, or as the region's
/// yield) and that are not results of the program. A value read inside a nested region dies at
/// the instruction that holds the region (the region runs many times), never inside it.
void computeLiveness(ir::Program& p);

}  // namespace cert::analysis
