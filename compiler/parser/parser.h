// Parser: ConstraintFlow text -> AST (recursive descent for declarations, precedence climbing
// for expressions), with error recovery at ';' and '}'.
#pragma once

#include <string_view>

#include "compiler/ast/ast.h"
#include "core/diagnostics/diagnostic.h"

namespace cert::parser {

struct ParseResult {
  ast::Program program;     ///< always present; after errors, holds what could be recovered
  Diagnostics diagnostics;  ///< lexical and syntax errors, in source order
};

/// Lexes and parses a whole spec. Never throws; bounded in time and stack on any input.
ParseResult parse(std::string_view text);

/// Nesting limits: deeper input gets one diagnostic instead of exhausting the stack.
inline constexpr int kMaxNesting = 200;     ///< parentheses, calls, prefix operators, ...
inline constexpr int kMaxExprHeight = 500;  ///< height of one expression tree (long chains)
/// After this many errors the parser stops with a final "too many errors" diagnostic.
inline constexpr int kMaxErrors = 100;

}  // namespace cert::parser
