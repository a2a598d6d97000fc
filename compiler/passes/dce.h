// Dead code elimination: values no result or instruction uses are removed (fresh noise is kept: it numbers symbols).
#pragma once

#include "compiler/ir/ir.h"

namespace cert::passes {

/// Dead code elimination: values no result or instruction uses are removed (fresh noise is kept: it numbers symbols). True when it changed the program.
bool runDce(ir::Program& p);

}  // namespace cert::passes
