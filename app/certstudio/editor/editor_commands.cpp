// EditorCommands: the actions and their shortcuts; go to line; the word under the cursor.
#include "app/certstudio/editor/editor_commands.h"

#include <QAction>
#include <QBoxLayout>
#include <QInputDialog>
#include <QMenu>

#include <algorithm>

#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/find_bar.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/help/language_reference.h"

namespace cert::studio {

EditorCommands::EditorCommands(QWidget& window, EditorTabs& tabs, QBoxLayout& centre)
    : QObject(&window), window_(window), tabs_(tabs) {
  findBar_ = new FindBar(tabs, centre.parentWidget());
  centre.addWidget(findBar_);
}

void EditorCommands::install(QMenu& edit, QMenu& help) {
  edit.addSeparator();
  find_ = edit.addAction(tr("&Find…"), this, [this] { findBar_->open(false); });
  find_->setShortcut(QKeySequence::Find);
  replace_ = edit.addAction(tr("&Replace…"), this, [this] { findBar_->open(true); });
  replace_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
  QAction* next = edit.addAction(tr("Find &Next"), this, [this] {
    if (findBar_->findField()->text().isEmpty()) findBar_->open(false);
    else findBar_->findNext();
  });
  next->setShortcut(QKeySequence::FindNext);
  QAction* prev = edit.addAction(tr("Find Pre&vious"), this, [this] {
    if (findBar_->findField()->text().isEmpty()) findBar_->open(false);
    else findBar_->findPrevious();
  });
  prev->setShortcut(QKeySequence::FindPrevious);
  goToLine_ = edit.addAction(tr("&Go to Line…"), this, [this] {
    if (const int line = askLine(); line > 0) goToLine(line);
  });
  goToLine_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
  for (QAction* a : {find_, replace_, next, prev, goToLine_}) {
    a->setShortcutContext(Qt::WindowShortcut);
    window_.addAction(a);  // shortcuts work while the menu bar is hidden too
  }

  reference_ = help.addAction(tr("ConstraintFlow &Language Reference"), this, [this] { reference()->showEntry(); });
  contextHelp_ = help.addAction(tr("Help on the Word at the Cursor"), this, [this] { helpOnWordAtCursor(); });
  contextHelp_->setShortcut(QKeySequence::HelpContents);
  contextHelp_->setShortcutContext(Qt::WindowShortcut);
  window_.addAction(contextHelp_);
  help.addSeparator();
}

LanguageReference* EditorCommands::reference() {
  if (!reference_window_) reference_window_ = new LanguageReference(&window_);
  return reference_window_;
}

int EditorCommands::askLine() {
  SpecEditor* e = tabs_.currentEditor();
  if (!e) return 0;
  int line = 0, index = 0;
  e->getCursorPosition(&line, &index);
  if (linePrompt_) return linePrompt_(line + 1, e->lines());
  bool ok = false;
  const int chosen = QInputDialog::getInt(&window_, tr("Go to Line"), tr("Line (1 - %1):").arg(e->lines()), line + 1, 1,
                                          std::max(1, e->lines()), 1, &ok);
  return ok ? chosen : 0;
}

bool EditorCommands::goToLine(int line) {
  SpecEditor* e = tabs_.currentEditor();
  if (!e) return false;
  const int target = std::clamp(line, 1, std::max(1, e->lines())) - 1;
  e->setCursorPosition(target, 0);
  e->ensureLineVisible(target);
  e->setFocus();
  return true;
}

QString EditorCommands::wordAtCursor() const {
  SpecEditor* e = tabs_.currentEditor();
  if (!e) return {};
  int line = 0, index = 0;
  e->getCursorPosition(&line, &index);
  const QString text = e->text(line);
  auto isWordChar = [](QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_') || c == QLatin1Char('\''); };
  // QScintilla's index is a byte offset in the line's UTF-8; the spec language is ASCII, so map
  // it through UTF-8 to be safe.
  const qsizetype at = QString::fromUtf8(text.toUtf8().left(index)).size();
  qsizetype begin = at, end = at;
  while (begin > 0 && isWordChar(text[begin - 1])) --begin;
  while (end < text.size() && isWordChar(text[end])) ++end;
  return text.mid(begin, end - begin);
}

QString EditorCommands::helpOnWordAtCursor() { return reference()->showEntry(wordAtCursor()); }

}  // namespace cert::studio
