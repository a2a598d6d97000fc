// Pairs each shipped spec with its hand-written reference, and compares layer bounds.
#include "tests/support/spec_references.h"

#include <QtGlobal>

#include <cmath>
#include <fstream>
#include <sstream>

#include "tests/support/reference_deeppoly.h"
#include "tests/support/reference_deepz.h"
#include "tests/support/reference_ibp.h"
#include "tests/support/test_paths.h"

namespace cert::test {

const std::vector<std::string>& specsWithReferences() {
  static const std::vector<std::string> kSpecs = {"ibp", "deeppoly", "crown", "deeppoly_k", "deepz", "deeppoly_deepz", "deeppoly_eran"};
  return kSpecs;
}

Result<std::vector<LayerBounds>> referenceFor(const std::string& spec, const Network& net, const InputBox& box) {
  if (spec == "ibp") return referenceIbp(net, box);
  if (spec == "deeppoly") return referenceDeepPoly(net, box, DeepPolyOptions::deepPoly());
  if (spec == "crown") return referenceDeepPoly(net, box, DeepPolyOptions::crown());
  if (spec == "deeppoly_k") return referenceDeepPoly(net, box, DeepPolyOptions::limited(4));
  if (spec == "deeppoly_eran") return referenceDeepPoly(net, box, DeepPolyOptions::eran());
  if (spec == "deepz") return referenceDeepZ(net, box);
  if (spec == "deeppoly_deepz") return referenceDeepPolyDeepZ(net, box);
  return Result<std::vector<LayerBounds>>::failure(Diagnostic::error("no reference for spec '" + spec + "'"));
}

CompiledCertifier compiledSpec(const std::string& spec) {
  std::ifstream in(sourcePath("specs/" + spec + ".cf"));
  std::stringstream ss;
  ss << in.rdbuf();
  Result<CompiledCertifier> c = compileCertifier(ss.str());
  if (!c.ok())
    qFatal("%s does not compile: %s", spec.c_str(), c.diagnostics.empty() ? "?" : c.diagnostics.front().message.c_str());
  return std::move(*c.value);
}

std::vector<LayerBounds> toLayerBounds(const std::vector<LayerBoundsResult>& r) {
  std::vector<LayerBounds> out;
  for (const auto& b : r) out.push_back({b.lower, b.upper});
  return out;
}

double maxRelativeDifference(const std::vector<LayerBounds>& a, const std::vector<LayerBounds>& b,
                             std::string* where) {
  if (a.size() != b.size()) return -1;
  double worst = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k].lower.size() != b[k].lower.size()) return -1;
    for (Eigen::Index i = 0; i < a[k].lower.size(); ++i) {
      const double dl = std::abs(a[k].lower[i] - b[k].lower[i]) / std::max(1.0, std::abs(b[k].lower[i]));
      const double du = std::abs(a[k].upper[i] - b[k].upper[i]) / std::max(1.0, std::abs(b[k].upper[i]));
      if (std::max(dl, du) > worst) {
        worst = std::max(dl, du);
        *where = "layer " + std::to_string(k) + " neuron " + std::to_string(i) + ": [" +
                 std::to_string(a[k].lower[i]) + ", " + std::to_string(a[k].upper[i]) + "] vs [" +
                 std::to_string(b[k].lower[i]) + ", " + std::to_string(b[k].upper[i]) + "]";
      }
    }
  }
  return worst;
}

}  // namespace cert::test
