// The Parser class shared by parser.cpp (tokens, errors, recovery), parse_decls.cpp and
// parse_expr.cpp. Internal to compiler/parser/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/lexer/lexer.h"
#include "compiler/parser/parser.h"

namespace cert::parser {

using lexer::Token;
using lexer::TokenKind;

class Parser {
 public:
  Parser(std::string_view text, lexer::LexResult lexed);
  ParseResult run();

 private:
  // --- token stream (parser.cpp)
  const Token& cur() const { return tokens_[pos_]; }
  const Token& peekAt(int k) const;
  bool at(TokenKind k) const { return cur().kind == k; }
  const Token& advance();
  bool accept(TokenKind k);
  /// Consumes `k` or reports "expected 'k' <context>, found X" and enters panic mode.
  bool expect(TokenKind k, const std::string& context);
  /// ")' to close '(' at L:C"-style expectation for a closing bracket opened at `open`.
  bool expectClosing(TokenKind k, const Token& open);

  // --- errors and recovery (parser.cpp)
  void error(std::string message, SourceRange range);
  /// "expected WHAT, found <current token>"; suppressed after an Error token or in panic mode.
  void errorExpected(const std::string& what);
  bool panicking() const { return panic_ || stopped_; }
  /// Skips past a ';' or '}', or to a declaration keyword.
  void syncTopLevel();
  /// Inside a transformer: skips to the next rule (after ';' or before `Op ->`) or to '}'.
  void syncRule();
  SourceRange rangeFrom(const SourcePos& begin) const;

  // --- comments (parser.cpp)
  std::vector<std::string> takeCommentsBefore(int offset);
  std::string takeTrailingComment(int line);

  // --- declarations (parse_decls.cpp)
  void parseDecl();
  void parseShape();
  void parseFunc();
  void parseTransformer();
  void parseRule(ast::TransformerDecl& t);
  void parseFlow();
  bool parseParams(std::vector<ast::Param>& out, const char* what);
  bool parseType(ast::TypeName& out);
  void finishDecl(ast::Trivia& trivia, SourcePos begin, SourceRange& range);

  // --- expressions (parse_expr.cpp)
  ast::ExprPtr parseExpr();
  ast::ExprPtr parseRuleBody();
  ast::ExprPtr parseBinary(int minPrec);
  ast::ExprPtr parseUnary();
  ast::ExprPtr parsePostfix(ast::ExprPtr base);
  ast::ExprPtr parseMethod(ast::ExprPtr base);
  ast::ExprPtr parsePrimary();
  ast::ExprPtr parseNamePrimary();
  /// Juxtaposition `f a b`: the arguments after f (or after `f(a)`), each a whole expression
  /// (the published grammar's `VAR exprs`), appended to the call.
  void parseJuxtaposedArguments(ast::Expr& call);
  /// At '(': whether its parentheses hold a list (a ',' at their level) before the matching ')'.
  bool parenthesesHoldList() const;
  ast::ExprPtr parseParenthesized();
  ast::ExprPtr parseIf();
  ast::ExprPtr parseBuiltin();
  ast::ExprPtr parseLp();
  /// Parses `expr (, expr)*` up to `close`, appending to out; reports an unclosed `open`.
  void parseExprList(std::vector<ast::ExprPtr>& out, TokenKind close, const Token& open);
  bool startsArgument(TokenKind k) const;

  /// Inside a juxtaposition's argument (and not inside brackets within it): names are plain
  /// names (never calls), and a '-' ends the argument (the next one starts with it).
  bool juxtapositionArgument_ = false;
  /// Sets juxtapositionArgument_ for a scope: true for an argument, false inside delimiters.
  struct JuxtapositionScope {
    JuxtapositionScope(Parser& p, bool inArgument) : p(p), saved(p.juxtapositionArgument_) {
      p.juxtapositionArgument_ = inArgument;
    }
    ~JuxtapositionScope() { p.juxtapositionArgument_ = saved; }
    Parser& p;
    bool saved;
  };

  // --- node construction (parse_expr.cpp)
  ast::ExprPtr make(ast::ExprKind kind, SourceRange range);
  ast::ExprPtr makeError(SourceRange range);
  /// Sets range and height from the kids; reports trees that grow too high.
  ast::ExprPtr finish(ast::ExprPtr e, SourceRange range);
  ast::ExprPtr foldSign(ast::ExprPtr literal, const Token& sign);

  struct DepthGuard {
    explicit DepthGuard(Parser& p) : p(p) { ++p.depth_; }
    ~DepthGuard() { --p.depth_; }
    Parser& p;
  };
  /// True (after one diagnostic) when nesting is too deep to go on.
  bool tooDeep();

  std::string_view text_;
  std::vector<Token> tokens_;
  std::vector<lexer::Comment> comments_;
  std::size_t nextComment_ = 0;
  std::size_t pos_ = 0;
  SourcePos lastEnd_{};  ///< end of the last consumed token
  Diagnostics diags_;
  int errors_ = 0;
  bool panic_ = false;
  bool stopped_ = false;  ///< too many errors: stop parsing
  int depth_ = 0;
  ast::Program prog_;
};

}  // namespace cert::parser
