// The front end in one call: spec text -> AST, the type of every expression, diagnostics.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/types/type.h"
#include "compiler/types/type_table.h"
#include "core/diagnostics/diagnostic.h"

namespace cert {

struct FrontendResult {
  ast::Program program;               ///< recovered as far as possible after syntax errors
  types::TypeTable types;             ///< types.of(expr): the type of every expression
  std::vector<types::Type> funcTypes;  ///< per program.funcs index
  Diagnostics diagnostics;            ///< lexer, parser and checker findings, in source order
  bool parsed = false;                ///< no lexical or syntax errors (the AST is complete)

  /// No errors (warnings allowed): the program is ready for lowering.
  bool ok() const { return !hasErrors(diagnostics); }
};

/// Lexes, parses and type-checks `text`. The checker also runs on a partially recovered AST, so
/// one pass reports syntax and type errors; Error nodes keep it from cascading.
FrontendResult runFrontend(std::string_view text);

/// The bytes of a spec file, or nothing with `error` set ("cannot read 'x.cf': No such file").
std::optional<std::string> readSpecFile(const std::string& path, std::string* error);

}  // namespace cert
