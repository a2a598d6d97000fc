// Map over a known linear form. When map's operand is sum_prev(prev_list * w) (+ b), the terms
// are the prev list's neurons with coefficients w (distinct neurons: no two terms merge), so the
// region is inlined over the prev frame: coeff := w, term := prev_list, masked where w == 0
// (map skips zero coefficients), summed over prev, plus b (the form's constant).
#include "compiler/passes/map_linear_form.h"

#include <map>

#include "compiler/passes/rewrite_util.h"

namespace cert::passes {

namespace {

using ir::FrameKind;
using ir::Instr;
using ir::Opcode;

/// The weight w of `id` = sum_prev(neuron prev_list * w) and the constant b (-1: none).
bool linearForm(const Defs& d, int id, int* w, int* b) {
  *b = -1;
  int x = -1, y = -1;
  if (isBinary(d, id, ir::Op::Add, &x, &y)) {
    const Instr* ix = d.at(x);
    const Instr* iy = d.at(y);
    if (iy->type == ir::ElemType::Poly) std::swap(x, y), std::swap(ix, iy);
    if (iy->type != ir::ElemType::Float && iy->type != ir::ElemType::Int) return false;
    *b = y;
    id = x;
  }
  const Instr* r = d.at(id);
  if (r->op != Opcode::Reduce || r->name != ir::Op::Sum || r->frame != FrameKind::Prev) return false;
  if (!isBinary(d, r->operands[0], ir::Op::Mul, &x, &y)) return false;
  if (d.at(y)->op == Opcode::Neuron) std::swap(x, y);
  const Instr* n = d.at(x);
  if (n->op != Opcode::Neuron || n->ref != ir::NeuronRef::PrevList) return false;
  if (d.at(y)->type != ir::ElemType::Float && d.at(y)->type != ir::ElemType::Int) return false;
  *w = y;
  return true;
}

bool inlinable(const ir::Region& body) {
  for (const Instr& i : body.body)
    if (!i.regions.empty() || i.op == Opcode::FreshNoise) return false;
  return true;
}

ir::Shape overPrev(ir::Shape s) {
  for (ir::Frame& f : s.frames)
    if (f.kind == FrameKind::Poly) f.kind = FrameKind::Prev;
  return s;
}

bool rewrite(ir::Program& p, ir::Region& r, size_t k, const Defs& d) {
  const Instr& m = r.body[k];
  if (m.op != Opcode::Map || m.frame != FrameKind::Poly || m.regions.size() != 1) return false;
  int w = -1, b = -1;
  if (!linearForm(d, m.operands[0], &w, &b) || !inlinable(*m.regions[0])) return false;
  const ir::Shape wShape = d.at(w)->shape;
  std::vector<Instr> out;
  std::map<int, int> renamed;
  auto mapped = [&](int id) { return renamed.count(id) ? renamed.at(id) : id; };
  int value = -1;
  for (const Instr& i : m.regions[0]->body) {
    if (i.op == Opcode::Yield) {
      value = mapped(i.operands[0]);
      continue;
    }
    if (i.op == Opcode::Coeff) {
      renamed[i.id] = w;
      continue;
    }
    Instr c = makeInstr(p, i, i.op, i.type, overPrev(i.shape), {}, i.name);
    for (int o : i.operands) c.operands.push_back(mapped(o));
    c.number = i.number;
    c.frame = i.frame;
    c.ref = i.ref == ir::NeuronRef::Term ? ir::NeuronRef::PrevList : i.ref;
    renamed[i.id] = c.id;
    out.push_back(std::move(c));
  }
  if (value < 0) return false;
  ir::ElemType vt = ir::ElemType::Float;
  ir::Shape vShape = wShape;
  for (const Instr& i : out)
    if (i.id == value) vt = i.type, vShape = i.shape;
  if (const auto it = d.find(value); it != d.end() && !renamed.count(value) && value != w) vt = it->second->type, vShape = it->second->shape;
  if (vt != ir::ElemType::Float && vt != ir::ElemType::Int) return false;
  ir::Shape scalar;
  scalar.frames = {{FrameKind::Batch, false}, {FrameKind::Curr, false}};
  Instr zero = makeInstr(p, m, Opcode::Const, ir::ElemType::Int, scalar, {});
  Instr ne = makeInstr(p, m, Opcode::Binary, ir::ElemType::Bool, wShape, {w, zero.id}, "ne");
  const ir::Shape selShape = joinShapes(wShape, vShape);
  Instr sel = makeInstr(p, m, Opcode::Select, ir::ElemType::Float, selShape, {ne.id, value, zero.id});
  Instr sum = makeInstr(p, m, Opcode::Reduce, ir::ElemType::Float, withoutFrame(selShape, FrameKind::Prev), {sel.id}, "sum");
  sum.frame = FrameKind::Prev;
  const int mapId = m.id;
  const ir::Shape mShape = m.shape;
  out.push_back(std::move(zero));
  out.push_back(std::move(ne));
  out.push_back(std::move(sel));
  Instr result = makeInstr(p, m, Opcode::Binary, ir::ElemType::Float, mShape, {sum.id, b}, "add");
  out.push_back(std::move(sum));
  if (b < 0) {  // no constant: the sum is the result
    result = std::move(out.back());
    out.pop_back();
  }
  result.id = mapId;  // every use of the map now reads the inlined value
  result.shape = mShape;
  r.body[k] = std::move(result);
  r.body.insert(r.body.begin() + static_cast<std::ptrdiff_t>(k), std::make_move_iterator(out.begin()),
                std::make_move_iterator(out.end()));
  return true;
}

}  // namespace

bool runMapLinearForm(ir::Program& p) {
  return rewriteEach(p, [&p](ir::Region& r, size_t k, const Defs& d) { return rewrite(p, r, k, d); });
}

}  // namespace cert::passes
