// Recognition of sign-split term regions (see the header).
#include "compiler/analysis/sign_split.h"

#include <map>

namespace cert::analysis {

namespace {

using ir::Instr;
using ir::Opcode;

/// The region's own instructions by id; other ids are looked up in the program.
class Defs {
 public:
  Defs(const ir::Program& p, const ir::Region& r) : p_(p) {
    for (const Instr& i : r.body) own_[i.id] = &i;
  }
  const Instr* operator()(int id) const {
    const auto it = own_.find(id);
    return it != own_.end() ? it->second : p_.find(id);
  }

 private:
  const ir::Program& p_;
  std::map<int, const Instr*> own_;
};

bool isZero(const Instr* i) { return i && i->op == Opcode::Const && i->number == 0.0; }
bool isCoeff(const Instr* i) { return i && i->op == Opcode::Coeff; }

/// `member X of term` where X is a member the region reads: its name.
std::optional<std::string> termMember(const Instr* i) {
  if (!i || i->op != Opcode::Member || i->ref != ir::NeuronRef::Term || i->name.empty()) return std::nullopt;
  return i->name.str();
}

/// `op(coeff, 0)` or `op(0, coeff)`.
bool clampOfCoeff(const Defs& defs, const Instr* i, ir::Op op) {
  if (!i || i->op != Opcode::Binary || !(i->name == op) || i->operands.size() != 2) return false;
  const Instr* a = defs(i->operands[0]);
  const Instr* b = defs(i->operands[1]);
  return (isCoeff(a) && isZero(b)) || (isZero(a) && isCoeff(b));
}

/// `factor * member X of term` (either order) where `factor` satisfies `isFactor`: X.
template <class IsFactor>
std::optional<std::string> scaledMember(const Defs& defs, const Instr* i, IsFactor&& isFactor) {
  if (!i || i->op != Opcode::Binary || !(i->name == ir::Op::Mul) || i->operands.size() != 2) return std::nullopt;
  const Instr* a = defs(i->operands[0]);
  const Instr* b = defs(i->operands[1]);
  if (isFactor(a)) return termMember(b);
  if (isFactor(b)) return termMember(a);
  return std::nullopt;
}

}  // namespace

std::optional<SignSplit> signSplitOf(const ir::Program& p, const ir::Region& r) {
  if (r.body.empty() || r.body.back().op != Opcode::Yield || r.body.back().operands.size() != 1) return std::nullopt;
  const Defs defs(p, r);
  const Instr* top = defs(r.body.back().operands[0]);
  if (!top || top->type == ir::ElemType::Sym) return std::nullopt;
  if (auto a = scaledMember(defs, top, isCoeff)) return SignSplit{*a, *a};
  if (top->op != Opcode::Binary || !(top->name == ir::Op::Add) || top->operands.size() != 2) return std::nullopt;
  const Instr* x = defs(top->operands[0]);
  const Instr* y = defs(top->operands[1]);
  auto pos = [&](const Instr* f) { return clampOfCoeff(defs, f, ir::Op::Max); };
  auto neg = [&](const Instr* f) { return clampOfCoeff(defs, f, ir::Op::Min); };
  for (int swap = 0; swap < 2; ++swap, std::swap(x, y)) {
    const std::optional<std::string> a = scaledMember(defs, x, pos);
    const std::optional<std::string> b = scaledMember(defs, y, neg);
    if (a && b) return SignSplit{*a, *b};
  }
  return std::nullopt;
}

namespace {

void markSignSplits(const ir::Program& p, ir::Region& r) {
  for (Instr& i : r.body) {
    const ir::Region* split = i.op == Opcode::Map && !i.regions.empty()          ? i.regions[0].get()
                              : i.op == Opcode::Traverse && i.regions.size() > 2 ? i.regions[2].get()
                                                                                 : nullptr;
    i.signSplitPositive.clear();
    i.signSplitNegative.clear();
    if (split)
      if (const std::optional<SignSplit> s = signSplitOf(p, *split)) {
        i.signSplitPositive = s->onPositive;
        i.signSplitNegative = s->onNegative;
      }
    for (auto& nested : i.regions) markSignSplits(p, *nested);
  }
}

}  // namespace

void computeSignSplits(ir::Program& p) { markSignSplits(p, p.body); }

}  // namespace cert::analysis
