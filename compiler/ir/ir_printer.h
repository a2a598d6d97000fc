// Text form of IR programs: stable, one instruction per line (certc compile --emit=ir).
#pragma once

#include <string>

#include "compiler/ir/ir.h"

namespace cert::ir {

/// `%3 : float[batch*, curr, prev] = binary mul %1, %2    @4:12` — `*` marks a broadcast frame.
std::string printShape(const Shape& s);
/// The whole program; with `withOrigins`, each line ends with the source position it came from.
std::string printProgram(const Program& p, bool withOrigins = true);

}  // namespace cert::ir
