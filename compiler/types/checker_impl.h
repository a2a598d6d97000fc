// The Checker class shared by the check_*.cpp files. Internal to compiler/types/.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/types/checker.h"
#include "compiler/types/operators.h"

namespace cert::types {

class Checker {
 public:
  Checker(const ast::Program& p, const CheckOptions& options);
  CheckResult run();

 private:
  // --- the program (check_program.cpp)
  void declareShape();
  void declareFunctions();
  /// Functions in an order where callees come before callers; reports recursion.
  std::vector<int> functionOrder();
  void checkShapeConstraints();
  void checkFunction(int index);
  void checkProgramParts();
  void warnUnusedFunctions();

  // --- transformers and flows (check_rules.cpp)
  void checkTransformer(const ast::TransformerDecl& t, int index);
  void checkRuleBody(const ast::Expr& body, const ast::Rule& rule);
  void checkRuleTuple(const ast::Expr& tuple, const ast::Rule& rule);
  void checkFlow(const ast::FlowDecl& f);
  void warnUncovered(const ast::FlowDecl& f, const ast::TransformerDecl& t);

  // --- expressions (check_expr.cpp)
  /// The type of e (a Func for function names and partial calls); recorded in the table.
  Type check(const ast::Expr& e);
  Type dispatch(const ast::Expr& e);
  /// Like check, but e must be a value: a function or a tuple here is an error.
  Type value(const ast::Expr& e);
  Type checkName(const ast::Expr& e);
  Type checkBinding(const ast::Expr& e);
  Type checkMember(const ast::Expr& e);
  /// Checks a condition (must be Bool); returns false when it is known not to be.
  bool checkCondition(const ast::Expr& cond);

  // --- operators and builtins (check_operators.cpp)
  Type checkUnary(const ast::Expr& e);
  Type checkBinary(const ast::Expr& e);
  Type checkTernary(const ast::Expr& e);
  Type checkBuiltin(const ast::Expr& e);
  Type checkList(const ast::Expr& e);

  // --- calls and higher-order forms (check_calls.cpp)
  /// An accepted function signature for a function-valued argument; result Error = any.
  struct FnShape {
    std::vector<Type> params;
    Type result;
  };
  Type checkCall(const ast::Expr& e);
  Type checkMap(const ast::Expr& e);
  Type checkMapList(const ast::Expr& e);
  Type checkDot(const ast::Expr& e);
  Type checkConcat(const ast::Expr& e);
  Type checkTraverse(const ast::Expr& e);
  Type checkLp(const ast::Expr& e);
  /// Checks a function-valued argument against the accepted signatures; `constantOk` also
  /// accepts a plain value of the result type (e.g. `false` as a stop condition). Returns the
  /// function's result type, or Error after a diagnostic.
  Type functionArg(const ast::Expr& arg, const std::vector<FnShape>& shapes, bool constantOk,
                   const std::string& role);

  // --- diagnostics
  void error(std::string message, const SourceRange& range);
  /// True once no more errors will be shown: callers skip building costly messages.
  bool errorsFull() const { return errorCount_ >= kMaxReported; }
  void warning(std::string message, const SourceRange& range);
  std::vector<std::string> functionNames() const;

  /// The parameter of the current function called `name`, or nullptr.
  const ast::Param* findParam(const std::string& name) const;

  /// Where an expression is being checked: decides what curr, prev and names mean.
  struct Scope {
    enum class Where { Shape, Function, Rule, Flow } where = Where::Flow;
    const std::vector<ast::Param>* params = nullptr;  ///< in a function: its parameters
    std::unordered_map<std::string, const ast::Param*> paramByName;  ///< first of each name
    const OperatorInfo* op = nullptr;                 ///< in a rule: its operator, if known
    std::string opName;
  };

  /// At most this many errors (and warnings) are reported, then one line counts the rest.
  static constexpr int kMaxReported = 100;
  int errorCount_ = 0;
  int warningCount_ = 0;
  SourceRange firstDropped_;
  SourceRange firstDroppedWarning_;

  const ast::Program& prog_;
  const CheckOptions options_;
  CheckResult out_;
  Scope scope_;
  std::unordered_map<std::string, int> funcIndex_;  ///< name -> first definition
  std::unordered_map<std::string, int> transformerIndex_;  ///< name -> first definition
  std::vector<bool> funcReady_;                     ///< its type is final
  std::vector<bool> funcUsed_;
  std::vector<bool> funcRecursive_;
  /// The shape was declared and parsed completely: member names and rule arities can be checked.
  bool shapeKnown_ = false;
  std::vector<std::string> memberNames_;
  std::unordered_map<std::string, int> memberIndex_;
  std::vector<Type> memberTypes_;
};

/// The shape members' names as "(l, u, L, U)".
std::string memberList(const std::vector<std::string>& names);
std::string posString(const SourcePos& p);

}  // namespace cert::types
