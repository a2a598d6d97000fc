// Pairs each shipped spec with its hand-written reference, and compares layer bounds.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/reference_bounds.h"

namespace cert::test {

/// The shipped specs that have an independent reference (specs/<name>.cf).
const std::vector<std::string>& specsWithReferences();

/// The reference matching specs/<spec>.cf on `box`.
Result<std::vector<LayerBounds>> referenceFor(const std::string& spec, const Network& net, const InputBox& box);

/// specs/<spec>.cf compiled with the pass pipeline; aborts the test binary if it does not compile.
CompiledCertifier compiledSpec(const std::string& spec);

/// The executor's per-layer bounds as LayerBounds.
std::vector<LayerBounds> toLayerBounds(const std::vector<LayerBoundsResult>& r);

/// The largest difference of two bound lists, relative to max(1, |b|); -1 when their layouts
/// differ. `where` describes the worst neuron.
double maxRelativeDifference(const std::vector<LayerBounds>& a, const std::vector<LayerBounds>& b,
                             std::string* where);

}  // namespace cert::test
