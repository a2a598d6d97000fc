// Dead code elimination: repeatedly drops instructions whose value nothing reads.
#include "compiler/passes/dce.h"

#include "compiler/passes/rewrite_util.h"

namespace cert::passes {

namespace {

bool sweep(ir::Region& r, const std::set<int>& used) {
  bool changed = false;
  for (size_t k = r.body.size(); k-- > 0;) {
    ir::Instr& i = r.body[k];
    for (auto& sub : i.regions) changed = sweep(*sub, used) || changed;
    const bool keep = i.op == ir::Opcode::Yield || i.op == ir::Opcode::FreshNoise || used.count(i.id);
    if (!keep) {
      r.body.erase(r.body.begin() + static_cast<std::ptrdiff_t>(k));
      changed = true;
    }
  }
  return changed;
}

}  // namespace

bool runDce(ir::Program& p) {
  bool changed = false;
  while (sweep(p.body, usedIds(p))) changed = true;
  return changed;
}

}  // namespace cert::passes
