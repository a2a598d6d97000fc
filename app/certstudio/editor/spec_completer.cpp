// SpecCompleter: Scintilla's autocompletion list and call tips, fed by completionsAt/callTipAt.
#include "app/certstudio/editor/spec_completer.h"

#include <Qsci/qsciscintilla.h>

#include <QKeySequence>
#include <QShortcut>

namespace cert::studio {

SpecCompleter::SpecCompleter(QsciScintilla& editor) : QObject(&editor), editor_(editor) {
  editor_.setAutoCompletionSource(QsciScintilla::AcsNone);  // this class decides what to offer
  editor_.SendScintilla(QsciScintillaBase::SCI_AUTOCSETIGNORECASE, 0UL);
  editor_.SendScintilla(QsciScintillaBase::SCI_AUTOCSETAUTOHIDE, 1UL);
  connect(&editor_, &QsciScintillaBase::SCN_CHARADDED, this, &SpecCompleter::onCharAdded);
  auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Space), &editor_);
  shortcut->setContext(Qt::WidgetShortcut);
  connect(shortcut, &QShortcut::activated, this, [this] { complete(true); });
}

std::string SpecCompleter::lineBeforeCursor() const {
  const long pos = editor_.SendScintilla(QsciScintillaBase::SCI_GETCURRENTPOS);
  const long line = editor_.SendScintilla(QsciScintillaBase::SCI_LINEFROMPOSITION, static_cast<unsigned long>(pos));
  const long start = editor_.SendScintilla(QsciScintillaBase::SCI_POSITIONFROMLINE, static_cast<unsigned long>(line));
  // bytes() appends a NUL after the range.
  return editor_.bytes(static_cast<int>(start), static_cast<int>(pos)).left(pos - start).toStdString();
}

void SpecCompleter::onCharAdded(int ch) {
  if (ch == '(') {
    const std::string tip = callTipAt(lineBeforeCursor(), outline_);
    if (!tip.empty()) {
      const long pos = editor_.SendScintilla(QsciScintillaBase::SCI_GETCURRENTPOS);
      editor_.SendScintilla(QsciScintillaBase::SCI_CALLTIPSHOW, static_cast<unsigned long>(pos), tip.c_str());
    }
    return;
  }
  if (ch == ')' || ch == ';') editor_.SendScintilla(QsciScintillaBase::SCI_CALLTIPCANCEL);
  const bool wordChar = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                        ch == '_' || ch == '\'';
  if (editor_.isListActive()) {
    if (wordChar) return;  // Scintilla narrows an open list as the word grows
    editor_.cancelList();  // the word ended: `curr[` starts a new list
  }
  complete(false);
}

void SpecCompleter::complete(bool explicitRequest) {
  const Completion c = completionsAt(lineBeforeCursor(), outline_, explicitRequest ? 0 : kMinPrefix);
  lastOffered_.clear();
  if (c.items.empty()) return;
  const char sep = static_cast<char>(editor_.SendScintilla(QsciScintillaBase::SCI_AUTOCGETSEPARATOR));
  QByteArray joined;
  for (const std::string& w : c.items) {
    if (!joined.isEmpty()) joined += sep;
    joined += QByteArray::fromStdString(w);
    lastOffered_ << QString::fromStdString(w);
  }
  editor_.SendScintilla(QsciScintillaBase::SCI_AUTOCSHOW, static_cast<unsigned long>(c.prefixLength),
                        joined.constData());
}

}  // namespace cert::studio
