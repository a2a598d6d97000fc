// DiagnosticsModel: rows grouped by file, in the order each source reported them.
#include "app/certstudio/models/diagnostics_model.h"

#include <algorithm>

#include "app/certstudio/models/severity_icon.h"

namespace cert::studio {

DiagnosticsModel::DiagnosticsModel(QObject* parent) : QAbstractTableModel(parent) {}

void DiagnosticsModel::setDiagnostics(const QString& source, const QString& label,
                                      const cert::Diagnostics& diags) {
  beginResetModel();
  std::erase_if(entries_, [&](const Entry& e) { return e.source == source; });
  for (const cert::Diagnostic& d : diags) entries_.push_back({source, label, d});
  endResetModel();
}

void DiagnosticsModel::clear() {
  beginResetModel();
  entries_.clear();
  endResetModel();
}

int DiagnosticsModel::count(cert::Severity severity) const {
  return static_cast<int>(std::count_if(entries_.begin(), entries_.end(),
                                        [&](const Entry& e) { return e.diagnostic.severity == severity; }));
}

QString DiagnosticsModel::countsText(int errors, int warnings) {
  const QString e = errors == 1 ? tr("1 error") : tr("%1 errors").arg(errors);
  const QString w = warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings);
  return e + QStringLiteral(", ") + w;
}

int DiagnosticsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(entries_.size());
}

int DiagnosticsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DiagnosticsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Entry& e = entry(index.row());
  const cert::Diagnostic& d = e.diagnostic;
  if (role == Qt::DecorationRole && index.column() == Location) return severityIcon(d.severity);
  if (role == Qt::ToolTipRole)
    return QString::fromStdString(cert::formatDiagnostic(e.label.toStdString(), d));
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case Location:
      if (d.range.valid()) return QStringLiteral("%1:%2").arg(d.range.begin.line).arg(d.range.begin.col);
      return d.node.empty() ? QStringLiteral("—") : QString::fromStdString(d.node);
    case Message: return QString::fromStdString(d.message);
    case File: return e.label;
    default: return {};
  }
}

QVariant DiagnosticsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Location: return tr("Line:Col");
    case Message: return tr("Message");
    case File: return tr("File");
    default: return {};
  }
}

}  // namespace cert::studio
