// The pass pipeline: the ordered list of named IR rewrites, run to a fixed point.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/ir/ir.h"

namespace cert::passes {

/// One named rewrite; `run` returns whether it changed the program.
struct Pass {
  const char* name;
  bool (*run)(ir::Program&);
};

/// The passes in pipeline order: cleanups, domain rewrites, then cleanups again.
const std::vector<Pass>& pipeline();

/// Called after each pass with its name and whether it changed the program.
using AfterPass = std::function<void(const Pass&, const ir::Program&, bool changed)>;

/// Runs the pipeline over `p` until a whole round changes nothing (at most `maxRounds` rounds);
/// `after` (optional) sees the program after every pass. Returns whether anything changed.
bool optimize(ir::Program& p, const AfterPass& after = {}, int maxRounds = 8);

}  // namespace cert::passes
