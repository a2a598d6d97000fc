// Seeded random networks built in memory (test code): MLPs, conv, pooling, residual Add, Concat,
// layout permutations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/network/network.h"
#include "core/property/property.h"

namespace cert::test {

/// SplitMix64: the deterministic generator of the test helpers (same stream on every platform).
inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Appends layers with seeded random parameters; each call returns the new layer's index.
/// Weights are uniform in [-gain, gain] * sqrt(3 / fan_in) (unit variance for unit inputs),
/// biases uniform in [-0.3, 0.3] * gain. Misuse (wrong shapes) throws std::invalid_argument.
class RandomNetworkBuilder {
 public:
  /// shape: {N} for a vector input or {C, H, W} for an image.
  RandomNetworkBuilder(std::vector<int64_t> inputShape, uint64_t seed);

  int affine(int from, int64_t outSize, double gain = 1.0);
  int conv(int from, int outChannels, int kernel, int stride = 1, int pad = 0, double gain = 1.0);
  /// Relu, Sigmoid, Tanh, Abs or LeakyRelu; Clip takes clip().
  int activation(int from, LayerOp op);
  int clip(int from, double lo, double hi);
  int maxPool(int from, int kernel, int stride, int pad = 0);
  int avgPool(int from, int kernel, int stride, int pad = 0, bool countIncludePad = false);
  int add(int a, int b);
  /// The element-wise product a .* b (a Mul layer, Neuron_mult); a == b squares.
  int multiply(int a, int b);
  int concat(const std::vector<int>& parts);
  /// A [C, H, W] layer's neurons as [C, W, H] (its rows and columns swapped, as an ONNX
  /// Transpose(0, 1, 3, 2) that no Affine absorbs imports): a one-input Concat with an order.
  int transposeHW(int from);

  /// The network, neuron ranges assigned. The builder stays usable.
  Network build() const;

 private:
  int pool(LayerOp op, int from, int kernel, int stride, int pad, bool countIncludePad);
  int push(Layer layer);
  double uniform(double lo, double hi);
  const Layer& at(int i) const { return net_.layers.at(static_cast<size_t>(i)); }

  Network net_;
  uint64_t state_;
};

/// Input -> (Affine, activation) per hidden size -> Affine to outputs. Clip means Relu6 ([0, 6]).
Network randomMlp(int64_t inputSize, const std::vector<int64_t>& hidden,
                  const std::vector<LayerOp>& activations, int64_t outputs, uint64_t seed);

struct NamedNetwork {
  std::string name;
  Network net;
};

/// Small networks covering every op the references support: Relu, Sigmoid, Tanh, Abs, HardTanh,
/// Relu6, a general clip, conv, max/avg pooling, residual Add, Concat, degenerate neurons.
std::vector<NamedNetwork> randomNetworkZoo(uint64_t seed);

/// Networks with only linear layers (Affine, Conv, AvgPool, Add, Concat).
std::vector<NamedNetwork> linearNetworkZoo(uint64_t seed);

/// A residual conv network as resnet_2b is built: convs feeding an Add, Relu after the Add.
/// Layers: 0 input [2, 8, 8], 1 conv, 2 relu, 3 conv, 4 relu, 5 conv (into the Add), 6 shortcut
/// conv (into the Add), 7 add, 8 relu, 9 conv, 10 relu, 11 affine, 12 relu, 13 affine (the output, 4).
Network residualConvRelu(uint64_t seed);

/// A box center +- radius around a seeded random center in [-1, 1]^n.
InputBox randomBox(int64_t inputSize, double radius, uint64_t seed);

}  // namespace cert::test
