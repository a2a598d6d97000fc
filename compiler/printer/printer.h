// Canonical printer: AST -> ConstraintFlow text (certc fmt). parse(print(p)) is structurally
// equal to p; comments attached to declarations and rules are kept.
#pragma once

#include <string>

#include "compiler/ast/ast.h"

namespace cert::printer {

/// The whole program, one declaration per line (long rules wrapped), ending with a newline.
std::string printProgram(const ast::Program& program);
/// One expression on one line, with the fewest parentheses that keep its tree.
std::string printExpr(const ast::Expr& e);

}  // namespace cert::printer
