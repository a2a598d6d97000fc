// decideVerdict: parameter scan, bounds consistency, then the margins with their rounding slack.
#include "runtime/verdict.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "core/network/finite_check.h"
#include "core/network/margin_folding.h"
#include "runtime/executor.h"

namespace cert {
namespace {

std::string num(double v) {
  std::ostringstream os;
  os.precision(9);
  os << v;
  return os.str();
}

std::string layerText(const Network& net, size_t k) {
  if (k < net.layers.size()) return "layer " + std::to_string(k) + " '" + net.layers[k].name + "'";
  return "layer " + std::to_string(k) + " 'margins'";
}

/// The first NaN, empty or inverted interval of one layer, in words; `whereOf` names the layer
/// (called only then: the usual all-good case builds no string).
template <class WhereOf>
std::optional<std::string> badBounds(WhereOf&& whereOf, const Eigen::Ref<const Eigen::VectorXd>& lo,
                                     const Eigen::Ref<const Eigen::VectorXd>& hi) {
  // One branch-free (vectorized) pass for the usual all-good case.
  if (lo.size() == hi.size() && intervalsConsistent(lo.data(), hi.data(), lo.size())) return std::nullopt;
  for (Eigen::Index i = 0; i < lo.size() && i < hi.size(); ++i) {
    const double l = lo[i], u = hi[i];
    if (!std::isnan(l) && !std::isnan(u) && l != std::numeric_limits<double>::infinity() &&
        u != -std::numeric_limits<double>::infinity() && l <= u)
      continue;  // the usual case, checked without building the message
    const std::string at = whereOf() + " neuron " + std::to_string(i);
    if (std::isnan(l) || std::isnan(u)) return "NaN in " + at + " (lower " + num(l) + ", upper " + num(u) + ")";
    if (l == std::numeric_limits<double>::infinity() || u == -std::numeric_limits<double>::infinity())
      return "unsound bounds: " + at + " has the empty interval [" + num(l) + ", " + num(u) + "]";
    if (l > u + kBoundsTolerance * (1 + std::abs(l) + std::abs(u)))
      return "unsound bounds: " + at + " has lower " + num(l) + " > upper " + num(u);
  }
  if (lo.size() != hi.size()) return whereOf() + ": " + std::to_string(lo.size()) + " lower bounds, " + std::to_string(hi.size()) + " upper";
  return std::nullopt;
}

/// The first NaN or empty-interval end (a lower bound of +inf, an upper bound of -inf) of one side
/// of a layer's bounds or the margins, whose other side the run left out; `where` names them.
std::optional<std::string> badSide(const std::string& where, const Eigen::Ref<const Eigen::VectorXd>& v, bool lower) {
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (!std::isnan(v[i]) && v[i] != (lower ? 1 : -1) * std::numeric_limits<double>::infinity()) continue;
    const std::string at = where + " neuron " + std::to_string(i) + " (" + (lower ? "lower " : "upper ") + num(v[i]) + ")";
    if (std::isnan(v[i])) return "NaN in " + at;
    if (v[i] == (lower ? 1 : -1) * std::numeric_limits<double>::infinity())
      return "unsound bounds: an empty interval in " + at;
  }
  return std::nullopt;
}

/// Margin row `row` as its non-zero coefficients over the network output y and its constant c
/// (false: no such row).
bool marginRowOverOutputs(const PropertyItem& item, Eigen::Index n, Eigen::Index row,
                          std::vector<std::pair<Eigen::Index, double>>* w, double* c) {
  w->clear();
  *c = 0;
  if (item.label) {
    const Eigen::Index label = *item.label, j = row < label ? row : row + 1;
    if (label < 0 || label >= n || j >= n) return false;
    w->push_back({label, 1.0});
    w->push_back({j, -1.0});
    return true;
  }
  Eigen::Index r = 0;
  for (const auto& conj : item.unsafe)
    for (const OutputInequality& atom : conj)
      if (r++ == row) {
        for (Eigen::Index j = 0; j < atom.coeffs.size() && j < n; ++j)
          if (atom.coeffs[j] != 0) w->push_back({j, atom.coeffs[j]});
        *c = atom.constant;
        return true;
      }
  return false;
}

/// The margins' last step. Not folded: the row w . y + c over the output bounds
/// (marginRoundingSlack). Folded into the last affine layer (core/network/margin_folding.h): the
/// run computes the row as (w W) x + (w . b + c) over that layer's input x, so its rounding is
/// bounded like marginRoundingSlack's over x's bounds; and the unfolded row's too, with each
/// output's magnitude bounded over x's bounds, |y_j| <= |b_j| + sum_i |W_ji| max(|l_i|, |u_i|)
/// (the outputs' own bounds are not read: a run that leaves them out gives the same verdicts).
/// The larger of the two is used. w W is summed over w's non-zero entries only (two rows of W for
/// a label's margin), read from the layer where it is (no copy of W per item).
class MarginSlack {
 public:
  MarginSlack(const Network& net, const PropertyItem& item, const std::vector<LayerBoundsResult>& layers)
      : item_(item), layers_(layers) {
    const Layer* f = marginFoldingLayer(net);
    if (!f || layers.size() != net.layers.size() || static_cast<size_t>(f->inputs[0]) >= layers.size()) return;
    const LayerBoundsResult& x = layers[static_cast<size_t>(f->inputs[0])];
    const int64_t inputs = f->op == LayerOp::Affine ? f->weight.cols()
                                                    : int64_t(f->conv.inChannels) * f->conv.inHeight * f->conv.inWidth;
    folded_ = f;
    if (inputs != x.lower.size() || x.upper.size() != x.lower.size()) return;  // every row: infinite slack
    consistent_ = true;
    // Per input, max(|l_i|, |u_i|); per output j, |b_j| + sum_i |W_ji| max(|l_i|, |u_i|): the same
    // for every row, computed once per item.
    magnitude_ = x.lower.cwiseAbs().cwiseMax(x.upper.cwiseAbs());
    reach_.assign(static_cast<size_t>(f->size()), 0.0);
    for (Eigen::Index k = 0; k < f->size(); ++k) reach_[static_cast<size_t>(k)] = f->bias.size() == f->size() ? std::abs(f->bias[k]) : 0.0;
    if (f->op == LayerOp::Affine)
      for (Eigen::Index k = 0; k < f->weight.rows(); ++k)
        for (Eigen::Index i = 0; i < f->weight.cols(); ++i) reach_[static_cast<size_t>(k)] += std::abs(f->weight(k, i)) * magnitude_[i];
    else
      forEachConvTap(f->conv, f->kernel.data(), [&](int64_t r, int64_t col, double v) {
        reach_[static_cast<size_t>(r)] += std::abs(v) * magnitude_[col];
      });
  }

