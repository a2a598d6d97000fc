// decideVerdict: parameter scan, bounds consistency, then the margins with their rounding slack.
#include "runtime/verdict.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

#include "core/network/finite_check.h"
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

/// The first NaN, empty or inverted interval of one layer, in words.
std::optional<std::string> badBounds(const std::string& where, const Eigen::VectorXd& lo, const Eigen::VectorXd& hi) {
  for (Eigen::Index i = 0; i < lo.size() && i < hi.size(); ++i) {
    const double l = lo[i], u = hi[i];
    const std::string at = where + " neuron " + std::to_string(i);
    if (std::isnan(l) || std::isnan(u)) return "NaN in " + at + " (lower " + num(l) + ", upper " + num(u) + ")";
    if (l == std::numeric_limits<double>::infinity() || u == -std::numeric_limits<double>::infinity())
      return "unsound bounds: " + at + " has the empty interval [" + num(l) + ", " + num(u) + "]";
    if (l > u + kBoundsTolerance * (1 + std::abs(l) + std::abs(u)))
      return "unsound bounds: " + at + " has lower " + num(l) + " > upper " + num(u);
  }
  if (lo.size() != hi.size()) return where + ": " + std::to_string(lo.size()) + " lower bounds, " + std::to_string(hi.size()) + " upper";
  return std::nullopt;
}

}  // namespace

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
  const Eigen::Index n = output.lower.size();
  auto mag = [&](Eigen::Index j) { return std::max(std::abs(output.lower[j]), std::abs(output.upper[j])); };
  double s = 0;
  int terms = 1;
  if (item.label) {  // row r: y_label - y_j for the r-th j != label
    const Eigen::Index label = *item.label;
    const Eigen::Index j = row < label ? row : row + 1;
    if (label < 0 || label >= n || j >= n) return std::numeric_limits<double>::infinity();
    s = mag(label) + mag(j);
    terms = 3;
  } else {
    Eigen::Index r = 0;
    for (const auto& conj : item.unsafe)
      for (const OutputInequality& atom : conj) {
        if (r++ != row) continue;
        s = std::abs(atom.constant);
        for (Eigen::Index j = 0; j < atom.coeffs.size() && j < n; ++j)
          if (atom.coeffs[j] != 0) s += std::abs(atom.coeffs[j]) * mag(j), ++terms;
      }
  }
  const double slack = (terms + 2) * DBL_EPSILON * (s + std::abs(bound));
  return std::isnan(slack) ? std::numeric_limits<double>::infinity() : slack;
}

VerdictDecision decideVerdict(const Network& net, const PropertyItem& item, const std::vector<LayerBoundsResult>& layers,
                              const Eigen::VectorXd& marginLower, const Eigen::VectorXd& marginUpper) {
  return decideVerdict(net, badParameters(net), item, layers, marginLower, marginUpper);
}

VerdictDecision decideVerdict(const Network& net, const std::vector<BadParameter>& bad, const PropertyItem& item,
                              const std::vector<LayerBoundsResult>& layers, const Eigen::VectorXd& marginLower,
                              const Eigen::VectorXd& marginUpper) {
  VerdictDecision d;
  if (!bad.empty()) {
    d.verdict = Verdict::Invalid;
    d.reason = bad.front().describe();
    if (bad.size() > 1) d.reason += " and " + std::to_string(bad.size() - 1) + " more tensor" + (bad.size() > 2 ? "s" : "");
    return d;
  }
  for (size_t k = 0; k < layers.size(); ++k)
    if (auto why = badBounds(layerText(net, k), layers[k].lower, layers[k].upper)) {
      d.verdict = Verdict::Invalid;
      d.reason = *why;
      return d;
    }
  if (marginLower.size() == 0) {
    d.reason = "no margins (the item has no label or output constraint)";
    return d;
  }
  if (auto why = badBounds("margins", marginLower, marginUpper)) {
    d.verdict = Verdict::Invalid;
    d.reason = *why;
    return d;
  }
  if (layers.empty()) {
    d.reason = "no output bounds";
    return d;
  }
  const LayerBoundsResult& out = layers.back();
  if (item.label) {
    for (Eigen::Index r = 0; r < marginLower.size(); ++r) {
      const double lo = marginLower[r], slack = marginRoundingSlack(item, out, r, lo);
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
      if (hi + marginRoundingSlack(item, out, row, hi) < 0) refuted = true;
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
