// certc soundness SPEC.cf --net NET.onnx (--data FILE.csv [--index I] [--count N] [--pixel-scale S] | --vnnlib FILE)
//   --eps E --samples N [--seed S] [--memory-limit SIZE] [--intermediate all|relu-unstable]: certifies every item exactly as `certc run` does (margins layer
// included), runs N sampled concrete inputs of its box and prints every neuron whose value leaves
// its proven [l, u] or breaks a checkable shape constraint (PolyExp L(x) <= x <= U(x), x in a
// SymExp), and the concrete input of the first violation. Exit 1 on a violation or an error, 2 on
// a usage problem, 0 when every sample stays inside. A run whose memory plan (every layer's
// members kept dense for the checks) is over --memory-limit is refused with the layer named.
// When a sample leaves the bounds, a last line says what the prover says of the rules the run ran
// ("rules: Affine proved; Relu unsound: curr[u] >= curr fails at ...", as certc run proves them):
// the rule to blame, or none refuted.
#include <cstdio>
#include <optional>
#include <string>

#include "app/certc/args.h"
#include "app/certc/command_help.h"
#include "app/certc/certify_inputs.h"
#include "app/certc/commands.h"
#include "compiler/prove/run_proofs.h"
#include "runtime/layer_rule.h"
#include "runtime/memory_plan.h"
#include "runtime/shape_constraints.h"
#include "runtime/soundness.h"

namespace cert::cli {

int cmdSoundness(int argc, char** argv) {
  const Args args(argc, argv, 2, flagNames(commandHelp("soundness")));
  std::string err;
  const auto samples = args.integer("samples", &err);
  const auto seed = args.integer("seed", &err);
  const auto usage = [](const std::string& m) {
    std::fprintf(stderr, "certc soundness: %s\nusage: certc soundness %s [--samples N] [--seed S] [--memory-limit SIZE]\n", m.c_str(),
                 kCertifyUsage);
    return 2;
  };
  if (!err.empty()) return usage(err);
  if (samples && (*samples < 1 || *samples > 1000000)) return usage("--samples must be in 1..1000000");
  if (seed && *seed < 0) return usage("--seed must be >= 0");
  const std::optional<int64_t> memoryLimit = memoryLimitOption(args, 0);
  if (!memoryLimit) return usage(kMemoryLimitError);
  int exitCode = 0;
  std::optional<CertifyInputs> in = loadCertifyInputs(args, "soundness", optionNames(commandHelp("soundness")), &exitCode);
  if (!in) return exitCode;
  const std::string& netPath = in->netPath;

  SoundnessOptions options;
  options.samples = static_cast<int>(samples.value_or(options.samples));
  options.seed = static_cast<uint64_t>(seed.value_or(static_cast<long>(options.seed)));
  options.memoryLimit = *memoryLimit;
  if (args.has("intermediate")) {
    const std::optional<IntermediateBounds> b = intermediateBoundsNamed(args.getOr("intermediate", ""));
    if (!b) return usage("--intermediate needs all or relu-unstable");
    options.intermediate = *b;
  }
  options.constraints = shapeConstraints(in->specText, in->certifier);
  const Result<SoundnessSummary> sum = checkSoundnessBySampling(in->certifier, in->network, in->property, options);
  printDiagnostics(netPath, sum.diagnostics);
  if (!sum.ok()) return 1;

  for (const SoundnessViolation& v : sum->violations) std::printf("violation: %s\n", describeViolation(v).c_str());
  std::string checks = "[l, u]";
  for (const std::string& c : sum->checkedConstraints) checks += ", " + c;
  std::printf("checked per neuron: %s; margins: %lld rows per sample\n", checks.c_str(),
              static_cast<long long>(sum->marginRows));
  for (const std::string& c : sum->uncheckedConstraints)
    std::printf("not checkable on a sample: %s\n", c.c_str());
  if (!sum->violations.empty() && sum->violations.front().input >= 0) {
    const SoundnessViolation& v = sum->violations.front();
    std::printf("witness input (item %d sample %d):", v.item, v.sample);
    const Eigen::VectorXd& x = sum->inputs[static_cast<size_t>(v.input)];
    for (Eigen::Index j = 0; j < x.size(); ++j) std::printf(" %.17g", x[j]);
    std::printf("\n");
  }
  std::printf("soundness: %lld samples x %lld neurons checked, %zu violations\n",
              static_cast<long long>(sum->samples), static_cast<long long>(sum->neuronsPerSample),
              sum->violations.size());
  if (sum->sound()) return 0;
  const prove::RunProofs proofs =
      prove::proveRunRules(in->specText, rulesRun(in->certifier, in->network, true), prove::defaultProofCacheDir());
  std::printf("rules: %s%s\n", proofs.summary().c_str(),
              proofs.refutation() ? "" : "; the prover refutes none of them");
  return 1;
}

}  // namespace cert::cli
