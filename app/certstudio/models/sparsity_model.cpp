// SparsityModel: the layouts of the last run, one layer and member at a time.
#include "app/certstudio/models/sparsity_model.h"

#include <QLocale>

#include <algorithm>

namespace cert::studio {

SparsityModel::SparsityModel(QObject* parent) : QObject(parent) {}

void SparsityModel::setOutcome(const RunOutcome& outcome) {
  if (outcome.state == RunOutcome::State::Cancelled) return;
  if (outcome.state != RunOutcome::State::Done || !outcome.network) {
    clear();
    return;
  }
  network_ = outcome.network;
  layouts_ = outcome.item.layouts;
  members_.clear();
  cols_ = 0;
  for (const cert::Layer& l : network_->layers) cols_ = std::max<qint64>(cols_, l.end);
  for (const cert::LayerLayout& layer : layouts_)
    for (const cert::MemberLayout& m : layer.members) {
      const QString name = QString::fromStdString(m.member);
      if (!members_.contains(name)) members_ << name;
      for (const cert::gbcsr::BlockInfo& b : m.blocks) cols_ = std::max<qint64>(cols_, b.box.end(2));
    }
  // The first linear form ("L" for DeepPoly) says most about the storage; else the first member.
  if (!members_.contains(member_))
    member_ = members_.contains(QStringLiteral("L")) ? QStringLiteral("L") : members_.isEmpty() ? QString() : members_.front();
  select();
}

void SparsityModel::clear() {
  network_.reset();
  layouts_.clear();
  members_.clear();
  cols_ = 0;
  select();
}

void SparsityModel::setLayer(int layer) {
  if (layer == layer_) return;
  layer_ = layer;
  select();
}

void SparsityModel::setMember(const QString& member) {
  if (member == member_) return;
  member_ = member;
  select();
}

void SparsityModel::select() {
  selection_ = nullptr;
  blocks_.clear();
  if (hasRun() && layer_ >= 0 && layer_ < static_cast<int>(layouts_.size()) &&
      layer_ < static_cast<int>(network_->layers.size())) {
    for (const cert::MemberLayout& m : layouts_[static_cast<size_t>(layer_)].members)
      if (QString::fromStdString(m.member) == member_) selection_ = &m;
  }
  if (selection_)
    for (const cert::gbcsr::BlockInfo& b : selection_->blocks)
      if (b.box.off[0] <= 0 && b.box.end(0) > 0) blocks_.push_back(b);
  rowStart_ = 0;
  rows_ = 0;
  if (selection_) {
    const cert::Layer& l = network_->layers[static_cast<size_t>(layer_)];
    rowStart_ = l.start;
    rows_ = l.size();
    // A Float member (bounds l, u) is one row over the layer's own neurons.
    const bool rowVector = !blocks_.empty() && l.size() > 1 &&
                           std::all_of(blocks_.begin(), blocks_.end(), [](const cert::gbcsr::BlockInfo& b) {
                             return b.box.off[1] == 0 && b.box.ext[1] == 1;
                           });
    if (rowVector) {
      rowStart_ = 0;
      rows_ = 1;
    }
  }
  emit changed();
}

const std::vector<cert::gbcsr::BlockInfo>& SparsityModel::blocks() const { return blocks_; }

std::vector<SparsityModel::LayerSpan> SparsityModel::layerSpans() const {
  std::vector<LayerSpan> spans;
  if (!network_) return spans;
  for (size_t i = 0; i < network_->layers.size(); ++i)
    spans.push_back({static_cast<int>(i), network_->layers[i].start, network_->layers[i].end});
  return spans;
}

QString SparsityModel::layerName(int layer) const {
  if (!network_ || layer < 0 || layer >= static_cast<int>(network_->layers.size())) return {};
  return QString::fromStdString(network_->layers[static_cast<size_t>(layer)].name);
}

qint64 SparsityModel::usedBytes() const {
  qint64 sum = 0;
  for (const cert::gbcsr::BlockInfo& b : blocks_) sum += b.bytes;
  return sum;
}

QString SparsityModel::footerText() const {
  if (!selection_) return {};
  const qint64 used = usedBytes(), dense = denseBytes();
  const double pct = dense > 0 ? 100.0 * static_cast<double>(used) / static_cast<double>(dense) : 0.0;
  return tr("Memory: %1 B in %2 block(s) vs %3 B dense (%4 x %5 x 8) — %6 %")
      .arg(used)
      .arg(blocks_.size())
      .arg(dense)
      .arg(rows())
      .arg(cols_)
      .arg(pct, 0, 'g', 3);
}

QString SparsityModel::emptyText() const {
  if (!hasRun()) return tr("Run a certifier to see how its state is stored");
  if (layer_ < 0) return tr("Select a layer in the Network dock");
  if (!selection_) return tr("Layer %1 has no member %2 in the last run").arg(layer_).arg(member_);
  return {};
}

int SparsityModel::blockAt(qint64 row, qint64 col) const {
  const qint64 r = row + rowStart();
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const cert::gbcsr::Box& b = blocks_[i].box;
    if (r >= b.off[1] && r < b.end(1) && col >= b.off[2] && col < b.end(2)) return static_cast<int>(i);
  }
  return -1;
}

QString SparsityModel::blockText(int index) const {
  if (index < 0 || index >= static_cast<int>(blocks_.size())) return {};
  const cert::gbcsr::BlockInfo& b = blocks_[static_cast<size_t>(index)];
  const qint64 r0 = b.box.off[1] - rowStart();
  return tr("%1%2 — rows %3..%4, cols %5..%6, %7 B, density %8")
      .arg(QString::fromLatin1(cert::gbcsr::kindName(b.kind)), b.shared ? tr(" (shared)") : QString())
      .arg(r0)
      .arg(r0 + b.box.ext[1] - 1)
      .arg(b.box.off[2])
      .arg(b.box.end(2) - 1)
      .arg(b.bytes)
      .arg(b.density, 0, 'g', 3);
}

}  // namespace cert::studio
