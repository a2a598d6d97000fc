// Lexer: ConstraintFlow text -> tokens with source ranges, comments, and lexical diagnostics.
#pragma once

#include <string_view>
#include <vector>

#include "compiler/lexer/token.h"
#include "core/diagnostics/diagnostic.h"

namespace cert::lexer {

/// A `//` comment: its text (with the slashes, without the newline) and where it is.
struct Comment {
  std::string_view text;
  SourceRange range;
};

struct LexResult {
  std::vector<Token> tokens;  ///< always ends with one End token
  std::vector<Comment> comments;
  Diagnostics diagnostics;
};

/// Splits `text` into tokens. Never fails: rejected bytes become one Error token per run, each
/// with one diagnostic. Tokens and comments point into `text`, which must outlive the result.
LexResult lex(std::string_view text);

}  // namespace cert::lexer
