// Independent dense DeepPoly / CROWN (test code). Exact semantics, identical to specs/deeppoly.cf
// (tie = Constant, scurve = DeepPoly), specs/crown.cf (tie = Identity, scurve = Crown) and
// specs/deeppoly_k.cf (backsubLayers = 4), specs/deeppoly_eran.cf (bestOverDepths: the best of
// the bounds with K = 0 .. 12 and without a limit, per neuron). x is the input neuron, [l, u] its l/u members.
//   Input:   l = lo, u = hi; L, U are the constants lo, hi.
//   Linear layers (Affine, Conv via its dense matrix, AvgPool: 1/|window| on each window input,
//   Add: x0 + x1): L = U = e; l, u = back-substitution of e. Back-substitution of the lower bound:
//   for j = t-1 down to 0 (t - K with a depth limit K): C = coefficients on layer j,
//   e += max(C,0) L_j + min(C,0) U_j (upper: the other way round); input layer: the constants.
//   Terms left below the limit: max(C,0) l_j + min(C,0) u_j (upper: the other way round).
//   Element-wise l, u members: the exact image of [l, u] (ref::elementwiseImage).
//   Relu:    l >= 0: L = U = x.  u <= 0: L = U = 0.  Else U = u/(u-l) x - u l/(u-l),
//            L = x if pick(u, -l) else 0.  pick(p, q) = p > q (Constant) or p >= q (Identity).
//   Sigmoid/Tanh g (tanh = 2 sigma(2x) - 1, g' = sigma(1-sigma), 1 - tanh^2):
//            u <= l: L = g(l), U = g(u).  Else lambda = (g(u)-g(l))/(u-l), lambda' = min(g'(l), g'(u)),
//            chordL = g(l) + lambda (x-l), chordU = g(u) + lambda (x-u),
//            primeL = g(l) + lambda' (x-l), primeU = g(u) + lambda' (x-u), m = (l+u)/2,
//            tangent = g(m) + g'(m) (x-m).
//            DeepPoly: L = l > 0 ? chordL : primeL;  U = u <= 0 ? chordU : primeU.
//            CROWN:    l >= 0: L = chordL, U = tangent.  u <= 0: L = tangent, U = chordU.
//                      else (CrownMidpoint) L = primeL, U = primeU; else (Crown, from the CROWN
//                      paper, Zhang et al. 2018, and auto_LiRPA's cases): dL <= 0 with
//                      g(dL) + g'(dL)(G - dL) = g(G) for auto_LiRPA's grid point G above u,
//                      G = 0.01 (max(0, trunc(u / 0.01)) + 1) (u itself beyond 500.04), dU >= 0
//                      with g(dU) + g'(dU)(-G' - dU) = g(-G'), G' the grid point above -l
//                      (reference_tangent.h; solved by bisection on g itself, tanh included:
//                      no symmetry used),
//                      L = dL >= m ? tangent : (lambda < g'(l) ? chordL : tangent at dL),
//                      U = dU < m ? tangent : (lambda < g'(u) ? chordU : tangent at dU).
//   Abs:     l >= 0: x.  u <= 0: -x.  Else U = (u+l)/(u-l) (x-l) - l;
//            L: Constant: u > -l ? x : (u < -l ? -x : 0);  Identity: u >= -l ? x : -x.
//   Clip [a,b]: u <= a: a.  l >= b: b.  a <= l, u <= b: x.
//            a <= l < b < u: L = l + (b-l)/(u-l) (x-l), U = pick(b-l, u-b) ? x : b.
//            l < a < u <= b: L = pick(u-a, a-l) ? x : a, U = a + (u-a)/(u-l) (x-l).
//            l < a, b < u:   L = a + (b-a)/(u-a) (x-a), U = a + (b-a)/(b-l) (x-l).
//   MaxPool: l = max l_j, u = max u_j over the window. D = {j : l_j >= u_k for every other k}:
//            D nonempty: L = U = avg_{j in D} x_j; else L = avg of {j : l_j >= l_k for all k}, U = u.
//   Mul:     x0 in [l0, u0], x1 in [l1, u1] (McCormick): L = l1 x0 + l0 x1 - l0 l1,
//            U = u1 x0 + l0 x1 - l0 u1; l, u = back-substitution of L, U, and (productIntervals:
//            every spec but CROWN) the larger / smaller of that and ref::intervalProduct.
//   Concat:  L = U = the source neuron; l, u copied.   LeakyRelu: error.
#include "tests/support/reference_deeppoly.h"

#include <algorithm>
#include <string>
#include <tuple>

#include "tests/support/reference_tangent.h"

