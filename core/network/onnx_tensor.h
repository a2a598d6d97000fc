// Constant tensors of an ONNX graph (initializers, Constant nodes, folded values), read checked.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"

namespace onnx {
class TensorProto;
}  // namespace onnx

namespace cert {

/// A constant tensor: dims and row-major values. Integer tensors (shapes, axes, indices) are
/// kept as doubles too: they are exact below 2^53 and `toIndex` clamps the rest.
struct ConstTensor {
  std::vector<int64_t> dims;
  std::vector<double> values;
  bool isInteger = false;

  int64_t size() const { return static_cast<int64_t>(values.size()); }
};

/// Tensors larger than this (elements) are rejected, read or computed: no network in scope comes
/// close, and a corrupt dim must not turn into a huge allocation.
constexpr int64_t kMaxTensorElements = int64_t{1} << 28;

/// The element count of `dims`, or -1 when a dim is negative or the count exceeds the maximum.
int64_t elementCount(const std::vector<int64_t>& dims);

/// A double to an int64, clamped to the int64 range (INT64_MAX in Slice ends, NaN as 0).
int64_t toIndex(double v);

/// The values of an integer tensor as int64s.
std::vector<int64_t> toIndices(const ConstTensor& t);

/// Reads a FLOAT, DOUBLE, INT32 or INT64 tensor from raw_data or the typed field, checking the
/// data length against the dims. Errors name the tensor.
Result<ConstTensor> readTensor(const onnx::TensorProto& proto);

/// The numpy-style broadcast of two shapes; false when they are incompatible.
bool broadcastShapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                     std::vector<int64_t>* out);

/// The values of `t` broadcast to `shape` (row-major); `shape` must be a broadcast of t.dims.
std::vector<double> broadcastTo(const ConstTensor& t, const std::vector<int64_t>& shape);

}  // namespace cert
