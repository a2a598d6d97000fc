// Per-layer bounds of the reference certifiers, and the small helpers all of them share.
#pragma once

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/network/network.h"
#include "core/property/property.h"

namespace cert::test {

/// Concrete bounds of one layer's neurons (the spec members l and u).
struct LayerBounds {
  Eigen::VectorXd lower;
  Eigen::VectorXd upper;
};

namespace ref {

/// The logistic function, as the specs' `sigma`.
inline double sigma(double x) { return 1.0 / (1.0 + std::exp(-x)); }
/// sigma' = sigma (1 - sigma), as the specs' dsigma.
inline double dsigma(double x) { const double s = sigma(x); return s * (1.0 - s); }
/// tanh(x) = 2 sigma(2x) - 1: the specs have only sigma, so the references compute it the same way.
inline double tanhViaSigma(double x) { return 2.0 * sigma(2.0 * x) - 1.0; }
/// tanh' = 1 - tanh^2, as the specs' dtanh.
inline double dtanh(double x) { const double t = tanhViaSigma(x); return 1.0 - t * t; }
/// The specs' clip(a, b, x) = x <= a ? a : (x >= b ? b : x).
inline double clip(double a, double b, double x) { return x <= a ? a : (x >= b ? b : x); }

/// The exact image of [l, u] under an element-wise layer: the l/u members of every spec
/// (Relu [l>=0 ? l : 0, u>=0 ? u : 0], Sigmoid/Tanh [g(l), g(u)], Abs, Clip [clip(l), clip(u)]).
inline std::pair<double, double> elementwiseImage(const Layer& layer, double l, double u) {
  switch (layer.op) {
    case LayerOp::Relu: return {l >= 0 ? l : 0.0, u >= 0 ? u : 0.0};
    case LayerOp::Sigmoid: return {sigma(l), sigma(u)};
    case LayerOp::Tanh: return {tanhViaSigma(l), tanhViaSigma(u)};
    case LayerOp::Abs:
      if (l >= 0) return {l, u};
      if (u <= 0) return {-u, -l};
      return {0.0, std::max(-l, u)};
    case LayerOp::Clip: return {clip(layer.clipMin, layer.clipMax, l), clip(layer.clipMin, layer.clipMax, u)};
    default: return {l, u};
  }
}

/// The interval product [a0, a1] * [b0, b1]: min and max of the four end products (the specs'
/// prod_lower / prod_upper of a Neuron_mult).
inline std::pair<double, double> intervalProduct(double a0, double a1, double b0, double b1) {
  const double p[4] = {a0 * b0, a0 * b1, a1 * b0, a1 * b1};
  return {std::min(std::min(p[0], p[1]), std::min(p[2], p[3])),
          std::max(std::max(p[0], p[1]), std::max(p[2], p[3]))};
}

inline bool isElementwise(LayerOp op) {
  return op == LayerOp::Relu || op == LayerOp::Sigmoid || op == LayerOp::Tanh ||
         op == LayerOp::Abs || op == LayerOp::Clip;
}

/// Why a reference cannot handle this layer ("" when it can): the ops the specs cover, plus
/// Concat (by copying). LeakyRelu has no spec operator, so it is an error, never skipped.
inline std::string unsupportedReason(const Network& net, const Layer& layer) {
  const std::string where = "layer " + std::to_string(layer.index) + " '" + layer.name + "' (" +
                            layerOpName(layer.op) + "): ";
  auto inputSize = [&](size_t i) { return net.layers[static_cast<size_t>(layer.inputs[i])].size(); };
  for (int in : layer.inputs)
    if (in < 0 || in >= layer.index) return where + "input is not an earlier layer";
  switch (layer.op) {
    case LayerOp::Input:
      return layer.index == 0 ? "" : where + "only layer 0 may be the input";
    case LayerOp::Affine:
    case LayerOp::Conv: {
      if (layer.inputs.size() != 1) return where + "needs one input";
      const Eigen::MatrixXd w = denseWeight(layer);
      if (w.rows() != layer.size() || w.cols() != inputSize(0)) return where + "weight shape mismatch";
      return "";
    }
    case LayerOp::Relu: case LayerOp::Sigmoid: case LayerOp::Tanh: case LayerOp::Abs:
      if (layer.inputs.size() != 1 || inputSize(0) != layer.size()) return where + "size mismatch";
      return "";
    case LayerOp::Clip:
      if (layer.inputs.size() != 1 || inputSize(0) != layer.size()) return where + "size mismatch";
      if (!(layer.clipMin < layer.clipMax)) return where + "needs clipMin < clipMax";
      return "";
    case LayerOp::MaxPool:
    case LayerOp::AvgPool: {
      const PoolGeometry& g = layer.pool;
      if (layer.inputs.size() != 1 ||
          inputSize(0) != static_cast<int64_t>(g.channels) * g.inHeight * g.inWidth ||
          layer.size() != static_cast<int64_t>(g.channels) * g.outHeight * g.outWidth)
        return where + "pool geometry does not match the layer sizes";
      for (int c = 0; c < g.channels; ++c)
        for (int oh = 0; oh < g.outHeight; ++oh)
          for (int ow = 0; ow < g.outWidth; ++ow) {
            const size_t n = g.window(c, oh, ow).size();
            if (n == 0) return where + "empty pooling window";
            if (layer.op == LayerOp::AvgPool && g.countIncludePad &&
                n != static_cast<size_t>(g.kernelH) * g.kernelW)
              return where + "countIncludePad with a padded window: the specs' avg(prev) divides by "
                             "the window's own size";
          }
      return "";
    }
    case LayerOp::Add:
    case LayerOp::Mul:
      if (layer.inputs.size() != 2 || inputSize(0) != layer.size() || inputSize(1) != layer.size())
        return where + "needs two inputs of its own size";
      return "";
    case LayerOp::Concat: {
      int64_t total = 0;
      for (size_t i = 0; i < layer.inputs.size(); ++i) total += inputSize(i);
      if (layer.order.empty()) return total == layer.size() ? "" : where + "input sizes do not add up";
      if (static_cast<int64_t>(layer.order.size()) != layer.size()) return where + "order of the wrong size";
      for (const int64_t k : layer.order)  // a permutation or a selection (repeats allowed) of the inputs
        if (k < 0 || k >= total) return where + "order reads outside the inputs";
      return "";
    }
    case LayerOp::LeakyRelu:
      return where + "not covered by the specs (no LeakyRelu operator)";
  }
  return where + "unknown operator";
}

/// Window of every output neuron of a pooling layer, as indices into its input layer.
inline std::vector<std::vector<int64_t>> poolWindows(const Layer& layer) {
  const PoolGeometry& g = layer.pool;
  std::vector<std::vector<int64_t>> out;
  out.reserve(static_cast<size_t>(layer.size()));
  for (int c = 0; c < g.channels; ++c)
    for (int oh = 0; oh < g.outHeight; ++oh)
      for (int ow = 0; ow < g.outWidth; ++ow) out.push_back(g.window(c, oh, ow));
  return out;
}

/// For a Concat layer: (source layer, index in it) of each output neuron, in order.
inline std::vector<std::pair<int, int64_t>> concatSources(const Network& net, const Layer& layer) {
  std::vector<std::pair<int, int64_t>> stacked;
  for (int in : layer.inputs)
    for (int64_t i = 0; i < net.layers[static_cast<size_t>(in)].size(); ++i) stacked.emplace_back(in, i);
  if (layer.order.empty()) return stacked;
  std::vector<std::pair<int, int64_t>> out;  // neuron j is the order[j]-th of the stacked inputs
  for (const int64_t k : layer.order) out.push_back(stacked.at(static_cast<size_t>(k)));
  return out;
}

/// Checks the box against the network's input layer ("" when it fits).
inline std::string boxProblem(const Network& net, const InputBox& box) {
  if (net.layers.empty() || net.layers.front().op != LayerOp::Input) return "network has no input layer";
  if (box.lower.size() != net.inputSize() || box.upper.size() != net.inputSize())
    return "input box size " + std::to_string(box.lower.size()) + " != network input size " +
           std::to_string(net.inputSize());
  if ((box.lower.array() > box.upper.array()).any()) return "input box has lower > upper";
  return "";
}

/// Why layer k cannot be stepped by a layer-by-layer analysis named `who` ("" when it can): a bad
/// box (at k = 0), an unsupported layer, or layers stepped out of order (`stepped` done so far).
inline std::string stepProblem(const Network& net, const InputBox& box, int k, size_t stepped, const std::string& who) {
  if (k == 0)
    if (std::string p = boxProblem(net, box); !p.empty()) return p;
  if (std::string p = unsupportedReason(net, net.layers[static_cast<size_t>(k)]); !p.empty()) return p;
  if (stepped != static_cast<size_t>(k)) return who + "::step: layers must be stepped in order";
  return "";
}

}  // namespace ref
}  // namespace cert::test
