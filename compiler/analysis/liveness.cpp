// computeLiveness: one backward scan per region over the values each instruction reads.
#include "compiler/analysis/liveness.h"

namespace cert::analysis {

void collectReads(const ir::Instr& i, std::set<int>& out) {
  out.insert(i.operands.begin(), i.operands.end());
  for (const auto& r : i.regions)
    for (const ir::Instr& n : r->body) collectReads(n, out);
}

std::vector<std::vector<int>> lastUsesIn(const ir::Region& r, const std::set<int>& results) {
  std::set<int> defined, seen;  // seen: read by a later instruction of r
  for (const ir::Instr& i : r.body) defined.insert(i.id);
  std::vector<std::vector<int>> out(r.body.size());
  for (size_t k = r.body.size(); k-- > 0;) {
    std::set<int> reads;
    collectReads(r.body[k], reads);
    for (int id : reads)
      if (defined.count(id) && !results.count(id) && seen.insert(id).second) out[k].push_back(id);
  }
  return out;
}

namespace {

void region(ir::Region& r, const std::set<int>& results) {
  std::vector<std::vector<int>> last = lastUsesIn(r, results);
  for (size_t k = 0; k < r.body.size(); ++k) {
    r.body[k].lastUses = std::move(last[k]);
    for (auto& nested : r.body[k].regions) region(*nested, results);
  }
}

}  // namespace

void computeLiveness(ir::Program& p) {
  const std::set<int> results(p.results.begin(), p.results.end());
  region(p.body, results);
}

}  // namespace cert::analysis
