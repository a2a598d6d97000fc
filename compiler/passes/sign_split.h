// Sign split: select(c >= 0, c*x, c*y) (and >, <, <=, swapped operands) becomes max(c,0)*x + min(c,0)*y.
#pragma once

#include "compiler/ir/ir.h"

namespace cert::passes {

/// Sign split: select(c >= 0, c*x, c*y) (and >, <, <=, swapped operands) becomes max(c,0)*x + min(c,0)*y. True when it changed the program.
bool runSignSplit(ir::Program& p);

}  // namespace cert::passes
