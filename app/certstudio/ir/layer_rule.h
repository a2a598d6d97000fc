// Which spec operator's rule a network layer runs (the executor's mapping, for the docks).
#pragma once

#include <string>

#include "core/network/network.h"

namespace cert::studio {

/// "Affine" for Affine and Conv layers, "Relu", "Maxpool", "Neuron_add", "Relu6"/"HardTanh" for
/// those clips, ...; empty for the Input layer and layers no spec operator covers.
std::string ruleOperatorFor(const cert::Layer& layer);

}  // namespace cert::studio
