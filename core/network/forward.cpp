// The float64 forward pass: one function per layer kind, over the layers in execution order.
#include "core/network/forward.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cert {

namespace {

using Eigen::VectorXd;

/// Direct convolution over the kernel (the runtime, not this reference, exploits sparsity).
VectorXd conv(const Layer& l, const VectorXd& x) {
  const ConvGeometry& g = l.conv;
  VectorXd y = denseBias(l);
  for (int oc = 0; oc < g.outChannels; ++oc)
    for (int oh = 0; oh < g.outHeight; ++oh)
      for (int ow = 0; ow < g.outWidth; ++ow) {
        double sum = 0.0;
        for (int ic = 0; ic < g.inChannels; ++ic)
          for (int kh = 0; kh < g.kernelH; ++kh) {
            const int h = oh * g.strideH - g.padTop + kh * g.dilationH;
            if (h < 0 || h >= g.inHeight) continue;
            for (int kw = 0; kw < g.kernelW; ++kw) {
              const int w = ow * g.strideW - g.padLeft + kw * g.dilationW;
              if (w < 0 || w >= g.inWidth) continue;
              const int64_t k =
                  ((static_cast<int64_t>(oc) * g.inChannels + ic) * g.kernelH + kh) * g.kernelW + kw;
              sum += l.kernel[k] * x[(static_cast<int64_t>(ic) * g.inHeight + h) * g.inWidth + w];
            }
          }
        y[(static_cast<int64_t>(oc) * g.outHeight + oh) * g.outWidth + ow] += sum;
      }
  return y;
}

VectorXd pool(const Layer& l, const VectorXd& x) {
  const PoolGeometry& g = l.pool;
  VectorXd y(l.size());
  int64_t out = 0;
  for (int c = 0; c < g.channels; ++c)
    for (int oh = 0; oh < g.outHeight; ++oh)
      for (int ow = 0; ow < g.outWidth; ++ow) {
        const std::vector<int64_t> window = g.window(c, oh, ow);
        double v = l.op == LayerOp::MaxPool ? -std::numeric_limits<double>::infinity() : 0.0;
        for (int64_t i : window) v = l.op == LayerOp::MaxPool ? std::max(v, x[i]) : v + x[i];
        if (l.op == LayerOp::AvgPool)
          v /= g.countIncludePad ? static_cast<double>(g.kernelH) * g.kernelW
                                 : static_cast<double>(window.size());
        y[out++] = v;
      }
  return y;
}

VectorXd applyLayer(const Layer& l, const std::vector<VectorXd>& outs) {
  const VectorXd& x = outs[static_cast<size_t>(l.inputs.front())];
  switch (l.op) {
    case LayerOp::Input: return x;
    case LayerOp::Affine: return l.weight * x + denseBias(l);
    case LayerOp::Conv: return conv(l, x);
    case LayerOp::Relu: return x.cwiseMax(0.0);
    case LayerOp::LeakyRelu:
      return x.unaryExpr([a = l.alpha](double v) { return v >= 0.0 ? v : a * v; });
    case LayerOp::Sigmoid:
      return x.unaryExpr([](double v) { return 1.0 / (1.0 + std::exp(-v)); });
    case LayerOp::Tanh: return x.array().tanh().matrix();
    case LayerOp::Abs: return x.cwiseAbs();
    case LayerOp::Clip: return x.cwiseMax(l.clipMin).cwiseMin(l.clipMax);
    case LayerOp::MaxPool:
    case LayerOp::AvgPool: return pool(l, x);
    case LayerOp::Add: {
      VectorXd sum = x;
      for (size_t i = 1; i < l.inputs.size(); ++i) sum += outs[static_cast<size_t>(l.inputs[i])];
      return sum;
    }
    case LayerOp::Mul: return x.cwiseProduct(outs[static_cast<size_t>(l.inputs[1])]);
    case LayerOp::Concat: {  // the inputs one after the other, read through the order (which may select)
      Eigen::Index total = 0;
      for (int in : l.inputs) total += outs[static_cast<size_t>(in)].size();
      VectorXd cat(total);
      Eigen::Index at = 0;
      for (int in : l.inputs) {
        const VectorXd& part = outs[static_cast<size_t>(in)];
        cat.segment(at, part.size()) = part;
        at += part.size();
      }
      if (l.order.empty()) return cat;
      VectorXd out(l.size());
      for (int64_t j = 0; j < l.size(); ++j) out[j] = cat[l.concatSource(j)];
      return out;
    }
  }
  return x;
}

}  // namespace

std::vector<VectorXd> forwardAll(const Network& net, const VectorXd& input) {
  std::vector<VectorXd> outs;
  if (net.layers.empty() || input.size() != net.inputSize()) return outs;
  outs.reserve(net.layers.size());
  outs.push_back(input);
  for (size_t i = 1; i < net.layers.size(); ++i) outs.push_back(applyLayer(net.layers[i], outs));
  return outs;
}

VectorXd forward(const Network& net, const VectorXd& input) {
  std::vector<VectorXd> outs = forwardAll(net, input);
  return outs.empty() ? VectorXd() : std::move(outs.back());
}

}  // namespace cert
