// FindBar: the two rows (find, replace), and searching with QsciScintilla::findFirst.
#include "app/certstudio/editor/find_bar.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"

namespace cert::studio {
namespace {

QToolButton* textButton(const QString& text, const QString& tip, QWidget* parent) {
  auto* b = new QToolButton(parent);
  b->setText(text);
  b->setToolTip(tip);
  b->setAutoRaise(true);
  return b;
}

}  // namespace

FindBar::FindBar(EditorTabs& tabs, QWidget* parent) : QWidget(parent), tabs_(tabs) {
  setObjectName(QStringLiteral("FindBar"));
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(4, 2, 4, 2);
  grid->setVerticalSpacing(2);

  find_ = new QLineEdit(this);
  find_->setPlaceholderText(tr("Find"));
  find_->setClearButtonEnabled(true);
  auto* prev = textButton(tr("Previous"), tr("Find previous (Shift+F3)"), this);
  auto* next = textButton(tr("Next"), tr("Find next (F3, Enter)"), this);
  case_ = new QCheckBox(tr("Match case"), this);
  word_ = new QCheckBox(tr("Whole words"), this);
  status_ = new QLabel(this);
  status_->setMinimumWidth(110);
  auto* close = textButton(QStringLiteral("✕"), tr("Close (Esc)"), this);
  grid->addWidget(new QLabel(tr("Find:"), this), 0, 0);
  grid->addWidget(find_, 0, 1);
  auto* findButtons = new QHBoxLayout;
  findButtons->addWidget(prev);
  findButtons->addWidget(next);
  findButtons->addWidget(case_);
  findButtons->addWidget(word_);
  findButtons->addWidget(status_, 1);
  findButtons->addWidget(close);
  grid->addLayout(findButtons, 0, 2);

  replace_ = new QLineEdit(this);
  replace_->setPlaceholderText(tr("Replace with"));
  auto* one = textButton(tr("Replace"), tr("Replace this match and find the next"), this);
  auto* all = textButton(tr("Replace All"), tr("Replace every match (one undo step)"), this);
  auto* replaceLabel = new QLabel(tr("Replace:"), this);
  replaceRow_ = new QWidget(this);
  auto* replaceButtons = new QHBoxLayout(replaceRow_);
  replaceButtons->setContentsMargins(0, 0, 0, 0);
  replaceButtons->addWidget(one);
  replaceButtons->addWidget(all);
  replaceButtons->addStretch(1);
  grid->addWidget(replaceLabel, 1, 0);
  grid->addWidget(replace_, 1, 1);
  grid->addWidget(replaceRow_, 1, 2);
  grid->setColumnStretch(1, 1);
  grid->setColumnStretch(2, 1);

  connect(find_, &QLineEdit::returnPressed, this, &FindBar::findNext);
  connect(find_, &QLineEdit::textEdited, this, [this] {
    // Search as you type, from the start of the current selection.
    if (SpecEditor* e = tabs_.currentEditor()) {
      int lf = 0, i0 = 0, lt = 0, i1 = 0;
      e->getSelection(&lf, &i0, &lt, &i1);
      if (lf >= 0) e->setCursorPosition(lf, i0);
    }
    if (!find_->text().isEmpty()) findNext();
    else status_->clear();
  });
  connect(replace_, &QLineEdit::returnPressed, this, &FindBar::replaceCurrent);
  connect(next, &QToolButton::clicked, this, &FindBar::findNext);
  connect(prev, &QToolButton::clicked, this, &FindBar::findPrevious);
  connect(one, &QToolButton::clicked, this, &FindBar::replaceCurrent);
  connect(all, &QToolButton::clicked, this, &FindBar::replaceAll);
  connect(close, &QToolButton::clicked, this, [this] {
    hide();
    if (SpecEditor* e = tabs_.currentEditor()) e->setFocus();
  });
  replaceLabel->setObjectName(QStringLiteral("FindBarReplaceLabel"));
  hide();
}

bool FindBar::replaceVisible() const { return replaceRow_->isVisibleTo(this); }

void FindBar::open(bool replace) {
  for (QWidget* w : {findChild<QWidget*>(QStringLiteral("FindBarReplaceLabel")), static_cast<QWidget*>(replace_),
                     replaceRow_})
    if (w) w->setVisible(replace);
  if (SpecEditor* e = tabs_.currentEditor())
    if (e->hasSelectedText() && !e->selectedText().contains(QLatin1Char('\n'))) find_->setText(e->selectedText());
  show();
  find_->setFocus();
  find_->selectAll();
  if (!find_->text().isEmpty()) updateStatus(countMatches(tabs_.currentEditor()) > 0);
}

bool FindBar::findNext() { return find(true); }
bool FindBar::findPrevious() { return find(false); }

bool FindBar::find(bool forward) {
  SpecEditor* e = tabs_.currentEditor();
  const QString text = find_->text();
  if (!e || text.isEmpty()) return false;
  int line = -1, index = -1;
  if (!forward) {  // search back from the start of the selection, not from its end
    int lf = 0, i0 = 0, lt = 0, i1 = 0;
    e->getSelection(&lf, &i0, &lt, &i1);
    if (lf >= 0) line = lf, index = i0;
  }
  const bool found = e->findFirst(text, false, case_->isChecked(), word_->isChecked(), true, forward, line, index);
  updateStatus(found);
  return found;
}

bool FindBar::replaceCurrent() {
  SpecEditor* e = tabs_.currentEditor();
  if (!e || e->isReadOnly() || find_->text().isEmpty()) return false;
  const Qt::CaseSensitivity cs = case_->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive;
  if (!e->hasSelectedText() || e->selectedText().compare(find_->text(), cs) != 0) {
    findNext();  // select the next match first; the person sees it before it is replaced
    return false;
  }
  int lf = 0, i0 = 0, lt = 0, i1 = 0;
  e->getSelection(&lf, &i0, &lt, &i1);
  e->replaceSelectedText(replace_->text());
  e->setCursorPosition(lf, i0 + static_cast<int>(replace_->text().size()));
  findNext();
  return true;
}

int FindBar::replaceAll() {
  SpecEditor* e = tabs_.currentEditor();
  const QString text = find_->text();
  if (!e || e->isReadOnly() || text.isEmpty()) return 0;
  int n = 0;
  e->beginUndoAction();
  bool found = e->findFirst(text, false, case_->isChecked(), word_->isChecked(), false, true, 0, 0, false);
  while (found) {
    e->replace(replace_->text());
    ++n;
    found = e->findNext();
  }
  e->endUndoAction();
  status_->setStyleSheet({});
  status_->setText(n == 0 ? tr("No matches") : tr("Replaced %1").arg(n));
  return n;
}

int FindBar::countMatches(SpecEditor* editor) const {
  if (!editor || find_->text().isEmpty()) return 0;
  const QString all = editor->text();
  const QString needle = find_->text();
  const Qt::CaseSensitivity cs = case_->isChecked() ? Qt::CaseSensitive : Qt::CaseInsensitive;
  auto isWord = [](QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); };
  int n = 0;
  for (qsizetype at = all.indexOf(needle, 0, cs); at >= 0; at = all.indexOf(needle, at + 1, cs)) {
    if (word_->isChecked()) {
      const qsizetype end = at + needle.size();
      if ((at > 0 && isWord(all[at - 1])) || (end < all.size() && isWord(all[end]))) continue;
    }
    ++n;
  }
  return n;
}

void FindBar::updateStatus(bool found) {
  const int n = countMatches(tabs_.currentEditor());
  status_->setStyleSheet(found ? QString() : QStringLiteral("color: #b31d28;"));
  status_->setText(found ? (n == 1 ? tr("1 match") : tr("%1 matches").arg(n)) : tr("No matches"));
}

QString FindBar::statusText() const { return status_->text(); }

void FindBar::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Escape) {
    hide();
    if (SpecEditor* e = tabs_.currentEditor()) e->setFocus();
    return;
  }
  QWidget::keyPressEvent(event);
}

}  // namespace cert::studio
