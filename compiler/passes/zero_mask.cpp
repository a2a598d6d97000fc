// Zero-coefficient masks: where c == 0, c * x is 0 whenever x is finite, so the mask
// select(c != 0, g, 0) changes nothing when g is built from c * finite (products, sums and
// selects of them). Unsure (a member that may be infinite, a division): the mask stays.
#include "compiler/passes/zero_mask.h"

#include "compiler/passes/rewrite_util.h"

namespace cert::passes {

namespace {

/// g is 0 wherever c is 0.
bool timesC(const Defs& d, int g, int c) {
  int a = -1, b = -1;
  if (isBinary(d, g, ir::Op::Mul, &a, &b)) return (a == c && isFinite(d, b)) || (b == c && isFinite(d, a));
  if (isBinary(d, g, ir::Op::Add, &a, &b) || isBinary(d, g, ir::Op::Sub, &a, &b)) return timesC(d, a, c) && timesC(d, b, c);
  const auto it = d.find(g);
  if (it != d.end() && it->second->op == ir::Opcode::Select)
    return timesC(d, it->second->operands[1], c) && timesC(d, it->second->operands[2], c);
  return false;
}

}  // namespace

bool runZeroMask(ir::Program& p) {
  bool changed = false;
  for (bool again = true; again;) {
    again = false;
    const Defs d = definitions(p);
    const std::set<int> used = usedIds(p);
    for (const auto& [id, i] : d) {
      if (i->op != ir::Opcode::Select || !used.count(id)) continue;
      int c = -1, z = -1;
      if (!isBinary(d, i->operands[0], ir::Op::Ne, &c, &z) || !isConst(d, z, 0) || !isConst(d, i->operands[2], 0)) continue;
      const int g = i->operands[1];
      if (!timesC(d, g, c) || d.at(g)->type != i->type || d.at(g)->shape != i->shape) continue;
      replaceAllUses(p, id, g);
      changed = again = true;
      break;
    }
  }
  return changed;
}

}  // namespace cert::passes