namespace cert::test {
namespace {

/// L = lowerSlope x + lowerConst, U = upperSlope x + upperConst.
struct Relax {
  double lowerSlope = 0, lowerConst = 0, upperSlope = 0, upperConst = 0;
};

Relax constant(double lo, double hi) { return {0, lo, 0, hi}; }
Relax line(double slopeL, double constL, double slopeU, double constU) {
  return {slopeL, constL, slopeU, constU};
}

bool pick(SlopeTie tie, double p, double q) { return tie == SlopeTie::Constant ? p > q : p >= q; }

Relax relaxRelu(double l, double u, const DeepPolyOptions& o) {
  if (l >= 0) return line(1, 0, 1, 0);
  if (u <= 0) return constant(0, 0);
  return line(pick(o.tie, u, -l) ? 1 : 0, 0, u / (u - l), -(u * l) / (u - l));
}

Relax relaxSCurve(double l, double u, double (*g)(double), double (*dg)(double),
                  const DeepPolyOptions& o) {
  if (u <= l) return constant(g(l), g(u));
  const double gl = g(l), gu = g(u), lambda = (gu - gl) / (u - l), prime = std::min(dg(l), dg(u));
  Relax r;
  auto chordL = [&] { r.lowerSlope = lambda; r.lowerConst = gl - lambda * l; };
  auto chordU = [&] { r.upperSlope = lambda; r.upperConst = gu - lambda * u; };
  auto primeL = [&] { r.lowerSlope = prime; r.lowerConst = gl - prime * l; };
  auto primeU = [&] { r.upperSlope = prime; r.upperConst = gu - prime * u; };
  const double m = (l + u) / 2, gm = g(m), dm = dg(m);
  auto tangentL = [&] { r.lowerSlope = dm; r.lowerConst = gm - dm * m; };
  auto tangentU = [&] { r.upperSlope = dm; r.upperConst = gm - dm * m; };
  if (o.scurve == SCurve::DeepPoly) {
    if (l > 0) chordL(); else primeL();
    if (u <= 0) chordU(); else primeU();
  } else if (l >= 0) {
    chordL(); tangentU();
  } else if (u <= 0) {
    tangentL(); chordU();
  } else if (o.scurve == SCurve::CrownMidpoint) {
    primeL(); primeU();
  } else {
    const double dL = tableLowerTangent(u, g, dg), dU = tableUpperTangent(l, g, dg);
    if (dL >= m) tangentL();
    else if (lambda < dg(l)) chordL();
    else { r.lowerSlope = dg(dL); r.lowerConst = g(dL) - dg(dL) * dL; }
    if (dU < m) tangentU();
    else if (lambda < dg(u)) chordU();
    else { r.upperSlope = dg(dU); r.upperConst = g(dU) - dg(dU) * dU; }
  }
  return r;
}

Relax relaxAbs(double l, double u, const DeepPolyOptions& o) {
  if (l >= 0) return line(1, 0, 1, 0);
  if (u <= 0) return line(-1, 0, -1, 0);
  double slopeL;
  if (o.tie == SlopeTie::Constant) slopeL = u > -l ? 1 : (u < -l ? -1 : 0);
  else slopeL = u >= -l ? 1 : -1;
  const double s = (u + l) / (u - l);
  return line(slopeL, 0, s, -s * l - l);
}

Relax relaxClip(double a, double b, double l, double u, const DeepPolyOptions& o) {
  if (u <= a) return constant(a, a);
  if (l >= b) return constant(b, b);
  if (l >= a) {
    if (u <= b) return line(1, 0, 1, 0);
    const double s = (b - l) / (u - l);
    const bool ident = pick(o.tie, b - l, u - b);
    return line(s, l - s * l, ident ? 1 : 0, ident ? 0 : b);
  }
  if (u <= b) {
    const double s = (u - a) / (u - l);
    const bool ident = pick(o.tie, u - a, a - l);
    return line(ident ? 1 : 0, ident ? 0 : a, s, a - s * l);
  }
  const double sl = (b - a) / (u - a), su = (b - a) / (b - l);
  return line(sl, a - sl * a, su, a - su * l);
}

Relax relaxElementwise(const Layer& layer, double l, double u, const DeepPolyOptions& o) {
  switch (layer.op) {
    case LayerOp::Relu: return relaxRelu(l, u, o);
    case LayerOp::Sigmoid: return relaxSCurve(l, u, ref::sigma, ref::dsigma, o);
    case LayerOp::Tanh: return relaxSCurve(l, u, ref::tanhViaSigma, ref::dtanh, o);
    case LayerOp::Abs: return relaxAbs(l, u, o);
    default: return relaxClip(layer.clipMin, layer.clipMax, l, u, o);
  }
}

}  // namespace

DeepPolyAnalysis::DeepPolyAnalysis(const Network& net, const InputBox& box, DeepPolyOptions options)
    : net_(net), box_(box), options_(options), linear_(net.layers.size()) {}

DeepPolyAnalysis::Linear DeepPolyAnalysis::elementwise(const Layer& layer, const LayerBounds& in,
                                                       LayerBounds& out) const {
  const int64_t n = layer.size();
  Linear lin{net_.layers[static_cast<size_t>(layer.inputs[0])].start, Eigen::MatrixXd::Zero(n, n),
             Eigen::MatrixXd::Zero(n, n), Eigen::VectorXd(n), Eigen::VectorXd(n)};
  for (int64_t i = 0; i < n; ++i) {
    const double l = in.lower[i], u = in.upper[i];
    std::tie(out.lower[i], out.upper[i]) = ref::elementwiseImage(layer, l, u);
    const Relax r = relaxElementwise(layer, l, u, options_);
    lin.lowerCoeff(i, i) = r.lowerSlope;
    lin.upperCoeff(i, i) = r.upperSlope;
    lin.lowerConst[i] = r.lowerConst;
    lin.upperConst[i] = r.upperConst;
  }
  return lin;
}

DeepPolyAnalysis::Linear DeepPolyAnalysis::maxPool(const Layer& layer, const LayerBounds& in,
                                                   LayerBounds& out) const {
  const Layer& src = net_.layers[static_cast<size_t>(layer.inputs[0])];
  const int64_t n = layer.size();
  Linear lin{src.start, Eigen::MatrixXd::Zero(n, src.size()), Eigen::MatrixXd::Zero(n, src.size()),
             Eigen::VectorXd::Zero(n), Eigen::VectorXd::Zero(n)};
  const auto windows = ref::poolWindows(layer);
  for (int64_t o = 0; o < n; ++o) {
    const auto& win = windows[static_cast<size_t>(o)];
    double lo = in.lower[win[0]], hi = in.upper[win[0]];
    for (int64_t j : win) { lo = std::max(lo, in.lower[j]); hi = std::max(hi, in.upper[j]); }
    out.lower[o] = lo;
    out.upper[o] = hi;
    // argmax(prev, f): the window inputs j with f(j, k) for every other k (by position).
    auto argmax = [&](auto f) {
      std::vector<int64_t> keep;
      for (size_t a = 0; a < win.size(); ++a) {
        bool all = true;
        for (size_t b = 0; b < win.size(); ++b)
          if (a != b && !f(win[a], win[b])) all = false;
        if (all) keep.push_back(win[a]);
      }
      return keep;
    };
    const auto dominant = argmax([&](int64_t j, int64_t k) { return in.lower[j] >= in.upper[k]; });
    const auto lowest = dominant.empty()
        ? argmax([&](int64_t j, int64_t k) { return in.lower[j] >= in.lower[k]; }) : dominant;
    for (int64_t j : lowest) lin.lowerCoeff(o, j) += 1.0 / static_cast<double>(lowest.size());
    if (!dominant.empty())
      for (int64_t j : dominant) lin.upperCoeff(o, j) += 1.0 / static_cast<double>(dominant.size());
    else
      lin.upperConst[o] = hi;
  }
  return lin;
}

DeepPolyAnalysis::Linear DeepPolyAnalysis::product(const Layer& layer, const LayerBounds& x0,
                                                   const LayerBounds& x1) const {
  const int64_t n = layer.size();
  const Layer& a = net_.layers[static_cast<size_t>(layer.inputs[0])];
  const Layer& b = net_.layers[static_cast<size_t>(layer.inputs[1])];
  const int64_t first = std::min(a.start, b.start), last = std::max(a.end, b.end);
  Linear lin{first, Eigen::MatrixXd::Zero(n, last - first), Eigen::MatrixXd::Zero(n, last - first),
             Eigen::VectorXd(n), Eigen::VectorXd(n)};
  for (int64_t o = 0; o < n; ++o) {
    const double l0 = x0.lower[o], l1 = x1.lower[o], u1 = x1.upper[o];
    lin.lowerCoeff(o, a.start + o - first) += l1;
    lin.lowerCoeff(o, b.start + o - first) += l0;
    lin.lowerConst[o] = -l0 * l1;
    lin.upperCoeff(o, a.start + o - first) += u1;
    lin.upperCoeff(o, b.start + o - first) += l0;
    lin.upperConst[o] = -l0 * u1;
  }
  return lin;
}

DeepPolyAnalysis::Linear DeepPolyAnalysis::linearOf(const Layer& layer) const {
  const int64_t n = layer.size();
  auto src = [&](size_t i) -> const Layer& { return net_.layers[static_cast<size_t>(layer.inputs[i])]; };
  Linear lin;
  lin.lowerConst = Eigen::VectorXd::Zero(n);
  if (layer.op == LayerOp::Affine || layer.op == LayerOp::Conv) {
    lin.col = src(0).start;
    lin.lowerCoeff = denseWeight(layer);
    lin.lowerConst = denseBias(layer);
  } else if (layer.op == LayerOp::AvgPool) {
    lin.col = src(0).start;
    lin.lowerCoeff = Eigen::MatrixXd::Zero(n, src(0).size());
    const auto windows = ref::poolWindows(layer);
    for (int64_t o = 0; o < n; ++o)
      for (int64_t j : windows[static_cast<size_t>(o)])
        lin.lowerCoeff(o, j) += 1.0 / static_cast<double>(windows[static_cast<size_t>(o)].size());
  } else {  // Add, Concat: coefficient 1 on the source neuron(s)
    int64_t first = src(0).start, last = src(0).end;
    for (size_t i = 0; i < layer.inputs.size(); ++i) {
      first = std::min(first, src(i).start);
      last = std::max(last, src(i).end);
    }
    lin.col = first;
    lin.lowerCoeff = Eigen::MatrixXd::Zero(n, last - first);
    if (layer.op == LayerOp::Add) {
      for (int64_t o = 0; o < n; ++o)
        for (size_t i = 0; i < 2; ++i) lin.lowerCoeff(o, src(i).start + o - first) += 1.0;
    } else {
      int64_t o = 0;
      for (const auto& [s, i] : ref::concatSources(net_, layer))
        lin.lowerCoeff(o++, net_.layers[static_cast<size_t>(s)].start + i - first) = 1.0;
    }
  }
  lin.upperCoeff = lin.lowerCoeff;
  lin.upperConst = lin.lowerConst;
  return lin;
}

Eigen::VectorXd DeepPolyAnalysis::backSubstitute(int k, const Linear& expr, bool lower,
                                                 const std::vector<LayerBounds>& bounds) const {
  if (!options_.bestOverDepths) return backSubstituteTo(k, expr, lower, bounds, options_.backsubLayers);
  Eigen::VectorXd best = backSubstituteTo(k, expr, lower, bounds, -1);
  for (int depth = 0; depth <= 12; ++depth) {
    const Eigen::VectorXd b = backSubstituteTo(k, expr, lower, bounds, depth);
    if (lower) best = best.cwiseMax(b);
    else best = best.cwiseMin(b);
  }
  return best;
}

Eigen::VectorXd DeepPolyAnalysis::backSubstituteTo(int k, const Linear& expr, bool lower,
                                                   const std::vector<LayerBounds>& bounds, int depth) const {
  const Layer& layer = net_.layers[static_cast<size_t>(k)];
  Eigen::MatrixXd e = Eigen::MatrixXd::Zero(layer.size(), layer.start);
  e.middleCols(expr.col, expr.lowerCoeff.cols()) = lower ? expr.lowerCoeff : expr.upperCoeff;
  Eigen::VectorXd c = lower ? expr.lowerConst : expr.upperConst;
  const int first = depth < 0 ? 0 : std::max(0, k - depth);
  for (int j = k - 1; j >= 0; --j) {
    const Layer& lj = net_.layers[static_cast<size_t>(j)];
    const Eigen::MatrixXd coeff = e.middleCols(lj.start, lj.size());
    if ((coeff.array() == 0.0).all()) continue;
    const Eigen::MatrixXd cp = coeff.cwiseMax(0.0), cn = coeff.cwiseMin(0.0);
    // The side of each term's bound: a positive coefficient takes L for the lower bound.
    const Eigen::MatrixXd& pos = lower ? cp : cn;
    const Eigen::MatrixXd& neg = lower ? cn : cp;
    e.middleCols(lj.start, lj.size()).setZero();
    if (j < first) {  // stopped: concretize with the layer's own l/u
      c += pos * bounds[static_cast<size_t>(j)].lower + neg * bounds[static_cast<size_t>(j)].upper;
    } else if (lj.op == LayerOp::Input) {  // the input's L/U are the box constants
      c += pos * box_.lower + neg * box_.upper;
    } else {
      const Linear& r = linear_[static_cast<size_t>(j)];
      e.middleCols(r.col, r.lowerCoeff.cols()) += pos * r.lowerCoeff + neg * r.upperCoeff;
      c += pos * r.lowerConst + neg * r.upperConst;
    }
  }
  return c;
}

void DeepPolyAnalysis::keepUnstableOnly(int k, const Linear& expr, const std::vector<LayerBounds>& bounds,
                                        LayerBounds& out) const {
  if (!options_.reluUnstableOnly) return;
  bool read = false, byRelu = false, byOther = false;
  for (const Layer& later : net_.layers)
    if (later.index > k && std::find(later.inputs.begin(), later.inputs.end(), k) != later.inputs.end()) {
      read = true;
      const bool linear = later.op == LayerOp::Affine || later.op == LayerOp::Conv || later.op == LayerOp::AvgPool ||
                          later.op == LayerOp::Add;
      byRelu = byRelu || later.op == LayerOp::Relu;
      byOther = byOther || (later.op != LayerOp::Relu && !linear);
    }
  const bool last = k + 1 == static_cast<int>(net_.layers.size());
  if (byOther || (!read && !(last && options_.lastLayerIntervalOnly))) return;
  // The interval of the layer's expression over its inputs' l/u: depth 0, nothing substituted.
  const Eigen::VectorXd lo = backSubstituteTo(k, expr, true, bounds, 0);
  const Eigen::VectorXd hi = backSubstituteTo(k, expr, false, bounds, 0);
  for (Eigen::Index i = 0; i < lo.size(); ++i) {
    const bool unstable = !(lo[i] >= 0) && !(hi[i] <= 0);
    if (byRelu && unstable) continue;  // back-substituted
    out.lower[i] = lo[i];
    out.upper[i] = hi[i];
  }
}

Result<LayerBounds> DeepPolyAnalysis::step(int k, const std::vector<LayerBounds>& bounds) {
  using R = Result<LayerBounds>;
  if (const std::string p = ref::stepProblem(net_, box_, k, bounds.size(), "DeepPolyAnalysis"); !p.empty())
    return R::failure(Diagnostic::error(p));
  const Layer& layer = net_.layers[static_cast<size_t>(k)];
  const int64_t n = layer.size();
  LayerBounds out{Eigen::VectorXd(n), Eigen::VectorXd(n)};
  auto in = [&](size_t i) -> const LayerBounds& { return bounds[static_cast<size_t>(layer.inputs[i])]; };
  Linear& lin = linear_[static_cast<size_t>(k)];
  switch (layer.op) {
    case LayerOp::Input:
      out = {box_.lower, box_.upper};
      break;
    case LayerOp::Affine: case LayerOp::Conv: case LayerOp::AvgPool: case LayerOp::Add:
      lin = linearOf(layer);
      out.lower = backSubstitute(k, lin, true, bounds);
      out.upper = backSubstitute(k, lin, false, bounds);
      keepUnstableOnly(k, lin, bounds, out);
      break;
    case LayerOp::Concat: {
      lin = linearOf(layer);
      int64_t o = 0;
      for (const auto& [s, i] : ref::concatSources(net_, layer)) {
        out.lower[o] = bounds[static_cast<size_t>(s)].lower[i];
        out.upper[o++] = bounds[static_cast<size_t>(s)].upper[i];
      }
      break;
    }
    case LayerOp::MaxPool:
      lin = maxPool(layer, in(0), out);
      break;
    case LayerOp::Mul:
      lin = product(layer, in(0), in(1));
      out.lower = backSubstitute(k, lin, true, bounds);
      out.upper = backSubstitute(k, lin, false, bounds);
      keepUnstableOnly(k, lin, bounds, out);
      if (options_.productIntervals)
        for (int64_t i = 0; i < n; ++i) {
          const auto [lo, hi] = ref::intervalProduct(in(0).lower[i], in(0).upper[i], in(1).lower[i], in(1).upper[i]);
          out.lower[i] = std::max(out.lower[i], lo);
          out.upper[i] = std::min(out.upper[i], hi);
        }
      break;
    default:
      lin = elementwise(layer, in(0), out);
      break;
  }
  return R{std::move(out), {}};
}

Result<std::vector<LayerBounds>> referenceDeepPoly(const Network& net, const InputBox& box,
                                                   const DeepPolyOptions& options) {
  DeepPolyAnalysis analysis(net, box, options);
  std::vector<LayerBounds> bounds;
  for (size_t k = 0; k < net.layers.size(); ++k) {
    Result<LayerBounds> b = analysis.step(static_cast<int>(k), bounds);
    if (!b) return Result<std::vector<LayerBounds>>::failure(b.diagnostics);
    bounds.push_back(std::move(*b));
  }
  return {std::move(bounds), {}};
}

}  // namespace cert::test
