// The pass pipeline, read top to bottom: cleanups expose the shapes the domain rewrites match
// (CSE makes IBP's two weight reads one value), the domain rewrites turn per-term selects into
// dense algebra, and the final cleanups drop what they left unused. Rounds repeat until stable.
#include "compiler/passes/pipeline.h"

#include "compiler/passes/constant_folding.h"
#include "compiler/passes/copy_propagation.h"
#include "compiler/passes/cse.h"
#include "compiler/passes/dce.h"
#include "compiler/passes/licm.h"
#include "compiler/passes/map_linear_form.h"
#include "compiler/passes/matmul.h"
#include "compiler/passes/relu_patterns.h"
#include "compiler/passes/sign_split.h"
#include "compiler/passes/zero_mask.h"

namespace cert::passes {

const std::vector<Pass>& pipeline() {
  static const std::vector<Pass> kPasses = {
      {"constant-folding", runConstantFolding},
      {"copy-propagation", runCopyPropagation},
      {"cse", runCse},
      {"licm", runLicm},
      {"map-linear-form", runMapLinearForm},
      {"zero-mask", runZeroMask},
      {"sign-split", runSignSplit},
      {"relu-patterns", runReluPatterns},
      {"matmul", runMatMul},
      {"dce", runDce},
  };
  return kPasses;
}

bool optimize(ir::Program& p, const AfterPass& after, int maxRounds) {
  bool any = false;
  for (int round = 0; round < maxRounds; ++round) {
    bool changed = false;
    for (const Pass& pass : pipeline()) {
      const bool c = pass.run(p);
      if (after) after(pass, p, c);
      changed = changed || c;
    }
    any = any || changed;
    if (!changed) break;
  }
  return any;
}

}  // namespace cert::passes
