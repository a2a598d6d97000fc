// A hand-written, regex-free scan of one line of ConstraintFlow into highlight spans and brace counts.
#pragma once

#include <string_view>
#include <vector>

namespace cert::studio {

/// What a span of source text is, for colouring.
enum class HighlightKind { Default, Comment, Keyword, Type, Metadata, LayerOp, Number, Operator };

/// Bytes [begin, begin + length) of the scanned line have `kind`.
struct HighlightSpan {
  int begin = 0;
  int length = 0;
  HighlightKind kind = HighlightKind::Default;
};

/// The spans of one line, and how the line changes the `{` nesting depth (for folding).
struct LineScan {
  std::vector<HighlightSpan> spans;  ///< only non-Default spans, in order
  int opens = 0;                     ///< '{' outside comments
  int closes = 0;                    ///< '}' outside comments
};

/// Scans one line (without its newline). ConstraintFlow has only `//` comments, so a line can be
/// scanned on its own; that is what lets the editor restyle any line range independently.
LineScan scanHighlightLine(std::string_view line);

/// The kind of a bare word: Keyword, Type, Metadata, LayerOp, or Default for other identifiers.
HighlightKind classifyWord(std::string_view word);

}  // namespace cert::studio
