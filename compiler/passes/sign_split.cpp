// The sign split: select(c >= 0, c*x, c*y) = max(c,0)*x + min(c,0)*y wherever c != 0; where
// c == 0 both are 0 when x and y are finite, or the term is skipped anyway (c is a map/traverse
// coefficient: zero terms never count). Other branch forms (not c times something) do not match.
#include "compiler/passes/sign_split.h"

#include "compiler/passes/rewrite_util.h"

namespace cert::passes {

namespace {

/// The factor x of `g` = c * x (either order), or -1.
int factorOf(const Defs& d, int g, int c) {
  int a = -1, b = -1;
  if (!isBinary(d, g, ir::Op::Mul, &a, &b)) return -1;
  return a == c ? b : b == c ? a : -1;
}

bool rewrite(ir::Program& p, ir::Region& r, size_t k, const Defs& d) {
  const ir::Instr& s = r.body[k];
  if (s.op != ir::Opcode::Select) return false;
  int c = -1;
  bool positive = true;
  if (!comparesWithZero(d, s.operands[0], &c, &positive)) return false;
  const int x = factorOf(d, s.operands[1], c), y = factorOf(d, s.operands[2], c);
  if (x < 0 || y < 0) return false;
  const bool masked = d.at(c)->op == ir::Opcode::Coeff;
  if (!masked && !(isFinite(d, x) && isFinite(d, y))) return false;
  const ir::Instr& ci = *d.at(c);
  const ir::Instr& xi = *d.at(s.operands[1]);
  const ir::Instr& yi = *d.at(s.operands[2]);
  ir::Shape scalar;
  scalar.frames = {{ir::FrameKind::Batch, false}, {ir::FrameKind::Curr, false}};
  ir::Instr zero = makeInstr(p, s, ir::Opcode::Const, ir::ElemType::Int, scalar, {});
  ir::Instr pos = makeInstr(p, s, ir::Opcode::Binary, ci.type, ci.shape, {c, zero.id}, "max");
  ir::Instr neg = makeInstr(p, s, ir::Opcode::Binary, ci.type, ci.shape, {c, zero.id}, "min");
  ir::Instr px = makeInstr(p, xi, ir::Opcode::Binary, xi.type, xi.shape, {positive ? pos.id : neg.id, x}, "mul");
  ir::Instr py = makeInstr(p, yi, ir::Opcode::Binary, yi.type, yi.shape, {positive ? neg.id : pos.id, y}, "mul");
  ir::Instr sum = makeInstr(p, s, ir::Opcode::Binary, s.type, s.shape, {px.id, py.id}, "add");
  sum.id = s.id;  // uses of the select read the sum
  std::vector<ir::Instr> before;
  before.push_back(std::move(zero));
  before.push_back(std::move(pos));
  before.push_back(std::move(neg));
  before.push_back(std::move(px));
  before.push_back(std::move(py));
  r.body[k] = std::move(sum);
  r.body.insert(r.body.begin() + static_cast<std::ptrdiff_t>(k), std::make_move_iterator(before.begin()),
                std::make_move_iterator(before.end()));
  return true;
}

}  // namespace

bool runSignSplit(ir::Program& p) {
  return rewriteEach(p, [&p](ir::Region& r, size_t k, const Defs& d) { return rewrite(p, r, k, d); });
}

}  // namespace cert::passes
