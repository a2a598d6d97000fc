// The list of analysis passes.
#include "compiler/analysis/analyses.h"

#include "compiler/analysis/interval_product.h"
#include "compiler/analysis/layer_form.h"
#include "compiler/analysis/liveness.h"
#include "compiler/analysis/sign_scale.h"
#include "compiler/analysis/sign_split.h"

namespace cert::analysis {

const std::vector<Analysis>& analyses() {
  static const std::vector<Analysis> kAnalyses = {
      {"liveness", computeLiveness},
      {"layer-form", computeLayerForms},
      {"sign-split", computeSignSplits},
      {"sign-scale", computeSignScales},
      {"interval-product", computeIntervalProducts},
  };
  return kAnalyses;
}

void analyze(ir::Program& p) {
  for (const Analysis& a : analyses()) a.run(p);
}

}  // namespace cert::analysis
