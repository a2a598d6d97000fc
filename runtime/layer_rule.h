// Which spec operator's rule a network layer runs: the executor's mapping, shared with the IDE.
#pragma once

#include <string>

#include "core/network/network.h"

namespace cert {

/// "Affine" for Affine and Conv layers, "Relu", "Sigmoid", "Tanh", "Abs", "Maxpool", "Avgpool",
/// "Neuron_add", "Neuron_mult", "Relu6"/"HardTanh" for those clips; empty for the Input and Concat layers and
/// layers no spec operator covers.
std::string ruleOperatorFor(const Layer& layer);

/// How diagnostics name a layer: "layer 3 'relu_1' (Relu)".
std::string layerWhere(const Layer& layer);

}  // namespace cert
