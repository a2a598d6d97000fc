// Seeded random networks built in memory (test code).
#include "tests/support/random_network.h"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace cert::test {
namespace {

int64_t numel(const std::vector<int64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1}, [](int64_t a, int64_t b) { return a * b; });
}

}  // namespace

RandomNetworkBuilder::RandomNetworkBuilder(std::vector<int64_t> inputShape, uint64_t seed) : state_(seed) {
  net_.name = "random";
  net_.inputName = "x";
  net_.inputShape = inputShape;
  Layer in;
  in.name = "input";
  in.op = LayerOp::Input;
  in.shape = std::move(inputShape);
  push(std::move(in));
}

double RandomNetworkBuilder::uniform(double lo, double hi) {
  return lo + (hi - lo) * static_cast<double>(splitmix64(state_) >> 11) * 0x1.0p-53;
}

int RandomNetworkBuilder::push(Layer layer) {
  layer.index = static_cast<int>(net_.layers.size());
  if (layer.name.empty()) layer.name = std::string(layerOpName(layer.op)) + "_" + std::to_string(layer.index);
  net_.layers.push_back(std::move(layer));
  return net_.layers.back().index;
}

int RandomNetworkBuilder::affine(int from, int64_t outSize, double gain) {
  const int64_t fanIn = numel(at(from).shape);
  Layer l;
  l.op = LayerOp::Affine;
  l.inputs = {from};
  l.shape = {outSize};
  l.weight.resize(outSize, fanIn);
  const double w = gain * std::sqrt(3.0 / static_cast<double>(fanIn));
  for (int64_t r = 0; r < outSize; ++r)
    for (int64_t c = 0; c < fanIn; ++c) l.weight(r, c) = uniform(-w, w);
  l.bias.resize(outSize);
  for (int64_t r = 0; r < outSize; ++r) l.bias[r] = uniform(-0.3, 0.3) * gain;
  return push(std::move(l));
}

int RandomNetworkBuilder::conv(int from, int outChannels, int kernel, int stride, int pad, double gain) {
  const auto& s = at(from).shape;
  if (s.size() != 3) throw std::invalid_argument("conv needs a {C, H, W} input");
  Layer l;
  l.op = LayerOp::Conv;
  l.inputs = {from};
  ConvGeometry& g = l.conv;
  g.inChannels = static_cast<int>(s[0]);
  g.inHeight = static_cast<int>(s[1]);
  g.inWidth = static_cast<int>(s[2]);
  g.outChannels = outChannels;
  g.kernelH = g.kernelW = kernel;
  g.strideH = g.strideW = stride;
  g.padTop = g.padLeft = g.padBottom = g.padRight = pad;
  g.outHeight = (g.inHeight + 2 * pad - kernel) / stride + 1;
  g.outWidth = (g.inWidth + 2 * pad - kernel) / stride + 1;
  if (g.outHeight <= 0 || g.outWidth <= 0) throw std::invalid_argument("conv output is empty");
  l.shape = {outChannels, g.outHeight, g.outWidth};
  const int64_t fanIn = static_cast<int64_t>(g.inChannels) * kernel * kernel;
  const double w = gain * std::sqrt(3.0 / static_cast<double>(fanIn));
  l.kernel.resize(static_cast<int64_t>(outChannels) * fanIn);
  for (int64_t i = 0; i < l.kernel.size(); ++i) l.kernel[i] = uniform(-w, w);
  l.bias.resize(numel(l.shape));
  for (int oc = 0; oc < outChannels; ++oc) {  // one bias per channel, stored per output neuron
    const double b = uniform(-0.3, 0.3) * gain;
    l.bias.segment(static_cast<int64_t>(oc) * g.outHeight * g.outWidth, g.outHeight * g.outWidth).setConstant(b);
  }
  return push(std::move(l));
}

int RandomNetworkBuilder::activation(int from, LayerOp op) {
  if (op != LayerOp::Relu && op != LayerOp::Sigmoid && op != LayerOp::Tanh && op != LayerOp::Abs &&
      op != LayerOp::LeakyRelu)
    throw std::invalid_argument("activation() takes Relu, Sigmoid, Tanh, Abs or LeakyRelu");
  Layer l;
  l.op = op;
  l.inputs = {from};
  l.shape = at(from).shape;
  return push(std::move(l));
}

