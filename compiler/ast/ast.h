// The ConstraintFlow AST: a Program of declarations whose expressions are one node type, Expr.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics/diagnostic.h"

namespace cert::ast {

/// The base types of LANGUAGE.md section 3 (`ZonoExp` in old specs is read as SymExp).
enum class BaseType { Int, Float, Bool, Neuron, Noise, PolyExp, SymExp, Ct };

/// A declared type: a base and how many `List` suffixes follow it (`Neuron List` = {Neuron, 1}).
struct TypeName {
  BaseType base = BaseType::Float;
  int listDepth = 0;
  SourceRange range;
};

/// What an Expr is. The comment on each kind lists its `kids` and the fields it uses.
enum class ExprKind {
  IntLit,       ///< intValue (a leading sign is folded in), text
  FloatLit,     ///< floatValue, text (the spelling, for printing)
  BoolLit,      ///< boolValue
  Name,         ///< name: a parameter or a function used as a value
  Curr,         ///< `curr`
  Prev,         ///< `prev`
  PrevIndexed,  ///< `prev_0` / `prev_1`: prevIndex
  CurrList,     ///< `curr_list`
  Eps,          ///< `eps`
  Unary,        ///< unaryOp; kids [operand]
  Binary,       ///< binaryOp; kids [lhs, rhs]
  Ternary,      ///< kids [cond, then, else]; also `if c then a else b fi`
  Member,       ///< `e[m]`: name = m (shape member or metadata); kids [e]
  Call,         ///< name = callee; kids = arguments (fewer than the parameters: partial)
  Builtin,      ///< builtin (max, min, sum, len, avg, argmax, argmin); kids = arguments
  Dot,          ///< `a.dot(b)`: kids [a, b]
  Map,          ///< `e.map(f)`: kids [e, f]
  MapList,      ///< `e.map_list(f)`: kids [e, f]
  Concat,       ///< `a.concat(b)`: kids [a, b]
  Traverse,     ///< direction; kids [e, priority, stop, replace, invariant]
  Lp,           ///< goal; kids [objective, constraint...]
  Tuple,        ///< `(a, b, ...)` with two or more elements: a rule's result
  List,         ///< `[a, b, ...]`
  Error,        ///< placeholder the parser leaves where it recovered from a syntax error
};

enum class UnaryOp { Neg, Not, Sigma, SigmaTangent, SigmaTangentTable, TanhTangentTable };
enum class BinaryOp { Add, Sub, Mul, Div, Eq, Ne, Lt, Le, Gt, Ge, In, And, Or };
enum class BuiltinFn { Max, Min, Sum, Len, Avg, Argmax, Argmin };
enum class Direction { Forward, Backward };
enum class LpGoal { Minimize, Maximize };

/// Ids are unique and below Program::exprCount (dense when parsing succeeded): index side
/// tables (types, shapes, IR origins) by id.
using NodeId = int;

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// One expression node. Fields not listed for a kind keep their defaults.
struct Expr {
  ExprKind kind = ExprKind::Error;
  NodeId id = -1;
  SourceRange range;  ///< the text of the expression, including its enclosing parentheses
  std::vector<ExprPtr> kids;

  std::string name;  ///< Name, Member, Call
  std::string text;  ///< IntLit, FloatLit: spelling
  std::int64_t intValue = 0;
  double floatValue = 0.0;
  bool boolValue = false;
  int prevIndex = 0;
  UnaryOp unaryOp = UnaryOp::Neg;
  BinaryOp binaryOp = BinaryOp::Add;
  BuiltinFn builtin = BuiltinFn::Max;
  Direction direction = Direction::Forward;
  LpGoal goal = LpGoal::Minimize;
  int height = 1;  ///< height of this subtree (1 for a leaf); the parser bounds it

  const Expr& kid(std::size_t i) const { return *kids[i]; }
};

/// Comments kept for `certc fmt`: those before a declaration (or inside it) and the one after it
/// on the same line.
struct Trivia {
  std::vector<std::string> leading;
  std::string trailing;
};

/// `T name`: a shape member or a function parameter.
struct Param {
  TypeName type;
  std::string name;
  SourceRange range;  ///< the name
};

/// `def Shape as (members) {[constraints]};`
struct ShapeDecl {
  std::vector<Param> members;
  std::vector<ExprPtr> constraints;
  SourceRange range;
  bool recovered = false;  ///< the parser recovered from an error inside it
  Trivia trivia;
};

/// `func name(params) = body;`
struct FuncDecl {
  std::string name;
  SourceRange nameRange;
  std::vector<Param> params;
  ExprPtr body;
  SourceRange range;
  bool recovered = false;  ///< the parser recovered from an error inside it
  Trivia trivia;
};

/// `Op -> body;` where body is a Tuple, a Ternary whose branches are bodies, or one expression.
struct Rule {
  std::string op;
  SourceRange opRange;
  ExprPtr body;
  SourceRange range;
  Trivia trivia;
};

/// `transformer name { rules }`
struct TransformerDecl {
  std::string name;
  SourceRange nameRange;
  std::vector<Rule> rules;
  SourceRange range;
  Trivia trivia;
  std::vector<std::string> closingComments;  ///< comments before the closing '}'
};

/// `flow(direction, priority, stop, transformer);`
struct FlowDecl {
  Direction direction = Direction::Forward;
  ExprPtr priority;
  ExprPtr stop;
  std::string transformer;
  SourceRange transformerRange;
  SourceRange range;
  Trivia trivia;
};

enum class DeclKind { Shape, Func, Transformer, Flow };

/// A declaration in source order: its kind and index in the Program's vector for that kind.
struct DeclRef {
  DeclKind kind = DeclKind::Func;
  int index = 0;
  friend bool operator==(const DeclRef&, const DeclRef&) = default;
};

/// A whole spec. When parsing reported errors, missing parts are Error nodes or empty names.
struct Program {
  std::optional<ShapeDecl> shape;
  std::vector<FuncDecl> funcs;
  std::vector<TransformerDecl> transformers;
  std::vector<FlowDecl> flows;
  std::vector<DeclRef> order;  ///< every declaration in source order
  std::vector<std::string> endComments;
  int exprCount = 0;  ///< node ids are below exprCount

  const FuncDecl* findFunc(std::string_view name) const;
  const TransformerDecl* findTransformer(std::string_view name) const;
};

const char* baseTypeName(BaseType t);
/// "Float", "Neuron List", ...
std::string typeNameString(const TypeName& t);
const char* exprKindName(ExprKind k);
/// "-", "!", "sigma"
const char* unaryOpSpelling(UnaryOp op);
/// "+", "<=", "In", "and", ...
const char* binaryOpSpelling(BinaryOp op);
const char* builtinName(BuiltinFn f);
const char* directionName(Direction d);
const char* lpGoalName(LpGoal g);

}  // namespace cert::ast
