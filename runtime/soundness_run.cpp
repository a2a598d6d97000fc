// checkSoundnessBySampling: certify each item as `run` does (margins, every member kept), then
// sample its box and check [l, u] and the shape's member constraints at every neuron.
#include <algorithm>
#include <cmath>
#include <map>

#include "core/network/forward.h"
#include "runtime/member_check.h"
#include "runtime/soundness.h"

namespace cert {
namespace {

void addUnique(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const std::string& s : from)
    if (std::find(to.begin(), to.end(), s) == to.end()) to.push_back(s);
}

}  // namespace

Result<SoundnessSummary> checkSoundnessBySampling(const CompiledCertifier& cc, const Network& net,
                                                  const Property& property, const SoundnessOptions& options) {
  using R = Result<SoundnessSummary>;
  R out;
  out.value.emplace();
  SoundnessSummary& sum = *out.value;
  const ShapeConstraints constraints = options.constraints ? *options.constraints : defaultShapeConstraints(cc);
  sum.uncheckedConstraints = constraints.unchecked;
  sum.neuronsPerSample = net.neuronCount();
  RunOptions run;
  run.keepMembers = true;
  run.threads = 1;
  run.cancel = options.cancel;
  run.memoryLimit = options.memoryLimit;
  run.intermediate = options.intermediate;
  int done = 0;
  for (const PropertyItem& item : property.items) {
    Property one;
    one.source = property.source;
    one.eps = property.eps;
    one.items = {item};
    Result<RunResult> r = certify(cc, net, one, run);
    out.diagnostics.insert(out.diagnostics.end(), r.diagnostics.begin(), r.diagnostics.end());
    if (!r.ok() || r->items.size() != 1) return R::failure(out.diagnostics);
    const ItemResult& it = r->items.front();
    // The network `run` certified: with the margins layer when it appended one.
    const std::optional<Network> withRows = it.marginLower.size() > 0 ? withMargins(net, item) : std::nullopt;
    const Network& ran = withRows ? *withRows : net;
    std::vector<LayerBoundsResult> bounds = it.layers;
    if (withRows) bounds.push_back({it.marginLower, it.marginUpper});
    if (bounds.size() != ran.layers.size() || it.members.size() != ran.layers.size())
      return R::failure(Diagnostic::error("the run kept " + std::to_string(it.members.size()) +
                                          " layers of members, the network has " + std::to_string(ran.layers.size())));
    sum.marginRows = withRows ? withRows->outputSize() : 0;
    const MemberChecker checker(it.members, constraints, item.box, options.relTolerance);
    addUnique(sum.checkedConstraints, checker.checked());
    addUnique(sum.uncheckedConstraints, checker.skipped());

    const std::vector<Eigen::VectorXd> samples =
        sampleInputBox(item.box, options.samples, itemSampleSeed(options.seed, item.index), options.maxVertexDims);
    for (size_t s = 0; s < samples.size(); ++s) {
      if (options.cancel && options.cancel->load(std::memory_order_relaxed))
        return R::failure(Diagnostic::error("cancelled"));
      const std::vector<Eigen::VectorXd> values = forwardAll(ran, samples[s]);
      if (values.size() != ran.layers.size())
        return R::failure(Diagnostic::error("the forward pass failed on sample " + std::to_string(s) + " of item " +
                                            std::to_string(item.index)));
      ++sum.samples;
      int input = -1;
      auto add = [&](SoundnessViolation v) {
        if (input < 0) {
          input = static_cast<int>(sum.inputs.size());
          sum.inputs.push_back(samples[s]);
        }
        v.item = item.index;
        v.sample = static_cast<int>(s);
        v.layerName = ran.layers[static_cast<size_t>(v.layer)].name;
        v.input = input;
        sum.violations.push_back(std::move(v));
      };
      for (size_t k = 0; k < values.size(); ++k)
        for (Eigen::Index i = 0; i < values[k].size(); ++i) {
          const double v = values[k][i], lo = bounds[k].lower[i], hi = bounds[k].upper[i];
          const double tol = options.relTolerance * (1.0 + std::abs(v));
          if (!(v >= lo - tol && v <= hi + tol)) {  // the negation also catches NaN values and bounds
            SoundnessViolation x;
            x.layer = static_cast<int>(k);
            x.neuron = i;
            x.value = v, x.lower = lo, x.upper = hi;
            add(std::move(x));
          }
        }
      checker.check(values, [&](const MemberViolation& m) {
        SoundnessViolation x;
        x.layer = m.layer;
        x.neuron = m.neuron;
        x.value = m.value, x.lower = m.lower, x.upper = m.upper;
        x.member = m.constraint->member;
        x.constraint = m.constraint->text;
        add(std::move(x));
      });
    }
    if (options.onItem) options.onItem(++done, static_cast<int>(property.items.size()));
  }
  return out;
}

}  // namespace cert