int RandomNetworkBuilder::clip(int from, double lo, double hi) {
  Layer l;
  l.op = LayerOp::Clip;
  l.inputs = {from};
  l.shape = at(from).shape;
  l.clipMin = lo;
  l.clipMax = hi;
  return push(std::move(l));
}

int RandomNetworkBuilder::maxPool(int from, int kernel, int stride, int pad) {
  return pool(LayerOp::MaxPool, from, kernel, stride, pad, false);
}

int RandomNetworkBuilder::avgPool(int from, int kernel, int stride, int pad, bool countIncludePad) {
  return pool(LayerOp::AvgPool, from, kernel, stride, pad, countIncludePad);
}

int RandomNetworkBuilder::pool(LayerOp op, int from, int kernel, int stride, int pad, bool countIncludePad) {
  const auto& s = at(from).shape;
  if (s.size() != 3) throw std::invalid_argument("pooling needs a {C, H, W} input");
  Layer l;
  l.op = op;
  l.inputs = {from};
  PoolGeometry& g = l.pool;
  g.channels = static_cast<int>(s[0]);
  g.inHeight = static_cast<int>(s[1]);
  g.inWidth = static_cast<int>(s[2]);
  g.kernelH = g.kernelW = kernel;
  g.strideH = g.strideW = stride;
  g.padTop = g.padLeft = g.padBottom = g.padRight = pad;
  g.countIncludePad = countIncludePad;
  g.outHeight = (g.inHeight + 2 * pad - kernel) / stride + 1;
  g.outWidth = (g.inWidth + 2 * pad - kernel) / stride + 1;
  if (g.outHeight <= 0 || g.outWidth <= 0) throw std::invalid_argument("pool output is empty");
  l.shape = {g.channels, g.outHeight, g.outWidth};
  return push(std::move(l));
}

int RandomNetworkBuilder::add(int a, int b) {
  if (numel(at(a).shape) != numel(at(b).shape)) throw std::invalid_argument("add needs equal sizes");
  Layer l;
  l.op = LayerOp::Add;
  l.inputs = {a, b};
  l.shape = at(a).shape;
  return push(std::move(l));
}

int RandomNetworkBuilder::multiply(int a, int b) {
  if (numel(at(a).shape) != numel(at(b).shape)) throw std::invalid_argument("multiply needs equal sizes");
  Layer l;
  l.op = LayerOp::Mul;
  l.inputs = {a, b};
  l.shape = at(a).shape;
  return push(std::move(l));
}

int RandomNetworkBuilder::concat(const std::vector<int>& parts) {
  Layer l;
  l.op = LayerOp::Concat;
  l.inputs = parts;
  int64_t n = 0;
  for (int p : parts) n += numel(at(p).shape);
  l.shape = {n};
  return push(std::move(l));
}

int RandomNetworkBuilder::transposeHW(int from) {
  const std::vector<int64_t>& in = at(from).shape;
  if (in.size() != 3) throw std::invalid_argument("transposeHW needs a [C, H, W] layer");
  const int64_t c = in[0], h = in[1], w = in[2];
  Layer l;
  l.op = LayerOp::Concat;
  l.inputs = {from};
  l.shape = {c, w, h};
  for (int64_t k = 0; k < c; ++k)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t y = 0; y < h; ++y) l.order.push_back((k * h + y) * w + x);  // (k, x, y) reads (k, y, x)
  return push(std::move(l));
}

Network RandomNetworkBuilder::build() const {
  Network net = net_;
  assignNeuronRanges(net);
  return net;
}

Network randomMlp(int64_t inputSize, const std::vector<int64_t>& hidden,
                  const std::vector<LayerOp>& activations, int64_t outputs, uint64_t seed) {
  RandomNetworkBuilder b({inputSize}, seed);
  int last = 0;
  for (size_t i = 0; i < hidden.size(); ++i) {
    const LayerOp op = activations.at(i);
    last = b.affine(last, hidden[i], op == LayerOp::Clip ? 4.0 : 1.5);
    last = op == LayerOp::Clip ? b.clip(last, 0.0, 6.0) : b.activation(last, op);
  }
  b.affine(last, outputs);
  return b.build();
}

