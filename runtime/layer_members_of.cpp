// denseMembers: one layer's executor state (Tensor / Lin values) as LayerMembers (layer_members_of.h).
#include "runtime/layer_members_of.h"

namespace cert {

namespace {

/// t's values over n neurons (a broadcast value repeated) as the report's vector.
Eigen::VectorXd neuronValues(const runtime::Tensor& t, int64_t n) {
  const runtime::Tensor e = t.expand(n, 1, 1);
  return Eigen::Map<const Eigen::VectorXd>(e.v.data(), n);
}

}  // namespace

LayerMembers denseMembers(const runtime::Backend& backend, const std::map<std::string, runtime::Value>& state, const std::vector<std::string>& names,
                          int64_t n) {
  LayerMembers out;
  for (const std::string& name : names) {
    const auto it = state.find(name);
    if (it == state.end()) continue;
    DenseMember m;
    m.name = name;
    if (const runtime::Lin* l = std::get_if<runtime::Lin>(&it->second)) {
      m.kind = l->sym ? DenseMember::Kind::Sym : DenseMember::Kind::Poly;
      m.values = neuronValues(l->c0, n);
      for (const auto& [k, blk] : l->blocks) {
        const runtime::Tensor values = backend.denseValues(blk);  // rows x cols
        Eigen::MatrixXd d = Eigen::Map<const Eigen::MatrixXd>(values.v.data(), blk.rows(), blk.cols());
        if (d.rows() == 1 && n != 1) d = d.replicate(n, 1).eval();
        m.blocks.emplace(k, std::move(d));
      }
    } else {
      m.values = neuronValues(std::get<runtime::Tensor>(it->second), n);
    }
    out.members.push_back(std::move(m));
  }
  return out;
}

}  // namespace cert
