// The hand-written lexer: one pass over the bytes, tracking line and column.
#include "compiler/lexer/lexer.h"

#include <charconv>
#include <cstdio>

namespace cert::lexer {
namespace {

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c) || c == '\''; }
bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool isPunctStart(char c) {
  switch (c) {
    case '+': case '-': case '*': case '/': case '=': case '!': case '<': case '>': case '?':
    case ':': case ',': case ';': case '.': case '[': case ']': case '(': case ')': case '{':
    case '}':
      return true;
    default:
      return false;
  }
}
bool startsToken(char c) { return isSpace(c) || isIdentStart(c) || isDigit(c) || isPunctStart(c); }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  LexResult run() {
    out_.tokens.reserve(text_.size() / 4 + 16);  // specs average well over 4 bytes per token
    // A UTF-8 byte order mark (some editors write one) is not part of the spec.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    while (true) {
      skipSpaceAndComments();
      if (atEnd()) break;
      lexToken();
    }
    const SourcePos end = here();
    out_.tokens.push_back({TokenKind::End, text_.substr(text_.size()), {end, end}});
    return std::move(out_);
  }

 private:
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek(std::size_t k = 0) const { return pos_ + k < text_.size() ? text_[pos_ + k] : '\0'; }
  SourcePos here() const { return {line_, col_, static_cast<int>(pos_)}; }

  void bump() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }

  void skipSpaceAndComments() {
    while (!atEnd()) {
      if (isSpace(peek())) {
        bump();
      } else if (peek() == '/' && peek(1) == '/') {
        const SourcePos begin = here();
        while (!atEnd() && peek() != '\n') bump();
        std::string_view body = text_.substr(begin.offset, pos_ - begin.offset);
        if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
        out_.comments.push_back({body, {begin, here()}});
      } else {
        return;
      }
    }
  }

  void emit(TokenKind kind, SourcePos begin) {
    out_.tokens.push_back({kind, text_.substr(begin.offset, pos_ - begin.offset), {begin, here()}});
  }

  void error(SourcePos begin, std::string message) {
    emit(TokenKind::Error, begin);
    out_.diagnostics.push_back(Diagnostic::error(std::move(message), {begin, here()}));
  }

  void lexToken() {
    const SourcePos begin = here();
    const char c = peek();
    if (isIdentStart(c)) {
      while (isIdentChar(peek())) bump();
      emit(keywordKind(text_.substr(begin.offset, pos_ - begin.offset)), begin);
    } else if (isDigit(c)) {
      lexNumber(begin);
    } else if (c == '.' && isDigit(peek(1))) {
      bump();
      while (isDigit(peek())) bump();
      error(begin, "invalid number '" + spelled(begin) + "': a float needs digits before the point");
    } else if (c == '/' && peek(1) == '*') {
      // Not ConstraintFlow; skip to "*/" so the rest of the block gives no further noise.
      while (!atEnd() && !(peek() == '*' && peek(1) == '/')) bump();
      if (!atEnd()) { bump(); bump(); }
      error(begin, "block comments ('/* */') are not part of ConstraintFlow; use '//'");
    } else if (isPunctStart(c)) {
      lexPunct(begin);
    } else {
      lexInvalid(begin);
    }
  }

  std::string spelled(SourcePos begin) const {
    return std::string(text_.substr(begin.offset, pos_ - begin.offset));
  }

  void lexNumber(SourcePos begin) {
    while (isDigit(peek())) bump();
    bool isFloat = false;
    if (peek() == '.' && isDigit(peek(1))) {
      isFloat = true;
      bump();
      while (isDigit(peek())) bump();
      if ((peek() == 'e' || peek() == 'E') &&
          (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
        bump();
        if (peek() == '+' || peek() == '-') bump();
        while (isDigit(peek())) bump();
      }
    } else if (peek() == '.' && !isIdentStart(peek(1))) {
      bump();
      return error(begin, "invalid number '" + spelled(begin) + "': a float needs digits after the point");
    }
    if (isIdentChar(peek()) || (peek() == '.' && isDigit(peek(1)))) {
      while (isIdentChar(peek()) || (peek() == '.' && isDigit(peek(1)))) bump();
      return error(begin, "invalid number '" + spelled(begin) +
                              "' (floats are written with a point and digits on both sides, "
                              "like 1.0e5)");
    }
    const std::string_view s = text_.substr(begin.offset, pos_ - begin.offset);
    if (isFloat) {
      double v = 0;
      const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (r.ec != std::errc()) return error(begin, "float '" + spelled(begin) + "' is out of range");
      return emit(TokenKind::Float, begin);
    }
    long long v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc()) return error(begin, "integer '" + spelled(begin) + "' is too large");
    emit(TokenKind::Int, begin);
  }

  void lexPunct(SourcePos begin) {
    const char c = peek();
    const char n = peek(1);
    TokenKind kind = TokenKind::Error;
    int len = 1;
    switch (c) {
      case '+': kind = TokenKind::Plus; break;
      case '-': kind = n == '>' ? (len = 2, TokenKind::Arrow) : TokenKind::Minus; break;
      case '*': kind = TokenKind::Star; break;
      case '/': kind = TokenKind::Slash; break;
      case '=': kind = n == '=' ? (len = 2, TokenKind::EqEq) : TokenKind::Assign; break;
      case '!': kind = n == '=' ? (len = 2, TokenKind::NotEq) : TokenKind::Bang; break;
      case '<': kind = n == '=' ? (len = 2, TokenKind::Le) : TokenKind::Lt; break;
      case '>': kind = n == '=' ? (len = 2, TokenKind::Ge) : TokenKind::Gt; break;
      case '?': kind = TokenKind::Question; break;
      case ':': kind = TokenKind::Colon; break;
      case ',': kind = TokenKind::Comma; break;
      case ';': kind = TokenKind::Semi; break;
      case '.': kind = TokenKind::Dot; break;
      case '[': kind = TokenKind::LBracket; break;
      case ']': kind = TokenKind::RBracket; break;
      case '(': kind = TokenKind::LParen; break;
      case ')': kind = TokenKind::RParen; break;
      case '{': kind = TokenKind::LBrace; break;
      case '}': kind = TokenKind::RBrace; break;
      default: break;
    }
    for (int i = 0; i < len; ++i) bump();
    emit(kind, begin);
  }

  /// A run of bytes that start no token becomes one Error token and one diagnostic.
  void lexInvalid(SourcePos begin) {
    bool printable = true;
    while (!atEnd() && !startsToken(peek())) {
      const auto b = static_cast<unsigned char>(peek());
      if (b < 0x20 || b >= 0x7f) printable = false;
      bump();
    }
    const std::string run = spelled(begin);
    std::string msg;
    if (printable) {
      msg = "unexpected character" + std::string(run.size() > 1 ? "s" : "") + " '" + run + "'";
      if (run.find('&') != std::string::npos) msg += " (write 'and')";
      else if (run.find('|') != std::string::npos) msg += " (write 'or')";
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(run[0]));
      msg = std::string("unexpected byte ") + hex;
      if (run.size() > 1) msg += " (and " + std::to_string(run.size() - 1) + " more)";
      msg += "; only ASCII is allowed outside comments";
    }
    error(begin, std::move(msg));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
  LexResult out_;
};

}  // namespace

LexResult lex(std::string_view text) { return Lexer(text).run(); }

}  // namespace cert::lexer
