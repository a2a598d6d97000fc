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
    QString subject;  ///< the file the diagnostic is about (its position is in): by default the label
  };

  explicit DiagnosticsModel(QObject* parent = nullptr);

  /// Replaces the rows of `source`, keeping the others (several sources share the list). A
  /// diagnostic another source lists too (the same subject, severity, message, range and node:
  /// a Run of the open spec fails with the errors its own check shows) is listed once: from the
  /// source whose label is that file where it lists it, else as the first source gave it. Each
  /// source keeps its own, so the row stays while either reports it.
  void setDiagnostics(const QString& source, const QString& label, const cert::Diagnostics& diags,
                      const QString& subject = {});
  void clear();
  const Entry& entry(int row) const { return entries_[shown_[static_cast<std::size_t>(row)]]; }
  int count(cert::Severity severity) const;
  /// "1 error, 2 warnings" (for titles and the status bar).
  static QString countsText(int errors, int warnings);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  /// The rows listed: the indices of entries_ whose diagnostic no other listed row repeats.
  void updateShown();

  std::vector<Entry> entries_;
  std::vector<std::size_t> shown_;
};

}  // namespace cert::studio
