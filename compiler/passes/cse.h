// Common subexpression elimination: identical instructions compute one value; an outer value also serves nested regions.
#pragma once

#include "compiler/ir/ir.h"

namespace cert::passes {

/// Common subexpression elimination: identical instructions compute one value; an outer value also serves nested regions. True when it changed the program.
bool runCse(ir::Program& p);

}  // namespace cert::passes