  double operator()(Eigen::Index row, double bound) const {
    if (!folded_) return marginRoundingSlack(item_, layers_.back(), row, bound);
    const Layer& f = *folded_;
    std::vector<std::pair<Eigen::Index, double>> w;
    double c = 0;
    if (!consistent_ || !marginRowOverOutputs(item_, f.size(), row, &w, &c))
      return std::numeric_limits<double>::infinity();
    // The folded row w W (over w's non-zero entries only) and w . b + c.
    Eigen::VectorXd wf = Eigen::VectorXd::Zero(magnitude_.size());
    double wb = c;
    for (const auto& [k, wk] : w) {
      wb += wk * (f.bias.size() == f.size() ? f.bias[k] : 0.0);
      if (f.op == LayerOp::Affine) wf += wk * f.weight.row(k).transpose();
    }
    if (f.op == LayerOp::Conv)
      forEachConvTap(f.conv, f.kernel.data(), [&](int64_t r, int64_t col, double v) {
        for (const auto& [k, wk] : w)
          if (k == r) wf[col] += wk * v;
      });
    double folded = std::abs(wb), unfolded = std::abs(c);
    int foldedTerms = 1;
    for (Eigen::Index i = 0; i < wf.size(); ++i)
      if (wf[i] != 0) folded += std::abs(wf[i]) * magnitude_[i], ++foldedTerms;
    for (const auto& [k, wk] : w) unfolded += std::abs(wk) * reach_[static_cast<size_t>(k)];
    const int unfoldedTerms = static_cast<int>(w.size()) + 1;
    const double foldedStep = (foldedTerms + 2) * DBL_EPSILON * (folded + std::abs(bound)),
                 unfoldedStep = (unfoldedTerms + 2) * DBL_EPSILON * (unfolded + std::abs(bound));
    if (std::isnan(foldedStep) || std::isnan(unfoldedStep)) return std::numeric_limits<double>::infinity();
    return std::max(foldedStep, unfoldedStep);
  }

 private:
  const PropertyItem& item_;
  const std::vector<LayerBoundsResult>& layers_;
  const Layer* folded_ = nullptr;
  bool consistent_ = false;  // the folded layer's input bounds have its input size
  Eigen::VectorXd magnitude_;
  std::vector<double> reach_;
};

}  // namespace

bool intervalsConsistent(const double* lo, const double* hi, int64_t n) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  // An integer accumulator: with a bool one GCC kept the loop scalar (a tenth of an IBP run over
  // 100 inputs went here).
  int64_t bad = 0;
  for (int64_t i = 0; i < n; ++i) bad |= int64_t(!(lo[i] <= hi[i])) | int64_t(lo[i] == inf) | int64_t(hi[i] == -inf);
  return bad == 0;
}

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::Verified: return "verified";
    case Verdict::NotVerified: return "not verified";
    case Verdict::Invalid: return "invalid";
  }
  return "?";
}

