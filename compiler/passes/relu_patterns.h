// Relu patterns: select(x >= 0, x, 0) becomes max(x, 0), select(x <= 0, x, 0) becomes min(x, 0) (and the swapped forms).
#pragma once

#include "compiler/ir/ir.h"

namespace cert::passes {

/// Relu patterns: select(x >= 0, x, 0) becomes max(x, 0), select(x <= 0, x, 0) becomes min(x, 0) (and the swapped forms). True when it changed the program.
bool runReluPatterns(ir::Program& p);

}  // namespace cert::passes
