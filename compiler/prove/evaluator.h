// Symbolic evaluation of ConstraintFlow expressions into z3 terms and linear forms; collects the
// proof obligations a rule raises on the way (divisions, traverse invariants).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/prove/prove.h"
#include "compiler/prove/symbolic.h"

namespace cert::prove {

/// `antecedent => goal` must hold under the World's hypotheses.
struct Obligation {
  std::string what;  ///< "curr[L] <= curr", "division by zero in 'u / (u - l)'"
  z3::expr antecedent;
  z3::expr goal;
  z3::expr margin;  ///< > 0 exactly when the goal fails (a comparison's slack), or null
  bool hasMargin = false;
};

/// Evaluates expressions of one rule in one World. Throws Unsupported for what it cannot model.
class Evaluator {
 public:
  Evaluator(World& world, const ast::Program& program, const ProveOptions& options);

  Value eval(const ast::Expr& e);
  /// Calls a function value (a name or a partial application) with more arguments; a value
  /// that is not a function (e.g. `false` as traverse's stop) is its own result.
  Value apply(const Value& fn, std::vector<Value> args, const SourceRange& at);
  /// n[m] for a neuron, or the list of n_i[m] for a list.
  Value member(const Value& v, const std::string& m, const SourceRange& at);
  /// Asserts the shape constraints of every constrained neuron made so far (and of those that
  /// doing so makes), as hypotheses.
  void constrainNeurons();
  /// For a constraint `a <= b`, `a >= b`, `a < b`, `a > b` or `a In z`: an expression that is
  /// > 0 exactly when it fails (false when the constraint has another form).
  bool slack(const ast::Expr& constraint, z3::expr* out);
  /// The shape's constraints evaluated with curr bound to `neuron`.
  std::vector<z3::expr> constraintsOf(int neuron);

  World& world;
  const ast::Program& program;
  const ProveOptions& options;
  z3::expr path;  ///< the condition under which the expression being evaluated is computed
  std::map<std::string, Value> env;
  std::vector<Obligation> obligations;
  bool usesSigma = false;
  std::vector<z3::expr> sigmaArgs;
  z3::func_decl sigma;
  /// The `sigma_tangent` builtin, uninterpreted; its arguments (tangent_axioms.cpp states its facts).
  z3::func_decl sigmaTangent;
  std::vector<z3::expr> tangentArgs;
  /// The `sigma_tangent_table` and `tanh_tangent_table` builtins, uninterpreted; their arguments.
  z3::func_decl sigmaTangentTable, tanhTangentTable;
  std::vector<z3::expr> sigmaTableArgs, tanhTableArgs;
  int traverseCount = 0;
  int lpCount = 0;
  bool recordDivisions = true;

 private:
  Value evalBinary(const ast::Expr& e);
  Value evalBuiltin(const ast::Expr& e);
  Value evalMap(const Value& target, const Value& fn, const SourceRange& at);
  Value evalTraverse(const ast::Expr& e);
  /// lp(goal, e, cs): a fresh real below (above) e's value wherever cs hold (eval_lp.cpp).
  Value evalLp(const ast::Expr& e);
  Value arith(ast::BinaryOp op, const Value& a, const Value& b, const SourceRange& at);
  /// a In z as (distance of a from z's centre) - (z's radius over the fresh symbols).
  z3::expr inSlack(const Value& a, const Value& z, const SourceRange& at);
  z3::expr asBool(const Value& v, const SourceRange& at);
  z3::expr asReal(const Value& v, const SourceRange& at);
  Value neuronMember(int atom, const std::string& m, const SourceRange& at);
  Lin expand(int opaque, const SourceRange& at);
  Value genericLin(const std::string& name, int depth, int terms);

  std::vector<std::pair<const ast::Expr*, Value>> overrides_;
};

}  // namespace cert::prove
