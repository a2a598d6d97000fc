// Sparse term frames summed: row i of a gather term sums coef(i, j) * (row windows[i][j] of a
// member form). Terms over the same windows are summed in one pass: one accumulator per output
// row for all of them, each output block written once as Dense or, over sparse rows (Diagonal,
// Csr, Kernel), as CSR built row by row.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <functional>
#include <vector>

#include "runtime/dense_values.h"

namespace cert::runtime {

/// One gather term: coef is n x (widest window), row-major; member is the form gathered from.
struct GatherTerm {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> coef;
  const Lin* member = nullptr;
};

/// Adds sum over terms of the gather to `out`: its constant to out.c0 (n x 1), one block per key of
/// the members' blocks through addBlock. Dense member rows (or denseOnly) give Dense blocks.
void gatherInto(Lin& out, const std::vector<GatherTerm>& terms, const std::vector<std::vector<int64_t>>& windows,
                int64_t n, bool denseOnly, const KernelRowsLookup& kernelRows,
                const std::function<void(int, CoefBlock)>& addBlock);

}  // namespace cert::runtime
