// ruleOperatorFor: LayerOp -> the ConstraintFlow operator name, as runtime/executor.cpp maps it.
#include "app/certstudio/ir/layer_rule.h"

namespace cert::studio {

std::string ruleOperatorFor(const cert::Layer& layer) {
  switch (layer.op) {
    case cert::LayerOp::Affine:
    case cert::LayerOp::Conv: return "Affine";
    case cert::LayerOp::Relu: return "Relu";
    case cert::LayerOp::Sigmoid: return "Sigmoid";
    case cert::LayerOp::Tanh: return "Tanh";
    case cert::LayerOp::Abs: return "Abs";
    case cert::LayerOp::Clip:
      if (layer.clipMin == 0 && layer.clipMax == 6) return "Relu6";
      if (layer.clipMin == -1 && layer.clipMax == 1) return "HardTanh";
      return {};
    case cert::LayerOp::MaxPool: return "Maxpool";
    case cert::LayerOp::AvgPool: return "Avgpool";
    case cert::LayerOp::Add: return "Neuron_add";
    default: return {};
  }
}

}  // namespace cert::studio
