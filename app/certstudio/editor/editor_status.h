// The status bar's view of the current editor: its check result and cursor position.
#pragma once

#include <QObject>

class QLabel;
class QStatusBar;

namespace cert::studio {

class EditorTabs;
class SpecEditor;

/// Two permanent status-bar labels that follow the current tab: "Spec checks: 1 error, 0
/// warnings" (from the editor's diagnostics) and "Ln 12, Col 5".
class EditorStatus : public QObject {
  Q_OBJECT

 public:
  EditorStatus(EditorTabs& tabs, QStatusBar& bar);

  QString checkText() const;
  QString cursorText() const;

 private:
  void follow(SpecEditor* editor);
  void updateCheck();

  EditorTabs& tabs_;
  QLabel* check_ = nullptr;
  QLabel* cursor_ = nullptr;
  QMetaObject::Connection cursorConnection_;
  QMetaObject::Connection diagnosticsConnection_;
};

}  // namespace cert::studio
