// Declarations: the shape, functions, transformers with their rules, and flows.
#include "compiler/parser/parser_impl.h"

namespace cert::parser {

using lexer::describeToken;
using lexer::isKeyword;
using lexer::isTypeKeyword;

namespace {

std::string posString(const SourcePos& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.col);
}

ast::BaseType baseTypeOf(TokenKind k) {
  switch (k) {
    case TokenKind::KwInt: return ast::BaseType::Int;
    case TokenKind::KwFloat: return ast::BaseType::Float;
    case TokenKind::KwBool: return ast::BaseType::Bool;
    case TokenKind::KwNeuron: return ast::BaseType::Neuron;
    case TokenKind::KwNoise: return ast::BaseType::Noise;
    case TokenKind::KwPolyExp: return ast::BaseType::PolyExp;
    case TokenKind::KwSymExp: return ast::BaseType::SymExp;
    default: return ast::BaseType::Ct;
  }
}

/// "a function name" or, at a keyword, "a function name ('map' is a reserved word)".
std::string nameExpectation(const char* what, const Token& found) {
  std::string s = std::string("a ") + what + " name";
  if (isKeyword(found.kind)) s += " ('" + std::string(found.text) + "' is a reserved word)";
  return s;
}

}  // namespace

void Parser::parseDecl() {
  switch (cur().kind) {
    case TokenKind::KwDef: return parseShape();
    case TokenKind::KwFunc: return parseFunc();
    case TokenKind::KwTransformer: return parseTransformer();
    case TokenKind::KwFlow: return parseFlow();
    case TokenKind::Semi: advance(); return;  // a stray ';' (e.g. after a transformer's '}')
    default:
      errorExpected("a declaration ('def Shape as', 'func', 'transformer' or 'flow')");
  }
}

bool Parser::parseType(ast::TypeName& out) {
  if (!isTypeKeyword(cur().kind)) {
    errorExpected("a type (Int, Float, Bool, Neuron, Noise, PolyExp, SymExp or Ct)");
    return false;
  }
  const SourcePos begin = cur().range.begin;
  out.base = baseTypeOf(advance().kind);
  out.listDepth = 0;
  while (accept(TokenKind::KwList)) ++out.listDepth;
  out.range = rangeFrom(begin);
  return true;
}

bool Parser::parseParams(std::vector<ast::Param>& out, const char* what) {
  const Token& open = cur();
  if (!expect(TokenKind::LParen, std::string("to start the ") + what + "s")) return false;
  do {
    ast::Param p;
    if (!parseType(p.type)) return false;
    if (!at(TokenKind::Ident)) {
      errorExpected(nameExpectation(what, cur()));
      return false;
    }
    p.name = std::string(cur().text);
    p.range = advance().range;
    out.push_back(std::move(p));
  } while (accept(TokenKind::Comma));
  return expectClosing(TokenKind::RParen, open);
}

void Parser::parseShape() {
  ast::ShapeDecl s;
  s.trivia.leading = takeCommentsBefore(cur().range.begin.offset);
  const Token& def = advance();
  const SourcePos begin = def.range.begin;
  if (prog_.shape)
    error("a spec has one shape declaration; the first is at " +
              posString(prog_.shape->range.begin),
          def.range);
  const bool ok = expect(TokenKind::KwShape, "after 'def'") &&
                  expect(TokenKind::KwAs, "after 'def Shape'") && parseParams(s.members, "member");
  if (ok) {
    const Token& brace = cur();
    if (expect(TokenKind::LBrace, "before the shape's constraints")) {
      if (at(TokenKind::LBracket)) {
        const Token& bracket = advance();
        if (!accept(TokenKind::RBracket)) parseExprList(s.constraints, TokenKind::RBracket, bracket);
      } else if (!at(TokenKind::RBrace)) {
        s.constraints.push_back(parseExpr());
      }
      if (expectClosing(TokenKind::RBrace, brace))
        expect(TokenKind::Semi, "after the shape declaration");
    }
  }
  s.recovered = panic_;
  if (panic_) s.constraints.clear();  // half-parsed: checking it would only add noise
  finishDecl(s.trivia, begin, s.range);
  if (prog_.shape) return;
  prog_.shape = std::move(s);
  prog_.order.push_back({ast::DeclKind::Shape, 0});
}

