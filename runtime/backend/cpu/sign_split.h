// Sign-split products on the CPU: see Backend::signSplit, signSplitSum and nonZeroRows.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "runtime/backend/backend.h"

namespace cert::runtime::cpu {

/// A Tensor column (a scalar broadcast, or [m x 1]) as m values.
Eigen::VectorXd columnOf(const Tensor& t, int64_t m);

bool signSplitInto(Lin& out, const CoefBlock& c, const Lin& onPositive, const Lin& onNegative,
                   const KernelRowsLookup& kernelRows, const std::function<void(int, CoefBlock)>& addBlock);

std::optional<Tensor> signSplitSum(const CoefBlock& c, const Tensor& onPositive, const Tensor& onNegative,
                                   const KernelRowsLookup& kernelRows);

std::optional<Tensor> productSignSplitSum(const CoefBlock& c, const CoefBlock& a, const Tensor& onPositive,
                                          const Tensor& onNegative, const KernelRowsLookup& kernelRows);

std::vector<bool> nonZeroRows(const CoefBlock& c, const KernelRowsLookup& kernelRows);

}  // namespace cert::runtime::cpu
