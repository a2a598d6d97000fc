// Expressions: `?:` and binary operators by precedence climbing, prefix operators, postfix
// forms (e[m], .map(f), .traverse(...){...}), and node construction.
#include <algorithm>
#include <charconv>

#include "compiler/parser/parser_impl.h"

namespace cert::parser {

using ast::ExprKind;
using ast::ExprPtr;

namespace {

/// LANGUAGE.md section 2, loosest first: or, and, == !=, < <= > >= In, + -, * /.
int binaryPrecedence(TokenKind k, ast::BinaryOp* op) {
  switch (k) {
    case TokenKind::KwOr: *op = ast::BinaryOp::Or; return 1;
    case TokenKind::KwAnd: *op = ast::BinaryOp::And; return 2;
    case TokenKind::EqEq: *op = ast::BinaryOp::Eq; return 3;
    case TokenKind::NotEq: *op = ast::BinaryOp::Ne; return 3;
    case TokenKind::Lt: *op = ast::BinaryOp::Lt; return 4;
    case TokenKind::Le: *op = ast::BinaryOp::Le; return 4;
    case TokenKind::Gt: *op = ast::BinaryOp::Gt; return 4;
    case TokenKind::Ge: *op = ast::BinaryOp::Ge; return 4;
    case TokenKind::KwIn: *op = ast::BinaryOp::In; return 4;
    case TokenKind::Plus: *op = ast::BinaryOp::Add; return 5;
    case TokenKind::Minus: *op = ast::BinaryOp::Sub; return 5;
    case TokenKind::Star: *op = ast::BinaryOp::Mul; return 6;
    case TokenKind::Slash: *op = ast::BinaryOp::Div; return 6;
    default: return 0;
  }
}

std::string posString(const SourcePos& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.col);
}

}  // namespace

ExprPtr Parser::make(ExprKind kind, SourceRange range) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = kind;
  e->id = prog_.exprCount++;
  e->range = range;
  return e;
}

ExprPtr Parser::makeError(SourceRange range) { return make(ExprKind::Error, range); }

ExprPtr Parser::finish(ExprPtr e, SourceRange range) {
  e->range = range;
  int h = 0;
  for (const auto& k : e->kids) h = std::max(h, k->height);
  e->height = h + 1;
  if (e->height == kMaxExprHeight + 1) {
    error("expression is too deeply nested (more than " + std::to_string(kMaxExprHeight) +
              " levels)",
          range);
    panic_ = true;
  }
  return e;
}

bool Parser::tooDeep() {
  if (depth_ <= kMaxNesting) return false;
  if (!panicking())
    error("expression is nested too deeply (more than " + std::to_string(kMaxNesting) +
              " levels)",
          cur().range);
  panic_ = true;
  return true;
}

ExprPtr Parser::parseExpr() {
  DepthGuard guard(*this);
  if (tooDeep()) return makeError(cur().range);
  ExprPtr cond = parseBinary(1);
  if (!at(TokenKind::Question) || panicking()) return cond;
  const Token& q = advance();
  auto e = make(ExprKind::Ternary, {});
  e->kids.push_back(std::move(cond));
  {
    JuxtapositionScope delimited(*this, false);  // between '?' and ':'
    e->kids.push_back(parseExpr());
  }
  if (!panicking() && !accept(TokenKind::Colon))
    errorExpected("':' to match '?' at " + posString(q.range.begin));
  e->kids.push_back(panicking() ? makeError(cur().range) : parseExpr());
  const SourcePos begin = e->kids[0]->range.begin;
  return finish(std::move(e), rangeFrom(begin));
}

ExprPtr Parser::parseRuleBody() {
  ExprPtr first = parseExpr();
  if (!at(TokenKind::Comma) || panicking()) return first;
  // A bare tuple without parentheses: `Op -> a, b, c;`
  const SourcePos begin = first->range.begin;
  auto t = make(ExprKind::Tuple, {});
  t->kids.push_back(std::move(first));
  while (!panicking() && accept(TokenKind::Comma)) t->kids.push_back(parseExpr());
  return finish(std::move(t), rangeFrom(begin));
}

ExprPtr Parser::parseBinary(int minPrec) {
  ExprPtr lhs = parseUnary();
  ast::BinaryOp op{};
  while (!panicking()) {
    const int prec = binaryPrecedence(cur().kind, &op);
    if (prec == 0 || prec < minPrec) break;
    if (juxtapositionArgument_ && op == ast::BinaryOp::Sub) break;  // the next argument's sign
    advance();
    ExprPtr rhs = parseBinary(prec + 1);
    auto e = make(ExprKind::Binary, {});
    e->binaryOp = op;
    const SourceRange range{lhs->range.begin, rhs->range.end};
    e->kids.push_back(std::move(lhs));
    e->kids.push_back(std::move(rhs));
    lhs = finish(std::move(e), range);
  }
  return lhs;
}

