// Lowering of one rule to IR: inlining, references vs values, regions for map and traverse.
#include "compiler/lower/lower.h"

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>

#include "compiler/lower/shape.h"
#include "compiler/types/operators.h"

namespace cert::lower {

namespace {

using ast::Expr;
using ast::ExprKind;
using ir::ElemType;
using ir::FrameKind;
using ir::Instr;
using ir::NeuronRef;
using ir::Opcode;

/// Raised inside the lowerer to abandon a rule; turned into a diagnostic at its range.
struct LowerError {
  std::string message;
  SourceRange range;
};

/// A lowered expression: an IR value, a neuron reference (maybe a masked list), or a function.
struct LVal {
  enum class Kind { Value, Ref, Func } kind = Kind::Value;
  int id = -1;                       ///< Value
  NeuronRef ref = NeuronRef::Curr;   ///< Ref
  bool list = false;                 ///< Ref: a Neuron List (prev of Affine/pooling)
  int mask = -1;                     ///< Ref or Value over prev: argmax/argmin mask, -1 = none
  const ast::FuncDecl* func = nullptr;  ///< Func
  std::vector<LVal> bound;           ///< Func: leading arguments already given
};

ElemType elemOf(const types::Type& t, ElemType fallback) {
  switch (t.kind) {
    case types::Kind::Int: return ElemType::Int;
    case types::Kind::Float: return ElemType::Float;
    case types::Kind::Bool:
    case types::Kind::Ct: return ElemType::Bool;
    case types::Kind::Neuron:
    case types::Kind::PolyExp: return ElemType::Poly;
    case types::Kind::Noise:
    case types::Kind::SymExp: return ElemType::Sym;
    default: return fallback;
  }
}

/// The elem type of an arithmetic result (the lattice join on IR elem types).
ElemType joinElem(ElemType a, ElemType b) {
  if (a == ElemType::Poly || b == ElemType::Poly) return ElemType::Poly;
  if (a == ElemType::Sym || b == ElemType::Sym) return ElemType::Sym;
  if (a == ElemType::Float || b == ElemType::Float) return ElemType::Float;
  if (a == ElemType::Int || b == ElemType::Int) return ElemType::Int;
  return ElemType::Bool;
}

class Lowerer {
 public:
  Lowerer(const FrontendResult& fe, const ast::TransformerDecl& t, const ast::Rule& rule)
      : fe_(fe), rule_(rule), info_(types::findOperator(rule.op)) {
    prog_.transformer = t.name;
    prog_.op = rule.op;
  }

  Result<ir::Program> run() {
    Result<ir::Program> out;
    if (!info_) return Result<ir::Program>::failure(Diagnostic::error("unknown operator '" + rule_.op + "'", rule_.opRange));
    // A reverse rule reads `curr` (the refined input neuron) and the layer's output as prev
    // (prev_0, with prev_1 the other input of a pair; for pooling, the list of the outputs whose
    // window holds curr). Lists of pairs (rev_Neuron_list_mult) are not built by the executor.
    if (info_->reverse && info_->inputs == types::Inputs::PairList)
      return Result<ir::Program>::failure(Diagnostic::error(
          rule_.op + " reads lists of neuron pairs, which the executor does not build for backward flows",
          rule_.opRange));
    if (!fe_.program.shape) return Result<ir::Program>::failure(Diagnostic::error("no shape declaration", rule_.range));
    for (const auto& m : fe_.program.shape->members) prog_.memberNames.push_back(m.name);
    memberTypes_.clear();
    for (const auto& m : fe_.program.shape->members) {
      const bool ct = types::Type::fromName(m.type).isScalar(types::Kind::Ct);
      // A Ct member is stored as a PolyExp e standing for the constraint e == 0 (see ctMemberValue).
      memberTypes_[m.name] = ct ? ElemType::Poly : elemOf(types::Type::fromName(m.type), ElemType::Float);
      ctMember_.push_back(ct);
    }
    try {
      region_ = &prog_.body;
      prog_.results = ruleBody(*rule_.body);
      if (prog_.results.size() != prog_.memberNames.size())
        throw LowerError{"the rule gives " + std::to_string(prog_.results.size()) + " values for " +
                             std::to_string(prog_.memberNames.size()) + " shape members",
                         rule_.body->range};
    } catch (const LowerError& e) {
      return Result<ir::Program>::failure(Diagnostic::error(e.message, e.range));
    }
    out.value = std::move(prog_);
    return out;
  }

