// Independent dense DeepZ and DeepPoly x DeepZ (test code). Exact semantics, identical to
// specs/deepz.cf. z = c0 + sum_k c_k e_k; x is the input neuron, [l, u] its l/u members.
//   Input:   z_i = (lo+hi)/2 + (hi-lo)/2 e_i (one symbol per input neuron); l = lo, u = hi.
//   Linear layers (Affine, Conv via its dense matrix, AvgPool: 1/|window| on each window input,
//   Add: z0 + z1): z exact; l = c0 - sum_k |c_k|, u = c0 + sum_k |c_k|.
//   Element-wise: z = lambda x_z + mu1 + mu2 eps, eps a fresh symbol (only where a branch has one);
//   l, u members the exact image of [l, u] (ref::elementwiseImage).
//   Relu:    l >= 0: z.  u <= 0: 0.  Else lambda = u/(u-l), mu1 = mu2 = -(u l)/(2 (u-l)).
//   Sigmoid/Tanh g (tanh = 2 sigma(2x) - 1): u <= l: g(l). Else lambda = min(g'(l), g'(u)),
//            mu1 = (g(u) + g(l) - lambda (u+l))/2, mu2 = (g(u) - g(l) - lambda (u-l))/2.
//   Abs:     l >= 0: z.  u <= 0: -z.  Else lambda = (u+l)/(u-l), mu1 = mu2 = -(u l)/(u-l).
//   Clip [a,b]: u <= a: a.  l >= b: b.  a <= l, u <= b: z.
//            a <= l < b < u: s = (b-l)/(u-l), nu = s (u-b)/2, z = b + s (x_z - b) - nu + nu eps.
//            l < a < u <= b: s = (u-a)/(u-l), mu = s (a-l)/2, z = a + s (x_z - a) + mu + mu eps.
//            l < a, b < u:   z = (a+b)/2 + (b-a)/2 eps.
//   MaxPool: l = max l_j, u = max u_j. D = {j : l_j >= u_k for every other k}: D nonempty:
//            z = avg_{j in D} z_j; else z = (u + l)/2 + (u - l)/2 eps (with those l, u).
//   Mul:     x0, x1 with m_i = (l_i + u_i)/2, r_i = (u_i - l_i)/2 (from their l/u members):
//            z = m1 z0 + m0 z1 - m0 m1 + r0 r1 eps (eps fresh, one per neuron);
//            l, u = ref::intervalProduct.
//   Concat:  z, l, u copied from the source neuron.   LeakyRelu: error.
// DeepPoly x DeepZ (specs/deeppoly_deepz.cf): per layer, both analyses step from the same l/u of
// earlier layers (DeepPoly with deepPoly() options); the layer's l/u are max of the lowers and
// min of the uppers.
#include "tests/support/reference_deepz.h"

#include <algorithm>
#include <string>
#include <tuple>

#include "tests/support/reference_deeppoly.h"

