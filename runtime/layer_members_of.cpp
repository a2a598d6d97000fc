// denseMembers: one layer's executor state (Tensor / Lin values) as LayerMembers (layer_members_of.h).
#include "runtime/layer_members_of.h"

namespace cert {

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
      m.values = l->c0.toMatrix(n, 1).col(0);
      for (const auto& [k, blk] : l->blocks) {
        Eigen::MatrixXd d = backend.denseValues(blk).toMatrix(blk.rows(), blk.cols());
        if (d.rows() == 1 && n != 1) d = d.replicate(n, 1).eval();
        m.blocks.emplace(k, std::move(d));
      }
    } else {
      m.values = std::get<runtime::Tensor>(it->second).toMatrix(n, 1).col(0);
    }
    out.members.push_back(std::move(m));
  }
  return out;
}

}  // namespace cert