 private:
  const FrontendResult& fe_;
  const ast::Rule& rule_;
  const types::OperatorInfo* info_;
  ir::Program prog_;
  ir::Region* region_ = nullptr;
  std::map<std::string, LVal> env_;
  std::map<std::string, ElemType> memberTypes_;
  std::vector<bool> ctMember_;  ///< per shape member: declared Ct (a constraint, not a tensor)
  int depth_ = 0;

  // ---- emitting ----

  int emit(Instr i, const Expr* origin) {
    i.id = prog_.nextId++;
    if (origin) {
      i.origin = origin->range;
      i.astNode = origin->id;
    }
    i.shape = inferShape(i, prog_, *region_, info_->inputs == types::Inputs::List && rule_.op != "Affine");
    const int id = i.id;
    region_->body.push_back(std::move(i));
    return id;
  }

  const Instr& def(int id) const {
    for (const Instr& i : region_->body)
      if (i.id == id) return i;
    if (const Instr* i = prog_.find(id)) return *i;
    throw LowerError{"internal: value %" + std::to_string(id) + " not found", rule_.range};
  }

  int constant(double v, ElemType t, const Expr* origin) {
    Instr i;
    i.op = Opcode::Const;
    i.number = v;
    i.type = t;
    return emit(std::move(i), origin);
  }

  int binary(const std::string& op, int a, int b, ElemType t, const Expr* origin) {
    Instr i;
    i.op = Opcode::Binary;
    i.name = op;
    i.operands = {a, b};
    i.type = t;
    return emit(std::move(i), origin);
  }

  int select(int c, int a, int b, const Expr* origin) {
    Instr i;
    i.op = Opcode::Select;
    i.operands = {c, a, b};
    i.type = joinElem(def(a).type, def(b).type);
    return emit(std::move(i), origin);
  }

  int reduce(const std::string& op, int v, FrameKind f, ElemType t, const Expr* origin) {
    Instr i;
    i.op = Opcode::Reduce;
    i.name = op;
    i.frame = f;
    i.operands = {v};
    i.type = t;
    return emit(std::move(i), origin);
  }

  int unary(const std::string& op, int v, ElemType t, const Expr* origin) {
    Instr i;
    i.op = Opcode::Unary;
    i.name = op;
    i.operands = {v};
    i.type = t;
    return emit(std::move(i), origin);
  }

  // ---- rule bodies: tuples and rule-level conditionals ----

  std::vector<int> ruleBody(const Expr& e) {
    if (e.kind == ExprKind::Tuple) {
      std::vector<int> out;
      for (size_t k = 0; k < e.kids.size(); ++k) out.push_back(ctMemberAt(k) ? ctMemberValue(*e.kids[k]) : value(*e.kids[k]));
      return out;
    }
    if (e.kind == ExprKind::Ternary && isRuleLevel(e)) {
      const int c = value(e.kid(0));
      const std::vector<int> a = ruleBody(e.kid(1));
      const std::vector<int> b = ruleBody(e.kid(2));
      if (a.size() != b.size()) throw LowerError{"the branches give different numbers of members", e.range};
      std::vector<int> out;
      for (size_t k = 0; k < a.size(); ++k) out.push_back(select(c, a[k], b[k], &e));
      return out;
    }
    return {value(e)};
  }

  bool ctMemberAt(size_t k) const { return k < ctMember_.size() && ctMember_[k]; }

  /// A Ct member's value, stored as a PolyExp e meaning the linear equality e == 0 (what `lp`
  /// reads back through `n[c]`). `a == b` with a neuron side is a - b; of a conjunction the first
  /// conjunct that is such an equality is kept; a per-neuron conditional selects between its
  /// branches' values; a Ct member read is that member. Anything else (inequalities, `or`, `In`,
  /// a comparison of numbers) is stored as 0 == 0, i.e. `true`: a weaker constraint than the one
  /// written, so every LP over it still gives a sound bound, only a looser one.
  int ctMemberValue(const Expr& e) {
    if (std::optional<int> v = ctEquality(e)) return *v;
    return constant(0, ElemType::Poly, &e);
  }

