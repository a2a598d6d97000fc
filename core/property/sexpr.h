// A reader for S-expressions (the SMT-LIB surface of VNN-LIB) that keeps every token's position.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"

namespace cert {

/// An atom (symbol, number, keyword, "string") or a parenthesized list.
struct SExpr {
  enum class Kind { Atom, List };
  Kind kind = Kind::Atom;
  std::string text;           ///< the atom's token; empty for lists
  SourceRange range;          ///< the token, or '(' through ')'
  std::vector<SExpr> items;   ///< a list's elements

  bool isAtom() const { return kind == Kind::Atom; }
  bool isList() const { return kind == Kind::List; }
  /// The text of a list's first element when it is an atom, else "".
  const std::string& head() const;
};

/// Lists nested deeper than this are an error (the readers of the tree recurse over it).
inline constexpr int kMaxSExprDepth = 512;

/// Reads every top-level form. `;` starts a comment to the end of the line. Errors: a ')' without
/// its '(' (skipped), a '(' never closed (reported at the '(' that opens the unfinished
/// top-level form; that form is dropped) and a '(' nested more than kMaxSExprDepth deep (reported
/// there; reading stops and the unfinished form is dropped). The value holds the complete forms
/// even on error.
Result<std::vector<SExpr>> parseSExprs(const std::string& text);

}  // namespace cert