const char* verdictKey(Verdict v) { return v == Verdict::NotVerified ? "not_verified" : verdictName(v); }

double marginRoundingSlack(const PropertyItem& item, const LayerBoundsResult& output, Eigen::Index row, double bound) {
  std::vector<std::pair<Eigen::Index, double>> w;
  double c = 0;
  if (!marginRowOverOutputs(item, output.lower.size(), row, &w, &c)) return std::numeric_limits<double>::infinity();
  double s = std::abs(c);
  int terms = 1;
  for (const auto& [j, wj] : w)
    s += std::abs(wj) * std::max(std::abs(output.lower[j]), std::abs(output.upper[j])), ++terms;
  const double slack = (terms + 2) * DBL_EPSILON * (s + std::abs(bound));
  return std::isnan(slack) ? std::numeric_limits<double>::infinity() : slack;
}

VerdictDecision decideVerdict(const Network& net, const PropertyItem& item, const std::vector<LayerBoundsResult>& layers,
                              const Eigen::VectorXd& marginLower, const Eigen::VectorXd& marginUpper) {
  return decideVerdict(net, badParameters(net), item, layers, marginLower, marginUpper);
}

VerdictDecision decideVerdict(const Network& net, const std::vector<BadParameter>& bad, const PropertyItem& item,
                              const std::vector<LayerBoundsResult>& layers, const Eigen::VectorXd& marginLower,
                              const Eigen::VectorXd& marginUpper, bool layersConsistent) {
  VerdictDecision d;
  if (!bad.empty()) {
    d.verdict = Verdict::Invalid;
    d.reason = bad.front().describe();
    if (bad.size() > 1) d.reason += " and " + std::to_string(bad.size() - 1) + " more tensor" + (bad.size() > 2 ? "s" : "");
    return d;
  }
  for (size_t k = 0; k < layers.size() && !layersConsistent; ++k) {
    // A run may leave out one side of a layer that rules read only the other side of
    // (RunOptions::allLayerBounds): the side computed is checked alone.
    const LayerBoundsResult& b = layers[k];
    const bool oneSide = !b.computed && (b.lower.size() == 0) != (b.upper.size() == 0);
    if (auto why = oneSide ? badSide(layerText(net, k), b.lower.size() ? b.lower : b.upper, b.lower.size() != 0)
                           : badBounds([&] { return layerText(net, k); }, b.lower, b.upper)) {
      d.verdict = Verdict::Invalid;
      d.reason = *why;
      return d;
    }
  }
  const Eigen::VectorXd& read = item.label ? marginLower : marginUpper;  // the side the verdict reads
  if (read.size() == 0) {
    d.reason = "no margins (the item has no label or output constraint)";
    return d;
  }
  if (item.label && read.size() != net.outputSize() - 1) {
    d.verdict = Verdict::Invalid;
    d.reason = "margins: " + std::to_string(read.size()) + " rows for a label over " + std::to_string(net.outputSize()) +
               " outputs";
    return d;
  }
  const bool oneSide = (marginLower.size() == 0) != (marginUpper.size() == 0);
  if (auto why = oneSide ? badSide("margins", read, item.label.has_value())
                         : badBounds([] { return std::string("margins"); }, marginLower, marginUpper)) {
    d.verdict = Verdict::Invalid;
    d.reason = *why;
    return d;
  }
  if (layers.empty()) {
    d.reason = "no output bounds";
    return d;
  }
  const MarginSlack slackOf(net, item, layers);
  if (item.label) {
    for (Eigen::Index r = 0; r < marginLower.size(); ++r) {
      const double lo = marginLower[r], slack = slackOf(r, lo);
      if (lo - slack > 0) continue;
      const Eigen::Index j = r < *item.label ? r : r + 1;
      d.reason = "margin y" + std::to_string(*item.label) + " - y" + std::to_string(j) + " has lower bound " + num(lo);
      if (lo > 0) d.reason += ", within its rounding error " + num(slack) + " of 0";
      return d;
    }
    d.verdict = Verdict::Verified;
    return d;
  }
  Eigen::Index row = 0;
  int c = 0;
  for (const auto& conj : item.unsafe) {
    bool refuted = false;
    double best = std::numeric_limits<double>::infinity();
    for (size_t k = 0; k < conj.size(); ++k, ++row) {
      if (row >= marginUpper.size()) break;
      const double hi = marginUpper[row];
      best = std::min(best, hi);
      if (hi + slackOf(row, hi) < 0) refuted = true;
    }
    if (!refuted) {
      d.reason = "unsafe conjunction " + std::to_string(c) + " is not refuted (smallest atom upper bound " + num(best) +
                 (best < 0 ? ", within rounding of 0)" : ")");
      return d;
    }
    ++c;
  }
  d.verdict = Verdict::Verified;
  return d;
}

}  // namespace cert
