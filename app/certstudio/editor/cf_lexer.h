// The editor's ConstraintFlow lexer: colours and brace folding from cf_highlight_scan.
#pragma once

#include <Qsci/qscilexercustom.h>

namespace cert::studio {

/// QScintilla lexer for .cf files. Styling and fold levels come from scanHighlightLine(), a
/// line-local scan, so swapping in the compiler's own lexer later only touches styleText().
class CfLexer : public QsciLexerCustom {
  Q_OBJECT

 public:
  /// Style numbers; the values are what Scintilla stores per byte.
  enum Style { Default = 0, Comment, Keyword, Type, Metadata, LayerOp, Number, Operator, StyleCount };

  explicit CfLexer(QObject* parent = nullptr);

  const char* language() const override;
  QString description(int style) const override;
  QColor defaultColor(int style) const override;
  QFont defaultFont(int style) const override;
  QColor defaultPaper(int style) const override;
  const char* keywords(int set) const override;
  /// Brace matching uses the operator style.
  int braceStyle() const override;

  /// Styles bytes [start, end) (widened to whole lines) and sets each line's fold level.
  void styleText(int start, int end) override;
};

}  // namespace cert::studio
