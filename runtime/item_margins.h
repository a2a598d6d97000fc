// What an item adds to the network it is certified on: the rows of its property over the outputs
// (the margins layer appended after the last layer), and its verdict once its layers have run.
// Shared by the item-by-item driver (runtime/executor.cpp) and the batch frame (runtime/batch_run.h).
#pragma once

#include <Eigen/Dense>

#include <optional>
#include <vector>

#include "core/network/network.h"
#include "core/property/property.h"
#include "runtime/executor.h"
#include "runtime/verdict.h"

namespace cert::runtime {

/// The rows appended to the network for an item: e_label - e_j (j != label) for a labelled item;
/// for a VNN-LIB item, one row per atom `coeffs . y + constant >= 0` of its unsafe DNF.
struct OutputRows {
  Eigen::MatrixXd weight;
  Eigen::VectorXd bias;
};

/// The item's rows over `outputs` network outputs; nothing when it has no label or output
/// constraint that fits.
std::optional<OutputRows> outputRows(const PropertyItem& item, int64_t outputs);

/// The margins layer computing `rows` from the output of `net` (core/network/margin_folding.h:
/// folded into the last layer when it is affine), appended after its last layer (index, neuron
/// range) and certified by the same rule.
Layer appendedMarginsLayer(const Network& net, const OutputRows& rows);

/// The SharedWeights key of the item's margins layer when it is the same for every item of its
/// kind (a labelled item's rows e_label - e_j depend only on the label): "margins|label 3"; ""
/// for a VNN-LIB item, whose rows are its own.
std::string marginsKey(const PropertyItem& item);

/// Completes an item whose layers have run (r.layers, the margins layer last when `margins`):
/// moves the margins layer's bounds to marginLower/Upper, decides the verdict, sets timeMs.
/// layersConsistent: every layer's bounds passed intervalsConsistent (decideVerdict's).
void finishItem(ItemResult& r, const Network& net, const std::vector<BadParameter>& badParams,
                const PropertyItem& item, bool margins, double timeMs, bool layersConsistent = false);

}  // namespace cert::runtime
