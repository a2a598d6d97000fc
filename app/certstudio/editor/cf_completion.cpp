// Completion lists: language words from the compiler's tables, spec words from its AST.
#include "app/certstudio/editor/cf_completion.h"

#include <algorithm>

#include "compiler/ast/ast.h"
#include "compiler/lexer/token.h"
#include "compiler/types/operators.h"

namespace cert::studio {
namespace {

using cert::lexer::TokenKind;

bool isIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '\'';
}

/// Every keyword spelling (types and metadata included), from the lexer's own table.
const std::vector<std::string>& languageWords() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> v;
    for (int k = static_cast<int>(TokenKind::KwDef); k <= static_cast<int>(TokenKind::KwEquations); ++k)
      v.emplace_back(cert::lexer::tokenSpelling(static_cast<TokenKind>(k)));
    for (const std::string& op : cert::types::operatorNames()) v.push_back(op);
    return v;
  }();
  return words;
}

const std::vector<std::string>& metadataWords() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> v;
    for (int k = static_cast<int>(TokenKind::KwWeight); k <= static_cast<int>(TokenKind::KwEquations); ++k)
      v.emplace_back(cert::lexer::tokenSpelling(static_cast<TokenKind>(k)));
    return v;
  }();
  return words;
}

/// The trailing identifier of `s`.
std::string_view trailingWord(std::string_view s) {
  std::size_t i = s.size();
  while (i > 0 && isIdentChar(s[i - 1])) --i;
  return s.substr(i);
}

void addMatching(std::vector<std::string>& out, const std::vector<std::string>& words, std::string_view prefix) {
  for (const std::string& w : words)
    if (w.starts_with(prefix)) out.push_back(w);
}

}  // namespace

SpecOutline outlineOf(const cert::ast::Program& program) {
  SpecOutline o;
  if (program.shape)
    for (const cert::ast::Param& m : program.shape->members)
      if (!m.name.empty()) o.shapeMembers.push_back(m.name);
  for (const cert::ast::FuncDecl& f : program.funcs) {
    if (f.name.empty()) continue;
    std::string sig = f.name + "(";
    for (std::size_t i = 0; i < f.params.size(); ++i) {
      if (i > 0) sig += ", ";
      sig += cert::ast::typeNameString(f.params[i].type) + " " + f.params[i].name;
    }
    o.funcs.push_back({f.name, sig + ")"});
  }
  return o;
}

Completion completionsAt(std::string_view lineBefore, const SpecOutline& outline, int minPrefix) {
  if (lineBefore.find("//") != std::string_view::npos) return {};
  const std::string_view prefix = trailingWord(lineBefore);
  if (!prefix.empty() && prefix.front() >= '0' && prefix.front() <= '9') return {};
  std::string_view rest = lineBefore.substr(0, lineBefore.size() - prefix.size());
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);

  Completion c;
  c.prefixLength = static_cast<int>(prefix.size());
  if (!rest.empty() && rest.back() == '[') {
    addMatching(c.items, outline.shapeMembers, prefix);
    addMatching(c.items, metadataWords(), prefix);
  } else {
    if (static_cast<int>(prefix.size()) < std::max(1, minPrefix)) return {};
    addMatching(c.items, languageWords(), prefix);
    for (const SpecOutline::Func& f : outline.funcs)
      if (f.name.starts_with(prefix)) c.items.push_back(f.name);
  }
  std::sort(c.items.begin(), c.items.end());
  c.items.erase(std::unique(c.items.begin(), c.items.end()), c.items.end());
  if (c.items.size() == 1 && c.items.front() == prefix) c.items.clear();
  return c;
}

std::string callTipAt(std::string_view lineBefore, const SpecOutline& outline) {
  if (lineBefore.empty() || lineBefore.back() != '(') return {};
  const std::string_view name = trailingWord(lineBefore.substr(0, lineBefore.size() - 1));
  for (const SpecOutline::Func& f : outline.funcs)
    if (f.name == name) return f.signature;
  return {};
}

}  // namespace cert::studio
