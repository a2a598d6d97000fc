// Calls (full and partial), function-valued arguments, and the higher-order forms:
// map, map_list, dot, concat, traverse, lp.
#include "compiler/types/checker_impl.h"
#include "compiler/types/suggest.h"

namespace cert::types {

namespace {

const Type kFloat = Type::of(Kind::Float);
const Type kPoly = Type::of(Kind::PolyExp);
const Type kSym = Type::of(Kind::SymExp);
const Type kNeuron = Type::of(Kind::Neuron);
const Type kBool = Type::of(Kind::Bool);
const Type kCt = Type::of(Kind::Ct);

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

Type Checker::checkCall(const ast::Expr& e) {
  const auto checkArgs = [&] {
    for (const auto& k : e.kids) value(*k);
    return Type::error();
  };
  if (const ast::Param* p = findParam(e.name)) {
    error("'" + e.name + "' is a parameter of type " + Type::fromName(p->type).str() +
              ", not a function",
          e.range);
    return checkArgs();
  }
  const auto it = funcIndex_.find(e.name);
  if (it == funcIndex_.end()) {
    error("undefined function '" + e.name + "'" +
              (errorsFull() ? std::string() : didYouMean(e.name, functionNames())),
          e.range);
    return checkArgs();
  }
  funcUsed_[it->second] = true;
  const Type f = funcReady_[it->second] ? out_.funcTypes[it->second] : Type::error();
  if (f.isError()) return checkArgs();
  const auto& params = f.sig->params;
  const auto& decl = prog_.funcs[it->second];
  if (e.kids.size() > params.size()) {
    error("'" + e.name + "' takes " + plural(params.size(), "argument") + "; got " +
              std::to_string(e.kids.size()),
          e.range);
    return checkArgs();
  }
  bool ok = true;
  for (std::size_t i = 0; i < e.kids.size(); ++i) {
    const Type t = value(e.kid(i));
    if (isSubtype(t, params[i])) continue;
    error("argument " + std::to_string(i + 1) + " of '" + e.name + "' ('" + decl.params[i].name +
              "') expects " + params[i].str() + "; got " + t.str(),
          e.kid(i).range);
    ok = false;
  }
  if (!ok) return Type::error();
  if (e.kids.size() == params.size()) return f.sig->result;
  return Type::func({params.begin() + static_cast<long>(e.kids.size()), params.end()},
                    f.sig->result);
}

Type Checker::functionArg(const ast::Expr& arg, const std::vector<FnShape>& shapes,
                          bool constantOk, const std::string& role) {
  const Type t = check(arg);
  if (t.isError()) return t;
  if (t.kind == Kind::Func) {
    const FuncSig& sig = *t.sig;
    for (const auto& s : shapes) {
      if (s.params.size() != sig.params.size()) continue;
      bool fits = isSubtype(sig.result, s.result) && sig.result.kind != Kind::Func;
      for (std::size_t i = 0; i < s.params.size(); ++i)
        fits = fits && isSubtype(s.params[i], sig.params[i]);
      if (fits) return sig.result;
    }
  } else if (t.kind != Kind::Tuple && constantOk) {
    for (const auto& s : shapes)
      if (isSubtype(t, s.result) && !t.isList()) return t;
  }
  std::string expected;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const auto& s = shapes[i];
    expected += (i ? " or " : "") + paramList(s.params) + " -> " +
                (s.result.isError() ? std::string("any value") : s.result.str());
  }
  if (constantOk) expected += " (or a constant)";
  error(role + " must be a function " + expected + "; got " + t.str(), arg.range);
  return Type::error();
}

Type Checker::checkMap(const ast::Expr& e) {
  const Type base = value(e.kid(0));
  if (base.isError()) {
    check(e.kid(1));
    return base;
  }
  if (!base.isList() && isSubtype(base, kPoly)) {
    const Type r = functionArg(e.kid(1), {{{kNeuron, kFloat}, kPoly}}, false,
                               "the function given to 'map' on a PolyExp");
    return r.isError() ? r : promote(*join(r, kFloat));
  }
  if (!base.isList() && isSubtype(base, kSym)) {
    const Type r = functionArg(e.kid(1), {{{Type::of(Kind::Noise), kFloat}, kSym}}, false,
                               "the function given to 'map' on a SymExp");
    return r.isError() ? r : promote(*join(r, kFloat));
  }
  check(e.kid(1));
  error("'map' needs a PolyExp or a SymExp; got " + base.str() +
            (base.isList() ? " (use map_list on a list)" : ""),
        e.range);
  return Type::error();
}

Type Checker::checkMapList(const ast::Expr& e) {
  const Type base = value(e.kid(0));
  if (base.isError() || !base.isList()) {
    check(e.kid(1));
    if (!base.isError())
      error("'map_list' needs a list; got " + base.str() + " (use map on a PolyExp or SymExp)",
            e.range);
    return Type::error();
  }
  const Type r = functionArg(e.kid(1), {{{base.element()}, Type::error()}}, false,
                             "the function given to 'map_list'");
  if (r.isError()) return r;
  return Type::of(r.kind, r.listDepth + base.listDepth);
}

Type Checker::checkDot(const ast::Expr& e) {
  const Type a = value(e.kid(0));
  const Type b = value(e.kid(1));
  if (a.isError() || b.isError()) return Type::error();
  if (a.listDepth == 1 && b.listDepth == 1 && isArithmetic(a.element()) &&
      isArithmetic(b.element()) &&
      (isSubtype(a.element(), kFloat) || isSubtype(b.element(), kFloat))) {
    if (const auto j = join(a.element(), b.element())) return promote(*j);
  }
  error("'dot' needs two lists, one of them of Int or Float; got " + a.str() + " and " + b.str(),
        e.range);
  return Type::error();
}

Type Checker::checkConcat(const ast::Expr& e) {
  const Type a = value(e.kid(0));
  const Type b = value(e.kid(1));
  if (a.isError() || b.isError()) return Type::error();
  if (a.isList() && b.isList())
    if (const auto j = join(a, b)) return *j;
  error("'concat' needs two lists of compatible types; got " + a.str() + " and " + b.str(),
        e.range);
  return Type::error();
}

Type Checker::checkTraverse(const ast::Expr& e) {
  const Type base = value(e.kid(0));
  if (!base.isError() && (base.isList() || !isSubtype(base, kPoly)))
    error("'traverse' needs a PolyExp; got " + base.str(), e.kid(0).range);
  functionArg(e.kid(1), {{{kNeuron}, kFloat}, {{kNeuron, kFloat}, kFloat}}, true,
              "the priority of 'traverse'");
  functionArg(e.kid(2), {{{kNeuron}, kBool}, {{kNeuron, kFloat}, kBool}}, true,
              "the stop condition of 'traverse'");
  functionArg(e.kid(3), {{{kNeuron, kFloat}, kPoly}}, false,
              "the replacement function of 'traverse'");
  const Type inv = value(e.kid(4));
  if (!isSubtype(inv, kCt))
    error("the invariant of 'traverse' must be a constraint (Ct); got " + inv.str(),
          e.kid(4).range);
  return kPoly;
}

Type Checker::checkLp(const ast::Expr& e) {
  const Type objective = value(e.kid(0));
  if (!objective.isError() && (objective.isList() || !isSubtype(objective, kPoly)))
    error("the objective of 'lp' must be a PolyExp; got " + objective.str(), e.kid(0).range);
  if (e.kids.size() < 2) error("'lp' needs at least one constraint after the objective", e.range);
  for (std::size_t i = 1; i < e.kids.size(); ++i) {
    const Type c = value(e.kid(i));
    if (!isSubtype(c, kCt) && !isSubtype(c, kCt.listOf()))
      error("a constraint of 'lp' must be a Ct or a Ct List; got " + c.str(), e.kid(i).range);
  }
  return kFloat;
}

}  // namespace cert::types
