// The Problems dock: every diagnostic with its location; activating one jumps to it.
#pragma once

#include <QDockWidget>

#include "core/diagnostics/diagnostic.h"

class QLabel;
class QTreeView;

namespace cert::studio {

class DiagnosticsModel;

/// Lists diagnostics from every source (each editor by its id, the network as "network").
/// Clicking a row emits diagnosticActivated(); the main window moves the editor there.
class ProblemsDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit ProblemsDock(QWidget* parent = nullptr);

  /// Replaces the diagnostics of `source`; `label` names it in the File column, `subject` the
  /// file they are about when the label is not it (DiagnosticsModel lists a repeat once).
  void setDiagnostics(const QString& source, const QString& label, const cert::Diagnostics& diags,
                      const QString& subject = {});
  void clearSource(const QString& source) { setDiagnostics(source, {}, {}); }
  const DiagnosticsModel* model() const { return model_; }
  /// Activates row `row` as a click would.
  void activateRow(int row);

 signals:
  void diagnosticActivated(const QString& source, const cert::Diagnostic& diagnostic);

 private:
  void updateTitle();

  DiagnosticsModel* model_ = nullptr;
  QTreeView* view_ = nullptr;
  QLabel* empty_ = nullptr;
};

}  // namespace cert::studio
