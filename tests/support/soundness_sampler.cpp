// Soundness by sampling (test code).
#include "tests/support/soundness_sampler.h"

#include <cmath>
#include <sstream>

#include "core/network/forward.h"
#include "tests/support/random_network.h"

namespace cert::test {
namespace {

double unit(uint64_t& s) { return static_cast<double>(splitmix64(s) >> 11) * 0x1.0p-53; }

}  // namespace

std::string SoundnessReport::describe() const {
  if (!error.empty()) return error;
  std::ostringstream os;
  os.precision(17);
  os << violations.size() << " violations in " << samples << " samples";
  if (!violations.empty()) {
    const SoundnessViolation& v = violations.front();
    os << "; first: layer " << v.layer << " neuron " << v.neuron << ": " << v.value << " not in ["
       << v.lower << ", " << v.upper << "] (sample " << v.sample << ")";
  }
  return os.str();
}

std::vector<Eigen::VectorXd> sampleBox(const InputBox& box, const SamplingOptions& options) {
  const int64_t n = box.lower.size();
  uint64_t s = options.seed;
  std::vector<Eigen::VectorXd> out;
  for (int i = 0; i < options.uniformSamples; ++i) {
    Eigen::VectorXd x(n);
    for (int64_t j = 0; j < n; ++j) x[j] = box.lower[j] + (box.upper[j] - box.lower[j]) * unit(s);
    out.push_back(std::move(x));
  }
  auto vertex = [&](auto bit) {
    Eigen::VectorXd x(n);
    for (int64_t j = 0; j < n; ++j) x[j] = bit(j) ? box.upper[j] : box.lower[j];
    return x;
  };
  if (n <= options.maxVertexDims) {
    for (uint64_t mask = 0; mask < (uint64_t{1} << n); ++mask)
      out.push_back(vertex([&](int64_t j) { return (mask >> j) & 1u; }));
  } else {
    for (int i = 0; i < options.randomVertices; ++i) out.push_back(vertex([&](int64_t) { return splitmix64(s) & 1u; }));
  }
  return out;
}

SoundnessReport checkSoundness(const Network& net, const InputBox& box,
                               const std::vector<LayerBounds>& bounds, const SamplingOptions& options) {
  SoundnessReport report;
  if (bounds.size() != net.layers.size()) {
    report.error = "bounds for " + std::to_string(bounds.size()) + " layers, network has " +
                   std::to_string(net.layers.size());
    return report;
  }
  for (size_t k = 0; k < bounds.size(); ++k)
    if (bounds[k].lower.size() != net.layers[k].size() || bounds[k].upper.size() != net.layers[k].size()) {
      report.error = "bounds of layer " + std::to_string(k) + " have the wrong size";
      return report;
    }
  const std::vector<Eigen::VectorXd> samples = sampleBox(box, options);
  for (size_t s = 0; s < samples.size(); ++s) {
    const std::vector<Eigen::VectorXd> values = forwardAll(net, samples[s]);
    if (values.size() != net.layers.size()) {
      report.error = "forward pass failed on sample " + std::to_string(s);
      return report;
    }
    ++report.samples;
    for (size_t k = 0; k < values.size(); ++k)
      for (int64_t i = 0; i < values[k].size(); ++i) {
        const double v = values[k][i], lo = bounds[k].lower[i], hi = bounds[k].upper[i];
        const double tol = 1e-9 * (1.0 + std::abs(v));
        if (!(v >= lo - tol && v <= hi + tol))  // also catches NaN bounds
          report.violations.push_back({static_cast<int>(s), static_cast<int>(k), i, v, lo, hi});
      }
  }
  return report;
}

}  // namespace cert::test
