// Independent dense IBP (test code). Exact semantics, identical to specs/ibp.cf:
//   Input:       [lo, hi] of the box.
//   Affine/Conv: l = b + sum_j (w_j >= 0 ? w_j l_j : w_j u_j), u = b + sum_j (w_j >= 0 ? w_j u_j : w_j l_j)
//                (Conv through its dense Toeplitz matrix).
//   Relu:        [l >= 0 ? l : 0, u >= 0 ? u : 0].   Sigmoid: [sigma(l), sigma(u)].
//   Tanh:        [tanh(l), tanh(u)], tanh(x) = 2 sigma(2x) - 1.
//   Abs:         l >= 0: [l, u];  u <= 0: [-u, -l];  else [0, max(-l, u)].
//   Clip [a,b]:  [clip(l), clip(u)], clip(x) = x <= a ? a : (x >= b ? b : x)
//                (HardTanh a=-1, b=1; Relu6 a=0, b=6; any a < b here).
//   MaxPool:     [max of window l, max of window u].   AvgPool: [avg of window l, avg of window u].
//   Add:         [l0 + l1, u0 + u1].   Concat: the sources' bounds, copied.
//   Mul:         [min, max] of l0 l1, l0 u1, u0 l1, u0 u1.
//   LeakyRelu:   error (no spec operator).
#include "tests/support/reference_ibp.h"

#include <tuple>

namespace cert::test {

Result<std::vector<LayerBounds>> referenceIbp(const Network& net, const InputBox& box) {
  using R = Result<std::vector<LayerBounds>>;
  if (const std::string p = ref::boxProblem(net, box); !p.empty()) return R::failure(Diagnostic::error(p));
  std::vector<LayerBounds> out;
  out.reserve(net.layers.size());
  for (const Layer& layer : net.layers) {
    if (const std::string p = ref::unsupportedReason(net, layer); !p.empty())
      return R::failure(Diagnostic::error(p));
    const int64_t n = layer.size();
    LayerBounds b{Eigen::VectorXd(n), Eigen::VectorXd(n)};
    auto in = [&](size_t i) -> const LayerBounds& { return out[static_cast<size_t>(layer.inputs[i])]; };
    switch (layer.op) {
      case LayerOp::Input:
        b = {box.lower, box.upper};
        break;
      case LayerOp::Affine:
      case LayerOp::Conv: {
        const Eigen::MatrixXd w = denseWeight(layer);
        const Eigen::MatrixXd wp = w.cwiseMax(0.0), wn = w.cwiseMin(0.0);
        const Eigen::VectorXd bias = denseBias(layer);
        b.lower = bias + wp * in(0).lower + wn * in(0).upper;
        b.upper = bias + wp * in(0).upper + wn * in(0).lower;
        break;
      }
      case LayerOp::MaxPool:
      case LayerOp::AvgPool: {
        const auto windows = ref::poolWindows(layer);
        for (int64_t o = 0; o < n; ++o) {
          const auto& win = windows[static_cast<size_t>(o)];
          double lo = in(0).lower[win[0]], hi = in(0).upper[win[0]], sl = 0, su = 0;
          for (int64_t j : win) {
            lo = std::max(lo, in(0).lower[j]);
            hi = std::max(hi, in(0).upper[j]);
            sl += in(0).lower[j];
            su += in(0).upper[j];
          }
          const double k = static_cast<double>(win.size());
          b.lower[o] = layer.op == LayerOp::MaxPool ? lo : sl / k;
          b.upper[o] = layer.op == LayerOp::MaxPool ? hi : su / k;
        }
        break;
      }
      case LayerOp::Add:
        b.lower = in(0).lower + in(1).lower;
        b.upper = in(0).upper + in(1).upper;
        break;
      case LayerOp::Mul:
        for (int64_t i = 0; i < n; ++i)
          std::tie(b.lower[i], b.upper[i]) =
              ref::intervalProduct(in(0).lower[i], in(0).upper[i], in(1).lower[i], in(1).upper[i]);
        break;
      case LayerOp::Concat: {
        int64_t o = 0;
        for (const auto& [src, i] : ref::concatSources(net, layer)) {
          b.lower[o] = out[static_cast<size_t>(src)].lower[i];
          b.upper[o] = out[static_cast<size_t>(src)].upper[i];
          ++o;
        }
        break;
      }
      default:  // element-wise (unsupportedReason rejected everything else)
        for (int64_t i = 0; i < n; ++i)
          std::tie(b.lower[i], b.upper[i]) = ref::elementwiseImage(layer, in(0).lower[i], in(0).upper[i]);
        break;
    }
    out.push_back(std::move(b));
  }
  return R{std::move(out), {}};
}

}  // namespace cert::test
