// Soundness by sampling (test code): concrete forward passes must stay inside proven bounds.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <string>
#include <vector>

#include "core/network/network.h"
#include "core/property/property.h"
#include "tests/support/reference_bounds.h"

namespace cert::test {

struct SamplingOptions {
  int uniformSamples = 500;   ///< points drawn uniformly from the box
  int maxVertexDims = 10;     ///< up to this many inputs: every vertex of the box
  int randomVertices = 200;   ///< above it: this many random vertices
  uint64_t seed = 1;
};

/// One neuron value outside [lower - tol, upper + tol], tol = 1e-9 (1 + |value|).
struct SoundnessViolation {
  int sample = 0;
  int layer = 0;
  int64_t neuron = 0;  ///< index within the layer
  double value = 0, lower = 0, upper = 0;
};

struct SoundnessReport {
  int samples = 0;
  std::vector<SoundnessViolation> violations;
  std::string error;  ///< bounds that do not fit the network (layer count or sizes)

  bool sound() const { return error.empty() && violations.empty(); }
  /// "N violations; first: layer L neuron I: v not in [lo, hi] (sample S)", or the error.
  std::string describe() const;
};

/// Uniform points of the box, then its vertices (all, or random ones for wide inputs).
std::vector<Eigen::VectorXd> sampleBox(const InputBox& box, const SamplingOptions& options);

/// Runs the network (core forwardAll) on every sample and reports each neuron outside its bounds.
SoundnessReport checkSoundness(const Network& net, const InputBox& box,
                               const std::vector<LayerBounds>& bounds,
                               const SamplingOptions& options = {});

}  // namespace cert::test
