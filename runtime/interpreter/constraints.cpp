// ItemRun: Ct members (a stored equality e == 0, or true) and lp, one LP per neuron (runtime/lp_rule).
#include "runtime/interpreter/item_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "compiler/ir/scalar_ops.h"
#include "runtime/lp_rule.h"

namespace cert::interp {

using ir::Instr;
using ir::NeuronRef;
using ir::Opcode;

Lin ItemRun::trueConstraint(int64_t n) {
  Lin l;
  l.c0 = Tensor::full(n, 1, 1, 0);
  return l;
}

Value ItemRun::lp(const Instr& i) {
  runtime::LpRuleInputs in;
  Tensor weight;  // an Affine layer's W, for curr[equations]
  const int p = inputOf(NeuronRef::Prev);
  if (const size_t at = i.name.str().find(" members "); at != std::string::npos) {
    in.ctMember = &linMember(p, i.name.str().substr(at + 9));
    in.ctRows = layers_[static_cast<size_t>(p)].size();
  } else if (layer_->op == LayerOp::Affine) {  // rev_Affine: curr is the layer's input, prev its output
    weight = denseLayerWeight();
    in.weight = &weight;
    // The layer's own bias (bias_ is sized by curr here).
    in.bias = std::span<const double>(layer_->bias.data(), static_cast<size_t>(layer_->bias.size()));
    in.currLayer = layer_->index;
    in.outputLayer = p;
  }
  in.interval = [this](int layer, int64_t index) -> std::pair<double, double> {
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (layer < 0 || static_cast<size_t>(layer) >= states.size()) return {-inf, inf};
    const auto& m = states[static_cast<size_t>(layer)].members;
    const auto get = [&](const char* name, double dflt) {
      const auto it = m.find(name);
      const Tensor* t = it == m.end() ? nullptr : std::get_if<Tensor>(&it->second);
      return t && index < t->r ? t->at(index, 0, 0) : dflt;
    };
    return {get("l", -inf), get("u", inf)};
  };
  return runtime::lpRule(backend_, i.name, materialized(at(i.operands[0]), false), n_, in);
}

}  // namespace cert::interp
