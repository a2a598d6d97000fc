// The float64 concrete forward pass of an imported network.
#pragma once

#include <Eigen/Dense>

#include <vector>

#include "core/network/network.h"

namespace cert {

/// Every layer's output for one normalized input (layers[0] gets `input` itself); empty when
/// `input` does not have the network's input size.
std::vector<Eigen::VectorXd> forwardAll(const Network& net, const Eigen::VectorXd& input);

/// The network output (logits) for one normalized input (empty on a size mismatch).
Eigen::VectorXd forward(const Network& net, const Eigen::VectorXd& input);

}  // namespace cert
