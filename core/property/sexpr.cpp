// S-expression reader with positions: tokens, nesting, unbalanced-parenthesis diagnostics.
#include "core/property/sexpr.h"

namespace cert {

const std::string& SExpr::head() const {
  static const std::string kEmpty;
  if (kind != Kind::List || items.empty() || !items.front().isAtom()) return kEmpty;
  return items.front().text;
}

namespace {

class Reader {
 public:
  explicit Reader(const std::string& text) : text_(text) {}

  Result<std::vector<SExpr>> read() {
    Result<std::vector<SExpr>> result;
    std::vector<SExpr> forms;
    std::vector<SExpr> open;  // lists begun and not yet closed, outermost first
    while (skipBlanksAndComments()) {
      const SourcePos start = pos_;
      const char c = text_[static_cast<size_t>(pos_.offset)];
      if (c == '(') {
        advance();
        if (open.size() >= static_cast<size_t>(kMaxSExprDepth)) {
          result.diagnostics.push_back(Diagnostic::error(
              "expressions nested more than " + std::to_string(kMaxSExprDepth) + " levels deep",
              {start, pos_}));
          result.value = std::move(forms);
          return result;
        }
        SExpr list;
        list.kind = SExpr::Kind::List;
        list.range = {start, pos_};
        open.push_back(std::move(list));
      } else if (c == ')') {
        advance();
        if (open.empty()) {
          result.diagnostics.push_back(
              Diagnostic::error("unbalanced parentheses: ')' without a matching '('", {start, pos_}));
          continue;
        }
        SExpr done = std::move(open.back());
        open.pop_back();
        done.range.end = pos_;
        place(std::move(done), open, forms);
      } else {
        place(readAtom(), open, forms);
      }
    }
    if (!open.empty())
      result.diagnostics.push_back(Diagnostic::error(
          "unbalanced parentheses: this '(' is never closed", open.front().range));
    result.value = std::move(forms);
    return result;
  }

 private:
  static void place(SExpr e, std::vector<SExpr>& open, std::vector<SExpr>& forms) {
    if (open.empty())
      forms.push_back(std::move(e));
    else
      open.back().items.push_back(std::move(e));
  }

  bool atEnd() const { return static_cast<size_t>(pos_.offset) >= text_.size(); }
  char peek() const { return text_[static_cast<size_t>(pos_.offset)]; }

  void advance() {
    if (peek() == '\n') {
      ++pos_.line;
      pos_.col = 1;
    } else {
      ++pos_.col;
    }
    ++pos_.offset;
  }

  /// Skips white space and comments; false at the end of the text.
  bool skipBlanksAndComments() {
    while (!atEnd()) {
      const char c = peek();
      if (c == ';') {
        while (!atEnd() && peek() != '\n') advance();
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        advance();
      } else {
        return true;
      }
    }
    return false;
  }

  SExpr readAtom() {
    SExpr atom;
    const SourcePos start = pos_;
    const char first = peek();
    if (first == '"' || first == '|') {  // string literal or quoted symbol: up to the closing mark
      advance();
      while (!atEnd() && peek() != first) advance();
      if (!atEnd()) advance();
    } else {
      while (!atEnd()) {
        const char c = peek();
        if (c == '(' || c == ')' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
            c == '\f' || c == '\v')
          break;
        advance();
      }
    }
    atom.text = text_.substr(static_cast<size_t>(start.offset),
                             static_cast<size_t>(pos_.offset - start.offset));
    atom.range = {start, pos_};
    return atom;
  }

  const std::string& text_;
  SourcePos pos_{1, 1, 0};
};

}  // namespace

Result<std::vector<SExpr>> parseSExprs(const std::string& text) { return Reader(text).read(); }

}  // namespace cert
