// Checks an IR program is well formed: defs before uses, operand counts, types and frames agree.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/ir.h"

namespace cert::ir {

/// Empty when the program is well formed; otherwise one message per problem ("%7: ...").
std::vector<std::string> verify(const Program& p);

}  // namespace cert::ir
