// Matrix products: a sum over frame F of a[curr, F] * b[F] becomes matmul over F; a sum of such products distributes over +.
#pragma once

#include "compiler/ir/ir.h"

namespace cert::passes {

/// Matrix products: a sum over frame F of a[curr, F] * b[F] becomes matmul over F; a sum of such products distributes over +. True when it changed the program.
bool runMatMul(ir::Program& p);

}  // namespace cert::passes
