// Sign-split products on the CPU: see Backend::signSplit, signSplitSum and nonZeroRows.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "runtime/backend/backend.h"

namespace cert::runtime::cpu {

bool signSplitInto(Lin& out, const CoefBlock& c, const Lin& onPositive, const Lin& onNegative,
                   const KernelRowsLookup& kernelRows, const std::function<void(int, CoefBlock)>& addBlock);

std::optional<Tensor> signSplitSum(const CoefBlock& c, const Tensor& onPositive, const Tensor& onNegative,
                                   const KernelRowsLookup& kernelRows);

std::optional<Tensor> productSignSplitSum(const CoefBlock& c, const CoefBlock& a, const Tensor& onPositive,
                                          const Tensor& onNegative, const KernelRowsLookup& kernelRows);

std::vector<bool> nonZeroRows(const CoefBlock& c, const KernelRowsLookup& kernelRows);

}  // namespace cert::runtime::cpu
