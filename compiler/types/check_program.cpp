// Checking a whole program: the shape, functions in dependency order, transformers, flows,
// and program-level warnings.
#include <algorithm>
#include <unordered_set>

#include "compiler/ast/walk.h"
#include "compiler/types/checker_impl.h"

namespace cert::types {

std::string posString(const SourcePos& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.col);
}

std::string memberList(const std::vector<std::string>& names) {
  std::string s = "(";
  for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s + ")";
}

Checker::Checker(const ast::Program& p, const CheckOptions& options)
    : prog_(p), options_(options) {
  out_.types = TypeTable(p.exprCount);
  out_.funcTypes.assign(p.funcs.size(), Type::error());
  funcReady_.assign(p.funcs.size(), false);
  funcUsed_.assign(p.funcs.size(), false);
  funcRecursive_.assign(p.funcs.size(), false);
}

CheckResult Checker::run() {
  declareShape();
  declareFunctions();
  checkShapeConstraints();
  for (int i : functionOrder()) checkFunction(i);
  for (std::size_t i = 0; i < prog_.transformers.size(); ++i)
    checkTransformer(prog_.transformers[i], static_cast<int>(i));
  for (const auto& f : prog_.flows) checkFlow(f);
  if (options_.complete) {
    checkProgramParts();
    warnUnusedFunctions();
  } else {
    std::erase_if(out_.diagnostics,
                  [](const Diagnostic& d) { return d.severity != Severity::Error; });
  }
  if (errorCount_ > kMaxReported)
    out_.diagnostics.push_back(Diagnostic::error(
        "too many errors; " + std::to_string(errorCount_ - kMaxReported) + " more not shown",
        firstDropped_));
  if (warningCount_ > kMaxReported)
    out_.diagnostics.push_back(Diagnostic::warning(
        std::to_string(warningCount_ - kMaxReported) + " more warnings not shown",
        firstDroppedWarning_));
  std::stable_sort(out_.diagnostics.begin(), out_.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return a.range.begin.offset < b.range.begin.offset;
                   });
  return std::move(out_);
}

void Checker::error(std::string message, const SourceRange& range) {
  if (++errorCount_ > kMaxReported) {
    if (errorCount_ == kMaxReported + 1) firstDropped_ = range;
    return;
  }
  out_.diagnostics.push_back(Diagnostic::error(std::move(message), range));
}

void Checker::warning(std::string message, const SourceRange& range) {
  if (++warningCount_ > kMaxReported) {
    if (warningCount_ == kMaxReported + 1) firstDroppedWarning_ = range;
    return;
  }
  out_.diagnostics.push_back(Diagnostic::warning(std::move(message), range));
}

