// AST dump: an indented tree, one node per line with its kind, key fields, position and type
// (certc compile --emit=ast; stable for golden tests).
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/types/type_table.h"

namespace cert::printer {

struct DumpOptions {
  bool positions = true;                    ///< append "@line:col" to each node
  const types::TypeTable* types = nullptr;  ///< append ": Type" to each expression
  const std::vector<types::Type>* funcTypes = nullptr;  ///< append ": Type" to each function
};

/// E.g. "Binary <= @1:60 : Ct"; two spaces of indentation per level.
std::string dumpAst(const ast::Program& program, const DumpOptions& options = {});

}  // namespace cert::printer
