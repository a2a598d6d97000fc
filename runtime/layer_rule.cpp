// ruleOperatorFor: LayerOp -> the ConstraintFlow operator whose rule certifies the layer.
#include "runtime/layer_rule.h"

#include <algorithm>

namespace cert {

std::string layerWhere(const Layer& layer) {
  return "layer " + std::to_string(layer.index) + " '" + layer.name + "' (" + layerOpName(layer.op) + ")";
}

Diagnostic layerError(const Layer& layer, const std::string& what) {
  Diagnostic d = Diagnostic::error(layerWhere(layer) + ": " + what);
  d.node = layer.name;
  return d;
}

std::string ruleOperatorFor(const Layer& layer) {
  switch (layer.op) {
    case LayerOp::Affine:
    case LayerOp::Conv: return "Affine";
    case LayerOp::Relu: return "Relu";
    case LayerOp::Sigmoid: return "Sigmoid";
    case LayerOp::Tanh: return "Tanh";
    case LayerOp::Abs: return "Abs";
    case LayerOp::Clip:
      if (layer.clipMin == 0 && layer.clipMax == 6) return "Relu6";
      if (layer.clipMin == -1 && layer.clipMax == 1) return "HardTanh";
      return {};
    case LayerOp::MaxPool: return "Maxpool";
    case LayerOp::AvgPool: return "Avgpool";
    case LayerOp::Add: return "Neuron_add";
    case LayerOp::Mul: return "Neuron_mult";
    default: return {};
  }
}

std::vector<std::string> ruleOperatorsRun(const Network& net, bool margins) {
  std::vector<std::string> ops;
  auto add = [&](const std::string& op) {
    if (!op.empty() && std::find(ops.begin(), ops.end(), op) == ops.end()) ops.push_back(op);
  };
  for (const Layer& layer : net.layers) add(ruleOperatorFor(layer));
  if (margins) add("Affine");
  return ops;
}

}  // namespace cert
