// Recognition of sign-scale map bodies (see the header).
#include "compiler/analysis/sign_scale.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace cert::analysis {

namespace {

using ir::Instr;
using ir::Op;
using ir::Opcode;

/// The value of an instruction as a function of the coefficient c: c * (c >= 0 ? pos : neg), or a
/// constant (which only scales or compares).
struct Form {
  bool constant = false;
  double value = 0;  ///< constant
  double pos = 0, neg = 0;
};

class Recognizer {
 public:
  Recognizer(const ir::Program& p, const ir::Region& r) : p_(p) {
    for (const Instr& i : r.body) own_[i.id] = &i;
  }

  std::optional<Form> of(int id) {
    const auto done = memo_.find(id);
    if (done != memo_.end()) return done->second;
    const auto it = own_.find(id);
    const Instr* i = it != own_.end() ? it->second : p_.find(id);
    std::optional<Form> f;
    if (i && i->type != ir::ElemType::Sym && i->type != ir::ElemType::Poly) f = form(*i, it != own_.end());
    memo_[id] = f;
    return f;
  }

 private:
  static Form constant(double v) { return Form{true, v, 0, 0}; }
  static Form scaled(double pos, double neg) { return Form{false, 0, pos, neg}; }

  /// Which branch a condition picks for c > 0 and for c < 0 (true: the then-branch), when it
  /// compares the coefficient with 0.
  std::optional<std::pair<bool, bool>> signTest(int id) {
    const auto it = own_.find(id);
    if (it == own_.end()) return std::nullopt;
    const Instr& i = *it->second;
    if (i.op != Opcode::Binary || i.operands.size() != 2) return std::nullopt;
    std::optional<Form> a = of(i.operands[0]), b = of(i.operands[1]);
    if (!a || !b) return std::nullopt;
    Op op = i.name.op();
    if (a->constant && !b->constant) {  // 0 <= c is c >= 0
      std::swap(a, b);
      op = op == Op::Lt ? Op::Gt : op == Op::Le ? Op::Ge : op == Op::Gt ? Op::Lt : op == Op::Ge ? Op::Le : op;
    }
    // c itself (pos 1, neg 1) against the constant 0.
    if (a->constant || !b->constant || b->value != 0 || a->pos != 1 || a->neg != 1) return std::nullopt;
    if (op == Op::Ge || op == Op::Gt) return std::pair{true, false};
    if (op == Op::Le || op == Op::Lt) return std::pair{false, true};
    return std::nullopt;
  }

  std::optional<Form> form(const Instr& i, bool own) {
    if (i.op == Opcode::Const) {
      if (!std::isfinite(i.number)) return std::nullopt;
      return constant(i.number);
    }
    if (!own) return std::nullopt;  // only constants come from outside the region
    switch (i.op) {
      case Opcode::Coeff: return scaled(1, 1);
      case Opcode::Unary: {
        if (i.operands.size() != 1) return std::nullopt;
        const std::optional<Form> x = of(i.operands[0]);
        if (!x) return std::nullopt;
        if (i.name == Op::Neg) return x->constant ? constant(-x->value) : scaled(-x->pos, -x->neg);
        // |c a| = c |a| for c > 0, c (-|b|) for c < 0.
        if (i.name == Op::Abs) return x->constant ? constant(std::abs(x->value)) : scaled(std::abs(x->pos), -std::abs(x->neg));
        return std::nullopt;
      }
      case Opcode::Binary: {
        if (i.operands.size() != 2) return std::nullopt;
        const std::optional<Form> x = of(i.operands[0]), y = of(i.operands[1]);
        if (!x || !y) return std::nullopt;
        const Op op = i.name.op();
        if (x->constant && y->constant) return std::nullopt;  // no constant folding here: the passes do it
        if (op == Op::Add || op == Op::Sub) {
          if (x->constant || y->constant) return std::nullopt;  // c + k is not c times a factor
          const double s = op == Op::Add ? 1 : -1;
          return scaled(x->pos + s * y->pos, x->neg + s * y->neg);
        }
        if (op == Op::Mul) {
          const Form& k = x->constant ? *x : *y;
          const Form& v = x->constant ? *y : *x;
          if (!k.constant) return std::nullopt;  // c * c is not linear in c
          return scaled(k.value * v.pos, k.value * v.neg);
        }
        if (op == Op::Div) {
          if (x->constant || !y->constant || y->value == 0) return std::nullopt;
          return scaled(x->pos / y->value, x->neg / y->value);
        }
        if (op == Op::Max || op == Op::Min) {
          const Form& k = x->constant ? *x : *y;
          const Form& v = x->constant ? *y : *x;
          if (!k.constant || k.value != 0) return std::nullopt;
          // c > 0: max(c pos, 0) = c max(pos, 0); c < 0: max(c neg, 0) = c min(neg, 0).
          return op == Op::Max ? scaled(std::max(v.pos, 0.0), std::min(v.neg, 0.0))
                               : scaled(std::min(v.pos, 0.0), std::max(v.neg, 0.0));
        }
        return std::nullopt;
      }
      case Opcode::Select: {
        if (i.operands.size() != 3) return std::nullopt;
        const std::optional<std::pair<bool, bool>> t = signTest(i.operands[0]);
        const std::optional<Form> x = of(i.operands[1]), y = of(i.operands[2]);
        if (!t || !x || !y) return std::nullopt;
        const Form& onPos = t->first ? *x : *y;
        const Form& onNeg = t->second ? *x : *y;
        // A constant branch is c * 0 only when the constant is 0.
        if ((onPos.constant && onPos.value != 0) || (onNeg.constant && onNeg.value != 0)) return std::nullopt;
        return scaled(onPos.constant ? 0 : onPos.pos, onNeg.constant ? 0 : onNeg.neg);
      }
      default: return std::nullopt;
    }
  }

  const ir::Program& p_;
  std::map<int, const Instr*> own_;
  std::map<int, std::optional<Form>> memo_;
};

void markSignScales(const ir::Program& p, ir::Region& r) {
  for (Instr& i : r.body) {
    i.signScale.reset();
    if (i.op == Opcode::Map && !i.regions.empty())
      if (const std::optional<SignScale> s = signScaleOf(p, *i.regions[0])) i.signScale = std::pair{s->onPositive, s->onNegative};
    for (auto& nested : i.regions) markSignScales(p, *nested);
  }
}

}  // namespace

std::optional<SignScale> signScaleOf(const ir::Program& p, const ir::Region& r) {
  if (r.body.empty() || r.body.back().op != Opcode::Yield || r.body.back().operands.size() != 1) return std::nullopt;
  Recognizer rec(p, r);
  const std::optional<Form> f = rec.of(r.body.back().operands[0]);
  if (!f || f->constant || !std::isfinite(f->pos) || !std::isfinite(f->neg)) return std::nullopt;
  return SignScale{f->pos, f->neg};
}

void computeSignScales(ir::Program& p) { markSignScales(p, p.body); }

}  // namespace cert::analysis
