// computeLiveness: one backward scan per region over the values each instruction reads.
#include "compiler/analysis/liveness.h"

#include <set>

namespace cert::analysis {
namespace {

/// Every value `i` reads: its operands and what its nested regions read.
void collectReads(const ir::Instr& i, std::set<int>& out) {
  out.insert(i.operands.begin(), i.operands.end());
  for (const auto& r : i.regions)
    for (const ir::Instr& n : r->body) collectReads(n, out);
}

void region(ir::Region& r, const std::set<int>& results) {
  std::set<int> defined, seen;  // seen: read by a later instruction of r
  for (const ir::Instr& i : r.body) defined.insert(i.id);
  for (size_t k = r.body.size(); k-- > 0;) {
    ir::Instr& i = r.body[k];
    std::set<int> reads;
    collectReads(i, reads);
    i.lastUses.clear();
    for (int id : reads)
      if (defined.count(id) && !results.count(id) && seen.insert(id).second) i.lastUses.push_back(id);
    for (auto& nested : i.regions) region(*nested, results);
  }
}

}  // namespace

void computeLiveness(ir::Program& p) {
  const std::set<int> results(p.results.begin(), p.results.end());
  region(p.body, results);
}

}  // namespace cert::analysis