  std::optional<int> ctEquality(const Expr& e) {
    if (e.kind == ExprKind::Binary && e.binaryOp == ast::BinaryOp::Eq) {
      const auto symbolic = [&](const Expr& k) {
        const ElemType t = typeOf(k, ElemType::Float);
        return t == ElemType::Poly || t == ElemType::Sym;
      };
      if (!symbolic(e.kid(0)) && !symbolic(e.kid(1))) return std::nullopt;
      const int a = value(e.kid(0));
      const int b = value(e.kid(1));
      if (def(a).type == ElemType::Sym || def(b).type == ElemType::Sym) return std::nullopt;
      return binary("sub", a, b, ElemType::Poly, &e);
    }
    if (e.kind == ExprKind::Binary && e.binaryOp == ast::BinaryOp::And) {
      if (std::optional<int> v = ctEquality(e.kid(0))) return v;
      return ctEquality(e.kid(1));
    }
    if (e.kind == ExprKind::Ternary && !isRuleLevel(e)) {
      const std::optional<int> a = ctEquality(e.kid(1));
      const std::optional<int> b = ctEquality(e.kid(2));
      if (!a && !b) return std::nullopt;
      const int c = value(e.kid(0));
      return select(c, a ? *a : constant(0, ElemType::Poly, &e), b ? *b : constant(0, ElemType::Poly, &e), &e);
    }
    if (e.kind == ExprKind::Member) {
      const auto it = memberTypes_.find(e.name);
      if (it != memberTypes_.end() && isCtMemberName(e.name)) return value(e);
    }
    return std::nullopt;
  }

  bool isCtMemberName(const std::string& name) const {
    for (size_t k = 0; k < prog_.memberNames.size() && k < ctMember_.size(); ++k)
      if (prog_.memberNames[k] == name) return ctMember_[k];
    return false;
  }

  static bool isRuleLevel(const Expr& e) {
    if (e.kind == ExprKind::Tuple) return true;
    if (e.kind == ExprKind::Ternary) return isRuleLevel(e.kid(1)) || isRuleLevel(e.kid(2));
    return false;
  }

  // ---- values ----

  /// Lowers `e` and converts references to values (a neuron used as a value is `neuron`).
  int value(const Expr& e) { return asValue(lower(e), &e); }

  int asValue(const LVal& v, const Expr* origin) {
    if (v.kind == LVal::Kind::Value) {
      if (v.mask >= 0) return maskedOut(v, origin);
      return v.id;
    }
    if (v.kind == LVal::Kind::Func)
      throw LowerError{"a function is used as a value", origin ? origin->range : rule_.range};
    Instr i;
    i.op = Opcode::Neuron;
    i.ref = v.ref;
    i.type = ElemType::Poly;
    LVal out;
    out.id = emit(std::move(i), origin);
    out.mask = v.mask;
    return out.mask >= 0 ? maskedOut(out, origin) : out.id;
  }

  /// A masked list used as a plain value: unselected elements become 0.
  int maskedOut(const LVal& v, const Expr* origin) {
    return select(v.mask, v.id, constant(0, ElemType::Int, origin), origin);
  }

  ElemType typeOf(const Expr& e, ElemType fallback) const { return elemOf(fe_.types.of(e), fallback); }

  LVal val(int id) {
    LVal v;
    v.id = id;
    return v;
  }

  LVal lower(const Expr& e) {
    if (++depth_ > 200) throw LowerError{"inlining is nested too deeply", e.range};
    LVal out = lowerInner(e);
    --depth_;
    return out;
  }

