// Every shape member of one layer at the end of a run, dense, for checks outside the executor
// (soundness sampling): Float members as vectors, PolyExp/SymExp members as constant + blocks.
#pragma once

#include <Eigen/Dense>

#include <map>
#include <string>
#include <vector>

namespace cert {

/// One member of one layer over its n neurons.
struct DenseMember {
  enum class Kind { Float, Poly, Sym };
  std::string name;
  Kind kind = Kind::Float;
  Eigen::VectorXd values;  ///< Float: one value per neuron; Poly/Sym: the constant per neuron
  /// Poly: layer index -> [n x that layer's size] coefficients of its neurons. Sym: noise block
  /// -> [n x block width] coefficients of its symbols (block 0: the input box, eps_0 =
  /// (x - center) / radius per input; later blocks: fresh symbols in [-1, 1]).
  std::map<int, Eigen::MatrixXd> blocks;
};

/// The members of one layer, in the shape's member order.
struct LayerMembers {
  std::vector<DenseMember> members;
  const DenseMember* find(const std::string& name) const {
    for (const DenseMember& m : members)
      if (m.name == name) return &m;
    return nullptr;
  }
};

}  // namespace cert
