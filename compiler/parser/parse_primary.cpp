// Primary expressions: literals, names, calls (`f(a, b)` and juxtaposition `f a b`), curr/prev,
// parentheses and tuples, lists, if-then-else-fi, builtins and lp.
#include <charconv>

#include "compiler/parser/parser_impl.h"

namespace cert::parser {

using ast::ExprKind;
using ast::ExprPtr;

namespace {

std::string posString(const SourcePos& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.col);
}

bool builtinOf(TokenKind k, ast::BuiltinFn* f) {
  switch (k) {
    case TokenKind::KwMax: *f = ast::BuiltinFn::Max; return true;
    case TokenKind::KwMin: *f = ast::BuiltinFn::Min; return true;
    case TokenKind::KwSum: *f = ast::BuiltinFn::Sum; return true;
    case TokenKind::KwLen: *f = ast::BuiltinFn::Len; return true;
    case TokenKind::KwAvg: *f = ast::BuiltinFn::Avg; return true;
    case TokenKind::KwArgmax: *f = ast::BuiltinFn::Argmax; return true;
    case TokenKind::KwArgmin: *f = ast::BuiltinFn::Argmin; return true;
    default: return false;
  }
}

}  // namespace

bool Parser::startsArgument(TokenKind k) const {
  // `Op ->` starts the next rule (after a missing ';'), not an argument.
  if (k == TokenKind::Ident && peekAt(1).kind == TokenKind::Arrow) return false;
  ast::BuiltinFn f{};
  switch (k) {
    case TokenKind::Int: case TokenKind::Float: case TokenKind::KwTrue: case TokenKind::KwFalse:
    case TokenKind::Ident: case TokenKind::KwCurr: case TokenKind::KwPrev:
    case TokenKind::KwPrev0: case TokenKind::KwPrev1: case TokenKind::KwCurrList:
    case TokenKind::KwEps: case TokenKind::LParen: case TokenKind::KwLp:
    case TokenKind::Bang: case TokenKind::KwSigma: case TokenKind::KwSigmaTangent:
    case TokenKind::KwSigmaTangentTable: case TokenKind::KwTanhTangentTable: case TokenKind::KwIf:
      return true;
    default:
      return builtinOf(k, &f);
  }
}

ExprPtr Parser::parsePrimary() {
  const Token& tok = cur();
  ast::BuiltinFn fn{};
  switch (tok.kind) {
    case TokenKind::Int: {
      auto e = make(ExprKind::IntLit, advance().range);
      e->text = std::string(tok.text);
      std::from_chars(tok.text.data(), tok.text.data() + tok.text.size(), e->intValue);
      return e;
    }
    case TokenKind::Float: {
      auto e = make(ExprKind::FloatLit, advance().range);
      e->text = std::string(tok.text);
      std::from_chars(tok.text.data(), tok.text.data() + tok.text.size(), e->floatValue);
      return e;
    }
    case TokenKind::KwTrue:
    case TokenKind::KwFalse: {
      auto e = make(ExprKind::BoolLit, advance().range);
      e->boolValue = tok.kind == TokenKind::KwTrue;
      return e;
    }
    case TokenKind::Ident: return parseNamePrimary();
    case TokenKind::KwCurr: return make(ExprKind::Curr, advance().range);
    case TokenKind::KwPrev: return make(ExprKind::Prev, advance().range);
    case TokenKind::KwPrev0:
    case TokenKind::KwPrev1: {
      auto e = make(ExprKind::PrevIndexed, advance().range);
      e->prevIndex = tok.kind == TokenKind::KwPrev0 ? 0 : 1;
      return e;
    }
    case TokenKind::KwCurrList: return make(ExprKind::CurrList, advance().range);
    case TokenKind::KwEps: return make(ExprKind::Eps, advance().range);
    case TokenKind::LParen: return parseParenthesized();
    case TokenKind::LBracket: {
      advance();
      auto e = make(ExprKind::List, {});
      parseExprList(e->kids, TokenKind::RBracket, tok);
      return finish(std::move(e), rangeFrom(tok.range.begin));
    }
    case TokenKind::KwIf: return parseIf();
    case TokenKind::KwLp: return parseLp();
    default: break;
  }
  if (builtinOf(tok.kind, &fn)) return parseBuiltin();
  if (lexer::isMetadataKeyword(tok.kind))
    errorExpected("an expression ('" + std::string(tok.text) + "' is metadata: write n[" +
                  std::string(tok.text) + "])");
  else
    errorExpected("an expression");
  return makeError(tok.range);
}

