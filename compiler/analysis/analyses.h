// The analysis passes: named computations over a finished program whose results are stored on
// its instructions (liveness, layer forms) and printed by `certc compile --emit=ir --annotate`.
#pragma once

#include <vector>

#include "compiler/ir/ir.h"

namespace cert::analysis {

/// One named analysis; `run` stores its results on the program and changes nothing else.
struct Analysis {
  const char* name;
  void (*run)(ir::Program&);
};

/// The analyses in the order analyze() runs them.
const std::vector<Analysis>& analyses();

/// Runs every analysis over `p` (after the pass pipeline: rewrites make the results stale).
void analyze(ir::Program& p);

}  // namespace cert::analysis
