// lpBoundsPerNeuron: neurons numbered as LP variables, one LpSolver, one objective per neuron.
#include "runtime/lp_bounds.h"

#include <map>

#include "runtime/lp_solver.h"

namespace cert::runtime {

std::vector<double> lpBoundsPerNeuron(const std::vector<NeuronForm>& objectives,
                                      const std::vector<NeuronForm>& equalities, bool maximize,
                                      const NeuronInterval& interval) {
  std::map<std::pair<int, int64_t>, int> var;
  LpProblem problem;
  const auto id = [&](const NeuronTerm& t) {
    const auto key = std::make_pair(t.layer, t.index);
    auto it = var.find(key);
    if (it != var.end()) return it->second;
    const auto [lo, hi] = interval(t.layer, t.index);
    problem.lower.push_back(lo);
    problem.upper.push_back(hi);
    return var.emplace(key, static_cast<int>(problem.lower.size()) - 1).first->second;
  };
  for (const NeuronForm& f : equalities) {
    LpRow row;
    std::map<int, double> merged;
    for (const NeuronTerm& t : f.terms)
      if (t.coeff != 0) merged[id(t)] += t.coeff;
    for (const auto& [k, a] : merged)
      if (a != 0) row.terms.push_back({k, a});
    if (row.terms.empty()) continue;
    row.rhs = -f.constant;
    problem.rows.push_back(std::move(row));
  }
  std::vector<std::vector<std::pair<int, double>>> objs(objectives.size());
  for (size_t r = 0; r < objectives.size(); ++r)
    for (const NeuronTerm& t : objectives[r].terms)
      if (t.coeff != 0) objs[r].push_back({id(t), t.coeff});
  LpSolver solver(problem);
  std::vector<double> out(objectives.size());
  for (size_t r = 0; r < objectives.size(); ++r) out[r] = solver.bound(objs[r], objectives[r].constant, maximize);
  return out;
}

}  // namespace cert::runtime
