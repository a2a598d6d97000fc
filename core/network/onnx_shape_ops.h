// Shape arithmetic of ONNX layout ops (Reshape, Flatten, Squeeze, Unsqueeze, Transpose), shared
// by the constant evaluator and the importer's layout tracking. Errors come back as text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cert {

/// An axis in [-rank, rank) to [0, rank); false when out of range.
bool normalizeAxis(int64_t axis, int64_t rank, int64_t* out);

/// Reshape's target (0 copies the input dim unless allowzero, one -1 is inferred).
bool reshapeShape(const std::vector<int64_t>& in, const std::vector<int64_t>& target,
                  bool allowZero, std::vector<int64_t>* out, std::string* error);

/// Flatten to 2-D at `axis`.
bool flattenShape(const std::vector<int64_t>& in, int64_t axis, std::vector<int64_t>* out,
                  std::string* error);

/// Squeeze `axes` (all size-1 axes when empty).
bool squeezeShape(const std::vector<int64_t>& in, const std::vector<int64_t>& axes,
                  std::vector<int64_t>* out, std::string* error);

/// Unsqueeze: insert size-1 axes at `axes` (positions in the output).
bool unsqueezeShape(const std::vector<int64_t>& in, const std::vector<int64_t>& axes,
                    std::vector<int64_t>* out, std::string* error);

/// Transpose by `perm` (reversed axes when empty): the output dims and, for each output flat
/// index, the input flat index it reads.
bool transposeIndex(const std::vector<int64_t>& in, std::vector<int64_t> perm,
                    std::vector<int64_t>* outDims, std::vector<int64_t>* source,
                    std::string* error);

}  // namespace cert
