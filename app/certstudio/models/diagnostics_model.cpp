// DiagnosticsModel: rows grouped by file, in the order each source reported them.
#include "app/certstudio/models/diagnostics_model.h"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

#include "app/certstudio/models/severity_icon.h"

namespace cert::studio {

DiagnosticsModel::DiagnosticsModel(QObject* parent) : QAbstractTableModel(parent) {}

void DiagnosticsModel::setDiagnostics(const QString& source, const QString& label,
                                      const cert::Diagnostics& diags, const QString& subject) {
  beginResetModel();
  std::erase_if(entries_, [&](const Entry& e) { return e.source == source; });
  for (const cert::Diagnostic& d : diags) entries_.push_back({source, label, d, subject.isEmpty() ? label : subject});
  updateShown();
  endResetModel();
}

void DiagnosticsModel::clear() {
  beginResetModel();
  entries_.clear();
  updateShown();
  endResetModel();
}

void DiagnosticsModel::updateShown() {
  using Key = std::tuple<QString, int, std::string, int, int, int, int, std::string>;
  auto keyOf = [](const Entry& e) {
    const cert::Diagnostic& d = e.diagnostic;
    return Key{e.subject,         static_cast<int>(d.severity), d.message, d.range.begin.line, d.range.begin.col,
               d.range.end.line, d.range.end.col,              d.node};
  };
  // A repeat is listed from the file's own source (its label is the file) where that lists it.
  std::set<Key> own;
  for (const Entry& e : entries_)
    if (e.label == e.subject) own.insert(keyOf(e));
  std::set<Key> seen;
  shown_.clear();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Key key = keyOf(entries_[i]);
    if (entries_[i].label != entries_[i].subject && own.count(key)) continue;
    if (seen.insert(key).second) shown_.push_back(i);
  }
}

int DiagnosticsModel::count(cert::Severity severity) const {
  return static_cast<int>(std::count_if(shown_.begin(), shown_.end(), [&](std::size_t i) {
    return entries_[i].diagnostic.severity == severity;
  }));
}

QString DiagnosticsModel::countsText(int errors, int warnings) {
  const QString e = errors == 1 ? tr("1 error") : tr("%1 errors").arg(errors);
  const QString w = warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings);
  return e + QStringLiteral(", ") + w;
}

int DiagnosticsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(shown_.size());
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
