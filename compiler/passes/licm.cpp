// Loop-invariant code motion: a region instruction that reads only values defined outside its
// region, and is not itself term-dependent (coeff, a term reference, fresh noise), moves to just
// before the map/traverse that owns the region. Broadcast term frames are dropped from its shape.
#include "compiler/passes/licm.h"

#include "compiler/passes/rewrite_util.h"

namespace cert::passes {

namespace {

bool termDependent(const ir::Instr& i) {
  switch (i.op) {
    case ir::Opcode::Coeff:
    case ir::Opcode::FreshNoise:
    case ir::Opcode::Yield: return true;
    case ir::Opcode::Member:
    case ir::Opcode::Meta:
    case ir::Opcode::Neuron: return i.ref == ir::NeuronRef::Term;
    default: return !i.regions.empty();
  }
}

/// Hoists one instruction out of a region of r.body[k]; true if it did.
bool hoistFrom(ir::Region& r, size_t k) {
  for (auto& sub : r.body[k].regions) {
    std::set<int> inside;
    for (const ir::Instr& i : sub->body) inside.insert(i.id);
    for (size_t j = 0; j < sub->body.size(); ++j) {
      const ir::Instr& i = sub->body[j];
      if (termDependent(i)) continue;
      bool invariant = true;
      for (int o : i.operands) invariant = invariant && !inside.count(o);
      if (!invariant) continue;
      ir::Instr moved = std::move(sub->body[j]);
      sub->body.erase(sub->body.begin() + static_cast<std::ptrdiff_t>(j));
      std::erase_if(moved.shape.frames, [](const ir::Frame& f) {
        return (f.kind == ir::FrameKind::Poly || f.kind == ir::FrameKind::Sym) && !f.materialized;
      });
      r.body.insert(r.body.begin() + static_cast<std::ptrdiff_t>(k), std::move(moved));
      return true;
    }
  }
  return false;
}

}  // namespace

bool runLicm(ir::Program& p) {
  return rewriteEach(p, [](ir::Region& r, size_t k, const Defs&) { return hoistFrom(r, k); });
}

}  // namespace cert::passes
