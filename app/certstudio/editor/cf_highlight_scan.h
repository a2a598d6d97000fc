// Highlighting from the compiler's own lexer: a chunk of whole lines -> coloured spans and braces.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cert::studio {

/// What a span of source text is, for colouring.
enum class HighlightKind {
  Default, Comment, Keyword, Type, Metadata, LayerOp, Number, Operator, ShapeMember, Identifier, Error
};

/// Bytes [begin, begin + length) of the scanned chunk have `kind`.
struct HighlightSpan {
  int begin = 0;
  int length = 0;
  HighlightKind kind = HighlightKind::Default;
};

/// Per line of the chunk: how it changes the `{` depth (for folding) and whether it ends inside
/// a `/* ... */` run (an error token that spans lines, so the next chunk must start inside it).
struct LineSummary {
  int opens = 0;
  int closes = 0;
  bool endsInBlockComment = false;
};

struct ChunkScan {
  std::vector<HighlightSpan> spans;  ///< only non-Default spans, in order, chunk-relative bytes
  std::vector<LineSummary> lines;    ///< one per line of the chunk
};

/// Highlights `chunk`, which must start at a line start and end at a line end (or the end of
/// the text). Tokens come from cert::lexer::lex, so the editor and the compiler always agree on
/// what a token is. Every token but a block comment ends on its line, so a chunk can be
/// re-lexed alone given only `startsInBlockComment` from the line before it. Identifiers named
/// in `shapeMembers` are ShapeMember; operator names (Relu, rev_Affine, ...) are LayerOp.
ChunkScan scanHighlightChunk(std::string_view chunk, bool startsInBlockComment,
                             const std::vector<std::string>& shapeMembers);

}  // namespace cert::studio
