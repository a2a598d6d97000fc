// ProblemsDock: a flat tree view over DiagnosticsModel, an empty-state line, a count in the title.
#include "app/certstudio/docks/problems_dock.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

#include "app/certstudio/models/diagnostics_model.h"

namespace cert::studio {

ProblemsDock::ProblemsDock(QWidget* parent) : QDockWidget(tr("Problems"), parent) {
  model_ = new DiagnosticsModel(this);
  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  empty_ = new QLabel(tr("No problems: the open specs and the network have no diagnostics."), body);
  empty_->setContentsMargins(8, 6, 8, 6);
  empty_->setForegroundRole(QPalette::PlaceholderText);
  view_ = new QTreeView(body);
  view_->setModel(model_);
  view_->setRootIsDecorated(false);
  view_->setUniformRowHeights(true);
  view_->setAlternatingRowColors(true);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->header()->setStretchLastSection(false);
  view_->header()->setSectionResizeMode(DiagnosticsModel::Message, QHeaderView::Stretch);
  view_->header()->resizeSection(DiagnosticsModel::Location, 90);
  layout->addWidget(empty_);
  layout->addWidget(view_, 1);
  setWidget(body);

  connect(view_, &QTreeView::clicked, this, [this](const QModelIndex& i) { activateRow(i.row()); });
  connect(view_, &QTreeView::activated, this, [this](const QModelIndex& i) { activateRow(i.row()); });
  updateTitle();
}

void ProblemsDock::setDiagnostics(const QString& source, const QString& label, const cert::Diagnostics& diags,
                                  const QString& subject) {
  model_->setDiagnostics(source, label, diags, subject);
  updateTitle();
}

void ProblemsDock::activateRow(int row) {
  if (row < 0 || row >= model_->rowCount()) return;
  const DiagnosticsModel::Entry& e = model_->entry(row);
  emit diagnosticActivated(e.source, e.diagnostic);
}

void ProblemsDock::updateTitle() {
  const int errors = model_->count(cert::Severity::Error);
  const int warnings = model_->count(cert::Severity::Warning);
  setWindowTitle(errors + warnings == 0 ? tr("Problems")
                                        : tr("Problems (%1)").arg(DiagnosticsModel::countsText(errors, warnings)));
  empty_->setVisible(model_->rowCount() == 0);
}

}  // namespace cert::studio
