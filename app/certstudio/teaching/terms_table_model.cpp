// TermsTableModel: a SymbolicForm's constant and terms, one per row.
#include "app/certstudio/teaching/terms_table_model.h"

#include <QBrush>
#include <QColor>

#include "app/certstudio/teaching/symbolic_text.h"

namespace cert::studio {

TermsTableModel::TermsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TermsTableModel::setForm(const cert::SymbolicForm& form, std::shared_ptr<const cert::Network> network) {
  beginResetModel();
  form_ = form;
  hasForm_ = true;
  network_ = std::move(network);
  endResetModel();
}

void TermsTableModel::clear() {
  beginResetModel();
  form_ = {};
  hasForm_ = false;
  endResetModel();
}

int TermsTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !hasForm_ ? 0 : static_cast<int>(form_.terms.size()) + 1;
}

int TermsTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant TermsTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  if (role == Qt::TextAlignmentRole && (index.column() == Index || index.column() == Coefficient))
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  if (index.row() == 0) {
    if (role == Qt::DisplayRole) {
      if (index.column() == Symbol) return tr("constant");
      if (index.column() == Coefficient) return QString::fromStdString(formatNumber(form_.constant));
    }
    if (role == Qt::ForegroundRole) return QBrush(QColor(0x66, 0x66, 0x66));
    return {};
  }
  const cert::SymbolicTerm& t = form_.terms[static_cast<size_t>(index.row() - 1)];
  if (role == Qt::ForegroundRole && index.column() == Coefficient && t.coeff < 0) return QBrush(QColor(0xb3, 0x1d, 0x28));
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case Symbol: return QString::fromStdString(termSymbol(t, form_.sym, network_.get()));
    case Layer:
      if (form_.sym) return t.block == 0 ? tr("noise block 0 (input box)") : tr("noise block %1").arg(t.block);
      if (network_ && t.block >= 0 && t.block < static_cast<int>(network_->layers.size()))
        return QStringLiteral("%1 '%2'").arg(t.block).arg(QString::fromStdString(network_->layers[static_cast<size_t>(t.block)].name));
      return QString::number(t.block);
    case Index: return QString::number(t.index);
    case Coefficient: return QString::fromStdString(formatNumber(t.coeff));
    default: return {};
  }
}

QVariant TermsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Symbol: return tr("Term");
    case Layer: return tr("Layer / block");
    case Index: return tr("Index");
    case Coefficient: return tr("Coefficient");
    default: return {};
  }
}

}  // namespace cert::studio
