// The bundled networks and MNIST rows the runtime tests certify (resources/networks,
// resources/inputs/mnist_10.csv); a test stops (qFatal) when one cannot be read.
#pragma once

#include <string>

#include "core/network/network.h"
#include "core/property/property.h"

namespace cert::test {

/// resources/networks/NAME.onnx, imported.
Network bundledNetwork(const std::string& name);

/// Rows [first, first + count) of resources/inputs/mnist_10.csv as labelled items of `net` with
/// boxes of radius eps (raw [0, 1] pixel units).
Property mnistRows(const Network& net, int first, int count, double eps);

}  // namespace cert::test