void Parser::parseFunc() {
  ast::FuncDecl f;
  f.trivia.leading = takeCommentsBefore(cur().range.begin.offset);
  const SourcePos begin = advance().range.begin;
  if (at(TokenKind::Ident)) {
    f.name = std::string(cur().text);
    f.nameRange = advance().range;
  } else {
    errorExpected(nameExpectation("function", cur()));
  }
  if (!panicking() && parseParams(f.params, "parameter") &&
      expect(TokenKind::Assign, "after the parameters of function '" + f.name + "'")) {
    f.body = parseExpr();
    expect(TokenKind::Semi, "after function '" + f.name + "'");
  }
  // A body cut short by an error is dropped: its half-parsed calls and tuples would only give
  // the checker wrong arities to report.
  if (!f.body || panic_) f.body = makeError(f.body ? f.body->range : cur().range);
  f.recovered = panic_;
  finishDecl(f.trivia, begin, f.range);
  if (f.name.empty()) return;
  prog_.order.push_back({ast::DeclKind::Func, static_cast<int>(prog_.funcs.size())});
  prog_.funcs.push_back(std::move(f));
}

void Parser::parseTransformer() {
  ast::TransformerDecl t;
  t.trivia.leading = takeCommentsBefore(cur().range.begin.offset);
  const SourcePos begin = advance().range.begin;
  if (at(TokenKind::Ident)) {
    t.name = std::string(cur().text);
    t.nameRange = advance().range;
  } else {
    errorExpected(nameExpectation("transformer", cur()));
    if (at(TokenKind::LBrace)) panic_ = false;  // go on with the rules
  }
  const Token& brace = cur();
  if (!panic_ && expect(TokenKind::LBrace, "to start the rules of transformer '" + t.name + "'")) {
    while (!at(TokenKind::RBrace) && !at(TokenKind::End) && !stopped_) {
      if (at(TokenKind::KwDef) || at(TokenKind::KwFunc) || at(TokenKind::KwTransformer) ||
          at(TokenKind::KwFlow))
        break;
      const std::size_t before = pos_;
      parseRule(t);
      if (panic_) {
        syncRule();
        panic_ = false;
      }
      if (pos_ == before) advance();
    }
    t.closingComments = takeCommentsBefore(cur().range.begin.offset);
    expectClosing(TokenKind::RBrace, brace);
  }
  finishDecl(t.trivia, begin, t.range);
  prog_.order.push_back({ast::DeclKind::Transformer, static_cast<int>(prog_.transformers.size())});
  prog_.transformers.push_back(std::move(t));
}

void Parser::parseRule(ast::TransformerDecl& t) {
  ast::Rule r;
  r.trivia.leading = takeCommentsBefore(cur().range.begin.offset);
  if (!at(TokenKind::Ident)) {
    errorExpected("an operator name (Affine, Relu, ...) or '}'");
    return;
  }
  const SourcePos begin = cur().range.begin;
  r.op = std::string(cur().text);
  r.opRange = advance().range;
  if (expect(TokenKind::Arrow, "after operator '" + r.op + "'")) {
    r.body = parseRuleBody();
    expect(TokenKind::Semi, "after the rule for '" + r.op + "'");
  }
  if (!r.body || panic_) r.body = makeError(r.body ? r.body->range : cur().range);
  finishDecl(r.trivia, begin, r.range);
  t.rules.push_back(std::move(r));
}

void Parser::parseFlow() {
  ast::FlowDecl f;
  f.trivia.leading = takeCommentsBefore(cur().range.begin.offset);
  const SourcePos begin = advance().range.begin;
  const Token& paren = cur();
  if (expect(TokenKind::LParen, "after 'flow'")) {
    if (at(TokenKind::KwForward) || at(TokenKind::KwBackward)) {
      f.direction = advance().kind == TokenKind::KwForward ? ast::Direction::Forward
                                                           : ast::Direction::Backward;
    } else {
      errorExpected("'forward' or 'backward'");
    }
    if (expect(TokenKind::Comma, "after the flow's direction")) {
      f.priority = parseExpr();
      if (expect(TokenKind::Comma, "after the flow's priority")) {
        f.stop = parseExpr();
        if (expect(TokenKind::Comma, "after the flow's stop condition")) {
          if (at(TokenKind::Ident)) {
            f.transformer = std::string(cur().text);
            f.transformerRange = advance().range;
            if (expectClosing(TokenKind::RParen, paren))
              expect(TokenKind::Semi, "after the flow statement");
          } else {
            errorExpected(nameExpectation("transformer", cur()));
          }
        }
      }
    }
  }
  if (!f.priority || panic_) f.priority = makeError(f.priority ? f.priority->range : cur().range);
  if (!f.stop || panic_) f.stop = makeError(f.stop ? f.stop->range : cur().range);
  finishDecl(f.trivia, begin, f.range);
  prog_.order.push_back({ast::DeclKind::Flow, static_cast<int>(prog_.flows.size())});
  prog_.flows.push_back(std::move(f));
}

}  // namespace cert::parser