  LVal lowerInner(const Expr& e) {
    switch (e.kind) {
      case ExprKind::IntLit: return val(constant(static_cast<double>(e.intValue), ElemType::Int, &e));
      case ExprKind::FloatLit: return val(constant(e.floatValue, ElemType::Float, &e));
      case ExprKind::BoolLit: return val(constant(e.boolValue ? 1 : 0, ElemType::Bool, &e));
      case ExprKind::Name: return name(e);
      case ExprKind::Curr: return ref(NeuronRef::Curr, false);
      case ExprKind::Prev:
        if (info_->inputs == types::Inputs::List) return ref(NeuronRef::PrevList, true);
        if (info_->inputs == types::Inputs::Single) return ref(NeuronRef::Prev, false);
        throw LowerError{"'prev' is not bound for " + rule_.op, e.range};
      case ExprKind::PrevIndexed:
        return ref(e.prevIndex == 0 ? NeuronRef::Prev0 : NeuronRef::Prev1, false);
      case ExprKind::Eps: {
        Instr i;
        i.op = Opcode::FreshNoise;
        i.type = ElemType::Sym;
        return val(emit(std::move(i), &e));
      }
      case ExprKind::Unary: {
        const int v = value(e.kid(0));
        static const char* kOps[] = {"neg", "not", "sigma", "sigma_tangent", "sigma_tangent_table", "tanh_tangent_table"};
        const char* op = kOps[static_cast<int>(e.unaryOp)];
        return val(unary(op, v, typeOf(e, def(v).type), &e));
      }
      case ExprKind::Binary: return binaryExpr(e);
      case ExprKind::Ternary: {
        if (isRuleLevel(e)) throw LowerError{"a tuple conditional is only allowed as a rule's result", e.range};
        const int c = value(e.kid(0));
        const int a = value(e.kid(1));
        const int b = value(e.kid(2));
        return val(select(c, a, b, &e));
      }
      case ExprKind::Member: return member(e);
      case ExprKind::Call: return call(e);
      case ExprKind::Builtin: return builtin(e);
      case ExprKind::Dot: {
        const LVal a = lower(e.kid(0));
        const int av = asValue(a, &e.kid(0));
        const int bv = value(e.kid(1));
        const int prod = binary("mul", av, bv, joinElem(def(av).type, def(bv).type), &e);
        return val(reduce("sum", prod, FrameKind::Prev, def(prod).type, &e));
      }
      case ExprKind::Map: return mapExpr(e);
      case ExprKind::Traverse: return traverseExpr(e);
      case ExprKind::Lp: return val(lpExpr(e));
      case ExprKind::MapList:
        throw LowerError{"map_list runs only as the constraints of lp (lp(goal, e, prev.map_list(f)) or "
                         "lp(goal, e, curr[equations].map_list(g curr))); no value here can hold its list",
                         e.range};
      case ExprKind::Concat:
      case ExprKind::CurrList:
      case ExprKind::List:
      case ExprKind::Tuple:
      case ExprKind::Error:
        break;
    }
    throw LowerError{std::string("'") + ast::exprKindName(e.kind) + "' cannot be lowered to the tensor IR yet",
                     e.range};
  }

  // ---- lp ----

  /// `lp(goal, objective, constraints)`: one LP per neuron (runtime/lp_bounds.h). The constraints
  /// are one of the two forms the published specs use, named in the instruction (attr name
  /// "<goal> members <c>" or "<goal> equations"):
  /// - `prev.map_list(f)` with f(n) = n[c], c a Ct member: the stored equality of every prev neuron;
  /// - `curr[equations].map_list(g curr)` with g(a, e) = (a == e), in rev_Affine: curr == e_j for
  ///   the layer's equations e_j (each output's equation solved for curr).
  int lpExpr(const Expr& e) {
    const std::string goal = e.goal == ast::LpGoal::Minimize ? "minimize" : "maximize";
    if (e.kids.size() != 2)
      throw LowerError{"lp runs with exactly one constraint list after the objective "
                       "(prev.map_list(f) over a Ct member, or curr[equations].map_list(g curr))",
                       e.range};
    const int objective = value(e.kid(0));
    if (def(objective).type == ElemType::Sym)
      throw LowerError{"the objective of lp must be a PolyExp over neurons, not a SymExp", e.kid(0).range};
    const std::string source = lpConstraints(e.kid(1));
    Instr i;
    i.op = Opcode::Lp;
    i.name = goal + " " + source;
    i.operands = {objective};
    i.type = ElemType::Float;
    return emit(std::move(i), &e);
  }

