// Soundness by sampling: certify each item, run concrete inputs of its box, compare every neuron.
#include "runtime/soundness.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/network/forward.h"

namespace cert {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double unit(uint64_t& s) { return static_cast<double>(splitmix64(s) >> 11) * 0x1.0p-53; }

}  // namespace

uint64_t itemSampleSeed(uint64_t seed, int item) { return seed ^ (0xD1B54A32D192ED03ull * static_cast<uint64_t>(item + 1)); }

std::vector<Eigen::VectorXd> sampleInputBox(const InputBox& box, int count, uint64_t seed, int maxVertexDims) {
  const int64_t n = box.lower.size();
  std::vector<int64_t> wide;  // non-flat inputs: only these make distinct vertices
  for (int64_t j = 0; j < n; ++j)
    if (box.upper[j] > box.lower[j]) wide.push_back(j);
  uint64_t s = seed;
  auto uniform = [&] {
    Eigen::VectorXd x(n);
    for (int64_t j = 0; j < n; ++j) x[j] = box.lower[j] + (box.upper[j] - box.lower[j]) * unit(s);
    return x;
  };
  auto vertex = [&](auto bit) {
    Eigen::VectorXd x = box.lower;
    for (size_t k = 0; k < wide.size(); ++k)
      if (bit(k)) x[wide[k]] = box.upper[wide[k]];
    return x;
  };
  std::vector<Eigen::VectorXd> out;
  out.reserve(static_cast<size_t>(std::max(count, 0)));
  const bool allVertices = static_cast<int>(wide.size()) <= maxVertexDims &&
                           (uint64_t{1} << wide.size()) <= static_cast<uint64_t>(std::max(count, 0));
  if (allVertices)
    for (uint64_t mask = 0; mask < (uint64_t{1} << wide.size()); ++mask)
      out.push_back(vertex([&](size_t k) { return (mask >> k) & 1u; }));
  for (int i = static_cast<int>(out.size()); i < count; ++i)
    out.push_back(allVertices || i % 2 == 0 ? uniform() : vertex([&](size_t) { return splitmix64(s) & 1u; }));
  return out;
}

Diagnostics checkBoxBySampling(const Network& net, const InputBox& box, const std::vector<LayerBoundsResult>& bounds,
                               const SoundnessOptions& options, int item, SoundnessSummary& summary) {
  if (bounds.size() != net.layers.size())
    return {Diagnostic::error("bounds for " + std::to_string(bounds.size()) + " layers, the network has " +
                              std::to_string(net.layers.size()))};
  int64_t neurons = 0;
  for (size_t k = 0; k < bounds.size(); ++k) {
    const int64_t size = net.layers[k].size();
    if (bounds[k].lower.size() != size || bounds[k].upper.size() != size)
      return {Diagnostic::error("bounds of layer " + std::to_string(k) + " '" + net.layers[k].name +
                                "' have the wrong size")};
    neurons += size;
  }
  summary.neuronsPerSample = neurons;
  // Each item gets its own stream, so item 3 draws the same points alone or in a batch.
  const uint64_t seed = itemSampleSeed(options.seed, item);
  const std::vector<Eigen::VectorXd> samples = sampleInputBox(box, options.samples, seed, options.maxVertexDims);
  for (size_t s = 0; s < samples.size(); ++s) {
    const std::vector<Eigen::VectorXd> values = forwardAll(net, samples[s]);
    if (values.size() != net.layers.size())
      return {Diagnostic::error("the forward pass failed on sample " + std::to_string(s) + " of item " +
                                std::to_string(item))};
    ++summary.samples;
    for (size_t k = 0; k < values.size(); ++k)
      for (int64_t i = 0; i < values[k].size(); ++i) {
        const double v = values[k][i], lo = bounds[k].lower[i], hi = bounds[k].upper[i];
        const double tol = options.relTolerance * (1.0 + std::abs(v));
        if (!(v >= lo - tol && v <= hi + tol))  // the negation also catches NaN values and bounds
          summary.violations.push_back(
              {item, static_cast<int>(s), static_cast<int>(k), net.layers[k].name, i, v, lo, hi, {}, {}, -1});
      }
  }
  return {};
}

std::string describeViolation(const SoundnessViolation& v) {
  std::ostringstream os;
  os.precision(17);
  os << "item " << v.item << " sample " << v.sample << " layer " << v.layer << " '" << v.layerName << "' neuron "
     << v.neuron;
  if (!v.member.empty()) os << " member " << v.member << " (" << v.constraint << ")";
  os << ": " << v.value << " not in [" << v.lower << ", " << v.upper << "]";
  return os.str();
}

}  // namespace cert
