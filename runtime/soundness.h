// Soundness by sampling: concrete forward passes through a network must stay inside the bounds a
// certifier proved (used by `certc soundness` and the IDE; the tests keep their own sampler).
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"

namespace cert {

struct SoundnessOptions {
  int samples = 100;        ///< concrete inputs per property item
  uint64_t seed = 1;        ///< same seed, same samples (SplitMix64, platform independent)
  int maxVertexDims = 10;   ///< boxes with at most this many non-flat inputs start with every vertex
  double relTolerance = 1e-9;  ///< a value v may leave [l, u] by relTolerance * (1 + |v|)
};

/// One neuron value outside its proven bounds.
struct SoundnessViolation {
  int item = 0;       ///< property item (dataset row or VNN-LIB disjunct) index
  int sample = 0;     ///< sample number within the item
  int layer = 0;      ///< layer index in execution order
  std::string layerName;
  int64_t neuron = 0; ///< index within the layer
  double value = 0, lower = 0, upper = 0;
};

struct SoundnessSummary {
  int64_t samples = 0;           ///< concrete inputs run, over all items
  int64_t neuronsPerSample = 0;  ///< neurons of the network (every layer, the input included)
  std::vector<SoundnessViolation> violations;

  bool sound() const { return violations.empty(); }
};

/// `count` points of the box: if it has at most maxVertexDims non-flat inputs and 2^d <= count,
/// every vertex first, then uniform points; otherwise uniform points alternating with random
/// vertices. Deterministic in `seed`.
std::vector<Eigen::VectorXd> sampleInputBox(const InputBox& box, int count, uint64_t seed,
                                            int maxVertexDims = 10);

/// Runs the network on samples of `box` and appends every neuron outside `bounds` (one entry per
/// layer, as certifyBox returns them) to `summary`. Error: bounds that do not fit the network.
Diagnostics checkBoxBySampling(const Network& net, const InputBox& box,
                               const std::vector<LayerBoundsResult>& bounds,
                               const SoundnessOptions& options, int item, SoundnessSummary& summary);

/// Certifies every item of the property (certifyBox), then checks its bounds by sampling.
Result<SoundnessSummary> checkSoundnessBySampling(const CompiledCertifier& cc, const Network& net,
                                                  const Property& property,
                                                  const SoundnessOptions& options = {});

/// "item 0 sample 3 layer 2 'relu_1' neuron 5: 0.73 not in [0, 0.5]" (values to 17 digits).
std::string describeViolation(const SoundnessViolation& v);

}  // namespace cert