  std::string lpConstraints(const Expr& c) {
    static const std::string kForms =
        "the constraints of lp must be prev.map_list(f) with f(n) = n[c] for a Ct member c, or "
        "curr[equations].map_list(g curr) with g(a, e) = (a == e) in a rev_Affine rule";
    if (c.kind != ExprKind::MapList) throw LowerError{kForms, c.range};
    const Expr& base = c.kid(0);
    const LVal f = lower(c.kid(1));
    if (f.kind != LVal::Kind::Func || arity(f) != 1)
      throw LowerError{"map_list needs a function of one (remaining) argument", c.kid(1).range};
    const ast::FuncDecl& fn = *f.func;
    const std::string& param = fn.params.back().name;
    const Expr& body = *fn.body;
    if (base.kind == ExprKind::Prev && info_->inputs == types::Inputs::List) {
      if (body.kind == ExprKind::Member && body.kid(0).kind == ExprKind::Name && body.kid(0).name == param &&
          isCtMemberName(body.name))
        return "members " + body.name;
      throw LowerError{"over prev, lp's map_list must read a Ct member of each neuron (f(n) = n[c]); '" + fn.name +
                           "' does not",
                       c.kid(1).range};
    }
    if (base.kind == ExprKind::Member && base.name == "equations" && base.kid(0).kind == ExprKind::Curr) {
      if (rule_.op != "rev_Affine")
        throw LowerError{"curr[equations] is only provided in rev_Affine rules (the Affine layer's equations "
                         "solved for the input neuron curr)",
                         base.range};
      const bool eq = body.kind == ExprKind::Binary && body.binaryOp == ast::BinaryOp::Eq;
      const auto boundToCurr = [&](const Expr& k) {
        if (k.kind != ExprKind::Name) return false;
        for (size_t p = 0; p + 1 < fn.params.size() && p < f.bound.size(); ++p)
          if (fn.params[p].name == k.name)
            return f.bound[p].kind == LVal::Kind::Ref && f.bound[p].ref == NeuronRef::Curr && !f.bound[p].list;
        return false;
      };
      const auto isParam = [&](const Expr& k) { return k.kind == ExprKind::Name && k.name == param; };
      if (eq && ((boundToCurr(body.kid(0)) && isParam(body.kid(1))) || (isParam(body.kid(0)) && boundToCurr(body.kid(1)))))
        return "equations";
      throw LowerError{"over curr[equations], lp's map_list must build curr == e for each equation e ('" + fn.name +
                           "' given curr does not)",
                       c.kid(1).range};
    }
    throw LowerError{kForms, c.range};
  }

  LVal ref(NeuronRef r, bool list) {
    LVal v;
    v.kind = LVal::Kind::Ref;
    v.ref = r;
    v.list = list;
    return v;
  }

  LVal name(const Expr& e) {
    if (auto it = env_.find(e.name); it != env_.end()) return it->second;
    if (const ast::FuncDecl* f = fe_.program.findFunc(e.name)) {
      LVal v;
      v.kind = LVal::Kind::Func;
      v.func = f;
      return v;
    }
    throw LowerError{"undefined name '" + e.name + "'", e.range};
  }

  LVal binaryExpr(const Expr& e) {
    using ir::Op;
    static const Op kOps[] = {Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::In, Op::And, Op::Or};
    if (e.binaryOp == ast::BinaryOp::In)
      throw LowerError{"'In' is a constraint; it can only appear in invariants and shape constraints", e.range};
    const int a = value(e.kid(0));
    const int b = value(e.kid(1));
    const Op op = kOps[static_cast<int>(e.binaryOp)];
    const bool cmp = op == Op::Eq || op == Op::Ne || op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge ||
                     op == Op::And || op == Op::Or;
    ElemType t = cmp ? ElemType::Bool : joinElem(def(a).type, def(b).type);
    if (!cmp && op == Op::Div && t == ElemType::Int) t = ElemType::Float;
    if (op == Op::Mul) noteNonlinearProduct(def(a).type, def(b).type, e);
    if (cmp && (def(a).type == ElemType::Poly || def(a).type == ElemType::Sym || def(b).type == ElemType::Poly ||
                def(b).type == ElemType::Sym))
      throw LowerError{"a comparison of symbolic values is a constraint, not a per-neuron condition", e.range};
    return val(binary(ir::opName(op), a, b, t, &e));
  }

  /// A product of two symbolic values (SymExp x PolyExp, which the checker types PolyExp) runs
  /// only when inlining made one side a number; otherwise it is not a linear form.
  static void noteNonlinearProduct(ElemType a, ElemType b, const Expr& e) {
    const auto symbolic = [](ElemType t) { return t == ElemType::Poly || t == ElemType::Sym; };
    if (!symbolic(a) || !symbolic(b)) return;
    const auto name = [](ElemType t) { return t == ElemType::Poly ? "PolyExp" : "SymExp"; };
    throw LowerError{std::string("this product of a ") + name(a) + " and a " + name(b) +
                         " is not linear after inlining (both sides carry neuron or noise terms), so no "
                         "PolyExp or SymExp value can hold it and the rule cannot run",
                     e.range};
  }

