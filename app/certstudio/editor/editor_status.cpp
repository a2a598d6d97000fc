// EditorStatus: reconnects to each new current editor.
#include "app/certstudio/editor/editor_status.h"

#include <QLabel>
#include <QStatusBar>

#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/models/diagnostics_model.h"

namespace cert::studio {

EditorStatus::EditorStatus(EditorTabs& tabs, QStatusBar& bar) : QObject(&bar), tabs_(tabs) {
  check_ = new QLabel(&bar);
  cursor_ = new QLabel(&bar);
  bar.addPermanentWidget(check_);
  bar.addPermanentWidget(cursor_);
  connect(&tabs_, &EditorTabs::currentEditorChanged, this, &EditorStatus::follow);
  follow(tabs_.currentEditor());
}

QString EditorStatus::checkText() const { return check_->text(); }
QString EditorStatus::cursorText() const { return cursor_->text(); }

void EditorStatus::follow(SpecEditor* editor) {
  disconnect(cursorConnection_);
  disconnect(diagnosticsConnection_);
  cursor_->clear();
  if (editor) {
    cursorConnection_ = connect(editor, &QsciScintilla::cursorPositionChanged, this, [this](int line, int index) {
      cursor_->setText(tr("Ln %1, Col %2").arg(line + 1).arg(index + 1));
    });
    diagnosticsConnection_ = connect(editor, &SpecEditor::diagnosticsChanged, this, &EditorStatus::updateCheck);
  }
  updateCheck();
}

void EditorStatus::updateCheck() {
  const SpecEditor* e = tabs_.currentEditor();
  if (!e) {
    check_->clear();
    return;
  }
  int errors = 0, warnings = 0;
  for (const cert::Diagnostic& d : e->diagnostics()) {
    errors += d.severity == cert::Severity::Error;
    warnings += d.severity == cert::Severity::Warning;
  }
  check_->setText(errors + warnings == 0 ? tr("Spec checks: no problems")
                                         : tr("Spec checks: %1").arg(DiagnosticsModel::countsText(errors, warnings)));
}

}  // namespace cert::studio
