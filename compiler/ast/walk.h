// Walking the AST: every expression root of a Program, and every node under an expression.
#pragma once

#include <vector>

#include "compiler/ast/ast.h"

namespace cert::ast {

/// Calls fn(const Expr&) on every node under root, parents before children, left to right.
/// Iterative, so deep trees cannot overflow the stack.
template <class Fn>
void visitPreorder(const Expr& root, Fn&& fn) {
  std::vector<const Expr*> stack{&root};
  while (!stack.empty()) {
    const Expr* e = stack.back();
    stack.pop_back();
    fn(*e);
    for (auto it = e->kids.rbegin(); it != e->kids.rend(); ++it)
      if (*it) stack.push_back(it->get());
  }
}

/// Calls fn(const Expr&) on each top-level expression of the program (shape constraints,
/// function bodies, rule bodies, flow priority and stop), in source order of their kind.
template <class Fn>
void forEachRoot(const Program& p, Fn&& fn) {
  if (p.shape)
    for (const auto& c : p.shape->constraints)
      if (c) fn(*c);
  for (const auto& f : p.funcs)
    if (f.body) fn(*f.body);
  for (const auto& t : p.transformers)
    for (const auto& r : t.rules)
      if (r.body) fn(*r.body);
  for (const auto& f : p.flows) {
    if (f.priority) fn(*f.priority);
    if (f.stop) fn(*f.stop);
  }
}

/// Calls fn(const Expr&) on every expression node of the program.
template <class Fn>
void forEachExpr(const Program& p, Fn&& fn) {
  forEachRoot(p, [&](const Expr& root) { visitPreorder(root, fn); });
}

}  // namespace cert::ast
