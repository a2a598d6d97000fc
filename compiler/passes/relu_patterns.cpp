// Relu patterns: a per-element choice between x and 0 by the sign of x is max(x, 0) or
// min(x, 0) (equal at x == 0); a bool (x >= 0) times x is max(x, 0) when x is finite.
#include "compiler/passes/relu_patterns.h"

#include "compiler/passes/rewrite_util.h"

namespace cert::passes {

namespace {

/// "max" or "min" when `i` is one of the patterns over x (set), else nullptr.
const char* clampOf(const Defs& d, const ir::Instr& i, int* x) {
  int c = -1;
  bool positive = true;
  if (i.op == ir::Opcode::Select) {
    if (!comparesWithZero(d, i.operands[0], &c, &positive)) return nullptr;
    *x = c;
    if (i.operands[1] == c && isConst(d, i.operands[2], 0)) return positive ? "max" : "min";
    if (isConst(d, i.operands[1], 0) && i.operands[2] == c) return positive ? "min" : "max";
    return nullptr;
  }
  if (i.op == ir::Opcode::Binary && i.name == ir::Op::Mul) {
    for (int k = 0; k < 2; ++k) {
      const int cond = i.operands[static_cast<size_t>(k)], other = i.operands[static_cast<size_t>(1 - k)];
      if (comparesWithZero(d, cond, &c, &positive) && c == other && isFinite(d, other)) {
        *x = other;
        return positive ? "max" : "min";
      }
    }
  }
  return nullptr;
}

}  // namespace

bool runReluPatterns(ir::Program& p) {
  return rewriteEach(p, [&p](ir::Region& r, size_t k, const Defs& d) {
    int x = -1;
    const char* op = clampOf(d, r.body[k], &x);
    if (!op || d.at(x)->type == ir::ElemType::Poly || d.at(x)->type == ir::ElemType::Sym) return false;
    ir::Shape scalar;
    scalar.frames = {{ir::FrameKind::Batch, false}, {ir::FrameKind::Curr, false}};
    ir::Instr zero = makeInstr(p, r.body[k], ir::Opcode::Const, ir::ElemType::Int, scalar, {});
    ir::Instr& i = r.body[k];
    i.op = ir::Opcode::Binary;
    i.name = op;
    i.operands = {x, zero.id};
    r.body.insert(r.body.begin() + static_cast<std::ptrdiff_t>(k), std::move(zero));
    return true;
  });
}

}  // namespace cert::passes
