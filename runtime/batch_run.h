// The batch frame (issue 12 item 1): the items of a run go through each layer of the network
// together. What they share (weights, kernels, biases, constants) is computed and stored once; what
// differs per item (each Float member) is a [neurons x 1 x items] tensor, item k in slice k; a
// shared block times the items' columns is one product (a GEMM, one convolution per column).
// Then each item's own margins layer (its label's rows) runs on that item's slice, and its verdict
// is decided as for an item run alone. Results equal the item-by-item run's up to the rounding of
// the products' summation order.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"
#include "runtime/backend/backend.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "runtime/shared_weights.h"
#include "runtime/verdict.h"

namespace cert::runtime {

/// Why the items of a run over `net` cannot share a batch frame, or nullopt when they can: the
/// shape must hold Float members only, l and u among them; every rule the network's layers run
/// must compute Float values (no linear forms, map, traverse, lp or noise) without the `other`
/// frame (its third extent is the batch); no backward flow; and the options must not ask for what
/// is per item (onLayer, trace, layouts, kept members), the dense executor or batchSize 1.
std::optional<std::string> batchFrameRefusal(const CompiledCertifier& cc, const Network& net, const RunOptions& options);

/// Certifies `items` in one batch frame (batchFrameRefusal must be nullopt). `firstPosition` is the
/// position of items[0] in the property. An item's timeMs is its share of the batch's time plus
/// its margins layer; each layer's runMs is the batch's time for it over the items. With
/// options.profile, the first item's profile holds every instruction's time for the whole batch.
Result<std::vector<ItemResult>> certifyBatch(const CompiledCertifier& cc, const Network& net,
                                             std::span<const PropertyItem> items, const RunOptions& options,
                                             SharedWeights& shared, const std::vector<BadParameter>& badParams,
                                             const Backend& backend);

}  // namespace cert::runtime
