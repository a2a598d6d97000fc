// badParameters: scans every layer's weight, bias and kernel, and the input normalization.
#include "core/network/finite_check.h"

#include <cmath>
#include <sstream>

namespace cert {
namespace {

/// Appends a BadParameter for `tensor` when any of its n values (read through `at`) is bad.
template <class At>
void scan(std::vector<BadParameter>& out, const Layer& layer, const char* tensor, int64_t n, At at) {
  BadParameter b;
  for (int64_t i = 0; i < n; ++i) {
    const double x = at(i);
    if (!isBadParameterValue(x)) continue;
    if (b.count++ == 0) {
      b.index = i;
      b.value = x;
    }
  }
  if (b.count == 0) return;
  b.layer = layer.index;
  b.layerName = layer.name;
  b.tensor = tensor;
  out.push_back(std::move(b));
}

}  // namespace

bool isBadParameterValue(double x) { return !std::isfinite(x) || std::abs(x) >= kFloat32Overflow; }

std::string BadParameter::describe() const {
  std::ostringstream os;
  os.precision(9);
  const std::string shortName = tensor.rfind("normalization ", 0) == 0 ? tensor.substr(14) : tensor;
  os << (std::isfinite(value) ? "float32-overflowing values (|x| >= 1e38) in " : "non-finite values in ") << "layer "
     << layer << " '" << layerName << "' " << tensor << " (" << count << (count == 1 ? " value, " : " values, first ")
     << shortName << "[" << index << "] = " << value << ")";
  return os.str();
}

std::vector<BadParameter> badParameters(const Network& net) {
  std::vector<BadParameter> out;
  for (const Layer& layer : net.layers) {
    if (layer.index == 0 && !net.normalization.isIdentity()) {
      const Eigen::VectorXd& s = net.normalization.scale;
      const Eigen::VectorXd& t = net.normalization.shift;
      scan(out, layer, "normalization scale", s.size(), [&](int64_t i) { return s[i]; });
      scan(out, layer, "normalization shift", t.size(), [&](int64_t i) { return t[i]; });
    }
    const Eigen::MatrixXd& w = layer.weight;
    const int64_t cols = w.cols();
    scan(out, layer, "weight", w.size(), [&](int64_t i) { return w(i / cols, i % cols); });
    scan(out, layer, "kernel", layer.kernel.size(), [&](int64_t i) { return layer.kernel[i]; });
    scan(out, layer, "bias", layer.bias.size(), [&](int64_t i) { return layer.bias[i]; });
    if (layer.op == LayerOp::LeakyRelu)
      scan(out, layer, "alpha", 1, [&](int64_t) { return layer.alpha; });
  }
  return out;
}

}  // namespace cert