std::vector<NamedNetwork> randomNetworkZoo(uint64_t seed) {
  using Op = LayerOp;
  std::vector<NamedNetwork> zoo;
  zoo.push_back({"mlp_relu", randomMlp(4, {8, 8}, {Op::Relu, Op::Relu}, 3, seed + 1)});
  zoo.push_back({"mlp_sigmoid", randomMlp(3, {6, 5}, {Op::Sigmoid, Op::Sigmoid}, 2, seed + 2)});
  zoo.push_back({"mlp_tanh", randomMlp(3, {6, 6}, {Op::Tanh, Op::Tanh}, 2, seed + 3)});
  zoo.push_back({"mlp_abs", randomMlp(4, {6, 5}, {Op::Abs, Op::Relu}, 3, seed + 4)});
  zoo.push_back({"mlp_mixed", randomMlp(5, {10, 10, 10, 10, 10},
                                        {Op::Relu, Op::Sigmoid, Op::Tanh, Op::Abs, Op::Clip}, 4, seed + 5)});
  zoo.push_back({"deep_relu", randomMlp(4, {6, 6, 6, 6, 6, 6}, std::vector<Op>(6, Op::Relu), 2, seed + 6)});
  {  // HardTanh and Relu6 with pre-activations wide enough to cross both knees
    RandomNetworkBuilder b({4}, seed + 7);
    int x = b.clip(b.affine(0, 8, 2.0), -1.0, 1.0);
    x = b.clip(b.affine(x, 8, 6.0), 0.0, 6.0);
    x = b.clip(b.affine(x, 6, 3.0), -0.5, 2.0);
    b.affine(b.activation(b.affine(x, 4, 3.0), Op::Sigmoid), 2);
    zoo.push_back({"mlp_clip", b.build()});
  }
  {  // S-curves on wide pre-activations: one-sided (convex / concave) and mixed cases
    RandomNetworkBuilder b({3}, seed + 8);
    int x = b.activation(b.affine(0, 8, 4.0), Op::Sigmoid);
    x = b.activation(b.affine(x, 8, 4.0), Op::Tanh);
    b.affine(x, 2);
    zoo.push_back({"scurve_wide", b.build()});
  }
  {
    RandomNetworkBuilder b({1, 6, 6}, seed + 9);
    int x = b.maxPool(b.activation(b.conv(0, 3, 3, 1, 1), Op::Relu), 2, 2);
    b.affine(x, 4);
    zoo.push_back({"conv_relu_maxpool", b.build()});
  }
  {
    RandomNetworkBuilder b({2, 5, 5}, seed + 10);
    int x = b.avgPool(b.activation(b.conv(0, 2, 3), Op::Tanh), 2, 1);
    x = b.avgPool(b.activation(b.conv(x, 2, 2, 1, 1), Op::Abs), 3, 1, 1);
    x = b.maxPool(x, 2, 1, 1);
    b.affine(x, 3);
    zoo.push_back({"conv_pool_padded", b.build()});
  }
  {  // residual adds over a short and a long skip (terms of several layers in one expression)
    RandomNetworkBuilder b({4}, seed + 11);
    const int r1 = b.activation(b.affine(0, 6), Op::Relu);
    const int r2 = b.activation(b.affine(r1, 6), Op::Relu);
    const int s1 = b.add(r1, r2);
    const int r3 = b.activation(b.affine(s1, 6), Op::Tanh);
    b.affine(b.add(r3, r1), 3);
    zoo.push_back({"residual", b.build()});
  }
  {
    RandomNetworkBuilder b({4}, seed + 12);
    const int a = b.activation(b.affine(0, 5), Op::Relu);
    const int c = b.activation(b.affine(0, 3), Op::Sigmoid);
    b.affine(b.activation(b.affine(b.concat({a, c}), 4), Op::Relu), 2);
    zoo.push_back({"concat", b.build()});
  }
  {  // a layout permutation between conv layers (an index map: no weights) and an interleaving one
    RandomNetworkBuilder b({2, 5, 6}, seed + 14);
    int x = b.activation(b.conv(0, 3, 3, 1, 1), Op::Relu);          // 3x5x6
    x = b.transposeHW(x);                                            // 3x6x5
    x = b.activation(b.conv(x, 2, 3, 2, 1), Op::Sigmoid);           // 2x3x3
    b.affine(b.activation(b.affine(b.transposeHW(x), 6), Op::Relu), 3);
    zoo.push_back({"conv_transposed", b.build()});
  }
  {  // constant neurons (zero rows: l == u == 0) and tied max-pool windows
    RandomNetworkBuilder b({2, 4, 4}, seed + 13);
    const int cv = b.conv(0, 3, 3, 1, 1);
    int x = b.maxPool(b.activation(cv, Op::Relu), 2, 2);
    const int a1 = b.affine(x, 5);
    x = b.activation(a1, Op::Sigmoid);
    const int a2 = b.affine(x, 5);
    x = b.activation(a2, Op::Tanh);
    const int a3 = b.affine(x, 4);
    x = b.clip(b.activation(a3, Op::Abs), -1.0, 1.0);
    b.affine(x, 2);
    Network net = b.build();
    Layer& c = net.layers[static_cast<size_t>(cv)];
    c.kernel.head(c.kernel.size() / 3).setZero();
    c.bias.head(c.bias.size() / 3).setZero();
    for (int k : {a1, a2, a3}) {
      net.layers[static_cast<size_t>(k)].weight.row(0).setZero();
      net.layers[static_cast<size_t>(k)].bias[0] = 0.0;
    }
    zoo.push_back({"degenerate", std::move(net)});
  }
  return zoo;
}

