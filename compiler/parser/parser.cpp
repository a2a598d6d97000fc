// The parser's driver: token stream, diagnostics, panic-mode recovery and comment bookkeeping.
#include <algorithm>

#include "compiler/parser/parser_impl.h"

namespace cert::parser {

using lexer::describeToken;
using lexer::tokenSpelling;

Parser::Parser(std::string_view text, lexer::LexResult lexed)
    : text_(text), tokens_(std::move(lexed.tokens)), comments_(std::move(lexed.comments)) {
  diags_ = std::move(lexed.diagnostics);
  if (diags_.size() > static_cast<std::size_t>(kMaxErrors)) {
    const SourceRange at = diags_[kMaxErrors].range;
    diags_.resize(kMaxErrors);
    diags_.push_back(Diagnostic::error("too many errors; stopping here", at));
    stopped_ = true;
  }
  errors_ = static_cast<int>(diags_.size());
}

ParseResult Parser::run() {
  while (!at(TokenKind::End) && !stopped_) {
    const std::size_t before = pos_;
    parseDecl();
    if (panic_) {
      syncTopLevel();
      panic_ = false;
    }
    if (pos_ == before && !at(TokenKind::End)) advance();
  }
  for (; nextComment_ < comments_.size(); ++nextComment_)
    prog_.endComments.emplace_back(comments_[nextComment_].text);
  std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.range.begin.offset < b.range.begin.offset;
  });
  return {std::move(prog_), std::move(diags_)};
}

const Token& Parser::peekAt(int k) const {
  const std::size_t i = std::min(pos_ + static_cast<std::size_t>(k), tokens_.size() - 1);
  return tokens_[i];
}

const Token& Parser::advance() {
  const Token& t = tokens_[pos_];
  if (t.kind != TokenKind::End) {
    lastEnd_ = t.range.end;
    ++pos_;
  }
  return t;
}

bool Parser::accept(TokenKind k) {
  if (!at(k)) return false;
  advance();
  return true;
}

namespace {

/// Where a missing token is reported: right after the previous token when the token found is on
/// a later line (a missing ';' at the end of a line), else at the token found.
SourceRange missingTokenRange(const Token& found, SourcePos lastEnd) {
  if (lastEnd.line > 0 && found.range.begin.line > lastEnd.line) return {lastEnd, lastEnd};
  return found.range;
}

std::string posString(const SourcePos& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.col);
}

}  // namespace

bool Parser::expect(TokenKind k, const std::string& context) {
  if (accept(k)) return true;
  if (panicking()) return false;
  panic_ = true;
  if (at(TokenKind::Error)) return false;
  error("expected '" + std::string(tokenSpelling(k)) + "' " + context + ", found " +
            describeToken(cur()),
        missingTokenRange(cur(), lastEnd_));
  return false;
}

bool Parser::expectClosing(TokenKind k, const Token& open) {
  if (accept(k)) return true;
  if (panicking()) return false;
  panic_ = true;
  if (at(TokenKind::Error)) return false;
  error("expected '" + std::string(tokenSpelling(k)) + "' to close '" + std::string(open.text) +
            "' at " + posString(open.range.begin) + ", found " + describeToken(cur()),
        missingTokenRange(cur(), lastEnd_));
  return false;
}

void Parser::error(std::string message, SourceRange range) {
  if (stopped_) return;
  if (++errors_ > kMaxErrors) {
    diags_.push_back(Diagnostic::error("too many errors; stopping here", range));
    stopped_ = true;
    return;
  }
  diags_.push_back(Diagnostic::error(std::move(message), range));
}

void Parser::errorExpected(const std::string& what) {
  if (panicking()) return;
  panic_ = true;
  if (at(TokenKind::Error)) return;  // the lexer has reported these bytes
  error("expected " + what + ", found " + describeToken(cur()), cur().range);
}

namespace {
bool startsDecl(TokenKind k) {
  return k == TokenKind::KwDef || k == TokenKind::KwFunc || k == TokenKind::KwTransformer ||
         k == TokenKind::KwFlow;
}
}  // namespace

void Parser::syncTopLevel() {
  while (!at(TokenKind::End)) {
    if (startsDecl(cur().kind)) return;
    const TokenKind k = advance().kind;
    if (k == TokenKind::Semi || k == TokenKind::RBrace) return;
  }
}

void Parser::syncRule() {
  while (!at(TokenKind::End) && !at(TokenKind::RBrace) && !startsDecl(cur().kind)) {
    if (at(TokenKind::Ident) && peekAt(1).kind == TokenKind::Arrow) return;
    if (advance().kind == TokenKind::Semi) return;
  }
}

SourceRange Parser::rangeFrom(const SourcePos& begin) const {
  if (lastEnd_.offset < begin.offset) return {begin, begin};
  return {begin, lastEnd_};
}

std::vector<std::string> Parser::takeCommentsBefore(int offset) {
  std::vector<std::string> out;
  while (nextComment_ < comments_.size() && comments_[nextComment_].range.begin.offset < offset)
    out.emplace_back(comments_[nextComment_++].text);
  return out;
}

std::string Parser::takeTrailingComment(int line) {
  if (nextComment_ >= comments_.size()) return {};
  const auto& c = comments_[nextComment_];
  if (c.range.begin.line != line || c.range.begin.offset > cur().range.begin.offset) return {};
  ++nextComment_;
  return std::string(c.text);
}

void Parser::finishDecl(ast::Trivia& trivia, SourcePos begin, SourceRange& range) {
  range = rangeFrom(begin);
  for (auto& c : takeCommentsBefore(lastEnd_.offset)) trivia.leading.push_back(std::move(c));
  trivia.trailing = takeTrailingComment(lastEnd_.line);
}

ParseResult parse(std::string_view text) {
  return Parser(text, lexer::lex(text)).run();
}

}  // namespace cert::parser
