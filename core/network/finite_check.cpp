// badParameters: scans every layer's weight, bias and kernel, and the input normalization.
#include "core/network/finite_check.h"

#include <cmath>
#include <sstream>

namespace cert {
namespace {

/// Appends a BadParameter for `tensor` when any of its n values (read through `at`) is bad.
/// True when any of the n values at `data` is bad: one branch-free (vectorized) pass over the
/// storage; NaN and inf fail `|x| < kFloat32Overflow` too.
bool anyBad(const double* data, int64_t n) {
  int64_t bad = 0;  // an integer accumulator: with a bool GCC keeps the loop scalar
  for (int64_t i = 0; i < n; ++i) bad |= int64_t(!(std::abs(data[i]) < kFloat32Overflow));
  return bad != 0;
}

/// `data`: the tensor's storage (any order), checked first in one pass; the values are read
/// through `at` (in the order the report indexes them) only when one is bad.
template <class At>
void scan(std::vector<BadParameter>& out, const Layer& layer, const char* tensor, int64_t n, const double* data, At at) {
  if (!anyBad(data, n)) return;
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
      scan(out, layer, "normalization scale", s.size(), s.data(), [&](int64_t i) { return s[i]; });
      scan(out, layer, "normalization shift", t.size(), t.data(), [&](int64_t i) { return t[i]; });
    }
    const Eigen::MatrixXd& w = layer.weight;
    const int64_t cols = w.cols();
    scan(out, layer, "weight", w.size(), w.data(), [&](int64_t i) { return w(i / cols, i % cols); });
    scan(out, layer, "kernel", layer.kernel.size(), layer.kernel.data(), [&](int64_t i) { return layer.kernel[i]; });
    scan(out, layer, "bias", layer.bias.size(), layer.bias.data(), [&](int64_t i) { return layer.bias[i]; });
    if (layer.op == LayerOp::LeakyRelu)
      scan(out, layer, "alpha", 1, &layer.alpha, [&](int64_t) { return layer.alpha; });
  }
  return out;
}

}  // namespace cert
