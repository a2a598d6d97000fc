// Network model helpers: names, parameter counts, dense weights of conv layers, normalization.
#include "core/network/network.h"

#include <numeric>

namespace cert {

const char* layerOpName(LayerOp op) {
  switch (op) {
    case LayerOp::Input: return "Input";
    case LayerOp::Affine: return "Affine";
    case LayerOp::Conv: return "Conv";
    case LayerOp::Relu: return "Relu";
    case LayerOp::LeakyRelu: return "LeakyRelu";
    case LayerOp::Sigmoid: return "Sigmoid";
    case LayerOp::Tanh: return "Tanh";
    case LayerOp::Abs: return "Abs";
    case LayerOp::Clip: return "Clip";
    case LayerOp::MaxPool: return "MaxPool";
    case LayerOp::AvgPool: return "AvgPool";
    case LayerOp::Add: return "Add";
    case LayerOp::Mul: return "Mul";
    case LayerOp::Concat: return "Concat";
  }
  return "?";
}

std::vector<int64_t> PoolGeometry::window(int c, int oh, int ow) const {
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(kernelH) * kernelW);
  for (int kh = 0; kh < kernelH; ++kh) {
    const int h = oh * strideH - padTop + kh;
    if (h < 0 || h >= inHeight) continue;
    for (int kw = 0; kw < kernelW; ++kw) {
      const int w = ow * strideW - padLeft + kw;
      if (w < 0 || w >= inWidth) continue;
      out.push_back((static_cast<int64_t>(c) * inHeight + h) * inWidth + w);
    }
  }
  return out;
}

int64_t Layer::parameterCount() const {
  return weight.size() + bias.size() + kernel.size();
}

bool Normalization::isIdentity() const {
  if (!order.empty()) return false;
  if (scale.size() == 0) return true;
  return (scale.array() == 1.0).all() && (shift.array() == 0.0).all();
}

Eigen::MatrixXd denseWeight(const Layer& layer) {
  if (layer.op == LayerOp::Affine) return layer.weight;
  if (layer.op != LayerOp::Conv) return {};
  const ConvGeometry& g = layer.conv;
  const int64_t inSize = static_cast<int64_t>(g.inChannels) * g.inHeight * g.inWidth;
  const int64_t outSize = static_cast<int64_t>(g.outChannels) * g.outHeight * g.outWidth;
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(outSize, inSize);
  forEachConvTap(g, layer.kernel.data(), [&](int64_t row, int64_t col, double v) { w(row, col) += v; });
  return w;
}

Eigen::VectorXd denseBias(const Layer& layer) {
  if (layer.bias.size() == layer.size()) return layer.bias;
  return Eigen::VectorXd::Zero(layer.size());
}

Eigen::VectorXd normalizeInput(const Network& net, const Eigen::VectorXd& raw) {
  const Normalization& norm = net.normalization;
  Eigen::VectorXd x = raw;
  if (!norm.order.empty() && static_cast<int64_t>(norm.order.size()) == raw.size())
    for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = raw[norm.order[static_cast<size_t>(i)]];
  if (norm.scale.size() == 0) return x;
  return norm.scale.cwiseProduct(x) + norm.shift;
}

void assignNeuronRanges(Network& net) {
  int64_t next = 0;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    Layer& l = net.layers[i];
    l.index = static_cast<int>(i);
    const int64_t n = std::accumulate(l.shape.begin(), l.shape.end(), int64_t{1},
                                      [](int64_t a, int64_t b) { return a * b; });
    l.start = next;
    l.end = next + n;
    next = l.end;
  }
}

}  // namespace cert
