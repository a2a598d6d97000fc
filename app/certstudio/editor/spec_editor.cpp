// SpecEditor: appearance, diagnostic squiggles (indicator value = diagnostic index + 1), hover text.
#include "app/certstudio/editor/spec_editor.h"

#include <Qsci/qscistyle.h>

#include <QFileInfo>
#include <QFontDatabase>
#include <QIcon>
#include <QToolTip>
#include <QUuid>

#include <algorithm>

#include "app/certstudio/editor/cf_lexer.h"
#include "app/certstudio/editor/spec_completer.h"
#include "app/certstudio/resources_init.h"

namespace cert::studio {
namespace {

constexpr int kIndicators[] = {SpecEditor::kErrorIndicator, SpecEditor::kWarningIndicator,
                               SpecEditor::kNoteIndicator};

QColor severityColor(cert::Severity s) {
  switch (s) {
    case cert::Severity::Error: return QColor(0xd7, 0x3a, 0x49);
    case cert::Severity::Warning: return QColor(0xc9, 0x8a, 0x00);
    case cert::Severity::Note: return QColor(0x03, 0x66, 0xd6);
  }
  return Qt::red;
}

}  // namespace

SpecEditor::SpecEditor(QWidget* parent)
    : QsciScintilla(parent), id_(QUuid::createUuid().toString(QUuid::WithoutBraces)) {
  ensureResources();
  setUpAppearance();
  setUpDiagnosticMarks();
}

void SpecEditor::setUpAppearance() {
  setUtf8(true);
  lexer_ = new CfLexer(this);
  setLexer(lexer_);
  const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  setFont(mono);
  setMarginsFont(mono);

  setMarginType(kLineNumberMargin, NumberMargin);
  setMarginLineNumbers(kLineNumberMargin, true);
  setMarginWidth(kLineNumberMargin, QStringLiteral("00000"));
  setMarginType(kSymbolMargin, SymbolMargin);
  setMarginWidth(kSymbolMargin, 18);
  setMarginMarkerMask(kSymbolMargin, (1 << kErrorMarker) | (1 << kWarningMarker) | (1 << kNoteMarker));
  setFolding(BoxedTreeFoldStyle, kFoldMargin);

  setBraceMatching(SloppyBraceMatch);
  setMatchedBraceBackgroundColor(QColor(0xc8, 0xe6, 0xc9));
  setUnmatchedBraceForegroundColor(QColor(0xd7, 0x3a, 0x49));
  setCaretLineVisible(true);
  setCaretLineBackgroundColor(QColor(0xf3, 0xf6, 0xfb));
  setAutoIndent(true);
  setIndentationsUseTabs(false);
  setIndentationWidth(4);
  setTabWidth(4);
  setIndentationGuides(true);
  completer_ = new SpecCompleter(*this);
  setAnnotationDisplay(AnnotationBoxed);
}

void SpecEditor::setUpDiagnosticMarks() {
  const struct {
    cert::Severity severity;
    int indicator, marker;
    const char* icon;
    MarkerSymbol fallback;
  } marks[] = {{cert::Severity::Error, kErrorIndicator, kErrorMarker, ":/icons/error.svg", Circle},
               {cert::Severity::Warning, kWarningIndicator, kWarningMarker, ":/icons/warning.svg", DownTriangle},
               {cert::Severity::Note, kNoteIndicator, kNoteMarker, ":/icons/note.svg", SmallRectangle}};
  for (const auto& m : marks) {
    indicatorDefine(SquiggleIndicator, m.indicator);
    setIndicatorForegroundColor(severityColor(m.severity), m.indicator);
    setIndicatorHoverStyle(StraightBoxIndicator, m.indicator);
    setIndicatorHoverForegroundColor(severityColor(m.severity), m.indicator);
    const QImage image = QIcon(QString::fromLatin1(m.icon)).pixmap(14, 14).toImage();
    if (!image.isNull()) {
      markerDefine(image, m.marker);
    } else {
      markerDefine(m.fallback, m.marker);
      setMarkerBackgroundColor(severityColor(m.severity), m.marker);
    }
  }
  SendScintilla(SCI_SETMOUSEDWELLTIME, 400);
  connect(this, &QsciScintillaBase::SCN_DWELLSTART, this, &SpecEditor::showHoverText);
  connect(this, &QsciScintillaBase::SCN_DWELLEND, this, [] { QToolTip::hideText(); });
}

void SpecEditor::setOutline(const SpecOutline& outline) {
  completer_->setOutline(outline);
  lexer_->setShapeMembers(outline.shapeMembers);
}

void SpecEditor::setFilePath(const QString& path) { filePath_ = path; }

QString SpecEditor::displayName() const {
  return filePath_.isEmpty() ? untitledName_ : QFileInfo(filePath_).fileName();
}

int SpecEditor::indicatorFor(cert::Severity s) const {
  return s == cert::Severity::Error ? kErrorIndicator
         : s == cert::Severity::Warning ? kWarningIndicator : kNoteIndicator;
}

int SpecEditor::markerFor(cert::Severity s) const {
  return s == cert::Severity::Error ? kErrorMarker
         : s == cert::Severity::Warning ? kWarningMarker : kNoteMarker;
}

int SpecEditor::positionOf(const cert::SourcePos& pos) const {
  const long lineCount = SendScintilla(SCI_GETLINECOUNT);
  const long line = std::clamp<long>(pos.line - 1, 0, std::max<long>(0, lineCount - 1));
  const long begin = SendScintilla(SCI_POSITIONFROMLINE, static_cast<unsigned long>(line));
  const long end = SendScintilla(SCI_GETLINEENDPOSITION, static_cast<unsigned long>(line));
  return static_cast<int>(std::min(begin + std::max(0, pos.col - 1), end));
}

void SpecEditor::setDiagnostics(const cert::Diagnostics& diags) {
  const long length = SendScintilla(SCI_GETLENGTH);
  for (int ind : kIndicators) {
    SendScintilla(SCI_SETINDICATORCURRENT, static_cast<unsigned long>(ind));
    SendScintilla(SCI_INDICATORCLEARRANGE, 0UL, length);
  }
  for (int m : {kErrorMarker, kWarningMarker, kNoteMarker}) markerDeleteAll(m);
  diags_ = diags;

  for (std::size_t i = 0; i < diags_.size(); ++i) {
    const cert::Diagnostic& d = diags_[i];
    if (!d.range.valid()) continue;  // listed in Problems, nothing to mark in the text
    long begin = positionOf(d.range.begin);
    long end = (d.range.end.line > 0) ? positionOf(d.range.end) : begin;
    if (end <= begin) end = SendScintilla(SCI_WORDENDPOSITION, static_cast<unsigned long>(begin), 1L);
    if (end <= begin) end = std::min(begin + 1, length);
    if (end <= begin && begin > 0) --begin;  // at the very end: mark the last character
    SendScintilla(SCI_SETINDICATORCURRENT, static_cast<unsigned long>(indicatorFor(d.severity)));
    SendScintilla(SCI_SETINDICATORVALUE, static_cast<unsigned long>(i + 1));
    SendScintilla(SCI_INDICATORFILLRANGE, static_cast<unsigned long>(begin), end - begin);
    markerAdd(static_cast<int>(SendScintilla(SCI_LINEFROMPOSITION, static_cast<unsigned long>(begin))),
              markerFor(d.severity));
  }
  emit diagnosticsChanged();
}

QString SpecEditor::diagnosticMessageAt(int position) const {
  QStringList lines;
  for (int ind : kIndicators) {
    const long v = SendScintilla(SCI_INDICATORVALUEAT, static_cast<unsigned long>(ind), static_cast<long>(position));
    if (v > 0 && static_cast<std::size_t>(v) <= diags_.size()) {
      const cert::Diagnostic& d = diags_[static_cast<std::size_t>(v - 1)];
      lines << QStringLiteral("%1: %2").arg(QString::fromLatin1(cert::severityName(d.severity)),
                                            QString::fromStdString(d.message));
    }
  }
  return lines.join(QLatin1Char('\n'));
}

QString SpecEditor::diagnosticMessagesOnLine(int line) const {
  long pos = SendScintilla(SCI_POSITIONFROMLINE, static_cast<unsigned long>(line));
  const long end = SendScintilla(SCI_GETLINEENDPOSITION, static_cast<unsigned long>(line));
  QStringList found;
  while (pos < end) {
    const QString here = diagnosticMessageAt(static_cast<int>(pos));
    if (!here.isEmpty() && !found.contains(here)) found << here;
    long next = end;
    for (int ind : kIndicators)
      next = std::min(next, SendScintilla(SCI_INDICATOREND, static_cast<unsigned long>(ind), pos));
    pos = next > pos ? next : pos + 1;
  }
  return found.join(QLatin1Char('\n'));
}

void SpecEditor::goTo(const cert::SourceRange& range) {
  if (!range.valid()) return;
  const int begin = positionOf(range.begin);
  const int end = (range.end.line > 0) ? std::max(begin, positionOf(range.end)) : begin;
  const int line = static_cast<int>(SendScintilla(SCI_LINEFROMPOSITION, static_cast<unsigned long>(begin)));
  ensureLineVisible(line);
  SendScintilla(SCI_SETSEL, static_cast<unsigned long>(begin), static_cast<long>(end));
  SendScintilla(SCI_SCROLLCARET);
  setFocus(Qt::OtherFocusReason);
}

void SpecEditor::setBanner(const QString& text) {
  banner_ = text;
  clearAnnotations(0);
  if (text.isEmpty()) return;
  const QsciStyle style(-1, QStringLiteral("banner"), QColor(0x5c, 0x3c, 0x00), QColor(0xff, 0xf5, 0xd6),
                        QFontDatabase::systemFont(QFontDatabase::GeneralFont));
  annotate(0, text, style);
}

void SpecEditor::showHoverText(int position, int x, int y) {
  int margins = 0;
  for (int m = 0; m < 5; ++m) margins += marginWidth(m);
  QString text;
  if (x < margins) {
    const long pos = SendScintilla(SCI_POSITIONFROMPOINT, static_cast<unsigned long>(margins), static_cast<long>(y));
    text = diagnosticMessagesOnLine(static_cast<int>(SendScintilla(SCI_LINEFROMPOSITION, static_cast<unsigned long>(pos))));
  } else if (position >= 0) {
    text = diagnosticMessageAt(position);
  }
  if (!text.isEmpty()) QToolTip::showText(viewport()->mapToGlobal(QPoint(x, y)), text, viewport());
}

}  // namespace cert::studio
