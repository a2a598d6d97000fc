// Shared helpers of the IR passes.
#include "compiler/passes/rewrite_util.h"

#include <algorithm>
#include <cmath>

namespace cert::passes {

using ir::FrameKind;
using ir::Instr;
using ir::Opcode;

namespace {

void collect(const ir::Region& r, Defs& d) {
  for (const Instr& i : r.body) {
    if (i.op != Opcode::Yield) d[i.id] = &i;
    for (const auto& sub : i.regions) collect(*sub, d);
  }
}

bool walk(ir::Region& r, const Defs& defs, const std::function<bool(ir::Region&, size_t, const Defs&)>& f) {
  for (size_t k = 0; k < r.body.size(); ++k) {
    if (f(r, k, defs)) return true;
    for (auto& sub : r.body[k].regions)
      if (walk(*sub, defs, f)) return true;
  }
  return false;
}

void replaceIn(ir::Region& r, int from, int to) {
  for (Instr& i : r.body) {
    for (int& o : i.operands)
      if (o == from) o = to;
    for (auto& sub : i.regions) replaceIn(*sub, from, to);
  }
}

void usesIn(const ir::Region& r, std::set<int>& out) {
  for (const Instr& i : r.body) {
    out.insert(i.operands.begin(), i.operands.end());
    for (const auto& sub : i.regions) usesIn(*sub, out);
  }
}

int frameOrder(FrameKind k) {
  switch (k) {
    case FrameKind::Batch: return 0;
    case FrameKind::Curr: return 1;
    case FrameKind::Prev:
    case FrameKind::Poly:
    case FrameKind::Sym: return 2;
    case FrameKind::Other: return 3;
  }
  return 4;
}

}  // namespace

Defs definitions(const ir::Program& p) {
  Defs d;
  collect(p.body, d);
  return d;
}

bool rewriteEach(ir::Program& p, const std::function<bool(ir::Region&, size_t, const Defs&)>& f) {
  bool changed = false;
  for (int guard = 0; guard < 100000; ++guard) {
    const Defs defs = definitions(p);
    if (!walk(p.body, defs, f)) break;
    changed = true;
  }
  return changed;
}

void replaceAllUses(ir::Program& p, int from, int to) {
  replaceIn(p.body, from, to);
  for (int& r : p.results)
    if (r == from) r = to;
}

std::set<int> usedIds(const ir::Program& p) {
  std::set<int> out(p.results.begin(), p.results.end());
  usesIn(p.body, out);
  return out;
}

Instr makeInstr(ir::Program& p, const Instr& like, Opcode op, ir::ElemType type, ir::Shape shape,
                std::vector<int> operands, std::string name) {
  Instr i;
  i.id = p.nextId++;
  i.op = op;
  i.type = type;
  i.shape = std::move(shape);
  i.operands = std::move(operands);
  i.name = std::move(name);
  i.origin = like.origin;
  i.astNode = like.astNode;
  return i;
}

ir::Shape joinShapes(const ir::Shape& a, const ir::Shape& b) {
  ir::Shape out = a;
  for (const ir::Frame& f : b.frames) {
    auto it = std::find_if(out.frames.begin(), out.frames.end(), [&](const ir::Frame& g) { return g.kind == f.kind; });
    if (it != out.frames.end()) it->materialized = it->materialized || f.materialized;
    else out.frames.push_back(f);
  }
  std::stable_sort(out.frames.begin(), out.frames.end(),
                   [](const ir::Frame& x, const ir::Frame& y) { return frameOrder(x.kind) < frameOrder(y.kind); });
  return out;
}

ir::Shape withoutFrame(const ir::Shape& s, FrameKind k) {
  ir::Shape out;
  for (const ir::Frame& f : s.frames)
    if (f.kind != k) out.frames.push_back(f);
  return out;
}

bool isConst(const Defs& d, int id, double v) {
  const auto it = d.find(id);
  return it != d.end() && it->second->op == Opcode::Const && it->second->number == v;
}

bool isBinary(const Defs& d, int id, ir::Op op, int* a, int* b) {
  const auto it = d.find(id);
  if (it == d.end() || it->second->op != Opcode::Binary || it->second->name != op) return false;
  if (a) *a = it->second->operands[0];
  if (b) *b = it->second->operands[1];
  return true;
}

bool comparesWithZero(const Defs& d, int cond, int* c, bool* positive) {
  for (const ir::Op op : {ir::Op::Ge, ir::Op::Gt, ir::Op::Le, ir::Op::Lt}) {
    int a = -1, b = -1;
    if (!isBinary(d, cond, op, &a, &b)) continue;
    const bool greater = op == ir::Op::Ge || op == ir::Op::Gt;
    if (isConst(d, b, 0)) *c = a, *positive = greater;
    else if (isConst(d, a, 0)) *c = b, *positive = !greater;
    else return false;
    return true;
  }
  return false;
}

bool isFinite(const Defs& d, int id) {
  const auto it = d.find(id);
  if (it == d.end()) return false;
  const Instr& i = *it->second;
  switch (i.op) {
    case Opcode::Const: return std::isfinite(i.number);
    case Opcode::Meta: return true;
    case Opcode::Neuron: return true;
    case Opcode::Coeff: return true;  // coefficients of stored linear forms
    case Opcode::Member: return i.ref != ir::NeuronRef::Curr && (i.name == "l" || i.name == "u");
    case Opcode::Unary: return i.name == ir::Op::Neg && isFinite(d, i.operands[0]);
    case Opcode::Binary:
      if (i.name == ir::Op::Add || i.name == ir::Op::Sub || i.name == ir::Op::Mul || i.name == ir::Op::Max || i.name == ir::Op::Min)
        return isFinite(d, i.operands[0]) && isFinite(d, i.operands[1]);
      return false;
    case Opcode::Select: return isFinite(d, i.operands[1]) && isFinite(d, i.operands[2]);
    default: return false;
  }
}

}  // namespace cert::passes
