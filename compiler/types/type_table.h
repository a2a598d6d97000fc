// The type checker's side table: the type of every expression node, by node id.
#pragma once

#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/types/type.h"

namespace cert::types {

/// Types by ast::NodeId. Nodes the checker did not reach (after errors) read as Error.
class TypeTable {
 public:
  TypeTable() = default;
  explicit TypeTable(int exprCount) : types_(static_cast<std::size_t>(exprCount)) {}

  const Type& of(ast::NodeId id) const {
    static const Type kError;
    return id >= 0 && static_cast<std::size_t>(id) < types_.size() ? types_[id] : kError;
  }
  const Type& of(const ast::Expr& e) const { return of(e.id); }
  void set(ast::NodeId id, Type t) {
    if (id >= 0 && static_cast<std::size_t>(id) < types_.size()) types_[id] = std::move(t);
  }
  std::size_t size() const { return types_.size(); }

 private:
  std::vector<Type> types_;
};

}  // namespace cert::types
