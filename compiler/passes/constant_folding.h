// Constant folding: a unary or binary operation whose operands are constants becomes a constant.
#pragma once

#include "compiler/ir/ir.h"

namespace cert::passes {

/// Constant folding: a unary or binary operation whose operands are constants becomes a constant. True when it changed the program.
bool runConstantFolding(ir::Program& p);

}  // namespace cert::passes
