// The text form of an imported network: the layer table, the normalization and the warnings
// (what `certc net` prints and the IDE's network pane shows).
#pragma once

#include <string>

#include "core/network/network.h"

namespace cert {

/// The layer table (index, name, op, inputs, shape, neuron range, parameters, ONNX nodes),
/// then the normalization (scale/shift summary and origin nodes) and the import warnings.
std::string printNetwork(const Network& net);

/// "[16, 13, 13]"
std::string formatShape(const std::vector<int64_t>& shape);

}  // namespace cert