std::vector<std::string> Checker::functionNames() const {
  std::vector<std::string> names;
  for (const auto& [name, index] : funcIndex_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

void Checker::declareShape() {
  if (!prog_.shape) return;
  shapeKnown_ = !prog_.shape->recovered;
  std::vector<std::ptrdiff_t> firstMember;  // per distinct member: its index in the declaration
  for (const auto& m : prog_.shape->members) {
    const auto it = memberIndex_.find(m.name);
    if (it != memberIndex_.end()) {
      const auto& first = prog_.shape->members[firstMember[it->second]];
      error("shape member '" + m.name + "' is already declared at " + posString(first.range.begin),
            m.range);
      shapeKnown_ = false;  // which member a tuple position means is unclear now
      continue;
    }
    memberIndex_.emplace(m.name, static_cast<int>(memberNames_.size()));
    firstMember.push_back(&m - prog_.shape->members.data());
    memberNames_.push_back(m.name);
    memberTypes_.push_back(Type::fromName(m.type));
  }
}

void Checker::declareFunctions() {
  for (std::size_t i = 0; i < prog_.funcs.size(); ++i) {
    const auto& f = prog_.funcs[i];
    const auto [it, fresh] = funcIndex_.emplace(f.name, static_cast<int>(i));
    if (!fresh)
      error("function '" + f.name + "' is already defined at " +
                posString(prog_.funcs[it->second].nameRange.begin),
            f.nameRange);
  }
}

std::vector<int> Checker::functionOrder() {
  const int n = static_cast<int>(prog_.funcs.size());
  // deps[i]: the functions whose names f_i's body mentions (parameters shadow functions).
  std::vector<std::vector<int>> deps(n);
  for (int i = 0; i < n; ++i) {
    const auto& f = prog_.funcs[i];
    std::unordered_set<std::string> params;
    for (const auto& p : f.params) params.insert(p.name);
    ast::visitPreorder(*f.body, [&](const ast::Expr& e) {
      if (e.kind != ast::ExprKind::Name && e.kind != ast::ExprKind::Call) return;
      if (params.count(e.name)) return;
      const auto it = funcIndex_.find(e.name);
      if (it != funcIndex_.end()) deps[i].push_back(it->second);
    });
  }
  // Iterative depth-first search; a back edge is recursion.
  std::vector<int> order, state(n, 0);  // 0 new, 1 on the stack, 2 done
  std::vector<std::pair<int, std::size_t>> stack;
  std::vector<bool>& reported = funcRecursive_;
  for (int root = 0; root < n; ++root) {
    if (state[root]) continue;
    stack.push_back({root, 0});
    state[root] = 1;
    while (!stack.empty()) {
      auto& [u, next] = stack.back();
      if (next < deps[u].size()) {
        const int v = deps[u][next++];
        if (state[v] == 0) {
          state[v] = 1;
          stack.push_back({v, 0});
        } else if (state[v] == 1 && !reported[v]) {
          reported[v] = true;
          std::string path;
          bool on = false;
          for (const auto& [w, k] : stack) {
            on = on || w == v;
            if (on) path += prog_.funcs[w].name + " -> ";
          }
          error("function '" + prog_.funcs[v].name + "' is recursive (" + path +
                    prog_.funcs[v].name + "); calls are inlined, so recursion is not allowed",
                prog_.funcs[v].nameRange);
        }
      } else {
        state[u] = 2;
        order.push_back(u);
        stack.pop_back();
      }
    }
  }
  return order;
}

void Checker::checkShapeConstraints() {
  if (!prog_.shape) return;
  scope_ = Scope{};
  scope_.where = Scope::Where::Shape;
  for (const auto& c : prog_.shape->constraints) {
    const Type t = value(*c);
    if (!isSubtype(t, Type::of(Kind::Ct)))
      error("a shape constraint must be a constraint (Ct); got " + t.str(), c->range);
  }
}

void Checker::checkFunction(int index) {
  const auto& f = prog_.funcs[index];
  scope_ = Scope{};
  scope_.where = Scope::Where::Function;
  scope_.params = &f.params;
  for (const auto& p : f.params) {
    const auto [it, fresh] = scope_.paramByName.emplace(p.name, &p);
    if (!fresh)
      error("parameter '" + p.name + "' is already declared at " +
                posString(it->second->range.begin),
            p.range);
  }
  const Type result = value(*f.body);
  const bool duplicate = funcIndex_.at(f.name) != index;
  if (!result.isError() && !f.recovered && !duplicate && !funcRecursive_[index]) {
    std::vector<Type> params;
    for (const auto& p : f.params) params.push_back(Type::fromName(p.type));
    out_.funcTypes[index] = Type::func(std::move(params), result);
  }
  funcReady_[index] = true;
}

void Checker::checkProgramParts() {
  const SourceRange start{{1, 1, 0}, {1, 1, 0}};
  if (!prog_.shape)
    error("the spec has no shape declaration ('def Shape as (Float l, ...) {[...]};')", start);
  if (prog_.flows.empty())
    error("the spec has no flow statement ('flow(forward, priority, stop, transformer);')", start);
}

void Checker::warnUnusedFunctions() {
  for (std::size_t i = 0; i < prog_.funcs.size(); ++i) {
    const auto& f = prog_.funcs[i];
    if (!funcUsed_[i] && funcIndex_.at(f.name) == static_cast<int>(i))
      warning("function '" + f.name + "' is never used", f.nameRange);
  }
}

}  // namespace cert::types

namespace cert::types {

CheckResult typeCheck(const ast::Program& program, const CheckOptions& options) {
  return Checker(program, options).run();
}

}  // namespace cert::types
