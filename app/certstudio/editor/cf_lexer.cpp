// CfLexer: maps highlight spans to Scintilla styles; fold level = '{' depth at the line's start.
#include "app/certstudio/editor/cf_lexer.h"

#include <Qsci/qsciscintilla.h>

#include <QFontDatabase>

#include <algorithm>
#include <string_view>

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
    case HighlightKind::ShapeMember: return CfLexer::ShapeMember;
    case HighlightKind::Identifier: return CfLexer::Identifier;
    case HighlightKind::Error: return CfLexer::Error;
  }
  return CfLexer::Default;
}

long send(QsciScintilla* ed, unsigned int msg, long arg = 0) {
  return ed->SendScintilla(msg, static_cast<unsigned long>(arg));
}

/// Line state: the '{' depth at the end of the line, shifted left once; bit 0 is set when the
/// line ends inside a block comment.
int packState(int depth, bool inBlockComment) { return (depth << 1) | (inBlockComment ? 1 : 0); }

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
    case ShapeMember: return tr("Shape member");
    case Identifier: return tr("Identifier");
    case Error: return tr("Lexical error");
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
    case ShapeMember: return QColor(0x1a, 0x7f, 0x37);
    case Error: return QColor(0xb3, 0x1d, 0x28);
    default: return QColor(0x1f, 0x23, 0x28);
  }
}

QFont CfLexer::defaultFont(int style) const {
  QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  if (style == Keyword || style == LayerOp || style == ShapeMember) f.setBold(true);
  if (style == Comment) f.setItalic(true);
  return f;
}

QColor CfLexer::defaultPaper(int style) const {
  return style == Error ? QColor(0xff, 0xeb, 0xe9) : QColor(Qt::white);
}

const char* CfLexer::keywords(int) const { return nullptr; }

int CfLexer::braceStyle() const { return Operator; }

void CfLexer::setShapeMembers(std::vector<std::string> members) {
  if (members == shapeMembers_) return;
  shapeMembers_ = std::move(members);
  if (QsciScintilla* ed = editor()) ed->recolor();
}

void CfLexer::styleText(int start, int end) {
  QsciScintilla* ed = editor();
  if (!ed || end <= start) return;
  const int firstLine = static_cast<int>(send(ed, QsciScintillaBase::SCI_LINEFROMPOSITION, start));
  const int lastLine = static_cast<int>(send(ed, QsciScintillaBase::SCI_LINEFROMPOSITION, end - 1));
  const int chunkStart = static_cast<int>(send(ed, QsciScintillaBase::SCI_POSITIONFROMLINE, firstLine));
  const int chunkEnd = static_cast<int>(send(ed, QsciScintillaBase::SCI_POSITIONFROMLINE, lastLine + 1));
  const int docEnd = static_cast<int>(send(ed, QsciScintillaBase::SCI_GETLENGTH));
  const int chunkLength = (chunkEnd > chunkStart ? chunkEnd : docEnd) - chunkStart;
  // bytes() appends a NUL after the range: only the first chunkLength bytes are text.
  const QByteArray bytes = ed->bytes(chunkStart, chunkStart + chunkLength);

  // Lines before `firstLine` are styled already (Scintilla styles in order): their state holds.
  const int before = firstLine > 0 ? static_cast<int>(send(ed, QsciScintillaBase::SCI_GETLINESTATE, firstLine - 1)) : 0;
  int depth = before >> 1;
  const ChunkScan scan = scanHighlightChunk(
      std::string_view(bytes.constData(), static_cast<std::size_t>(chunkLength)), (before & 1) != 0,
      shapeMembers_);

  startStyling(chunkStart);
  int pos = 0;
  for (const HighlightSpan& s : scan.spans) {
    if (s.begin > pos) setStyling(s.begin - pos, Default);
    setStyling(s.length, styleOf(s.kind));
    pos = s.begin + s.length;
  }
  if (chunkLength > pos) setStyling(chunkLength - pos, Default);

  for (int line = firstLine; line <= lastLine; ++line) {
    const auto i = static_cast<std::size_t>(line - firstLine);
    const LineSummary summary = i < scan.lines.size() ? scan.lines[i] : LineSummary{};
    int level = QsciScintillaBase::SC_FOLDLEVELBASE + depth;
    if (summary.opens > summary.closes) level |= QsciScintillaBase::SC_FOLDLEVELHEADERFLAG;
    if (send(ed, QsciScintillaBase::SCI_GETLINEENDPOSITION, line) ==
        send(ed, QsciScintillaBase::SCI_GETLINEINDENTPOSITION, line))
      level |= QsciScintillaBase::SC_FOLDLEVELWHITEFLAG;
    ed->SendScintilla(QsciScintillaBase::SCI_SETFOLDLEVEL, static_cast<unsigned long>(line), static_cast<long>(level));
    depth = std::max(0, depth + summary.opens - summary.closes);
    ed->SendScintilla(QsciScintillaBase::SCI_SETLINESTATE, static_cast<unsigned long>(line),
                      static_cast<long>(packState(depth, summary.endsInBlockComment)));
  }
}

}  // namespace cert::studio
