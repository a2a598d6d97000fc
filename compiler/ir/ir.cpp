// Names of IR enums, shape queries, and lookup of values by id.
#include "compiler/ir/ir.h"

#include <algorithm>

namespace cert::ir {

bool Shape::has(FrameKind k) const {
  return std::any_of(frames.begin(), frames.end(), [k](const Frame& f) { return f.kind == k; });
}

bool Shape::materialized(FrameKind k) const {
  return std::any_of(frames.begin(), frames.end(),
                     [k](const Frame& f) { return f.kind == k && f.materialized; });
}

bool Shape::isScalar() const {
  return std::none_of(frames.begin(), frames.end(), [](const Frame& f) { return f.materialized; });
}

const char* opcodeName(Opcode op) {
  switch (op) {
    case Opcode::Const: return "const";
    case Opcode::Member: return "member";
    case Opcode::Meta: return "meta";
    case Opcode::Neuron: return "neuron";
    case Opcode::Coeff: return "coeff";
    case Opcode::FreshNoise: return "fresh_noise";
    case Opcode::Unary: return "unary";
    case Opcode::Binary: return "binary";
    case Opcode::Select: return "select";
    case Opcode::Reduce: return "reduce";
    case Opcode::MatMul: return "matmul";
    case Opcode::Map: return "map";
    case Opcode::Traverse: return "traverse";
    case Opcode::Lp: return "lp";
    case Opcode::Yield: return "yield";
  }
  return "?";
}

const char* elemTypeName(ElemType t) {
  switch (t) {
    case ElemType::Bool: return "bool";
    case ElemType::Int: return "int";
    case ElemType::Float: return "float";
    case ElemType::Poly: return "poly";
    case ElemType::Sym: return "sym";
  }
  return "?";
}

const char* frameKindName(FrameKind k) {
  switch (k) {
    case FrameKind::Batch: return "batch";
    case FrameKind::Curr: return "curr";
    case FrameKind::Prev: return "prev";
    case FrameKind::Poly: return "poly";
    case FrameKind::Sym: return "sym";
    case FrameKind::Other: return "other";
  }
  return "?";
}

const char* neuronRefName(NeuronRef r) {
  switch (r) {
    case NeuronRef::Curr: return "curr";
    case NeuronRef::Prev: return "prev";
    case NeuronRef::Prev0: return "prev_0";
    case NeuronRef::Prev1: return "prev_1";
    case NeuronRef::PrevList: return "prev_list";
    case NeuronRef::Term: return "term";
    case NeuronRef::Other: return "other";
  }
  return "?";
}

namespace {
const Instr* findIn(const Region& r, int id) {
  for (const Instr& i : r.body) {
    if (i.id == id) return &i;
    for (const auto& sub : i.regions)
      if (const Instr* found = findIn(*sub, id)) return found;
  }
  return nullptr;
}
}  // namespace

const Instr* Program::find(int id) const { return findIn(body, id); }

}  // namespace cert::ir
