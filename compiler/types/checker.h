// Type checker: AST -> the type of every expression (by node id) + diagnostics
// (LANGUAGE.md sections 3 and 4).
#pragma once

#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/types/type.h"
#include "compiler/types/type_table.h"
#include "core/diagnostics/diagnostic.h"

namespace cert::types {

struct CheckResult {
  TypeTable types;              ///< every expression's type, by node id
  std::vector<Type> funcTypes;  ///< per Program::funcs index: its Func type (Error if broken)
  Diagnostics diagnostics;      ///< errors and warnings, in source order
};

struct CheckOptions {
  /// False after syntax errors: the program lacks what the parser skipped, so the checker
  /// reports only errors in what is there (no missing shape/flow, no warnings).
  bool complete = true;
};

/// Checks a whole program. Each mistake gives one diagnostic at the offending sub-expression;
/// expressions depending on it get the Error type silently.
CheckResult typeCheck(const ast::Program& program, const CheckOptions& options = {});

}  // namespace cert::types
