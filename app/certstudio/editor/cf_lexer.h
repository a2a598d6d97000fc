// The editor's ConstraintFlow lexer: colours and brace folding from the compiler's own tokens.
#pragma once

#include <Qsci/qscilexercustom.h>

#include <string>
#include <vector>

namespace cert::studio {

/// QScintilla lexer for .cf files. Styling and fold levels come from scanHighlightChunk(), i.e.
/// from cert::lexer tokens. Only the lines Scintilla asks for are re-lexed: each line's state
/// (brace depth at its end, inside a block comment or not) is kept in Scintilla's line state.
class CfLexer : public QsciLexerCustom {
  Q_OBJECT

 public:
  /// Style numbers; the values are what Scintilla stores per byte.
  enum Style {
    Default = 0, Comment, Keyword, Type, Metadata, LayerOp, Number, Operator, ShapeMember, Identifier,
    Error, StyleCount
  };

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

  /// The current spec's shape members (styled ShapeMember). Restyles the text when they change.
  void setShapeMembers(std::vector<std::string> members);
  const std::vector<std::string>& shapeMembers() const { return shapeMembers_; }

 private:
  std::vector<std::string> shapeMembers_;
};

}  // namespace cert::studio