ExprPtr Parser::parseNamePrimary() {
  const Token& name = advance();
  const bool parenthesized = at(TokenKind::LParen);
  // A name inside a juxtaposition's argument is a plain name even before '(' or another
  // argument: `pick c (a) (b)` is pick(c, a, b), not pick(c(a), b) (the published grammar's
  // ambiguity goes to the earlier alternative, the variable). Before a list of several
  // expressions in '( )' it is a call: no other reading exists (`f a + g(a, b)`).
  const bool plain = juxtapositionArgument_ && !(parenthesized && parenthesesHoldList());
  if (plain || (!parenthesized && !startsArgument(cur().kind))) {
    auto e = make(ExprKind::Name, name.range);
    e->name = std::string(name.text);
    return e;
  }
  auto e = make(ExprKind::Call, {});
  e->name = std::string(name.text);
  if (parenthesized) {
    const Token& open = advance();
    if (at(TokenKind::RParen)) errorExpected("an argument for '" + e->name + "'");
    else parseExprList(e->kids, TokenKind::RParen, open);
    if (e->kids.empty()) e->kids.push_back(makeError(cur().range));
  }
  // Juxtaposition `f a b` is the same Call as f(a, b), and so is `f(a) b` (as in the published
  // grammar).
  if (!juxtapositionArgument_ && (!parenthesized || e->kids.size() == 1)) parseJuxtaposedArguments(*e);
  return finish(std::move(e), rangeFrom(name.range.begin));
}

bool Parser::parenthesesHoldList() const {
  int depth = 0;
  for (size_t i = pos_; i < tokens_.size(); ++i) {
    switch (tokens_[i].kind) {
      case TokenKind::LParen: case TokenKind::LBracket: case TokenKind::LBrace: ++depth; break;
      case TokenKind::RParen: case TokenKind::RBracket: case TokenKind::RBrace:
        if (--depth == 0) return false;
        break;
      case TokenKind::Comma:
        if (depth == 1) return true;
        break;
      case TokenKind::Semi: case TokenKind::End: return false;
      default: break;
    }
  }
  return false;
}

void Parser::parseJuxtaposedArguments(ast::Expr& call) {
  // Each argument is a whole expression, as in the published grammar (`exprs: expr exprs`): `f a
  // + b` is f(a + b) and `f a b * 2` is f(a, b * 2). A '-' after an argument starts the next one
  // (`f a - b`: f(a, -b)) with a warning asking for commas or parentheses: that grammar is
  // ambiguous there and its parser reads a '-' whose operand ends the call so (`f a - b;`) and
  // others as a subtraction (`f a - g b` is f(a - g, b) there).
  // After `f(a)` only a '-' written against an integer (`f(a) -1`) does: the published lexer
  // reads "-1" as one signed literal there, so f(a, -1).
  int juxtaposed = 0;
  while (!panicking()) {
    const bool signedInt = at(TokenKind::Minus) && peekAt(1).kind == TokenKind::Int &&
                           cur().range.end.offset == peekAt(1).range.begin.offset;
    const bool sign = at(TokenKind::Minus) && (juxtaposed > 0 || (signedInt && !call.kids.empty()));
    if (!sign && !startsArgument(cur().kind)) break;
    DepthGuard guard(*this);
    if (tooDeep()) break;
    const Token& minus = cur();
    JuxtapositionScope argument(*this, true);
    ExprPtr a = parseExpr();
    if (sign)
      diags_.push_back(Diagnostic::warning(
          "'-' after an argument of '" + call.name + "' written side by side starts another argument (" +
              std::string(text_.substr(static_cast<size_t>(minus.range.begin.offset),
                                       static_cast<size_t>(a->range.end.offset - minus.range.begin.offset))) +
              "); write " + call.name + "(...) with commas, or parentheses, to say which is meant",
          {minus.range.begin, a->range.end}));
    call.kids.push_back(std::move(a));
    ++juxtaposed;
  }
}

