// The terms of one symbolic form as a table: symbol, layer (or noise block), index, coefficient.
#pragma once

#include <QAbstractTableModel>

#include <memory>

#include "runtime/executor.h"

namespace cert::studio {

/// Teaching mode's full list of a form's terms (the text form truncates long ones). Row 0 is the
/// constant.
class TermsTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Symbol, Layer, Index, Coefficient, ColumnCount };

  explicit TermsTableModel(QObject* parent = nullptr);

  void setForm(const cert::SymbolicForm& form, std::shared_ptr<const cert::Network> network);
  void clear();
  const cert::SymbolicForm& form() const { return form_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  cert::SymbolicForm form_;
  bool hasForm_ = false;
  std::shared_ptr<const cert::Network> network_;
};

}  // namespace cert::studio
