// Copy propagation: uses of a value that is one of its operands read that operand instead (only
// where type and shape agree, so every use still sees the same kind of value).
#include "compiler/passes/copy_propagation.h"

#include "compiler/passes/rewrite_util.h"

namespace cert::passes {

namespace {

/// The operand `i` equals, or -1.
int copiedOperand(const ir::Instr& i, const Defs& d) {
  if (i.op == ir::Opcode::Select) {
    if (i.operands[1] == i.operands[2]) return i.operands[1];
    const auto c = d.find(i.operands[0]);
    if (c != d.end() && c->second->op == ir::Opcode::Const) return i.operands[c->second->number != 0 ? 1 : 2];
    return -1;
  }
  if (i.op != ir::Opcode::Binary) return -1;
  const int a = i.operands[0], b = i.operands[1];
  if (i.name == ir::Op::Add) return isConst(d, b, 0) ? a : isConst(d, a, 0) ? b : -1;
  if (i.name == ir::Op::Sub) return isConst(d, b, 0) ? a : -1;
  if (i.name == ir::Op::Mul) return isConst(d, b, 1) ? a : isConst(d, a, 1) ? b : -1;
  if (i.name == ir::Op::Div) return isConst(d, b, 1) ? a : -1;
  if (i.name == ir::Op::Max || i.name == ir::Op::Min) return a == b ? a : -1;
  return -1;
}

}  // namespace

bool runCopyPropagation(ir::Program& p) {
  bool changed = false;
  for (bool again = true; again;) {
    again = false;
    const Defs d = definitions(p);
    const std::set<int> used = usedIds(p);
    for (const auto& [id, i] : d) {
      if (!used.count(id)) continue;  // already bypassed; dce removes it
      const int src = copiedOperand(*i, d);
      if (src < 0) continue;
      const auto s = d.find(src);
      if (s == d.end() || s->second->type != i->type || s->second->shape != i->shape) continue;
      replaceAllUses(p, id, src);
      changed = again = true;
      break;
    }
  }
  return changed;
}

}  // namespace cert::passes
