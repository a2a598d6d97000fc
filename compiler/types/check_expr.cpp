// Expressions: dispatch by kind, names, curr/prev bindings, member access, conditions.
#include <algorithm>

#include "compiler/types/checker_impl.h"
#include "compiler/types/suggest.h"

namespace cert::types {

using ast::ExprKind;

namespace {

/// Metadata every neuron has (LANGUAGE.md section 4).
std::optional<Type> metadataType(const std::string& name) {
  if (name == "weight") return Type::of(Kind::Float, 1);
  if (name == "bias") return Type::of(Kind::Float);
  if (name == "layer" || name == "last_layer") return Type::of(Kind::Int);
  if (name == "equations") return Type::of(Kind::PolyExp, 1);
  return std::nullopt;
}

const std::vector<std::string> kMetadata = {"weight", "bias", "layer", "last_layer", "equations"};

}  // namespace

const ast::Param* Checker::findParam(const std::string& name) const {
  const auto it = scope_.paramByName.find(name);
  return it == scope_.paramByName.end() ? nullptr : it->second;
}

Type Checker::check(const ast::Expr& e) {
  Type t = dispatch(e);
  out_.types.set(e.id, t);
  return t;
}

Type Checker::dispatch(const ast::Expr& e) {
  switch (e.kind) {
    case ExprKind::IntLit: return Type::of(Kind::Int);
    case ExprKind::FloatLit: return Type::of(Kind::Float);
    case ExprKind::BoolLit: return Type::of(Kind::Bool);
    case ExprKind::Eps: return Type::of(Kind::Noise);
    case ExprKind::Name: return checkName(e);
    case ExprKind::Curr:
    case ExprKind::Prev:
    case ExprKind::PrevIndexed:
    case ExprKind::CurrList: return checkBinding(e);
    case ExprKind::Unary: return checkUnary(e);
    case ExprKind::Binary: return checkBinary(e);
    case ExprKind::Ternary: return checkTernary(e);
    case ExprKind::Member: return checkMember(e);
    case ExprKind::Call: return checkCall(e);
    case ExprKind::Builtin: return checkBuiltin(e);
    case ExprKind::Dot: return checkDot(e);
    case ExprKind::Map: return checkMap(e);
    case ExprKind::MapList: return checkMapList(e);
    case ExprKind::Concat: return checkConcat(e);
    case ExprKind::Traverse: return checkTraverse(e);
    case ExprKind::Lp: return checkLp(e);
    case ExprKind::List: return checkList(e);
    case ExprKind::Tuple:
      for (const auto& k : e.kids) value(*k);
      error("a tuple is only allowed as the result of a rule", e.range);
      return Type::error();
    case ExprKind::Error: return Type::error();
  }
  return Type::error();
}

Type Checker::value(const ast::Expr& e) {
  Type t = check(e);
  if (t.kind != Kind::Func) return t;
  const std::size_t n = t.sig ? t.sig->params.size() : 0;
  if (e.kind == ExprKind::Call)
    error("'" + e.name + "' takes " + std::to_string(n + e.kids.size()) + " arguments; got " +
              std::to_string(e.kids.size()) +
              " (a partial application is only allowed where a function is expected)",
          e.range);
  else
    error("'" + e.name + "' is a function " + paramList(t.sig->params) + "; call it with " +
              std::to_string(n) + (n == 1 ? " argument" : " arguments"),
          e.range);
  return Type::error();
}

Type Checker::checkName(const ast::Expr& e) {
  if (const ast::Param* p = findParam(e.name)) return Type::fromName(p->type);
  const auto it = funcIndex_.find(e.name);
  if (it != funcIndex_.end()) {
    funcUsed_[it->second] = true;
    return funcReady_[it->second] ? out_.funcTypes[it->second] : Type::error();
  }
  if (errorsFull()) {
    error({}, e.range);  // counted, not shown: skip the suggestions
    return Type::error();
  }
  std::string msg = "undefined name '" + e.name + "'";
  if (memberIndex_.count(e.name)) {
    msg += " ('" + e.name + "' is a shape member: read it as n[" + e.name + "])";
  } else {
    std::vector<std::string> candidates = functionNames();
    if (scope_.params)
      for (const auto& p : *scope_.params) candidates.push_back(p.name);
    msg += didYouMean(e.name, candidates);
  }
  error(std::move(msg), e.range);
  return Type::error();
}

Type Checker::checkBinding(const ast::Expr& e) {
  const bool inRule = scope_.where == Scope::Where::Rule;
  const OperatorInfo* op = scope_.op;
  switch (e.kind) {
    case ExprKind::Curr:
      if (inRule || scope_.where == Scope::Where::Shape) return Type::of(Kind::Neuron);
      error("'curr' is only available in transformer rules and shape constraints", e.range);
      return Type::error();
    case ExprKind::Prev:
      if (!inRule) break;
      if (!op) return Type::error();  // unknown operator: reported at the rule
      if (op->inputs == Inputs::Single) return Type::of(Kind::Neuron);
      if (op->inputs == Inputs::List) return Type::of(Kind::Neuron, 1);
      error("'prev' is not available in a '" + op->name + "' rule; use prev_0 and prev_1",
            e.range);
      return Type::error();
    case ExprKind::PrevIndexed: {
      const std::string name = e.prevIndex == 0 ? "prev_0" : "prev_1";
      if (!inRule) break;
      if (!op) return Type::error();
      if (op->inputs == Inputs::Pair) return Type::of(Kind::Neuron);
      if (op->inputs == Inputs::PairList) return Type::of(Kind::Neuron, 1);
      error("'" + name + "' is only available in rules for two-input operators (Neuron_add, " +
                "Neuron_mult, Neuron_max, Neuron_min); use prev in a '" + op->name + "' rule",
            e.range);
      return Type::error();
    }
    case ExprKind::CurrList:
      if (!inRule) break;
      if (!op) return Type::error();
      if (op->reverse) return Type::of(Kind::Neuron, 1);
      error("'curr_list' is only available in the rules of reverse (rev_) operators", e.range);
      return Type::error();
    default: break;
  }
  const char* name = e.kind == ExprKind::Prev ? "prev"
                     : e.kind == ExprKind::CurrList ? "curr_list"
                     : e.prevIndex == 0 ? "prev_0" : "prev_1";
  error(std::string("'") + name + "' is only available in transformer rules", e.range);
  return Type::error();
}

Type Checker::checkMember(const ast::Expr& e) {
  const Type base = value(e.kid(0));
  if (base.isError() || e.name.empty()) return Type::error();
  if (base.kind != Kind::Neuron) {
    error("'[" + e.name + "]' reads a member of a Neuron or a Neuron List; got " + base.str(),
          e.range);
    return Type::error();
  }
  std::optional<Type> member = metadataType(e.name);
  if (!member) {
    const auto it = memberIndex_.find(e.name);
    if (it != memberIndex_.end()) member = memberTypes_[it->second];
  }
  if (!member) {
    if (!shapeKnown_) return Type::error();  // reported as a missing or broken shape
    if (errorsFull()) {
      error({}, e.range);
      return Type::error();
    }
    std::vector<std::string> candidates = memberNames_;
    candidates.insert(candidates.end(), kMetadata.begin(), kMetadata.end());
    std::string hint = didYouMean(e.name, candidates);
    if (hint.empty())
      hint = " (the shape has " + memberList(memberNames_) +
             "; metadata: weight, bias, layer, last_layer, equations)";
    error("unknown member '" + e.name + "'" + hint, e.range);
    return Type::error();
  }
  // On a list, n[m] maps over it.
  return Type::of(member->kind, member->listDepth + base.listDepth);
}

bool Checker::checkCondition(const ast::Expr& cond) {
  const Type t = value(cond);
  if (t.isError() || t.isScalar(Kind::Bool)) return true;
  std::string msg = "a condition must be Bool; got " + t.str();
  if (t.isScalar(Kind::Ct))
    msg += " (a comparison involving a PolyExp, SymExp or Neuron is a constraint, not a Bool)";
  error(std::move(msg), cond.range);
  return false;
}

}  // namespace cert::types
