// The Network dock's table: one row per imported layer.
#pragma once

#include <QAbstractTableModel>

#include <memory>

#include "core/network/network.h"

namespace cert::studio {

/// Rows are the network's layers in execution order. Display text is formatted for people;
/// Qt::UserRole gives the raw value (numbers as qlonglong) for sorting and tests.
class LayerTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Index, Name, Op, Inputs, Shape, Neurons, Params, ColumnCount };

  explicit LayerTableModel(QObject* parent = nullptr);

  /// Shows `network` (null clears the table).
  void setNetwork(std::shared_ptr<const cert::Network> network);
  const cert::Network* network() const { return network_.get(); }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  /// "1×28×28", "10".
  static QString formatShape(const std::vector<int64_t>& shape);

 private:
  QVariant display(const cert::Layer& layer, int column) const;
  QVariant raw(const cert::Layer& layer, int column) const;
  QString toolTip(const cert::Layer& layer) const;

  std::shared_ptr<const cert::Network> network_;
};

}  // namespace cert::studio
