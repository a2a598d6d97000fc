// Loop-invariant code motion: values in map/traverse regions that depend on neither the term nor its coefficient move before the loop.
#pragma once

#include "compiler/ir/ir.h"

namespace cert::passes {

/// Loop-invariant code motion: values in map/traverse regions that depend on neither the term nor its coefficient move before the loop. True when it changed the program.
bool runLicm(ir::Program& p);

}  // namespace cert::passes
