// certc soundness SPEC.cf --net NET.onnx (--data FILE.csv [--index I] [--count N] | --vnnlib FILE)
//   --eps E --samples N [--seed S]: certifies every item, runs N sampled concrete inputs of its box
// and prints every neuron whose value leaves its proven [l, u]. Exit 1 on a violation or an error,
// 2 on a usage problem, 0 when every sample stays inside.
#include <cstdio>
#include <string>

#include "app/certc/args.h"
#include "app/certc/commands.h"
#include "compiler/frontend.h"
#include "core/network/onnx_import.h"
#include "core/property/dataset_csv.h"
#include "core/property/vnnlib.h"
#include "runtime/compiled_certifier.h"
#include "runtime/soundness.h"

namespace cert::cli {
namespace {

constexpr const char* kUsage =
    "usage: certc soundness SPEC.cf --net NET.onnx (--data FILE.csv [--index I] [--count N] | --vnnlib FILE)\n"
    "                       --eps E [--samples N] [--seed S]\n";

int usageError(const std::string& m) {
  std::fprintf(stderr, "certc soundness: %s\n%s", m.c_str(), kUsage);
  return 2;
}

void printDiagnostics(const std::string& file, const Diagnostics& diags) {
  for (const Diagnostic& d : diags) std::fprintf(stderr, "%s\n", formatDiagnostic(file, d).c_str());
}

}  // namespace

int cmdSoundness(int argc, char** argv) {
  const Args args(argc, argv, 2);
  if (!args.errors().empty()) return usageError(args.errors().front());
  const auto unknown = args.unknown({"net", "data", "index", "count", "vnnlib", "eps", "samples", "seed"});
  if (!unknown.empty()) return usageError("unknown option --" + unknown.front());
  if (args.positionals().size() != 1) return usageError("expected one SPEC.cf");
  if (!args.has("net")) return usageError("missing --net NET.onnx");
  if (args.has("data") == args.has("vnnlib")) return usageError("give exactly one of --data and --vnnlib");
  std::string err;
  const auto eps = args.number("eps", &err);
  const auto index = args.integer("index", &err);
  const auto count = args.integer("count", &err);
  const auto samples = args.integer("samples", &err);
  const auto seed = args.integer("seed", &err);
  if (!err.empty()) return usageError(err);
  if (args.has("data") && !eps) return usageError("missing --eps E");
  if (samples && (*samples < 1 || *samples > 1000000)) return usageError("--samples must be in 1..1000000");
  if (seed && *seed < 0) return usageError("--seed must be >= 0");

  const std::string specPath = args.positionals().front();
  const auto text = readSpecFile(specPath, &err);
  if (!text) {
    std::fprintf(stderr, "%s: error: %s\n", specPath.c_str(), err.c_str());
    return 1;
  }
  const Result<CompiledCertifier> cc = compileCertifier(*text);
  printDiagnostics(specPath, cc.diagnostics);
  if (!cc.ok()) return 1;

  const std::string netPath = *args.get("net");
  const Result<Network> net = importOnnxFile(netPath);
  printDiagnostics(netPath, net.diagnostics);
  if (!net.ok()) return 1;
  const Result<Property> prop =
      args.has("data") ? datasetProperty(*net, *args.get("data"), static_cast<int>(index.value_or(0)),
                                         static_cast<int>(count.value_or(1)), *eps)
                       : readVnnlib(*args.get("vnnlib"), *net);
  printDiagnostics(args.getOr("data", args.getOr("vnnlib", "")), prop.diagnostics);
  if (!prop.ok()) return 1;

  SoundnessOptions options;
  options.samples = static_cast<int>(samples.value_or(options.samples));
  options.seed = static_cast<uint64_t>(seed.value_or(static_cast<long>(options.seed)));
  const Result<SoundnessSummary> sum = checkSoundnessBySampling(*cc, *net, *prop, options);
  printDiagnostics(netPath, sum.diagnostics);
  if (!sum.ok()) return 1;

  for (const SoundnessViolation& v : sum->violations) std::printf("violation: %s\n", describeViolation(v).c_str());
  std::printf("soundness: %lld samples x %lld neurons checked, %zu violations\n",
              static_cast<long long>(sum->samples), static_cast<long long>(sum->neuronsPerSample),
              sum->violations.size());
  return sum->sound() ? 0 : 1;
}

}  // namespace cert::cli
