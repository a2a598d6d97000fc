// Text form of IR programs: stable, one instruction per line (certc compile --emit=ir).
#pragma once

#include <string>

#include "compiler/ir/ir.h"

namespace cert::ir {

/// `%3 : float[batch*, curr, prev] = binary mul %1, %2    @4:12` — `*` marks a broadcast frame.
std::string printShape(const Shape& s);
/// The whole program; with `withOrigins`, each line ends with the source position it came from;
/// with `annotate`, then with the analyses' results ("; layer-form product; last use %0, %1",
/// compiler/analysis/).
std::string printProgram(const Program& p, bool withOrigins = true, bool annotate = false);

}  // namespace cert::ir
