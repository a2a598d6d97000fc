// Transformers (rules and their results against the shape) and flows.
#include <unordered_set>

#include "compiler/types/checker_impl.h"
#include "compiler/types/suggest.h"

namespace cert::types {

using ast::ExprKind;

namespace {

const Type kFloat = Type::of(Kind::Float);
const Type kNeuron = Type::of(Kind::Neuron);
const Type kBool = Type::of(Kind::Bool);

std::string values(std::size_t n) { return std::to_string(n) + (n == 1 ? " value" : " values"); }

}  // namespace

void Checker::checkTransformer(const ast::TransformerDecl& t, int index) {
  if (!t.name.empty()) {
    const auto [it, fresh] = transformerIndex_.emplace(t.name, index);
    if (!fresh)
      error("transformer '" + t.name + "' is already defined at " +
                posString(prog_.transformers[it->second].nameRange.begin),
            t.nameRange);
  }
  std::unordered_map<std::string, const ast::Rule*> ruleByOp;
  for (std::size_t i = 0; i < t.rules.size(); ++i) {
    const ast::Rule& r = t.rules[i];
    scope_ = Scope{};
    scope_.where = Scope::Where::Rule;
    scope_.opName = r.op;
    scope_.op = findOperator(r.op);
    if (!scope_.op) {
      std::string hint;
      if (!errorsFull()) hint = didYouMean(r.op, operatorNames());
      if (hint.empty() && !errorsFull())
        hint = " (operators: Affine, Relu, Relu6, Abs, HardTanh, HardSigmoid, HardSwish, "
               "Sigmoid, Tanh, Maxpool, Minpool, Avgpool, Neuron_add, Neuron_mult, Neuron_max, "
               "Neuron_min, Neuron_list_mult, and rev_ forms)";
      error("unknown operator '" + r.op + "'" + hint, r.opRange);
    }
    const auto [first, fresh] = ruleByOp.emplace(r.op, &r);
    if (!fresh)
      error("transformer '" + t.name + "' already has a rule for '" + r.op + "' at " +
                posString(first->second->opRange.begin),
            r.opRange);
    checkRuleBody(*r.body, r);
  }
}

void Checker::checkRuleBody(const ast::Expr& body, const ast::Rule& rule) {
  if (body.kind == ExprKind::Ternary) {
    checkCondition(body.kid(0));
    checkRuleBody(body.kid(1), rule);
    checkRuleBody(body.kid(2), rule);
    out_.types.set(body.id, Type::of(Kind::Tuple));
    return;
  }
  if (body.kind == ExprKind::Tuple) return checkRuleTuple(body, rule);
  const Type t = value(body);
  if (!shapeKnown_ || t.isError()) return;
  if (memberNames_.size() == 1) {
    if (!isSubtype(t, memberTypes_[0]))
      error("member '" + memberNames_[0] + "' expects " + memberTypes_[0].str() + "; got " +
                t.str(),
            body.range);
    return;
  }
  error("rule '" + rule.op + "' returns 1 value; the shape has " +
            std::to_string(memberNames_.size()) + " members " + memberList(memberNames_),
        body.range);
}

void Checker::checkRuleTuple(const ast::Expr& tuple, const ast::Rule& rule) {
  out_.types.set(tuple.id, Type::of(Kind::Tuple));
  const bool arityOk = shapeKnown_ && tuple.kids.size() == memberNames_.size();
  if (shapeKnown_ && !arityOk)
    error("rule '" + rule.op + "' returns " + values(tuple.kids.size()) + "; the shape has " +
              std::to_string(memberNames_.size()) + " members " + memberList(memberNames_),
          tuple.range);
  for (std::size_t i = 0; i < tuple.kids.size(); ++i) {
    const Type t = value(tuple.kid(i));
    if (!arityOk || isSubtype(t, memberTypes_[i])) continue;
    error("member '" + memberNames_[i] + "' expects " + memberTypes_[i].str() + "; got " +
              t.str(),
          tuple.kid(i).range);
  }
}

void Checker::checkFlow(const ast::FlowDecl& f) {
  scope_ = Scope{};
  scope_.where = Scope::Where::Flow;
  functionArg(*f.priority, {{{kNeuron}, kFloat}, {{kNeuron, kFloat}, kFloat}}, true,
              "the flow's priority");
  functionArg(*f.stop, {{{kNeuron}, kBool}, {{kNeuron, kFloat}, kBool}}, true,
              "the flow's stop condition");
  if (f.transformer.empty()) return;
  if (const auto it = transformerIndex_.find(f.transformer); it != transformerIndex_.end()) {
    warnUncovered(f, prog_.transformers[it->second]);
    return;
  }
  std::vector<std::string> names;
  if (!errorsFull())
    for (const auto& t : prog_.transformers) names.push_back(t.name);
  error("unknown transformer '" + f.transformer + "'" + didYouMean(f.transformer, names),
        f.transformerRange);
}

void Checker::warnUncovered(const ast::FlowDecl& f, const ast::TransformerDecl& t) {
  const std::string prefix = f.direction == ast::Direction::Backward ? "rev_" : "";
  std::string missing;
  int count = 0;
  std::unordered_set<std::string> ops;
  for (const auto& r : t.rules) ops.insert(r.op);
  for (const auto& op : commonOperators()) {
    if (ops.count(prefix + op)) continue;
    missing += (count++ ? ", " : "") + prefix + op;
  }
  if (count == 0) return;
  const std::string layers = count == 1 ? "this layer" : "these layers";
  // A backward flow without a rule for an operator leaves that layer's input as the forward flow
  // bounded it: nothing is refused.
  warning("transformer '" + t.name + "' has no rule for " + missing + "; " +
              (prefix.empty() ? "networks with " + layers + " cannot be certified"
                              : "the backward flow does not refine the inputs of " + layers),
          f.transformerRange);
}

}  // namespace cert::types
