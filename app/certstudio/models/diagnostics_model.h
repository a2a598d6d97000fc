// The Problems dock's list: diagnostics with where they come from.
#pragma once

#include <QAbstractTableModel>

#include "core/diagnostics/diagnostic.h"

namespace cert::studio {

/// One row per diagnostic: severity icon with "line:col", the message, the file it is about.
class DiagnosticsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Location, Message, File, ColumnCount };

  /// A diagnostic, the source that reported it (an editor id, "network") and that source's
  /// name as shown to people (a file name).
  struct Entry {
    QString source;
    QString label;
    cert::Diagnostic diagnostic;
  };

  explicit DiagnosticsModel(QObject* parent = nullptr);

  /// Replaces the rows of `source`, keeping the others (several sources share the list).
  void setDiagnostics(const QString& source, const QString& label, const cert::Diagnostics& diags);
  void clear();
  const Entry& entry(int row) const { return entries_[static_cast<std::size_t>(row)]; }
  int count(cert::Severity severity) const;
  /// "1 error, 2 warnings" (for titles and the status bar).
  static QString countsText(int errors, int warnings);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<Entry> entries_;
};

}  // namespace cert::studio
