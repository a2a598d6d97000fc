// Matrix products: sum over F of a * b, with a over [curr, F] and b over [F] only (curr
// broadcast), is the product of matrix a with vector b. A sum of such products first
// distributes over + so that each becomes its own product (IBP: W+ l + W- u).
#include "compiler/passes/matmul.h"

#include "compiler/passes/rewrite_util.h"

namespace cert::passes {

namespace {

using ir::FrameKind;

bool numeric(const ir::Instr& i) { return i.type == ir::ElemType::Float || i.type == ir::ElemType::Int; }

/// `g` = a * b with a matrix over [curr, F] and a vector over [F]: the matrix and the vector.
bool product(const Defs& d, int g, FrameKind f, int* matrix, int* vector) {
  int a = -1, b = -1;
  if (!isBinary(d, g, ir::Op::Mul, &a, &b)) return false;
  const ir::Instr& ia = *d.at(a);
  const ir::Instr& ib = *d.at(b);
  if (!numeric(ia) || !numeric(ib) || !ia.shape.materialized(f) || !ib.shape.materialized(f)) return false;
  const bool aRows = ia.shape.materialized(FrameKind::Curr), bRows = ib.shape.materialized(FrameKind::Curr);
  if (aRows == bRows) return false;
  *matrix = aRows ? a : b;
  *vector = aRows ? b : a;
  return true;
}

bool rewrite(ir::Program& p, ir::Region& r, size_t k, const Defs& d) {
  const ir::Instr& s = r.body[k];
  if (s.op != ir::Opcode::Reduce || s.name != ir::Op::Sum || s.frame != FrameKind::Prev || !numeric(s)) return false;
  int m = -1, v = -1, x = -1, y = -1;
  if (product(d, s.operands[0], s.frame, &m, &v)) {
    ir::Instr& i = r.body[k];
    i.op = ir::Opcode::MatMul;
    i.name.clear();
    i.operands = {m, v};
    return true;
  }
  if (!isBinary(d, s.operands[0], ir::Op::Add, &x, &y) || !product(d, x, s.frame, &m, &v) || !product(d, y, s.frame, &m, &v))
    return false;
  ir::Instr sx = makeInstr(p, s, ir::Opcode::Reduce, s.type, s.shape, {x}, "sum");
  ir::Instr sy = makeInstr(p, s, ir::Opcode::Reduce, s.type, s.shape, {y}, "sum");
  sx.frame = sy.frame = s.frame;
  ir::Instr& i = r.body[k];
  i.op = ir::Opcode::Binary;
  i.name = "add";
  i.operands = {sx.id, sy.id};
  r.body.insert(r.body.begin() + static_cast<std::ptrdiff_t>(k), std::move(sy));
  r.body.insert(r.body.begin() + static_cast<std::ptrdiff_t>(k), std::move(sx));
  return true;
}

}  // namespace

bool runMatMul(ir::Program& p) {
  return rewriteEach(p, [&p](ir::Region& r, size_t k, const Defs& d) { return rewrite(p, r, k, d); });
}

}  // namespace cert::passes
