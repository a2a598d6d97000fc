// The margins layer of a property (rows C y + c over the network's output y), folded into the
// network's last layer when that layer is affine: C (W x + b) + c = (C W) x + (C b + c).
#pragma once

#include <Eigen/Dense>
#include <string>

#include "core/network/network.h"

namespace cert {

/// An Affine layer named "margins" computing `rows * y + constants` for the output y of `net`.
/// When the last layer is Affine or Conv with one input x (y = W x + b), the rows are composed
/// into it: the layer reads x with weight rows * W and bias rows * b + constants (a graph-level
/// rewrite: every certifier then bounds the margins as one affine map of x, so IBP's margins are
/// no longer the difference of output intervals); otherwise it reads y with weight `rows`.
/// The caller appends it and calls assignNeuronRanges.
Layer marginsLayer(const Network& net, const Eigen::MatrixXd& rows, const Eigen::VectorXd& constants);

/// The layer the margins fold into (the last layer when it is Affine or Conv with one earlier
/// input), or nullptr when they read the output as it is.
const Layer* marginFoldingLayer(const Network& net);

/// One line for `certc net`: where the margins layer of a labelled item reads from, e.g.
/// "margins: y_label - y_j folded into layer 13 'dense_6' (Affine): read layer 12 'relu_5' [256]".
std::string marginFoldingNote(const Network& net);

}  // namespace cert
