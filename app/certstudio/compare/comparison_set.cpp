// ComparisonSet: pinning, unique labels, per-layer mean/max widths and ratios, CSV.
#include "app/certstudio/compare/comparison_set.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <limits>

namespace cert::studio {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QByteArray quoted(const QString& s) {
  QString q = s;
  q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
  return (QLatin1Char('"') + q + QLatin1Char('"')).toUtf8();
}

QByteArray cell(double v) { return std::isnan(v) ? QByteArray() : QByteArray::number(v, 'g', 17); }

/// `base`, or `base (2)`, `base (3)`, ... : the first not in `taken`.
QString unique(const QString& base, const QStringList& taken) {
  if (!taken.contains(base)) return base;
  for (int n = 2;; ++n) {
    const QString c = QStringLiteral("%1 (%2)").arg(base).arg(n);
    if (!taken.contains(c)) return c;
  }
}

}  // namespace

ComparisonSet::ComparisonSet(QObject* parent) : QObject(parent) {}

QString ComparisonSet::labelOf(const RunOutcome& o) {
  QStringList parts{o.specName};
  if (o.network) parts << QString::fromStdString(o.network->name);
  const QString file = QFileInfo(o.input.path).fileName();
  if (o.input.kind == RunInput::Kind::Dataset) {
    parts << QStringLiteral("%1 row %2").arg(file).arg(o.input.row);
    parts << QStringLiteral("eps %1").arg(o.eps, 0, 'g', 6);
    if (o.input.pixelScale != cert::kDefaultPixelScale) parts << QStringLiteral("×%1").arg(o.input.pixelScale, 0, 'g', 6);
    if (!o.input.standardization.empty()) parts << QStringLiteral("standardized");
  } else {
    parts << file;
  }
  return parts.join(QStringLiteral(" · "));
}

int ComparisonSet::pin(const RunOutcome& outcome) {
  if (outcome.state != RunOutcome::State::Done) return -1;
  QStringList labels, shorts;
  for (const PinnedRun& r : runs_) {
    labels << r.label;
    shorts << r.shortLabel;
  }
  PinnedRun r;
  r.label = unique(labelOf(outcome), labels);
  r.shortLabel = unique(outcome.specName, shorts);
  r.layers = outcome.item.layers;
  if (outcome.network)
    for (size_t l = 0; l < r.layers.size() && l < outcome.network->layers.size(); ++l)
      r.layerNames << QString::fromStdString(outcome.network->layers[l].name);
  runs_.push_back(std::move(r));
  emit changed();
  return size() - 1;
}

void ComparisonSet::remove(int index) {
  if (index < 0 || index >= size()) return;
  runs_.erase(runs_.begin() + index);
  if (baseline_ >= size()) baseline_ = std::max(0, size() - 1);
  else if (index < baseline_) --baseline_;
  emit changed();
}

void ComparisonSet::clear() {
  runs_.clear();
  baseline_ = 0;
  emit changed();
}

void ComparisonSet::setBaseline(int index) {
  const int b = runs_.empty() ? 0 : std::clamp(index, 0, size() - 1);
  if (b == baseline_) return;
  baseline_ = b;
  emit changed();
}

int ComparisonSet::layerCount() const {
  size_t n = 0;
  for (const PinnedRun& r : runs_) n = std::max(n, r.layers.size());
  return static_cast<int>(n);
}

QString ComparisonSet::layerName(int layer) const {
  for (const PinnedRun& r : runs_)
    if (layer >= 0 && layer < r.layerNames.size()) return r.layerNames[layer];
  return {};
}

double ComparisonSet::meanWidth(int index, int layer) const {
  if (index < 0 || index >= size()) return kNaN;
  const PinnedRun& r = run(index);
  if (layer < 0 || layer >= static_cast<int>(r.layers.size())) return kNaN;
  const cert::LayerBoundsResult& b = r.layers[static_cast<size_t>(layer)];
  if (b.lower.size() == 0) return kNaN;
  return (b.upper - b.lower).mean();
}

double ComparisonSet::maxWidth(int index, int layer) const {
  if (index < 0 || index >= size()) return kNaN;
  const PinnedRun& r = run(index);
  if (layer < 0 || layer >= static_cast<int>(r.layers.size())) return kNaN;
  const cert::LayerBoundsResult& b = r.layers[static_cast<size_t>(layer)];
  if (b.lower.size() == 0) return kNaN;
  return (b.upper - b.lower).maxCoeff();
}

double ComparisonSet::ratio(int index, int layer) const {
  const double base = meanWidth(baseline(), layer);
  const double v = meanWidth(index, layer);
  if (std::isnan(base) || std::isnan(v) || base == 0) return kNaN;
  return v / base;
}

QByteArray ComparisonSet::csv() const {
  QByteArray out = "layer,name";
  for (const PinnedRun& r : runs_) {
    out += ',' + quoted(QStringLiteral("mean width [%1]").arg(r.label));
    out += ',' + quoted(QStringLiteral("max width [%1]").arg(r.label));
    out += ',' + quoted(QStringLiteral("mean / baseline [%1]").arg(r.label));
  }
  out += '\n';
  for (int l = 0; l < layerCount(); ++l) {
    out += QByteArray::number(l) + ',' + quoted(layerName(l));
    for (int i = 0; i < size(); ++i) out += ',' + cell(meanWidth(i, l)) + ',' + cell(maxWidth(i, l)) + ',' + cell(ratio(i, l));
    out += '\n';
  }
  return out;
}

}  // namespace cert::studio
