// Highlighting scan: compiler/lexer tokens and comments mapped to highlight kinds, per line.
#include "app/certstudio/editor/cf_highlight_scan.h"

#include <algorithm>

#include "compiler/lexer/lexer.h"
#include "compiler/types/operators.h"

namespace cert::studio {
namespace {

using cert::lexer::TokenKind;

/// What `/*` prepends when a chunk starts inside a block comment (see scanHighlightChunk).
constexpr std::string_view kBlockOpen = "/*";

HighlightKind kindOf(const cert::lexer::Token& t, const std::vector<std::string>& shapeMembers) {
  switch (t.kind) {
    case TokenKind::End: return HighlightKind::Default;
    case TokenKind::Error: return HighlightKind::Error;
    case TokenKind::Int:
    case TokenKind::Float: return HighlightKind::Number;
    case TokenKind::Ident:
      if (std::find(shapeMembers.begin(), shapeMembers.end(), t.text) != shapeMembers.end())
        return HighlightKind::ShapeMember;
      if (cert::types::findOperator(t.text)) return HighlightKind::LayerOp;
      return HighlightKind::Identifier;
    default: break;
  }
  if (cert::lexer::isMetadataKeyword(t.kind)) return HighlightKind::Metadata;
  if (cert::lexer::isTypeKeyword(t.kind) || t.kind == TokenKind::KwList) return HighlightKind::Type;
  if (cert::lexer::isKeyword(t.kind)) return HighlightKind::Keyword;
  return HighlightKind::Operator;  // every other kind is punctuation
}

}  // namespace

ChunkScan scanHighlightChunk(std::string_view chunk, bool startsInBlockComment,
                             const std::vector<std::string>& shapeMembers) {
  // Inside a block comment the compiler sees the chunk as the tail of a `/* ...` error token;
  // lexing "/*" + chunk reproduces exactly that, and the prefix is shifted away below.
  std::string prefixed;
  std::string_view text = chunk;
  int shift = 0;
  if (startsInBlockComment) {
    prefixed.reserve(chunk.size() + kBlockOpen.size());
    prefixed.append(kBlockOpen).append(chunk);
    text = prefixed;
    shift = static_cast<int>(kBlockOpen.size());
  }
  const cert::lexer::LexResult lexed = cert::lexer::lex(text);

  ChunkScan out;
  out.lines.resize(static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n')) + 1);
  auto lineAt = [&out](int oneBasedLine) -> LineSummary& {
    const auto i = static_cast<std::size_t>(std::max(1, oneBasedLine) - 1);
    return out.lines[std::min(i, out.lines.size() - 1)];
  };
  auto push = [&](const cert::SourceRange& r, HighlightKind kind) {
    const int begin = std::max(0, r.begin.offset - shift);
    const int end = r.end.offset - shift;
    if (kind != HighlightKind::Default && end > begin) out.spans.push_back({begin, end - begin, kind});
  };

  auto comment = lexed.comments.begin();
  for (const cert::lexer::Token& t : lexed.tokens) {
    for (; comment != lexed.comments.end() && comment->range.begin.offset < t.range.begin.offset; ++comment)
      push(comment->range, HighlightKind::Comment);
    push(t.range, kindOf(t, shapeMembers));
    if (t.kind == TokenKind::LBrace) ++lineAt(t.range.begin.line).opens;
    if (t.kind == TokenKind::RBrace) ++lineAt(t.range.begin.line).closes;
    if (t.kind == TokenKind::Error && t.text.starts_with(kBlockOpen)) {
      const bool closed = t.text.size() >= 4 && t.text.ends_with("*/");
      const int last = closed ? t.range.end.line - 1 : t.range.end.line;
      for (int line = t.range.begin.line; line <= last; ++line) lineAt(line).endsInBlockComment = true;
    }
  }
  for (; comment != lexed.comments.end(); ++comment) push(comment->range, HighlightKind::Comment);
  return out;
}

}  // namespace cert::studio
