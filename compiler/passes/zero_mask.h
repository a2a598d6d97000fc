// Zero-coefficient masks: select(c != 0, g, 0) becomes g when g is c times a provably finite value.
#pragma once

#include "compiler/ir/ir.h"

namespace cert::passes {

/// Zero-coefficient masks: select(c != 0, g, 0) becomes g when g is c times a provably finite value. True when it changed the program.
bool runZeroMask(ir::Program& p);

}  // namespace cert::passes
