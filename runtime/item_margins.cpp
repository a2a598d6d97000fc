// The margins rows of an item and its verdict (runtime/item_margins.h).
#include "runtime/item_margins.h"

#include "core/network/margin_folding.h"

namespace cert::runtime {

std::optional<OutputRows> outputRows(const PropertyItem& item, int64_t outputs) {
  OutputRows rows;
  if (item.label) {
    if (*item.label < 0 || *item.label >= outputs || outputs < 2) return std::nullopt;
    rows.weight = Eigen::MatrixXd::Zero(outputs - 1, outputs);
    rows.bias = Eigen::VectorXd::Zero(outputs - 1);
    int64_t row = 0;
    for (int64_t j = 0; j < outputs; ++j) {
      if (j == *item.label) continue;
      rows.weight(row, *item.label) = 1;
      rows.weight(row++, j) = -1;
    }
    return rows;
  }
  int64_t atoms = 0;
  for (const auto& conj : item.unsafe) atoms += static_cast<int64_t>(conj.size());
  if (atoms == 0) return std::nullopt;
  rows.weight = Eigen::MatrixXd::Zero(atoms, outputs);
  rows.bias = Eigen::VectorXd::Zero(atoms);
  int64_t row = 0;
  for (const auto& conj : item.unsafe)
    for (const OutputInequality& atom : conj) {
      if (atom.coeffs.size() != outputs) return std::nullopt;
      rows.weight.row(row) = atom.coeffs.transpose();
      rows.bias[row++] = atom.constant;
    }
  return rows;
}

Layer appendedMarginsLayer(const Network& net, const OutputRows& rows) {
  Layer m = cert::marginsLayer(net, rows.weight, rows.bias);
  m.index = static_cast<int>(net.layers.size());
  m.start = net.neuronCount();
  m.end = m.start + rows.weight.rows();
  return m;
}

std::string marginsKey(const PropertyItem& item) {
  if (!item.label || !item.unsafe.empty()) return {};
  return "margins|label " + std::to_string(*item.label);
}

void finishItem(ItemResult& r, const Network& net, const std::vector<BadParameter>& badParams,
                const PropertyItem& item, bool margins, double timeMs, bool layersConsistent) {
  if (margins) {
    r.marginLower = r.layers.back().lower;
    r.marginUpper = r.layers.back().upper;
    r.layers.pop_back();
    if (!r.layouts.empty()) r.layouts.pop_back();
  }
  const VerdictDecision verdict = decideVerdict(net, badParams, item, r.layers, r.marginLower, r.marginUpper, layersConsistent);
  r.verdict = verdict.verdict;
  r.reason = verdict.reason;
  r.verified = r.verdict == Verdict::Verified;
  r.timeMs = timeMs;
}

}  // namespace cert::runtime
