// Common subexpression elimination by value numbering over the region tree: a table of keys per
// region, inherited by nested regions (an outer value dominates them), never by siblings.
#include "compiler/passes/cse.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <string>

#include "compiler/ir/ir_printer.h"
#include "compiler/passes/rewrite_util.h"

namespace cert::passes {

namespace {

std::string key(const ir::Instr& i, const ir::Region& r) {
  uint64_t bits = 0;
  std::memcpy(&bits, &i.number, sizeof bits);
  std::string k = std::string(ir::opcodeName(i.op)) + "|" + ir::elemTypeName(i.type) + ir::printShape(i.shape) +
                  "|" + i.name + "|" + std::to_string(bits) + "|" + ir::neuronRefName(i.ref) + "|" +
                  ir::frameKindName(i.frame) + "|" + i.direction;
  for (int o : i.operands) k += "|%" + std::to_string(o);
  // A term reference means the term of its own region's loop: equal only within that region.
  if (i.ref == ir::NeuronRef::Term && (i.op == ir::Opcode::Member || i.op == ir::Opcode::Meta || i.op == ir::Opcode::Neuron))
    k += "@" + std::to_string(reinterpret_cast<std::uintptr_t>(&r));
  return k;
}

bool numberable(const ir::Instr& i) {
  // Coeff and term references mean different things per region evaluation, fresh noise is a
  // new symbol each time, and region ops are not compared.
  return i.op != ir::Opcode::Yield && i.op != ir::Opcode::Coeff && i.op != ir::Opcode::FreshNoise &&
         i.regions.empty();
}

bool walk(ir::Program& p, ir::Region& r, std::map<std::string, int> table, const std::set<int>& used) {
  bool changed = false;
  for (ir::Instr& i : r.body) {
    if (numberable(i)) {
      const std::string k = key(i, r);
      const auto [it, fresh] = table.emplace(k, i.id);
      if (!fresh) {
        replaceAllUses(p, i.id, it->second);
        changed = changed || used.count(i.id) > 0;
      }
    }
    for (auto& sub : i.regions) changed = walk(p, *sub, table, used) || changed;
  }
  return changed;
}

}  // namespace

bool runCse(ir::Program& p) {
  bool changed = false;
  while (walk(p, p.body, {}, usedIds(p))) changed = true;
  return changed;
}

}  // namespace cert::passes
