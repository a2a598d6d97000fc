// The type lattice of LANGUAGE.md section 3: base types, `T List`, function types, subtyping.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"

namespace cert::types {

enum class Kind {
  Int, Float, Bool, Neuron, Noise, PolyExp, SymExp, Ct,  // value types (as ast::BaseType)
  Func,   ///< a function value: a function name or a partial application
  Tuple,  ///< a rule's result (one value per shape member)
  Error,  ///< unknown after an error; accepted everywhere so one mistake gives one diagnostic
};

struct FuncSig;

/// A type: a kind with `listDepth` List suffixes; Func types carry their signature.
struct Type {
  Kind kind = Kind::Error;
  int listDepth = 0;
  std::shared_ptr<const FuncSig> sig;  ///< Func only: the parameters still to be given

  static Type of(Kind k, int listDepth = 0) { return Type{k, listDepth, nullptr}; }
  static Type error() { return Type{}; }
  static Type fromName(const ast::TypeName& t);
  static Type func(std::vector<Type> params, Type result);

  bool isError() const { return kind == Kind::Error; }
  bool isList() const { return listDepth > 0; }
  bool isScalar(Kind k) const { return kind == k && listDepth == 0; }
  Type element() const { return Type{kind, listDepth - 1, sig}; }
  Type listOf() const { return Type{kind, listDepth + 1, sig}; }
  /// "Float", "Neuron List", "(Neuron, Float) -> Float", "<error>"
  std::string str() const;
};

/// A function's parameter types and result type.
struct FuncSig {
  std::vector<Type> params;
  Type result;
};

/// a <= b in the lattice (Int <= Float <= PolyExp, Float <= SymExp, Neuron <= PolyExp,
/// Noise <= SymExp, Bool <= Ct; lists covariantly). Error is related to everything.
bool isSubtype(const Type& a, const Type& b);
/// The least upper bound, or nothing (PolyExp and SymExp have none).
std::optional<Type> join(const Type& a, const Type& b);
/// An arithmetic result cannot stay a single neuron/noise symbol: Neuron -> PolyExp,
/// Noise -> SymExp (lists element-wise).
Type promote(const Type& t);
/// Int, Float, Neuron, Noise, PolyExp or SymExp (not a list).
bool isArithmetic(const Type& t);
/// "(Neuron, Float)"
std::string paramList(const std::vector<Type>& params);

}  // namespace cert::types