ExprPtr Parser::foldSign(ExprPtr lit, const Token& sign) {
  lit->intValue = -lit->intValue;
  lit->floatValue = -lit->floatValue;
  if (!lit->text.empty() && lit->text[0] == '-') lit->text.erase(0, 1);
  else lit->text.insert(0, "-");
  lit->range.begin = sign.range.begin;
  return lit;
}

ExprPtr Parser::parseUnary() {
  const Token& tok = cur();
  ast::UnaryOp op{};
  switch (tok.kind) {
    case TokenKind::Minus: op = ast::UnaryOp::Neg; break;
    case TokenKind::Bang: op = ast::UnaryOp::Not; break;
    case TokenKind::KwSigma: op = ast::UnaryOp::Sigma; break;
    case TokenKind::KwSigmaTangent: op = ast::UnaryOp::SigmaTangent; break;
    case TokenKind::KwSigmaTangentTable: op = ast::UnaryOp::SigmaTangentTable; break;
    case TokenKind::KwTanhTangentTable: op = ast::UnaryOp::TanhTangentTable; break;
    case TokenKind::Plus: {
      // A leading '+' is part of a number ("+1"); there is no unary plus otherwise.
      const TokenKind next = peekAt(1).kind;
      if (next != TokenKind::Int && next != TokenKind::Float) {
        errorExpected("an expression");
        return makeError(tok.range);
      }
      advance();
      ExprPtr lit = parsePostfix(parsePrimary());
      if (lit->kind == ExprKind::IntLit || lit->kind == ExprKind::FloatLit)
        lit->range.begin = tok.range.begin;
      return lit;
    }
    default: return parsePostfix(parsePrimary());
  }
  DepthGuard guard(*this);
  if (tooDeep()) return makeError(tok.range);
  advance();
  ExprPtr operand = parseUnary();
  if (op == ast::UnaryOp::Neg &&
      (operand->kind == ExprKind::IntLit || operand->kind == ExprKind::FloatLit))
    return foldSign(std::move(operand), tok);
  auto e = make(ExprKind::Unary, {});
  e->unaryOp = op;
  const SourceRange range{tok.range.begin, operand->range.end};
  e->kids.push_back(std::move(operand));
  return finish(std::move(e), range);
}

ExprPtr Parser::parsePostfix(ExprPtr base) {
  while (!panicking()) {
    if (at(TokenKind::LBracket)) {
      const Token& open = advance();
      std::string member;
      if (at(TokenKind::Ident) || lexer::isMetadataKeyword(cur().kind)) {
        member = std::string(advance().text);
      } else {
        errorExpected("a shape member or metadata name inside '[ ]'");
      }
      expectClosing(TokenKind::RBracket, open);
      auto e = make(ExprKind::Member, {});
      e->name = std::move(member);
      const SourcePos begin = base->range.begin;
      e->kids.push_back(std::move(base));
      base = finish(std::move(e), rangeFrom(begin));
    } else if (at(TokenKind::Dot)) {
      base = parseMethod(std::move(base));
    } else {
      break;
    }
  }
  return base;
}

ExprPtr Parser::parseMethod(ExprPtr base) {
  advance();  // '.'
  JuxtapositionScope delimited(*this, false);
  const Token& method = cur();
  ExprKind kind = ExprKind::Error;
  std::size_t arity = 2;
  switch (method.kind) {
    case TokenKind::KwMap: kind = ExprKind::Map; break;
    case TokenKind::KwMapList: kind = ExprKind::MapList; break;
    case TokenKind::KwDot: kind = ExprKind::Dot; break;
    case TokenKind::KwConcat: kind = ExprKind::Concat; break;
    case TokenKind::KwTraverse: kind = ExprKind::Traverse; arity = 5; break;
    default:
      errorExpected("'map', 'map_list', 'dot', 'concat' or 'traverse' after '.'");
      return base;
  }
  advance();
  const SourcePos begin = base->range.begin;
  auto e = make(kind, {});
  e->kids.push_back(std::move(base));
  const Token& open = cur();
  const std::string name(method.text);
  if (expect(TokenKind::LParen, "after '" + name + "'")) {
    if (kind == ExprKind::Traverse) {
      if (at(TokenKind::KwForward) || at(TokenKind::KwBackward)) {
        e->direction = advance().kind == TokenKind::KwForward ? ast::Direction::Forward
                                                              : ast::Direction::Backward;
        for (int i = 0; i < 3 && expect(TokenKind::Comma, "between the arguments of 'traverse'");
             ++i)
          e->kids.push_back(parseExpr());
      } else {
        errorExpected("'forward' or 'backward'");
      }
    } else {
      e->kids.push_back(parseExpr());
    }
    if (expectClosing(TokenKind::RParen, open) && kind == ExprKind::Traverse) {
      const Token& brace = cur();
      if (expect(TokenKind::LBrace, "before the invariant of 'traverse'")) {
        e->kids.push_back(parseExpr());
        expectClosing(TokenKind::RBrace, brace);
      }
    }
  }
  while (e->kids.size() < arity) e->kids.push_back(makeError(cur().range));
  return finish(std::move(e), rangeFrom(begin));
}

}  // namespace cert::parser
