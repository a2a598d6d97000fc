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

bool backwardFlowRefines(const Layer& layer) {
  if (layer.op == LayerOp::Input || layer.op == LayerOp::Concat) return false;
  const bool pair = layer.op == LayerOp::Add || layer.op == LayerOp::Mul;
  return pair || (layer.inputs.size() == 1 && layer.op != LayerOp::Conv);
}

std::vector<std::pair<std::string, std::vector<std::string>>> rulesRun(const CompiledCertifier& cc, const Network& net,
                                                                      bool margins) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out{{cc.transformer, ruleOperatorsRun(net, margins)}};
  for (const Layer& layer : net.layers) {
    if (!backwardFlowRefines(layer)) continue;
    const auto it = cc.reverseRules.find("rev_" + ruleOperatorFor(layer));
    if (it == cc.reverseRules.end()) continue;
    const std::string& transformer = it->second.transformer;
    auto set = std::find_if(out.begin() + 1, out.end(), [&](const auto& s) { return s.first == transformer; });
    if (set == out.end()) set = out.insert(out.end(), {transformer, {}});
    if (std::find(set->second.begin(), set->second.end(), it->first) == set->second.end()) set->second.push_back(it->first);
  }
  return out;
}

}  // namespace cert