ExprPtr Parser::parseParenthesized() {
  JuxtapositionScope delimited(*this, false);
  const Token& open = advance();
  if (at(TokenKind::RParen)) {
    errorExpected("an expression inside '( )'");
    return makeError(open.range);
  }
  ExprPtr first = parseExpr();
  if (at(TokenKind::Comma) && !panicking()) {
    auto t = make(ExprKind::Tuple, {});
    t->kids.push_back(std::move(first));
    while (!panicking() && accept(TokenKind::Comma)) t->kids.push_back(parseExpr());
    expectClosing(TokenKind::RParen, open);
    return finish(std::move(t), rangeFrom(open.range.begin));
  }
  expectClosing(TokenKind::RParen, open);
  first->range = rangeFrom(open.range.begin);
  return first;
}

void Parser::parseExprList(std::vector<ExprPtr>& out, TokenKind close, const Token& open) {
  JuxtapositionScope delimited(*this, false);
  do {
    out.push_back(parseExpr());
  } while (!panicking() && accept(TokenKind::Comma));
  expectClosing(close, open);
}

ExprPtr Parser::parseIf() {
  JuxtapositionScope delimited(*this, false);
  const Token& tok = advance();
  auto e = make(ExprKind::Ternary, {});
  e->kids.push_back(parseExpr());
  if (expect(TokenKind::KwThen, "after the condition of 'if' at " + posString(tok.range.begin))) {
    e->kids.push_back(parseExpr());
    if (expect(TokenKind::KwElse, "in 'if' at " + posString(tok.range.begin))) {
      e->kids.push_back(parseExpr());
      expectClosing(TokenKind::KwFi, tok);
    }
  }
  while (e->kids.size() < 3) e->kids.push_back(makeError(cur().range));
  return finish(std::move(e), rangeFrom(tok.range.begin));
}

ExprPtr Parser::parseBuiltin() {
  const Token& tok = advance();
  auto e = make(ExprKind::Builtin, {});
  builtinOf(tok.kind, &e->builtin);
  const Token& open = cur();
  if (expect(TokenKind::LParen, "after '" + std::string(tok.text) + "'"))
    parseExprList(e->kids, TokenKind::RParen, open);
  if (e->kids.empty()) e->kids.push_back(makeError(cur().range));
  return finish(std::move(e), rangeFrom(tok.range.begin));
}

ExprPtr Parser::parseLp() {
  const Token& tok = advance();
  auto e = make(ExprKind::Lp, {});
  const Token& open = cur();
  if (expect(TokenKind::LParen, "after 'lp'")) {
    if (at(TokenKind::KwMinimize) || at(TokenKind::KwMaximize)) {
      e->goal = advance().kind == TokenKind::KwMinimize ? ast::LpGoal::Minimize
                                                         : ast::LpGoal::Maximize;
      if (expect(TokenKind::Comma, "after the goal of 'lp'"))
        parseExprList(e->kids, TokenKind::RParen, open);
    } else {
      errorExpected("'minimize' or 'maximize'");
    }
  }
  if (e->kids.empty()) e->kids.push_back(makeError(cur().range));
  return finish(std::move(e), rangeFrom(tok.range.begin));
}

}  // namespace cert::parser
