// Soundness by sampling: concrete forward passes through a network must stay inside the bounds a
// certifier proved (used by `certc soundness` and the IDE; the tests keep their own sampler).
#pragma once

#include <Eigen/Dense>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "runtime/shape_constraints.h"

namespace cert {

struct SoundnessOptions {
  int samples = 100;        ///< concrete inputs per property item
  uint64_t seed = 1;        ///< same seed, same samples (SplitMix64, platform independent)
  int maxVertexDims = 10;   ///< boxes with at most this many non-flat inputs start with every vertex
  double relTolerance = 1e-9;  ///< a value v may leave [l, u] by relTolerance * (1 + |v|)
  /// The member checks of checkSoundnessBySampling (see shapeConstraints); unset: the default
  /// for the shape's member names (defaultShapeConstraints).
  std::optional<ShapeConstraints> constraints;
  /// Polled between samples: when it reads true, checkSoundnessBySampling stops with "cancelled".
  const std::atomic<bool>* cancel = nullptr;
  /// Called after each item: items done, item count.
  std::function<void(int done, int items)> onItem;
  /// RunOptions::memoryLimit of the runs it makes (0: three quarters of physical memory); their
  /// plan counts every layer's members kept dense, so a run too big is refused with the layer named.
  int64_t memoryLimit = 0;
  /// RunOptions::intermediate of the runs it makes.
  IntermediateBounds intermediate = IntermediateBounds::All;
};

/// One neuron value outside its proven bounds.
struct SoundnessViolation {
  int item = 0;       ///< property item (dataset row or VNN-LIB disjunct) index
  int sample = 0;     ///< sample number within the item
  int layer = 0;      ///< layer index in execution order
  std::string layerName;
  int64_t neuron = 0; ///< index within the layer
  double value = 0, lower = 0, upper = 0;  ///< the value and the range it had to be in
  std::string member;      ///< "" for [l, u]; else the member of a declared constraint (L, U, z)
  std::string constraint;  ///< that constraint as written ("curr[L]<=curr")
  int input = -1;          ///< SoundnessSummary::inputs index of the sample's concrete input
};

struct SoundnessSummary {
  int64_t samples = 0;           ///< concrete inputs run, over all items
  int64_t neuronsPerSample = 0;  ///< neurons of the network (every layer, the input included)
  int64_t marginRows = 0;        ///< margin rows checked per sample (the last item's)
  std::vector<SoundnessViolation> violations;
  /// The concrete (normalized) inputs of samples with a violation, each stored once.
  std::vector<Eigen::VectorXd> inputs;
  std::vector<std::string> checkedConstraints;    ///< member constraints checked besides [l, u]
  std::vector<std::string> uncheckedConstraints;  ///< declared ones a sample cannot check

  bool sound() const { return violations.empty(); }
};

/// `count` points of the box: if it has at most maxVertexDims non-flat inputs and 2^d <= count,
/// every vertex first, then uniform points; otherwise uniform points alternating with random
/// vertices. Deterministic in `seed`.
std::vector<Eigen::VectorXd> sampleInputBox(const InputBox& box, int count, uint64_t seed,
                                            int maxVertexDims = 10);

/// The sample stream of one item: item 3 draws the same points alone or in a batch.
uint64_t itemSampleSeed(uint64_t seed, int item);

/// Runs the network on samples of `box` and appends every neuron outside `bounds` (one entry per
/// layer, as certifyBox returns them) to `summary`. Error: bounds that do not fit the network.
Diagnostics checkBoxBySampling(const Network& net, const InputBox& box,
                               const std::vector<LayerBoundsResult>& bounds,
                               const SoundnessOptions& options, int item, SoundnessSummary& summary);

/// Certifies every item exactly as certify() does (margins layer appended, same program), keeping
/// every member of every layer; then runs the network with the margins layer on samples of the
/// item's box and checks at every neuron of every layer (the margins included): the value is in
/// [l, u], and every checkable shape constraint (options.constraints) holds: a PolyExp member
/// L <= x (U >= x) evaluated at the same sample's earlier values, a SymExp member contains x
/// with the input's noise symbols fixed by the sample and the fresh ones free in [-1, 1].
/// Margins rows are layer net.layers.size() ('margins').
Result<SoundnessSummary> checkSoundnessBySampling(const CompiledCertifier& cc, const Network& net,
                                                  const Property& property,
                                                  const SoundnessOptions& options = {});

/// "item 0 sample 3 layer 2 'relu_1' neuron 5: 0.73 not in [0, 0.5]" (values to 17 digits); a
/// member check adds its member and constraint: "... neuron 5 member L (curr[L]<=curr): 0.73 not
/// in [0.8, inf]".
std::string describeViolation(const SoundnessViolation& v);

}  // namespace cert
