// Shape inference for lowered instructions (one step per instruction, at emission time).
#include "compiler/lower/shape.h"

#include <array>
#include <map>

namespace cert::lower {

namespace {

using ir::FrameKind;
using ir::NeuronRef;
using ir::Opcode;

constexpr std::array<FrameKind, 6> kOrder = {FrameKind::Batch, FrameKind::Curr, FrameKind::Prev,
                                             FrameKind::Poly,  FrameKind::Sym,  FrameKind::Other};

/// Frames as a map kind -> materialized, turned into a Shape in canonical order.
using FrameSet = std::map<FrameKind, bool>;

ir::Shape toShape(FrameSet f) {
  f.try_emplace(FrameKind::Batch, false);
  f.try_emplace(FrameKind::Curr, false);
  ir::Shape s;
  for (FrameKind k : kOrder)
    if (auto it = f.find(k); it != f.end()) s.frames.push_back({k, it->second});
  return s;
}

FrameSet toSet(const ir::Shape& s) {
  FrameSet f;
  for (const auto& fr : s.frames) f[fr.kind] = fr.materialized;
  return f;
}

const ir::Instr* lookup(int id, const ir::Program& prog, const ir::Region& region) {
  for (const auto& i : region.body)
    if (i.id == id) return &i;
  return prog.find(id);
}

/// The frame of the terms of the region being built (its Coeff), Poly when none.
FrameKind termFrame(const ir::Region& region) {
  for (const auto& i : region.body)
    if (i.op == Opcode::Coeff) return i.frame;
  return FrameKind::Poly;
}

FrameSet refFrames(const ir::Instr& i, const ir::Region& region, bool perCurrList) {
  const bool meta = i.op == Opcode::Meta;
  const bool depBatch = i.op == Opcode::Member;  // members differ per item; neurons and metadata do not
  if (meta && (i.name == "layer" || i.name == "last_layer")) {
    FrameSet f;
    if (i.ref == NeuronRef::PrevList) f[FrameKind::Prev] = false;
    if (i.ref == NeuronRef::Term) f[termFrame(region)] = false;
    if (i.ref == NeuronRef::Other) f[FrameKind::Other] = false;
    return f;
  }
  if (meta && i.name == "weight") return {{FrameKind::Batch, false}, {FrameKind::Curr, true}, {FrameKind::Prev, true}};
  if (meta) return {{FrameKind::Batch, false}, {FrameKind::Curr, true}};
  switch (i.ref) {
    case NeuronRef::Curr:
    case NeuronRef::Prev:
    case NeuronRef::Prev0:
    case NeuronRef::Prev1: return {{FrameKind::Batch, depBatch}, {FrameKind::Curr, true}};
    case NeuronRef::PrevList:
      return {{FrameKind::Batch, depBatch}, {FrameKind::Curr, perCurrList}, {FrameKind::Prev, true}};
    case NeuronRef::Other:
      return {{FrameKind::Batch, depBatch}, {FrameKind::Curr, perCurrList}, {FrameKind::Other, true}};
    case NeuronRef::Term: return {{FrameKind::Batch, depBatch}, {FrameKind::Curr, false}, {termFrame(region), true}};
  }
  return {};
}

}  // namespace

ir::Shape inferShape(const ir::Instr& i, const ir::Program& prog, const ir::Region& region, bool perCurrList) {
  switch (i.op) {
    case Opcode::Const: return toShape({});
    case Opcode::Member:
    case Opcode::Meta:
    case Opcode::Neuron: return toShape(refFrames(i, region, perCurrList));
    case Opcode::Coeff: return toShape({{FrameKind::Batch, true}, {FrameKind::Curr, true}, {i.frame, true}});
    case Opcode::FreshNoise: return toShape({{FrameKind::Batch, false}, {FrameKind::Curr, true}});
    case Opcode::Lp:  // one optimum per item and neuron
      return toShape({{FrameKind::Batch, true}, {FrameKind::Curr, true}});
    case Opcode::Map:
    case Opcode::Traverse: {
      FrameSet f;
      if (!i.operands.empty())
        if (const ir::Instr* op = lookup(i.operands[0], prog, region)) f = toSet(op->shape);
      f[FrameKind::Batch] = true;
      f[FrameKind::Curr] = true;
      return toShape(f);
    }
    case Opcode::Reduce:
    case Opcode::MatMul: {
      FrameSet f;
      for (int o : i.operands)
        if (const ir::Instr* op = lookup(o, prog, region))
          for (const auto& [k, m] : toSet(op->shape)) f[k] = f[k] || m;
      f.erase(i.frame);
      return toShape(f);
    }
    default: {
      FrameSet f;
      for (int o : i.operands)
        if (const ir::Instr* op = lookup(o, prog, region))
          for (const auto& [k, m] : toSet(op->shape)) f[k] = f[k] || m;
      return toShape(f);
    }
  }
}

}  // namespace cert::lower
