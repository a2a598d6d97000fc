// Independent dense interval bound propagation (test code): the semantics of specs/ibp.cf.
#pragma once

#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"
#include "tests/support/reference_bounds.h"

namespace cert::test {

/// IBP bounds of every layer, in network order; an error names a layer no IBP rule covers.
Result<std::vector<LayerBounds>> referenceIbp(const Network& net, const InputBox& box);

}  // namespace cert::test