namespace cert::test {
namespace {

/// z = lambda x_z + offset (+ fresh eps when hasFresh).
struct ZRelax {
  double lambda = 0, offset = 0, fresh = 0;
  bool hasFresh = false;
};

ZRelax affineOf(double lambda, double offset) { return {lambda, offset, 0, false}; }
ZRelax withNoise(double lambda, double offset, double fresh) { return {lambda, offset, fresh, true}; }

ZRelax relaxSCurve(double l, double u, double (*g)(double), double (*dg)(double)) {
  if (u <= l) return affineOf(0, g(l));
  const double gl = g(l), gu = g(u), lambda = std::min(dg(l), dg(u));
  return withNoise(lambda, (gu + gl - lambda * (u + l)) / 2, (gu - gl - lambda * (u - l)) / 2);
}

ZRelax relaxClip(double a, double b, double l, double u) {
  if (u <= a) return affineOf(0, a);
  if (l >= b) return affineOf(0, b);
  if (l >= a) {
    if (u <= b) return affineOf(1, 0);
    const double s = (b - l) / (u - l), nu = s * (u - b) / 2;
    return withNoise(s, b - s * b - nu, nu);
  }
  if (u <= b) {
    const double s = (u - a) / (u - l), mu = s * (a - l) / 2;
    return withNoise(s, a - s * a + mu, mu);
  }
  return withNoise(0, (a + b) / 2, (b - a) / 2);
}

ZRelax relaxElementwise(const Layer& layer, double l, double u) {
  switch (layer.op) {
    case LayerOp::Relu: {
      if (l >= 0) return affineOf(1, 0);
      if (u <= 0) return affineOf(0, 0);
      const double mu = -(u * l) / (2 * (u - l));
      return withNoise(u / (u - l), mu, mu);
    }
    case LayerOp::Sigmoid: return relaxSCurve(l, u, ref::sigma, ref::dsigma);
    case LayerOp::Tanh: return relaxSCurve(l, u, ref::tanhViaSigma, ref::dtanh);
    case LayerOp::Abs: {
      if (l >= 0) return affineOf(1, 0);
      if (u <= 0) return affineOf(-1, 0);
      const double mu = -(u * l) / (u - l);
      return withNoise((u + l) / (u - l), mu, mu);
    }
    default: return relaxClip(layer.clipMin, layer.clipMax, l, u);
  }
}

/// A linear layer as a matrix over its single input (Affine, Conv, AvgPool).
Eigen::MatrixXd linearMatrix(const Network& net, const Layer& layer) {
  if (layer.op != LayerOp::AvgPool) return denseWeight(layer);
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(layer.size(), net.layers[static_cast<size_t>(layer.inputs[0])].size());
  const auto windows = ref::poolWindows(layer);
  for (int64_t o = 0; o < layer.size(); ++o)
    for (int64_t j : windows[static_cast<size_t>(o)])
      a(o, j) += 1.0 / static_cast<double>(windows[static_cast<size_t>(o)].size());
  return a;
}

}  // namespace

DeepZAnalysis::DeepZAnalysis(const Network& net, const InputBox& box)
    : net_(net), box_(box), z_(net.layers.size()) {}

Eigen::MatrixXd DeepZAnalysis::gensOf(int layer) const {
  const Eigen::MatrixXd& g = z_[static_cast<size_t>(layer)].gens;
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(g.rows(), noise_);
  out.leftCols(g.cols()) = g;
  return out;
}

Result<LayerBounds> DeepZAnalysis::step(int k, const std::vector<LayerBounds>& bounds) {
  using R = Result<LayerBounds>;
  if (const std::string p = ref::stepProblem(net_, box_, k, bounds.size(), "DeepZAnalysis"); !p.empty())
    return R::failure(Diagnostic::error(p));
  const Layer& layer = net_.layers[static_cast<size_t>(k)];
  const int64_t n = layer.size();
  LayerBounds out{Eigen::VectorXd(n), Eigen::VectorXd(n)};
  Zonotope& z = z_[static_cast<size_t>(k)];
  const int p0 = layer.inputs.empty() ? 0 : layer.inputs[0];
  const Zonotope& in = z_[static_cast<size_t>(p0)];
  const LayerBounds& inB = bounds.empty() ? out : bounds[static_cast<size_t>(p0)];
  bool linear = false;
  switch (layer.op) {
    case LayerOp::Input:
      z.center = (box_.lower + box_.upper) / 2;
      z.gens = Eigen::MatrixXd::Zero(n, noise_ + n);
      z.gens.rightCols(n).diagonal() = (box_.upper - box_.lower) / 2;
      noise_ += n;
      out = {box_.lower, box_.upper};
      break;
    case LayerOp::Affine: case LayerOp::Conv: case LayerOp::AvgPool: {
      const Eigen::MatrixXd w = linearMatrix(net_, layer);
      z.center = w * in.center + (layer.op == LayerOp::AvgPool ? Eigen::VectorXd::Zero(n) : denseBias(layer));
      z.gens = w * gensOf(p0);
      linear = true;
      break;
    }
    case LayerOp::Add:
      z.center = in.center + z_[static_cast<size_t>(layer.inputs[1])].center;
      z.gens = gensOf(p0) + gensOf(layer.inputs[1]);
      linear = true;
      break;
    case LayerOp::Mul: {
      const int p1 = layer.inputs[1];
      const LayerBounds& inB1 = bounds[static_cast<size_t>(p1)];
      const Zonotope& in1 = z_[static_cast<size_t>(p1)];
      const Eigen::MatrixXd g0 = gensOf(p0), g1 = gensOf(p1);
      z.center = Eigen::VectorXd(n);
      z.gens = Eigen::MatrixXd::Zero(n, noise_ + n);
      for (int64_t i = 0; i < n; ++i) {
        const double m0 = (inB.lower[i] + inB.upper[i]) / 2, r0 = (inB.upper[i] - inB.lower[i]) / 2;
        const double m1 = (inB1.lower[i] + inB1.upper[i]) / 2, r1 = (inB1.upper[i] - inB1.lower[i]) / 2;
        z.center[i] = m1 * in.center[i] + m0 * in1.center[i] - m0 * m1;
        z.gens.row(i).head(noise_) = m1 * g0.row(i) + m0 * g1.row(i);
        z.gens(i, noise_ + i) = r0 * r1;
        std::tie(out.lower[i], out.upper[i]) =
            ref::intervalProduct(inB.lower[i], inB.upper[i], inB1.lower[i], inB1.upper[i]);
      }
      noise_ += n;
      break;
    }
    case LayerOp::Concat: {
      z.center = Eigen::VectorXd(n);
      z.gens = Eigen::MatrixXd(n, noise_);
      int64_t o = 0;
      for (const auto& [s, i] : ref::concatSources(net_, layer)) {
        z.center[o] = z_[static_cast<size_t>(s)].center[i];
        z.gens.row(o) = gensOf(s).row(i);
        out.lower[o] = bounds[static_cast<size_t>(s)].lower[i];
        out.upper[o++] = bounds[static_cast<size_t>(s)].upper[i];
      }
      break;
    }
    default: {  // element-wise and MaxPool: rows built from the input's, plus fresh symbols
      const Eigen::MatrixXd g = gensOf(p0);
      std::vector<ZRelax> rs(static_cast<size_t>(n));
      std::vector<std::vector<int64_t>> avgOf(static_cast<size_t>(n));  // MaxPool dominant sets
      const auto windows = layer.op == LayerOp::MaxPool ? ref::poolWindows(layer)
                                                         : std::vector<std::vector<int64_t>>{};
      for (int64_t i = 0; i < n; ++i) {
        if (layer.op != LayerOp::MaxPool) {
          std::tie(out.lower[i], out.upper[i]) = ref::elementwiseImage(layer, inB.lower[i], inB.upper[i]);
          rs[static_cast<size_t>(i)] = relaxElementwise(layer, inB.lower[i], inB.upper[i]);
          continue;
        }
        const auto& win = windows[static_cast<size_t>(i)];
        double lo = inB.lower[win[0]], hi = inB.upper[win[0]];
        for (int64_t j : win) { lo = std::max(lo, inB.lower[j]); hi = std::max(hi, inB.upper[j]); }
        out.lower[i] = lo;
        out.upper[i] = hi;
        for (size_t a = 0; a < win.size(); ++a) {
          bool all = true;
          for (size_t b = 0; b < win.size(); ++b)
            if (a != b && !(inB.lower[win[a]] >= inB.upper[win[b]])) all = false;
          if (all) avgOf[static_cast<size_t>(i)].push_back(win[a]);
        }
        if (avgOf[static_cast<size_t>(i)].empty()) rs[static_cast<size_t>(i)] = withNoise(0, (hi + lo) / 2, (hi - lo) / 2);
      }
      int64_t fresh = 0;
      for (const ZRelax& r : rs) fresh += r.hasFresh ? 1 : 0;
      z.center = Eigen::VectorXd(n);
      z.gens = Eigen::MatrixXd::Zero(n, noise_ + fresh);
      int64_t next = noise_;
      for (int64_t i = 0; i < n; ++i) {
        const ZRelax& r = rs[static_cast<size_t>(i)];
        const auto& dom = avgOf[static_cast<size_t>(i)];
        if (!dom.empty()) {  // MaxPool with dominant inputs: their average
          z.center[i] = 0;
          for (int64_t j : dom) {
            z.center[i] += in.center[j] / static_cast<double>(dom.size());
            z.gens.row(i).head(noise_) += g.row(j) / static_cast<double>(dom.size());
          }
          continue;
        }
        const double c = layer.op == LayerOp::MaxPool ? 0.0 : in.center[i];
        z.center[i] = r.lambda * c + r.offset;
        if (r.lambda != 0 && layer.op != LayerOp::MaxPool) z.gens.row(i).head(noise_) = r.lambda * g.row(i);
        if (r.hasFresh) z.gens(i, next++) = r.fresh;
      }
      noise_ += fresh;
      break;
    }
  }
  if (linear) {
    const Eigen::VectorXd radius = z.gens.cwiseAbs().rowwise().sum();
    out.lower = z.center - radius;
    out.upper = z.center + radius;
  }
  return R{std::move(out), {}};
}

Result<std::vector<LayerBounds>> referenceDeepZ(const Network& net, const InputBox& box) {
  DeepZAnalysis analysis(net, box);
  std::vector<LayerBounds> bounds;
  for (size_t k = 0; k < net.layers.size(); ++k) {
    Result<LayerBounds> b = analysis.step(static_cast<int>(k), bounds);
    if (!b) return Result<std::vector<LayerBounds>>::failure(b.diagnostics);
    bounds.push_back(std::move(*b));
  }
  return {std::move(bounds), {}};
}

Result<std::vector<LayerBounds>> referenceDeepPolyDeepZ(const Network& net, const InputBox& box) {
  DeepPolyAnalysis poly(net, box, DeepPolyOptions::deepPoly());
  DeepZAnalysis zono(net, box);
  std::vector<LayerBounds> bounds;
  for (size_t k = 0; k < net.layers.size(); ++k) {
    Result<LayerBounds> a = poly.step(static_cast<int>(k), bounds);
    if (!a) return Result<std::vector<LayerBounds>>::failure(a.diagnostics);
    Result<LayerBounds> b = zono.step(static_cast<int>(k), bounds);
    if (!b) return Result<std::vector<LayerBounds>>::failure(b.diagnostics);
    bounds.push_back({a->lower.cwiseMax(b->lower), a->upper.cwiseMin(b->upper)});
  }
  return {std::move(bounds), {}};
}

}  // namespace cert::test