  LVal member(const Expr& e) {
    const LVal base = lower(e.kid(0));
    if (base.kind != LVal::Kind::Ref)
      throw LowerError{"'[" + e.name + "]' needs a neuron or a list of neurons", e.range};
    static const std::map<std::string, ElemType> kMeta = {
        {"weight", ElemType::Float}, {"bias", ElemType::Float}, {"layer", ElemType::Int},
        {"last_layer", ElemType::Int}};
    Instr i;
    i.ref = base.ref;
    i.name = e.name;
    if (auto it = kMeta.find(e.name); it != kMeta.end()) {
      i.op = Opcode::Meta;
      i.type = it->second;
      if ((e.name == "weight" || e.name == "bias") && base.ref != NeuronRef::Curr)
        throw LowerError{"'" + e.name + "' is only available on curr", e.range};
      if ((e.name == "weight" || e.name == "bias") && info_->reverse)
        throw LowerError{"'" + e.name + "' is not defined in " + rule_.op + " rules (curr is a neuron the layer "
                         "reads); the layer's equations are curr[equations], read by lp",
                         e.range};
    } else if (auto m = memberTypes_.find(e.name); m != memberTypes_.end()) {
      i.op = Opcode::Member;
      i.type = m->second;
    } else {
      if (e.name == "equations")
        throw LowerError{"curr[equations] is a list of PolyExps; it runs only as the constraints of lp in a "
                         "rev_Affine rule (curr[equations].map_list(g curr))",
                         e.range};
      throw LowerError{"'" + e.name + "' is neither a shape member nor metadata the executor provides", e.range};
    }
    LVal out = val(emit(std::move(i), &e));
    out.mask = base.mask;
    return out;
  }

  // ---- calls and function values ----

  LVal call(const Expr& e) {
    LVal callee;
    if (auto it = env_.find(e.name); it != env_.end()) callee = it->second;
    else if (const ast::FuncDecl* f = fe_.program.findFunc(e.name)) {
      callee.kind = LVal::Kind::Func;
      callee.func = f;
    } else {
      throw LowerError{"undefined function '" + e.name + "'", e.range};
    }
    if (callee.kind != LVal::Kind::Func) throw LowerError{"'" + e.name + "' is not a function", e.range};
    std::vector<LVal> args;
    for (const auto& k : e.kids) args.push_back(lower(*k));
    return apply(callee, std::move(args), e);
  }

  /// Applies a function value to more arguments: inlines the body once every parameter is bound.
  LVal apply(const LVal& f, std::vector<LVal> args, const Expr& at) {
    LVal g = f;
    for (auto& a : args) g.bound.push_back(std::move(a));
    if (g.bound.size() < g.func->params.size()) return g;
    if (g.bound.size() > g.func->params.size())
      throw LowerError{"'" + g.func->name + "' is given too many arguments", at.range};
    std::map<std::string, LVal> saved = std::move(env_);
    env_.clear();
    for (size_t k = 0; k < g.bound.size(); ++k) env_[g.func->params[k].name] = g.bound[k];
    LVal out;
    try {
      out = lower(*g.func->body);
    } catch (...) {
      env_ = std::move(saved);
      throw;
    }
    env_ = std::move(saved);
    return out;
  }

  size_t arity(const LVal& f) const { return f.func->params.size() - f.bound.size(); }

  // ---- builtins over lists ----

  LVal builtin(const Expr& e) {
    using ast::BuiltinFn;
    const auto fn = e.builtin;
    if ((fn == BuiltinFn::Max || fn == BuiltinFn::Min) && e.kids.size() == 2) {
      const int a = value(e.kid(0)), b = value(e.kid(1));
      return val(binary(fn == BuiltinFn::Max ? "max" : "min", a, b, joinElem(def(a).type, def(b).type), &e));
    }
    if (fn == BuiltinFn::Argmax || fn == BuiltinFn::Argmin) return argExpr(e);
    if (e.kids.size() != 1) throw LowerError{"wrong number of arguments", e.range};
    if (e.kid(0).kind == ExprKind::List) return listLiteralBuiltin(e);
    const LVal list = lower(e.kid(0));
    int v = list.kind == LVal::Kind::Ref ? asValue([&] { LVal l = list; l.mask = -1; return l; }(), &e.kid(0))
                                         : list.id;
    if (list.kind == LVal::Kind::Func) throw LowerError{"a function is not a list", e.kid(0).range};
    const ElemType t = def(v).type;
    const int mask = list.mask;
    auto ones = [&] {
      if (mask < 0) return reduce("len", v, FrameKind::Prev, ElemType::Int, &e);
      const int one = constant(1, ElemType::Int, &e);
      return reduce("sum", select(mask, one, constant(0, ElemType::Int, &e), &e), FrameKind::Prev, ElemType::Int, &e);
    };
    switch (fn) {
      case BuiltinFn::Len: return val(ones());
      case BuiltinFn::Sum:
        return val(reduce("sum", mask >= 0 ? select(mask, v, constant(0, ElemType::Int, &e), &e) : v,
                          FrameKind::Prev, t, &e));
      case BuiltinFn::Avg:
        if (mask < 0) return val(reduce("avg", v, FrameKind::Prev, t == ElemType::Int ? ElemType::Float : t, &e));
        return val(binary("div",
                          reduce("sum", select(mask, v, constant(0, ElemType::Int, &e), &e), FrameKind::Prev, t, &e),
                          ones(), t == ElemType::Int ? ElemType::Float : t, &e));
      case BuiltinFn::Max:
      case BuiltinFn::Min: {
        const bool isMax = fn == BuiltinFn::Max;
        if (mask >= 0) {
          const double inf = std::numeric_limits<double>::infinity();
          v = select(mask, v, constant(isMax ? -inf : inf, ElemType::Float, &e), &e);
        }
        return val(reduce(isMax ? "max" : "min", v, FrameKind::Prev, t, &e));
      }
      default: break;
    }
    throw LowerError{"unsupported builtin", e.range};
  }

