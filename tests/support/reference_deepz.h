// Independent dense DeepZ and DeepPoly x DeepZ (test code): specs/deepz.cf, deeppoly_deepz.cf.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"
#include "tests/support/reference_bounds.h"

namespace cert::test {

/// DeepZ's state, one layer at a time (so the product with DeepPoly can share l/u between steps).
class DeepZAnalysis {
 public:
  DeepZAnalysis(const Network& net, const InputBox& box);

  /// Computes layer k's zonotopes and l/u from the final l/u of layers 0..k-1 (bounds.size() == k).
  /// Layers must be stepped in order 0, 1, 2, ...
  Result<LayerBounds> step(int k, const std::vector<LayerBounds>& bounds);

  /// Noise symbols created so far (one per input neuron plus one per relaxed neuron).
  int64_t noiseCount() const { return noise_; }

 private:
  /// z_i = center_i + sum_k gens(i, k) e_k; gens has as many columns as symbols existed then.
  struct Zonotope {
    Eigen::VectorXd center;
    Eigen::MatrixXd gens;
  };
  Eigen::MatrixXd gensOf(int layer) const;  ///< padded to noise_ columns

  const Network& net_;
  InputBox box_;
  std::vector<Zonotope> z_;
  int64_t noise_ = 0;
};

/// Every layer's l/u under DeepZ.
Result<std::vector<LayerBounds>> referenceDeepZ(const Network& net, const InputBox& box);

/// Every layer's l/u under the product DeepPoly x DeepZ: each layer's l/u is the meet of both
/// domains' l/u, and both domains' next relaxations read that meet (specs/deeppoly_deepz.cf).
Result<std::vector<LayerBounds>> referenceDeepPolyDeepZ(const Network& net, const InputBox& box);

}  // namespace cert::test