std::vector<NamedNetwork> linearNetworkZoo(uint64_t seed) {
  std::vector<NamedNetwork> zoo;
  {
    RandomNetworkBuilder b({4}, seed + 1);
    b.affine(b.affine(b.affine(0, 6), 5), 3);
    zoo.push_back({"affine_chain", b.build()});
  }
  {
    RandomNetworkBuilder b({1, 3, 3}, seed + 2);
    b.affine(b.avgPool(b.conv(0, 2, 2, 1, 1), 2, 1), 3);
    zoo.push_back({"conv_avgpool", b.build()});
  }
  {
    RandomNetworkBuilder b({4}, seed + 3);
    const int a1 = b.affine(0, 5);
    const int s = b.add(a1, b.affine(a1, 5));
    b.affine(b.add(b.affine(s, 5), a1), 2);
    zoo.push_back({"residual_linear", b.build()});
  }
  {
    RandomNetworkBuilder b({3}, seed + 4);
    b.affine(b.concat({b.affine(0, 4), b.affine(0, 2)}), 2);
    zoo.push_back({"concat_linear", b.build()});
  }
  return zoo;
}

Network residualConvRelu(uint64_t seed) {
  RandomNetworkBuilder b({2, 8, 8}, seed);
  const int a = b.activation(b.conv(0, 4, 3, 1, 1), LayerOp::Relu);
  const int c = b.conv(b.activation(b.conv(a, 4, 3, 1, 1), LayerOp::Relu), 4, 3, 1, 1);
  const int s = b.conv(a, 4, 1, 1, 0);  // the shortcut conv
  int x = b.activation(b.add(c, s), LayerOp::Relu);
  x = b.activation(b.conv(x, 3, 4, 2, 1), LayerOp::Relu);  // 3x4x4
  b.affine(b.activation(b.affine(x, 10), LayerOp::Relu), 4);
  return b.build();
}

InputBox randomBox(int64_t inputSize, double radius, uint64_t seed) {
  uint64_t s = seed;
  InputBox box{Eigen::VectorXd(inputSize), Eigen::VectorXd(inputSize)};
  for (int64_t i = 0; i < inputSize; ++i) {
    const double c = -1.0 + 2.0 * static_cast<double>(splitmix64(s) >> 11) * 0x1.0p-53;
    box.lower[i] = c - radius;
    box.upper[i] = c + radius;
  }
  return box;
}

}  // namespace cert::test
