// Non-finite and float32-overflowing parameters of a network: weights, biases, kernels, normalization.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/network/network.h"

namespace cert {

/// Magnitudes at or above this do not survive a float32 computation (FLT_MAX is 3.4028e38; four
/// such terms overflow a sum, and the float32 value of 3.4e38 is 3.39999995e38): an ONNX network
/// holding them computes inf, NaN or equal logits in its own arithmetic.
constexpr double kFloat32Overflow = 1e38;

/// One parameter tensor of a layer that holds a NaN, an inf or a value with |x| >= kFloat32Overflow.
struct BadParameter {
  int layer = 0;           ///< layer index (0: the input layer, for the normalization)
  std::string layerName;
  std::string tensor;      ///< "weight", "bias", "kernel", "normalization scale", "normalization shift"
  int64_t index = 0;       ///< flat index (row-major for a weight matrix) of the first bad value
  double value = 0;        ///< that value
  int64_t count = 0;       ///< how many values of the tensor are bad

  /// "non-finite values in layer 3 'fc1' bias (1 value, bias[2] = inf)" (or "float32-overflowing
  /// values (|x| >= 1e38) in ..." when the first bad value is finite).
  std::string describe() const;
};

/// Every parameter tensor of `net` with a bad value, in layer order (empty: all finite).
std::vector<BadParameter> badParameters(const Network& net);

/// True for NaN, +-inf and |x| >= kFloat32Overflow.
bool isBadParameterValue(double x);

}  // namespace cert
