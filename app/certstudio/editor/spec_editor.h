// The ConstraintFlow editor widget: QScintilla with line numbers, folding, brace matching, diagnostics.
#pragma once

#include <Qsci/qsciscintilla.h>

#include "app/certstudio/editor/cf_completion.h"
#include "core/diagnostics/diagnostic.h"

namespace cert::studio {

class CfLexer;
class SpecCompleter;

/// One spec in the editor. Diagnostics show as squiggles, margin markers and hover text; the
/// squiggles move with the text when it is edited, so a stale diagnostic still points at its code.
class SpecEditor : public QsciScintilla {
  Q_OBJECT

 public:
  /// Indicator numbers per severity (0-7 belong to lexers).
  static constexpr int kErrorIndicator = 20;
  static constexpr int kWarningIndicator = 21;
  static constexpr int kNoteIndicator = 22;
  /// Marker numbers per severity in the symbol margin (25-31 belong to folding).
  static constexpr int kErrorMarker = 1;
  static constexpr int kWarningMarker = 2;
  static constexpr int kNoteMarker = 3;
  /// Margins: line numbers, diagnostic symbols, fold boxes.
  static constexpr int kLineNumberMargin = 0;
  static constexpr int kSymbolMargin = 1;
  static constexpr int kFoldMargin = 2;

  explicit SpecEditor(QWidget* parent = nullptr);

  /// A stable id for this editor's lifetime (names its recovery file).
  QString id() const { return id_; }
  /// The file this editor shows; empty for an untitled spec.
  QString filePath() const { return filePath_; }
  void setFilePath(const QString& path);
  /// "deeppoly.cf", or the untitled name given by the tabs.
  QString displayName() const;
  void setUntitledName(const QString& name) { untitledName_ = name; }

  /// Replaces the shown diagnostics. Ranges use 1-based line and byte column.
  void setDiagnostics(const cert::Diagnostics& diags);
  const cert::Diagnostics& diagnostics() const { return diags_; }
  /// The messages of the diagnostics whose squiggle covers byte `position` (hover text).
  QString diagnosticMessageAt(int position) const;
  /// The messages of the diagnostics on 0-based `line` (margin hover text).
  QString diagnosticMessagesOnLine(int line) const;
  /// Byte position of a 1-based line/column, clamped to the document.
  int positionOf(const cert::SourcePos& pos) const;
  /// Moves the cursor to the range (selecting it when it has an end) and shows it.
  void goTo(const cert::SourceRange& range);

  /// The spec's shape members and functions from its last successful check: they feed the
  /// completion list, the call tips and the shape-member colour.
  void setOutline(const SpecOutline& outline);
  SpecCompleter& completer() const { return *completer_; }

  /// Shows a boxed note above the first line (e.g. "not a text file"); empty clears it.
  void setBanner(const QString& text);
  QString banner() const { return banner_; }

 signals:
  void diagnosticsChanged();

 private:
  void setUpAppearance();
  void setUpDiagnosticMarks();
  void showHoverText(int position, int x, int y);
  int indicatorFor(cert::Severity s) const;
  int markerFor(cert::Severity s) const;

  QString id_;
  QString filePath_;
  QString untitledName_;
  QString banner_;
  cert::Diagnostics diags_;
  CfLexer* lexer_ = nullptr;
  SpecCompleter* completer_ = nullptr;
};

}  // namespace cert::studio
