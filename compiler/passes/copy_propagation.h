// Copy propagation: a value equal to one of its operands (x + 0, x * 1, select(c, x, x), a select on a constant condition) is replaced by that operand.
#pragma once

#include "compiler/ir/ir.h"

namespace cert::passes {

/// Copy propagation: a value equal to one of its operands (x + 0, x * 1, select(c, x, x), a select on a constant condition) is replaced by that operand. True when it changed the program.
bool runCopyPropagation(ir::Program& p);

}  // namespace cert::passes
