// BoundsModel: the run's bounds by layer and the summaries drawn from them.
#include "app/certstudio/models/bounds_model.h"

#include <limits>

namespace cert::studio {

BoundsModel::BoundsModel(QObject* parent) : QObject(parent) {}

void BoundsModel::setOutcome(const RunOutcome& outcome) {
  if (outcome.state == RunOutcome::State::Cancelled) return;
  if (outcome.state != RunOutcome::State::Done) {
    // Keep what the person was looking at; say that it is not the last run's.
    if (run_) staleReason_ = outcome.summary();
  } else {
    staleReason_.clear();
    if (network_ != outcome.network) comparison_.reset();  // another network: nothing to compare
    network_ = outcome.network;
    Run r;
    r.label = outcome.specName;
    r.layers = outcome.item.layers;
    r.marginLower = outcome.item.marginLower;
    r.marginUpper = outcome.item.marginUpper;
    r.verified = outcome.verified;
    r.verdict = outcome.verdict;
    r.reason = outcome.reason;
    r.property = outcome.property;
    r.item.label = outcome.item.label;
    r.item.marginLower = outcome.item.marginLower;
    r.item.marginUpper = outcome.item.marginUpper;
    r.item.verdict = outcome.item.verdict;
    r.item.reason = outcome.item.reason;
    run_ = std::move(r);
  }
  emit changed();
}

void BoundsModel::setNetwork(const std::shared_ptr<const cert::Network>& network) {
  if (network == network_ || (!run_ && !comparison_)) return;
  run_.reset();
  comparison_.reset();
  network_ = network;
  staleReason_.clear();
  emit changed();
}

void BoundsModel::setSoundnessMarks(std::map<int, std::map<int64_t, double>> marks) {
  if (!run_) return;
  run_->marks = std::move(marks);
  emit changed();
}

void BoundsModel::pinComparison() {
  if (!run_) return;
  comparison_ = run_;
  emit changed();
}

void BoundsModel::clearComparison() {
  comparison_.reset();
  emit changed();
}

int BoundsModel::layerCount() const { return run_ ? static_cast<int>(run_->layers.size()) : 0; }

QString BoundsModel::layerName(int layer) const {
  if (!network_ || layer < 0 || layer >= static_cast<int>(network_->layers.size())) return {};
  return QString::fromStdString(network_->layers[static_cast<size_t>(layer)].name);
}

QString BoundsModel::layerOp(int layer) const {
  if (!network_ || layer < 0 || layer >= static_cast<int>(network_->layers.size())) return {};
  return QString::fromLatin1(cert::layerOpName(network_->layers[static_cast<size_t>(layer)].op));
}

const cert::LayerBoundsResult* BoundsModel::bounds(int layer, const Run* r) const {
  if (!r) r = run();
  if (!r || layer < 0 || layer >= static_cast<int>(r->layers.size())) return nullptr;
  return &r->layers[static_cast<size_t>(layer)];
}

Eigen::VectorXd BoundsModel::widths(int layer, const Run* r) const {
  const cert::LayerBoundsResult* b = bounds(layer, r);
  return b ? Eigen::VectorXd(b->upper - b->lower) : Eigen::VectorXd();
}

std::vector<double> BoundsModel::meanWidths(const Run* r) const {
  if (!r) r = run();
  std::vector<double> out;
  if (!r) return out;
  for (const cert::LayerBoundsResult& b : r->layers)
    out.push_back(b.lower.size() ? (b.upper - b.lower).mean() : std::numeric_limits<double>::quiet_NaN());
  return out;
}

int BoundsModel::reluInputLayer(int layer) const {
  if (!network_ || layer < 0 || layer >= static_cast<int>(network_->layers.size())) return -1;
  const cert::Layer& l = network_->layers[static_cast<size_t>(layer)];
  if (l.op == cert::LayerOp::Relu) return l.inputs.empty() ? -1 : l.inputs.front();
  for (const cert::Layer& other : network_->layers)
    if (other.op == cert::LayerOp::Relu && !other.inputs.empty() && other.inputs.front() == layer) return layer;
  return -1;
}

std::optional<StabilityCounts> BoundsModel::reluStability(int layer, const Run* r) const {
  const int in = reluInputLayer(layer);
  const cert::LayerBoundsResult* b = in >= 0 ? bounds(in, r) : nullptr;
  if (!b) return std::nullopt;
  StabilityCounts c;
  for (Eigen::Index i = 0; i < b->lower.size(); ++i) {
    if (b->lower[i] >= 0) ++c.active;
    else if (b->upper[i] <= 0) ++c.inactive;
    else ++c.unstable;
  }
  return c;
}

}  // namespace cert::studio
