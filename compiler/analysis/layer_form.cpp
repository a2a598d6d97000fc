// computeLayerForms: a def map and a reader count over the whole program, then one match per
// instruction.
#include "compiler/analysis/layer_form.h"

#include <functional>
#include <map>
#include <vector>

namespace cert::analysis {
namespace {

using ir::Instr;
using ir::Op;
using ir::Opcode;

struct Index {
  std::map<int, Instr*> defs;
  std::map<int, std::vector<const Instr*>> readers;  // direct operand reads, nested regions too
};

void index(ir::Region& r, Index& out) {
  for (Instr& i : r.body) {
    out.defs[i.id] = &i;
    for (int id : i.operands) out.readers[id].push_back(&i);
    for (auto& nested : i.regions) index(*nested, out);
  }
}

const Instr* def(const Index& x, int id) {
  const auto it = x.defs.find(id);
  return it == x.defs.end() ? nullptr : it->second;
}

bool isWeight(const Instr* i) {
  return i && i->op == Opcode::Meta && i->name == "weight" && i->ref == ir::NeuronRef::Curr;
}

bool isConst(const Instr* i, double v) { return i && i->op == Opcode::Const && i->number == v; }

/// The weight or a map of it that sends 0 to 0 and finite values to finite values.
bool weightDerived(const Index& x, int id) {
  const Instr* i = def(x, id);
  if (isWeight(i)) return true;
  if (!i) return false;
  if (i->op == Opcode::Unary && i->name == Op::Neg) return weightDerived(x, i->operands[0]);
  if (i->op != Opcode::Binary || i->operands.size() != 2) return false;
  for (int k = 0; k < 2; ++k) {
    const int w = i->operands[static_cast<size_t>(k)], s = i->operands[static_cast<size_t>(1 - k)];
    if (!weightDerived(x, w)) continue;
    const Instr* si = def(x, s);
    if ((i->name == Op::Max || i->name == Op::Min) && isConst(si, 0)) return true;
    if (i->name == Op::Mul && si && si->op == Opcode::Const) return true;
  }
  return false;
}

/// The input neurons, or a linear member of them (DeepZ's prev[z]): either way the layer's weight
/// times it, summed over prev, is the weight's own block (times the member's blocks).
bool isPrevList(const Instr* i) {
  if (!i || i->ref != ir::NeuronRef::PrevList) return false;
  return i->op == Opcode::Neuron ||
         (i->op == Opcode::Member && (i->type == ir::ElemType::Poly || i->type == ir::ElemType::Sym));
}

ir::LayerForm formOf(const Index& x, const Instr& i) {
  if (i.op == Opcode::MatMul && i.frame == ir::FrameKind::Prev && !i.operands.empty() && weightDerived(x, i.operands[0]))
    return ir::LayerForm::MatMul;
  if (i.op != Opcode::Binary || i.name != Op::Mul || i.operands.size() != 2) return ir::LayerForm::None;
  const Instr* a = def(x, i.operands[0]);
  const Instr* b = def(x, i.operands[1]);
  if (!((isWeight(a) && isPrevList(b)) || (isPrevList(a) && isWeight(b)))) return ir::LayerForm::None;
  const auto it = x.readers.find(i.id);
  if (it == x.readers.end() || it->second.size() != 1) return ir::LayerForm::None;
  const Instr& use = *it->second.front();
  if (use.op != Opcode::Reduce || use.name != Op::Sum || use.frame != ir::FrameKind::Prev) return ir::LayerForm::None;
  return ir::LayerForm::Product;
}

void mark(ir::Region& r, const Index& x) {
  for (Instr& i : r.body) {
    i.layerForm = formOf(x, i);
    for (auto& nested : i.regions) mark(*nested, x);
  }
}

}  // namespace

void computeLayerForms(ir::Program& p) {
  Index x;
  index(p.body, x);
  mark(p.body, x);
}

}  // namespace cert::analysis
