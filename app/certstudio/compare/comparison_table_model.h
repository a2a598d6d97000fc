// The per-layer comparison table: mean and max width per pinned run and the ratio to the baseline.
#pragma once

#include <QAbstractTableModel>

namespace cert::studio {

class ComparisonSet;

/// Rows: layers. Columns: layer, name, then per run: mean width, max width, mean / baseline.
class ComparisonTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  explicit ComparisonTableModel(const ComparisonSet& set, QObject* parent = nullptr);

  /// The run and the statistic (0 mean, 1 max, 2 ratio) of a column >= 2.
  static int runOfColumn(int column) { return (column - 2) / 3; }
  static int statOfColumn(int column) { return (column - 2) % 3; }
  static int columnOf(int run, int stat) { return 2 + 3 * run + stat; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  const ComparisonSet& set_;
};

}  // namespace cert::studio
