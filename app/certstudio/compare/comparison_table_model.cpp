// ComparisonTableModel: reads ComparisonSet; resets whenever the set changes.
#include "app/certstudio/compare/comparison_table_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include <cmath>

#include "app/certstudio/compare/comparison_set.h"

namespace cert::studio {

ComparisonTableModel::ComparisonTableModel(const ComparisonSet& set, QObject* parent) : QAbstractTableModel(parent), set_(set) {
  connect(&set_, &ComparisonSet::changed, this, [this] {
    beginResetModel();
    endResetModel();
  });
}

int ComparisonTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : set_.layerCount(); }
int ComparisonTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : 2 + 3 * set_.size(); }

QVariant ComparisonTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const int layer = index.row();
  const int col = index.column();
  if (role == Qt::TextAlignmentRole && col >= 2) return QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
  const int run = col >= 2 ? runOfColumn(col) : -1;
  const int stat = col >= 2 ? statOfColumn(col) : -1;
  if (role == Qt::ForegroundRole && stat == 2) {
    const double r = set_.ratio(run, layer);
    if (std::isnan(r) || run == set_.baseline()) return {};
    return QBrush(r < 1 ? QColor(0x2a, 0x7d, 0x2a) : r > 1 ? QColor(0xc0, 0x30, 0x30) : QColor(Qt::black));
  }
  if (role == Qt::EditRole && col >= 2) {  // the number itself (tests, sorting)
    const double v = stat == 0 ? set_.meanWidth(run, layer) : stat == 1 ? set_.maxWidth(run, layer) : set_.ratio(run, layer);
    return std::isnan(v) ? QVariant() : QVariant(v);
  }
  if (role == Qt::ToolTipRole && col >= 2) return set_.run(run).label;
  if (role != Qt::DisplayRole) return {};
  if (col == 0) return layer;
  if (col == 1) return set_.layerName(layer);
  const double v = stat == 0 ? set_.meanWidth(run, layer) : stat == 1 ? set_.maxWidth(run, layer) : set_.ratio(run, layer);
  if (std::isnan(v)) return QStringLiteral("—");
  return stat == 2 ? QStringLiteral("×%1").arg(v, 0, 'f', 3) : QString::number(v, 'g', 4);
}

QVariant ComparisonTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return QAbstractTableModel::headerData(section, orientation, role);
  if (section < 2) return role == Qt::DisplayRole ? QVariant(section == 0 ? tr("Layer") : tr("Name")) : QVariant();
  const int run = runOfColumn(section);
  if (run >= set_.size()) return {};
  if (role == Qt::ToolTipRole) return set_.run(run).label;
  if (role != Qt::DisplayRole) return {};
  static const char* const kStats[] = {"mean width", "max width", "mean / baseline"};
  return QStringLiteral("%1\n%2").arg(set_.run(run).shortLabel, tr(kStats[statOfColumn(section)]));
}

}  // namespace cert::studio
