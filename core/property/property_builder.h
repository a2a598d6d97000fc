// Shared steps of every property reader: checking the network's input, mapping a raw box through
// the network's normalization (the one place that does it), and making the items.
#pragma once

#include <Eigen/Dense>

#include <optional>
#include <string>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"

namespace cert {

/// The whole file as bytes; std::nullopt when it cannot be opened or read.
std::optional<std::string> readTextFile(const std::string& path);

/// An error when the network cannot take a property: no Input layer, or a normalization whose
/// length differs from the input size. std::nullopt when it is fine.
std::optional<Diagnostic> checkPropertyNetwork(const Network& net);

/// Maps a raw-space box through x_net = scale .* x_raw + shift, element by element. A negative
/// scale swaps the ends, so each end is the min / max of the two mapped ends.
/// Precondition: checkPropertyNetwork(net) passed and raw.lower/upper have the input size.
InputBox normalizeBox(const Network& net, const InputBox& raw);

/// Normalizes every item's box and center (a raw point) in place; items without a center get
/// the normalized midpoint of their box.
void normalizeItems(const Network& net, std::vector<PropertyItem>& items);

}  // namespace cert
