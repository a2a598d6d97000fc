// runBackwardFlow: the spec's rev_ rules after the forward run (see the header).
#include "runtime/interpreter/backward_flow.h"

#include "runtime/layer_rule.h"

namespace cert::interp {

void runBackwardFlow(ItemRun& run, const CompiledCertifier& cc, const LayerSequence& layers) {
  for (size_t li = layers.size(); li-- > 0;) {
    const Layer* l = &layers[li];
    if (!backwardFlowRefines(*l)) continue;
    const auto it = cc.reverseRules.find("rev_" + ruleOperatorFor(*l));
    if (it == cc.reverseRules.end()) continue;
    const bool pair = l->op == LayerOp::Add || l->op == LayerOp::Mul;
    const bool pool = l->op == LayerOp::MaxPool || l->op == LayerOp::AvgPool;
    const bool affine = l->op == LayerOp::Affine;  // rev_Affine: curr[equations] (lp) over W, b
    if (pool) {  // prev of an input neuron: the outputs whose window holds it
      const Layer& in = layers[static_cast<size_t>(l->inputs[0])];
      run.reverseWindows.assign(static_cast<size_t>(in.size()), {});
      int64_t out = 0;
      const PoolGeometry& g = l->pool;
      for (int c = 0; c < g.channels; ++c)
        for (int oh = 0; oh < g.outHeight; ++oh)
          for (int ow = 0; ow < g.outWidth; ++ow, ++out)
            for (int64_t j : g.window(c, oh, ow)) run.reverseWindows[static_cast<size_t>(j)].push_back(out);
    }
    for (size_t k = 0; k < (pair ? 2u : 1u); ++k) {
      const int refined = l->inputs[k];
      const Layer& in = layers[static_cast<size_t>(refined)];
      if (!pool && !affine && in.size() != l->size()) continue;
      Layer as = *l;  // the rule's layer: curr = the refined input's neurons
      as.index = refined;
      as.start = in.start;
      as.end = in.end;
      as.inputs = {l->index};
      if (pair) as.inputs.push_back(l->inputs[1 - k]);
      run.layer(as, it->second);
      run.states[static_cast<size_t>(refined)] = std::move(run.states.back());
      run.states.pop_back();
    }
    run.reverseWindows.clear();
  }
}

}  // namespace cert::interp
