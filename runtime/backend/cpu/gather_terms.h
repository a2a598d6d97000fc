// Sparse term frames summed on the CPU (Backend::gather): row i of a gather term sums
// coef(i, j) * (row windows[i][j] of a member form). Terms over the same windows are summed in one
// pass: one accumulator per output row for all of them, each output block written once as Dense
// or, over sparse rows (Diagonal, Csr, Kernel), as CSR built row by row.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "runtime/backend/backend.h"

namespace cert::runtime::cpu {

/// See Backend::gather.
void gatherInto(Lin& out, const std::vector<GatherTerm>& terms, const std::vector<std::vector<int64_t>>& windows,
                int64_t n, bool denseOnly, const KernelRowsLookup& kernelRows,
                const std::function<void(int, CoefBlock)>& addBlock);

}  // namespace cert::runtime::cpu
