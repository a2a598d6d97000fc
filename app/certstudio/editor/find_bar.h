// The editor's Find / Replace bar (Ctrl+F, Ctrl+H): a strip under the spec tabs.
#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace cert::studio {

class EditorTabs;
class SpecEditor;

/// Searches the current editor with QScintilla's findFirst (plain text, optional case and whole
/// word), wrapping around; Replace replaces the found selection, Replace All every match in one
/// undo step. Escape hides the bar and returns to the editor.
class FindBar : public QWidget {
  Q_OBJECT

 public:
  explicit FindBar(EditorTabs& tabs, QWidget* parent = nullptr);

  /// Shows the find row (the replace row when `replace`), seeded with the editor's selection,
  /// and focuses the search field.
  void open(bool replace);
  /// Selects the next (previous) match after (before) the cursor, wrapping. False: no match.
  bool findNext();
  bool findPrevious();
  /// Replaces the selected match (when it is one) and selects the next. False: nothing replaced.
  bool replaceCurrent();
  /// Replaces every match in the current editor, as one undo step. Returns how many.
  int replaceAll();

  QLineEdit* findField() const { return find_; }
  QLineEdit* replaceField() const { return replace_; }
  QCheckBox* caseBox() const { return case_; }
  QCheckBox* wordBox() const { return word_; }
  bool replaceVisible() const;
  /// "3 matches", "No matches", "Replaced 3".
  QString statusText() const;

 protected:
  void keyPressEvent(QKeyEvent* event) override;

 private:
  bool find(bool forward);
  int countMatches(SpecEditor* editor) const;
  void updateStatus(bool found);

  EditorTabs& tabs_;
  QLineEdit* find_ = nullptr;
  QLineEdit* replace_ = nullptr;
  QCheckBox* case_ = nullptr;
  QCheckBox* word_ = nullptr;
  QLabel* status_ = nullptr;
  QWidget* replaceRow_ = nullptr;
};

}  // namespace cert::studio
