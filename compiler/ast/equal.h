// Structural equality of ASTs: same shape and fields, ignoring source ranges, ids and comments.
#pragma once

#include "compiler/ast/ast.h"

namespace cert::ast {

/// True when a and b have the same kinds, fields and children (ranges, ids, heights ignored).
bool structurallyEqual(const Expr& a, const Expr& b);
/// Same for whole programs: declarations, their order, names, types and expressions.
bool structurallyEqual(const Program& a, const Program& b);

}  // namespace cert::ast