  /// min/max/sum/len/avg of a list literal `[a, b, ...]`: its elements are separate values (not a
  /// frame), so the builtin folds them with the binary operation, left to right.
  LVal listLiteralBuiltin(const Expr& e) {
    using ast::BuiltinFn;
    const Expr& list = e.kid(0);
    const auto count = static_cast<double>(list.kids.size());
    if (e.builtin == BuiltinFn::Len) return val(constant(count, ElemType::Int, &e));
    if (list.kids.empty()) throw LowerError{"the list is empty", list.range};
    const char* op = nullptr;
    switch (e.builtin) {
      case BuiltinFn::Max: op = "max"; break;
      case BuiltinFn::Min: op = "min"; break;
      case BuiltinFn::Sum:
      case BuiltinFn::Avg: op = "add"; break;
      default: throw LowerError{"this builtin does not take a list literal", e.range};
    }
    int acc = value(*list.kids[0]);
    for (size_t k = 1; k < list.kids.size(); ++k) {
      const int next = value(*list.kids[k]);
      acc = binary(op, acc, next, joinElem(def(acc).type, def(next).type), &e);
    }
    if (e.builtin != BuiltinFn::Avg) return val(acc);
    const ElemType t = def(acc).type == ElemType::Int ? ElemType::Float : def(acc).type;
    return val(binary("div", acc, constant(count, ElemType::Int, &e), t, &e));
  }

  /// argmax/argmin(list, f): the mask of elements x with f(x, y) for every other y.
  LVal argExpr(const Expr& e) {
    if (e.kids.size() != 2) throw LowerError{"argmax/argmin take a list and a function", e.range};
    const LVal list = lower(e.kid(0));
    if (list.kind != LVal::Kind::Ref || !list.list || list.mask >= 0)
      throw LowerError{"argmax/argmin are supported on prev (a neuron list) only", e.kid(0).range};
    const LVal f = lower(e.kid(1));
    if (f.kind != LVal::Kind::Func || arity(f) != 2)
      throw LowerError{"argmax/argmin need a function of two neurons", e.kid(1).range};
    const LVal pair = apply(f, {list, ref(NeuronRef::Other, false)}, e);
    const int cond = asValue(pair, &e.kid(1));
    if (def(cond).type != ElemType::Bool) throw LowerError{"the comparison must give a Bool", e.kid(1).range};
    LVal out = list;
    out.mask = reduce("all", cond, FrameKind::Other, ElemType::Bool, &e);
    return out;
  }

  // ---- regions: map and traverse ----

  /// Lowers `body(term, coeff)` into a new region of `owner`; returns the region.
  std::unique_ptr<ir::Region> termRegion(const Expr& at, FrameKind frame, const std::function<int(LVal, LVal)>& body) {
    auto r = std::make_unique<ir::Region>();
    ir::Region* outer = region_;
    region_ = r.get();
    try {
      Instr c;
      c.op = Opcode::Coeff;
      c.frame = frame;
      c.type = ElemType::Float;
      const int coeff = emit(std::move(c), &at);
      const int result = body(ref(NeuronRef::Term, false), val(coeff));
      Instr y;
      y.op = Opcode::Yield;
      y.operands = {result};
      y.id = -1;
      y.origin = at.range;
      y.astNode = at.id;
      y.type = def(result).type;
      y.shape = def(result).shape;
      region_->body.push_back(std::move(y));
    } catch (...) {
      region_ = outer;
      throw;
    }
    region_ = outer;
    return r;
  }

