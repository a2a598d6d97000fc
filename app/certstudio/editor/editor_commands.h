// Edit > Find / Replace / Go to Line and Help > Language Reference (F1 on a word): wired to the tabs.
#pragma once

#include <QObject>

#include <functional>

class QAction;
class QBoxLayout;
class QMenu;
class QWidget;

namespace cert::studio {

class EditorTabs;
class FindBar;
class LanguageReference;

/// Owns the find bar and the language reference window, and the actions that open them.
class EditorCommands : public QObject {
  Q_OBJECT

 public:
  /// Asked for a line number (1-based) between 1 and `lines`; 0 cancels.
  using LinePrompt = std::function<int(int current, int lines)>;

  /// `centre` is the layout under the editor tabs where the find bar goes.
  EditorCommands(QWidget& window, EditorTabs& tabs, QBoxLayout& centre);

  /// Adds Find, Replace, Find Next/Previous and Go to Line to `edit`; Language Reference and
  /// Help on the word under the cursor (F1) to `help`.
  void install(QMenu& edit, QMenu& help);

  /// Moves the current editor's cursor to the start of `line` (1-based, clamped). False without an editor.
  bool goToLine(int line);
  /// Opens the reference at the entry of the word under the current editor's cursor (the top
  /// when the word has no entry). Returns the anchor shown.
  QString helpOnWordAtCursor();
  /// The word under (or just before) the current editor's cursor.
  QString wordAtCursor() const;

  FindBar* findBar() const { return findBar_; }
  /// Created on first use.
  LanguageReference* reference();
  void setLinePrompt(LinePrompt prompt) { linePrompt_ = std::move(prompt); }

  QAction* findAction() const { return find_; }
  QAction* replaceAction() const { return replace_; }
  QAction* goToLineAction() const { return goToLine_; }
  QAction* referenceAction() const { return reference_; }
  QAction* contextHelpAction() const { return contextHelp_; }

 private:
  int askLine();

  QWidget& window_;
  EditorTabs& tabs_;
  FindBar* findBar_ = nullptr;
  LanguageReference* reference_window_ = nullptr;
  LinePrompt linePrompt_;
  QAction* find_ = nullptr;
  QAction* replace_ = nullptr;
  QAction* goToLine_ = nullptr;
  QAction* reference_ = nullptr;
  QAction* contextHelp_ = nullptr;
};

}  // namespace cert::studio
