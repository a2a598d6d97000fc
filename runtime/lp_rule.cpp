// lpRule: materialized linear forms -> neuron forms -> one LP per neuron (lp_bounds).
#include "runtime/lp_rule.h"

#include <stdexcept>

#include "runtime/backend/backend.h"
#include <vector>

namespace cert::runtime {

namespace {

/// Row `row` of a materialized linear form (blocks keyed by layer) as a neuron form.
NeuronForm formOf(const Backend& backend, const Lin& l, int64_t row) {
  NeuronForm f;
  f.constant = l.c0.r == 1 ? l.c0.at(0, 0, 0) : l.c0.at(row, 0, 0);
  for (const auto& [layer, blk] : l.blocks) {
    const std::vector<double> r = backend.rowValues(blk, blk.rows() == 1 ? 0 : row);
    for (size_t j = 0; j < r.size(); ++j)
      if (r[j] != 0) f.terms.push_back({layer, static_cast<int64_t>(j), r[j]});
  }
  return f;
}

}  // namespace

Tensor lpRule(const Backend& backend, const std::string& name, const Lin& objective, int64_t n, const LpRuleInputs& in) {
  if (!objective.lazy.empty() || objective.sym) throw std::runtime_error("lp: the objective is not a linear form over neurons");
  const bool maximize = name.rfind("maximize", 0) == 0;
  std::vector<NeuronForm> objectives, equalities;
  for (int64_t r = 0; r < n; ++r) objectives.push_back(formOf(backend, objective, r));
  if (name.find(" members ") != std::string::npos) {
    if (!in.ctMember) throw std::runtime_error("lp: the prev layer has no Ct member");
    if (!in.ctMember->lazy.empty()) throw std::runtime_error("lp: a Ct member is still a list");
    for (int64_t r = 0; r < in.ctRows; ++r) equalities.push_back(formOf(backend, *in.ctMember, r));
  } else if (name.find(" equations") != std::string::npos) {
    if (!in.weight) throw std::runtime_error("lp: curr[equations] needs an Affine layer");
    const Tensor& W = *in.weight;
    for (int64_t j = 0; j < W.r; ++j) {
      NeuronForm f;
      f.constant = static_cast<int64_t>(in.bias.size()) > j ? in.bias[static_cast<size_t>(j)] : 0.0;
      for (int64_t k = 0; k < W.c; ++k)
        if (W.at(j, k, 0) != 0) f.terms.push_back({in.currLayer, k, W.at(j, k, 0)});
      f.terms.push_back({in.outputLayer, j, -1.0});
      equalities.push_back(std::move(f));
    }
  } else {
    throw std::runtime_error("lp: unknown constraint list '" + name + "'");
  }
  const std::vector<double> v = lpBoundsPerNeuron(objectives, equalities, maximize, in.interval);
  return backend.upload(v);
}

}  // namespace cert::runtime