  LVal mapExpr(const Expr& e) {
    const int base = value(e.kid(0));
    const ElemType bt = def(base).type;
    // A number is a linear form with no terms: f is applied to none of them and c0 remains.
    if (bt == ElemType::Float || bt == ElemType::Int) return val(base);
    if (bt != ElemType::Poly && bt != ElemType::Sym)
      throw LowerError{"map needs a PolyExp or SymExp", e.kid(0).range};
    const LVal f = lower(e.kid(1));
    if (f.kind != LVal::Kind::Func || arity(f) != 2) throw LowerError{"map needs a function f(n, c)", e.kid(1).range};
    const FrameKind frame = bt == ElemType::Poly ? FrameKind::Poly : FrameKind::Sym;
    auto body = termRegion(e, frame, [&](LVal term, LVal coeff) { return asValue(apply(f, {term, coeff}, e), &e); });
    Instr m;
    m.op = Opcode::Map;
    m.operands = {base};
    m.frame = frame;
    const ElemType yt = body->body.back().type;
    m.type = yt == ElemType::Poly || yt == ElemType::Sym ? yt : joinElem(yt, ElemType::Float);
    m.regions.push_back(std::move(body));
    return val(emit(std::move(m), &e));
  }

  LVal traverseExpr(const Expr& e) {
    const int base = value(e.kid(0));
    if (def(base).type != ElemType::Poly) throw LowerError{"traverse needs a PolyExp", e.kid(0).range};
    const LVal priority = lower(e.kid(1));
    const LVal stop = lower(e.kid(2));
    const LVal replace = lower(e.kid(3));
    auto applyTerm = [&](const LVal& fn, const Expr& at, LVal term, LVal coeff) {
      if (fn.kind != LVal::Kind::Func) {
        if (fn.kind == LVal::Kind::Value) return fn.id;
        throw LowerError{"expected a function or a constant", at.range};
      }
      if (arity(fn) == 1) return asValue(apply(fn, {term}, at), &at);
      if (arity(fn) == 2) return asValue(apply(fn, {term, coeff}, at), &at);
      throw LowerError{"expected a function of (Neuron) or (Neuron, Float)", at.range};
    };
    Instr t;
    t.op = Opcode::Traverse;
    t.operands = {base};
    t.type = ElemType::Poly;
    t.frame = FrameKind::Poly;
    t.direction = e.direction == ast::Direction::Backward ? "backward" : "forward";
    auto pr = termRegion(e.kid(1), FrameKind::Poly,
                         [&](LVal n, LVal c) { return applyTerm(priority, e.kid(1), n, c); });
    if (pr->body.back().shape.materialized(FrameKind::Poly) || pr->body.back().shape.materialized(FrameKind::Batch))
      throw LowerError{"the priority must be constant within a layer (a function of n[layer] and constants); "
                       "this one depends on the term's neuron or coefficient",
                       e.kid(1).range};
    t.regions.push_back(std::move(pr));
    t.regions.push_back(termRegion(e.kid(2), FrameKind::Poly, [&](LVal n, LVal c) {
      if (stop.kind == LVal::Kind::Value) {
        const Instr& s = def(stop.id);
        if (s.op == Opcode::Const) return constant(s.number, ElemType::Bool, &e.kid(2));
        throw LowerError{"stop must be a Bool literal or a function", e.kid(2).range};
      }
      return applyTerm(stop, e.kid(2), n, c);
    }));
    t.regions.push_back(termRegion(e.kid(3), FrameKind::Poly,
                                   [&](LVal n, LVal c) { return applyTerm(replace, e.kid(3), n, c); }));
    return val(emit(std::move(t), &e));
  }
};

}  // namespace

Result<ir::Program> lowerRule(const FrontendResult& fe, const ast::TransformerDecl& transformer,
                              const ast::Rule& rule) {
  return Lowerer(fe, transformer, rule).run();
}

Result<std::vector<ir::Program>> lowerTransformer(const FrontendResult& fe,
                                                  const ast::TransformerDecl& transformer) {
  Result<std::vector<ir::Program>> out;
  out.value.emplace();
  for (const auto& rule : transformer.rules) {
    Result<ir::Program> p = lowerRule(fe, transformer, rule);
    for (auto& d : p.diagnostics) out.diagnostics.push_back(std::move(d));
    if (p.value) out.value->push_back(std::move(*p.value));
  }
  return out;
}

}  // namespace cert::lower
