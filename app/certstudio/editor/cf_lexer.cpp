// CfLexer: maps highlight spans to Scintilla styles; fold level = '{' depth at the line's start.
#include "app/certstudio/editor/cf_lexer.h"

#include <Qsci/qsciscintilla.h>

#include <QFontDatabase>

#include <algorithm>

#include "app/certstudio/editor/cf_highlight_scan.h"

namespace cert::studio {
namespace {

int styleOf(HighlightKind k) {
  switch (k) {
    case HighlightKind::Default: return CfLexer::Default;
    case HighlightKind::Comment: return CfLexer::Comment;
    case HighlightKind::Keyword: return CfLexer::Keyword;
    case HighlightKind::Type: return CfLexer::Type;
    case HighlightKind::Metadata: return CfLexer::Metadata;
    case HighlightKind::LayerOp: return CfLexer::LayerOp;
    case HighlightKind::Number: return CfLexer::Number;
    case HighlightKind::Operator: return CfLexer::Operator;
  }
  return CfLexer::Default;
}

long send(QsciScintilla* ed, unsigned int msg, long arg = 0) {
  return ed->SendScintilla(msg, static_cast<unsigned long>(arg));
}

/// The line's bytes without its end-of-line characters.
QByteArray lineBytes(QsciScintilla* ed, int line) {
  const int begin = static_cast<int>(send(ed, QsciScintillaBase::SCI_POSITIONFROMLINE, line));
  const int end = static_cast<int>(send(ed, QsciScintillaBase::SCI_GETLINEENDPOSITION, line));
  return ed->bytes(begin, end);
}

LineScan scanBytes(const QByteArray& bytes) {
  return scanHighlightLine(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
}

/// The '{' depth at the start of `line`: the previous line's recorded depth plus its net braces.
int depthAtLineStart(QsciScintilla* ed, int line) {
  if (line <= 0) return 0;
  const long level = send(ed, QsciScintillaBase::SCI_GETFOLDLEVEL, line - 1);
  const int prevDepth = static_cast<int>((level & QsciScintillaBase::SC_FOLDLEVELNUMBERMASK) -
                                         QsciScintillaBase::SC_FOLDLEVELBASE);
  const LineScan prev = scanBytes(lineBytes(ed, line - 1));
  return std::max(0, prevDepth + prev.opens - prev.closes);
}

}  // namespace

CfLexer::CfLexer(QObject* parent) : QsciLexerCustom(parent) {}

const char* CfLexer::language() const { return "ConstraintFlow"; }

QString CfLexer::description(int style) const {
  switch (style) {
    case Default: return tr("Default");
    case Comment: return tr("Comment");
    case Keyword: return tr("Keyword");
    case Type: return tr("Type");
    case Metadata: return tr("Metadata");
    case LayerOp: return tr("Layer operator");
    case Number: return tr("Number");
    case Operator: return tr("Operator");
    default: return {};
  }
}

QColor CfLexer::defaultColor(int style) const {
  switch (style) {
    case Comment: return QColor(0x6a, 0x73, 0x7d);
    case Keyword: return QColor(0x00, 0x33, 0xb3);
    case Type: return QColor(0x00, 0x80, 0x80);
    case Metadata: return QColor(0x87, 0x10, 0x94);
    case LayerOp: return QColor(0xa3, 0x4a, 0x00);
    case Number: return QColor(0x17, 0x50, 0xeb);
    case Operator: return QColor(0x40, 0x40, 0x40);
    default: return QColor(0x1f, 0x23, 0x28);
  }
}

QFont CfLexer::defaultFont(int style) const {
  QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  if (style == Keyword || style == LayerOp) f.setBold(true);
  if (style == Comment) f.setItalic(true);
  return f;
}

QColor CfLexer::defaultPaper(int) const { return QColor(Qt::white); }

const char* CfLexer::keywords(int) const { return nullptr; }

int CfLexer::braceStyle() const { return Operator; }

void CfLexer::styleText(int start, int end) {
  QsciScintilla* ed = editor();
  if (!ed || end <= start) return;
  const int firstLine = static_cast<int>(send(ed, QsciScintillaBase::SCI_LINEFROMPOSITION, start));
  const int lastLine = static_cast<int>(send(ed, QsciScintillaBase::SCI_LINEFROMPOSITION, end));
  int depth = depthAtLineStart(ed, firstLine);
  for (int line = firstLine; line <= lastLine; ++line) {
    const int lineStart = static_cast<int>(send(ed, QsciScintillaBase::SCI_POSITIONFROMLINE, line));
    const int lineEnd = static_cast<int>(send(ed, QsciScintillaBase::SCI_GETLINEENDPOSITION, line));
    const int nextStart = static_cast<int>(send(ed, QsciScintillaBase::SCI_POSITIONFROMLINE, line + 1));
    const QByteArray bytes = lineBytes(ed, line);
    const LineScan scan = scanBytes(bytes);

    startStyling(lineStart);
    int pos = 0;
    for (const HighlightSpan& s : scan.spans) {
      if (s.begin > pos) setStyling(s.begin - pos, Default);
      setStyling(s.length, styleOf(s.kind));
      pos = s.begin + s.length;
    }
    // The rest of the line and its end-of-line bytes.
    const int rest = std::max(nextStart, lineEnd) - (lineStart + pos);
    if (rest > 0) setStyling(rest, Default);

    int level = QsciScintillaBase::SC_FOLDLEVELBASE + depth;
    if (scan.opens > scan.closes) level |= QsciScintillaBase::SC_FOLDLEVELHEADERFLAG;
    if (bytes.trimmed().isEmpty()) level |= QsciScintillaBase::SC_FOLDLEVELWHITEFLAG;
    ed->SendScintilla(QsciScintillaBase::SCI_SETFOLDLEVEL, static_cast<unsigned long>(line), static_cast<long>(level));
    depth = std::max(0, depth + scan.opens - scan.closes);
  }
}

}  // namespace cert::studio
