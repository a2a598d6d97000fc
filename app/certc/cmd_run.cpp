// certc run SPEC.cf --net NET.onnx (--data FILE.csv [--index I] [--count N] [--pixel-scale S] | --vnnlib FILE)
//   --eps E [--backend cpu|cuda] [--dense] [--threads N] [--batch-size N] [--memory-limit SIZE] [--json OUT.json]
//   [--profile] [--repeat N] [--intermediate all|relu-unstable] [--no-prove]:
//   certifies every item
// (several items in parallel, one per core unless --threads says otherwise), prints a summary
// table (per item: label, verified, margin lower bounds, time) and the abstract state's memory.
// After the table, each item not verified gets a line with its status and reason ("item 0
// invalid: unsound bounds: layer 2 ... has lower 0.31 > upper 0.29"); an invalid item shows
// "invalid" in the verified column, never "yes".
// --dense runs the dense executor (every linear-form block Dense) for comparison with the default
// g-BCSR state. A run whose memory plan is over --memory-limit (default: 3/4 of physical memory)
// is refused before it allocates. --profile adds the 20 rule instructions that took the most time
// (summed over items, per layer and spec position; a batch frame's instructions count once for all
// its items). --batch-size N
// caps how many items go through the layers together in one batch frame when the spec allows it
// (Float members only, e.g. IBP; runtime/batch_run.h): 0 (default) chunks sized to the cache, 1
// item by item. --repeat N runs the certification N times in the process (a benchmark's warm
// runs, the network's prepared weights kept from the first; reports from the last run, "run" the
// median time, plus a line with min/median/max).
// --intermediate relu-unstable back-substitutes only the neurons whose relaxation depends on it
// (unstable Relu inputs) and the margins, as auto_LiRPA's sparse intermediate bounds do
// (RunOptions::intermediate): the others get their one-step interval, looser but as sound.
// Default all: every neuron's bounds as the spec writes them.
// Without --json no layer's bounds are printed: the Float members that no later rule and no
// verdict reads are left out (RunOptions::allLayerBounds), and a line names their layers.
// Before its verdicts count, the rules the network's layers run (and Affine for the margins, and the
// backward flow's rev_ rules: layer_rule.h's rulesRun) are
// proved with z3 (compiler/prove/run_proofs.h: divisions assumed non-zero, verdicts cached per
// spec text and binary under ~/.cache/certstudio/proofs); a line "rules: ..." says what the prover
// said. A refuted rule withholds every verdict: the items are "invalid" with the refutation as
// reason, whatever the bounds say. --no-prove skips the proofs (the line says the verdicts rest on
// unproved rules).
// Errors: exit 1; usage problems: exit 2.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/certc/args.h"
#include "app/certc/command_help.h"
#include "app/certc/certify_inputs.h"
#include "app/certc/commands.h"
#include "compiler/prove/run_proofs.h"
#include "runtime/backend_info.h"
#include "runtime/bounds_report_json.h"
#include "runtime/executor.h"
#include "runtime/layer_rule.h"
#include "runtime/memory_plan.h"
#include "runtime/shared_weights.h"

namespace cert::cli {
namespace {

double msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

/// --profile: the instructions that took the most time, summed over the items, per layer and
/// spec position (a map or traverse includes its regions).
void printProfile(const Network& net, const RunResult& run) {
  struct Key {
    int layer, line, column;
    std::string what;
    auto operator<=>(const Key&) const = default;
  };
  std::map<Key, std::pair<double, int>> total;  // ms, count
  double all = 0;
  for (const ItemResult& it : run.items)
    for (const InstrTime& t : it.profile) {
      auto& [ms, count] = total[Key{t.layer, t.line, t.column, t.what}];
      ms += t.ms;
      ++count;
      all += t.ms;
    }
  std::vector<std::pair<Key, std::pair<double, int>>> rows(total.begin(), total.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  std::printf("profile: %.1f ms in rule instructions over %zu item(s); the most expensive:\n", all, run.items.size());
  std::printf("  %9s %6s  %-28s %-8s %s\n", "ms", "share", "layer", "spec", "instruction");
  for (size_t k = 0; k < rows.size() && k < 20; ++k) {
    const auto& [key, value] = rows[k];
    const std::string layer = key.layer < static_cast<int>(net.layers.size())
                                  ? std::to_string(key.layer) + " '" + net.layers[static_cast<size_t>(key.layer)].name + "'"
                                  : std::to_string(key.layer) + " margins";
    std::printf("  %9.2f %5.1f%%  %-28s %-8s %s\n", value.first, all > 0 ? 100.0 * value.first / all : 0.0,
                layer.c_str(), (std::to_string(key.line) + ":" + std::to_string(key.column)).c_str(), key.what.c_str());
  }
}

}  // namespace

int cmdRun(int argc, char** argv) {
  const Args args(argc, argv, 2, flagNames(commandHelp("run")));
  const std::string backend = args.getOr("backend", "cpu");
  if (backend != "cpu" && backend != "cuda") {
    std::fprintf(stderr, "certc run: unknown backend '%s' (cpu or cuda)\n", backend.c_str());
    return 2;
  }
  if (backend == "cuda") {
    const std::string why = cudaUnavailableReason();
    std::fprintf(stderr, "certc run: --backend cuda: %s\n",
                 why.empty() ? "the CUDA executor is not implemented yet; use --backend cpu" : why.c_str());
    return 1;
  }
  int exitCode = 0;
  std::optional<CertifyInputs> in = loadCertifyInputs(args, "run", optionNames(commandHelp("run")), &exitCode);
  if (!in) return exitCode;
  const CompiledCertifier* cc = &in->certifier;
  const Network* net = &in->network;
  const Property* prop = &in->property;
  const std::string& specPath = in->specPath;
  const std::string& netPath = in->netPath;
  const double compileMs = in->compileMs;
  std::string err;
  const auto eps = args.number("eps", &err);

  RunOptions options;
  options.dense = args.has("dense");
  options.profile = args.has("profile");
  // Without --json nothing prints a layer's bounds: the ones no rule or verdict reads are left out.
  options.allLayerBounds = args.has("json");
  options.backend = backend;  // checked above: "cpu" here
  // A whole-number option >= `least` into `out` (left as it is when absent); false after the
  // usage message when malformed.
  auto wholeOption = [&](const char* name, int least, const char* meaning, int& out) {
    if (!args.has(name)) return true;
    const auto v = args.number(name, &err);
    if (!v || *v < least || *v != static_cast<int>(*v)) {
      std::fprintf(stderr, "certc run: --%s needs a whole number >= %d%s\n", name, least, meaning);
      return false;
    }
    out = static_cast<int>(*v);
    return true;
  };
  int repeat = 1;
  if (!wholeOption("threads", 0, " (0: one per core)", options.threads) ||
      !wholeOption("batch-size", 0, " (0: chunks sized to the cache; 1: item by item)", options.batchSize) ||
      !wholeOption("repeat", 1, "", repeat))
    return 2;
  if (args.has("intermediate")) {
    const std::optional<IntermediateBounds> b = intermediateBoundsNamed(args.getOr("intermediate", ""));
    if (!b) {
      std::fprintf(stderr, "certc run: --intermediate needs all or relu-unstable\n");
      return 2;
    }
    options.intermediate = *b;
    if (options.dense && options.intermediate != IntermediateBounds::All) {
      std::fprintf(stderr, "certc run: --intermediate relu-unstable runs on the g-BCSR executor, not with --dense\n");
      return 2;
    }
  }
  if (args.has("memory-limit")) {
    const std::optional<int64_t> limit = memoryLimitOption(args, 0);
    if (!limit) {
      std::fprintf(stderr, "certc run: %s\n", kMemoryLimitError);
      return 2;
    }
    options.memoryLimit = *limit;
  }
  // --repeat N: the same certification N times in this process (warm caches and heap, as a
  // benchmark times a library call); the reports are the last run's, the time the median. The
  // network's prepared weights (conv kernels' CSR rows, ...) are made by the first run and kept
  // for the others, as a library user certifying one network again keeps them.
  std::vector<double> runTimes;
  Result<RunResult> run;
  runtime::SharedWeights prepared(*net);
  for (int k = 0; k < repeat; ++k) {
    const auto t = std::chrono::steady_clock::now();
    run = certify(*cc, *net, *prop, options, prepared);
    runTimes.push_back(msSince(t));
    if (!run.ok()) break;
  }
  printDiagnostics(netPath, run.diagnostics);
  if (!run.ok()) return 1;
  // The rules the run relied on, proved (or read from the cache) before its verdicts are shown.
  std::optional<prove::RunProofs> proofs;
  if (!args.has("no-prove")) {
    proofs = prove::proveRunRules(in->specText, rulesRun(*cc, *net, options.margins), prove::defaultProofCacheDir());
    if (const std::optional<std::string> refuted = proofs->refutation()) withholdVerdicts(*run.value, *refuted);
  }
  std::vector<double> sorted = runTimes;
  std::sort(sorted.begin(), sorted.end());
  const double runMs = sorted[sorted.size() / 2];

  // Labelled items prove margins > 0 (lower bounds shown); VNN-LIB items refute each unsafe
  // conjunction with an atom whose upper bound is < 0 (upper bounds shown).
  std::printf("%-6s %-6s %-9s %-10s %s\n", "item", "label", "verified", "time_ms",
              "margin lower bounds (labelled) / unsafe-atom upper bounds (VNN-LIB)");
  int verified = 0;
  for (const ItemResult& it : run->items) {
    verified += it.verified;
    std::printf("%-6d %-6s %-9s %-10.2f", it.index, it.label ? std::to_string(*it.label).c_str() : "-",
                it.verdict == Verdict::Verified ? "yes" : it.verdict == Verdict::Invalid ? "invalid" : "no", it.timeMs);
    const Eigen::VectorXd& shown = it.label ? it.marginLower : it.marginUpper;
    for (Eigen::Index j = 0; j < shown.size(); ++j) std::printf(" %.6g", shown[j]);
    std::printf("\n");
  }
  std::printf("verified %d/%zu  (compile %.1f ms, run %.1f ms)\n", verified, run->items.size(), compileMs, runMs);
  if (repeat > 1)
    std::printf("runs: %d, min %.1f ms, median %.1f ms, max %.1f ms\n", repeat, sorted.front(), runMs, sorted.back());
  if (!proofs)
    std::printf("rules: not proved (--no-prove): the verdicts rest on the spec's rules as written\n");
  else
    std::printf("rules: %s%s\n", proofs->summary().c_str(),
                proofs->refutation() ? ": every verdict withheld" : "");
  for (const ItemResult& it : run->items)
    if (it.verdict != Verdict::Verified && !it.reason.empty())
      std::printf("item %d %s: %s\n", it.index, verdictName(it.verdict), it.reason.c_str());
  int64_t peak = 0, densePeak = 0, referenced = 0;
  for (const ItemResult& it : run->items) {
    peak = std::max(peak, it.stateBytes);
    densePeak = std::max(densePeak, it.denseStateBytes);
    referenced = std::max(referenced, it.referencedWeightBytes);
  }
  std::printf("memory: abstract state %.2f MB peak per item (%s), all-neurons dense form %.2f MB, ratio %.3f",
              double(peak) / 1e6, options.dense ? "dense executor" : "g-BCSR", double(densePeak) / 1e6,
              densePeak > 0 ? double(peak) / double(densePeak) : 0.0);
  if (referenced > 0) std::printf("; network weights referenced, not copied: %.2f MB", double(referenced) / 1e6);
  std::printf("\n");
  // The layers whose bounds no rule or verdict read (RunOptions::allLayerBounds), as the first
  // item left them out.
  if (!run->items.empty()) {
    std::string leftOut;
    const std::vector<LayerBoundsResult>& layers = run->items.front().layers;
    for (size_t k = 0; k < layers.size() && k < net->layers.size(); ++k)
      if (!layers[k].computed)
        leftOut += (leftOut.empty() ? "" : ", ") + std::to_string(k) + " '" + net->layers[k].name + "'";
    const ItemResult& first = run->items.front();
    const char* marginSide = first.marginUpper.size() == 0 && first.marginLower.size() > 0   ? "upper"
                             : first.marginLower.size() == 0 && first.marginUpper.size() > 0 ? "lower"
                                                                                             : nullptr;
    if (!leftOut.empty() || marginSide)
      std::printf("left out: %s%s%s%s, which no rule or verdict reads (--json computes them)\n",
                  leftOut.empty() ? "" : "the bounds of layers ", leftOut.c_str(),
                  marginSide && !leftOut.empty() ? " and " : "",
                  marginSide ? (std::string("the margins' ") + marginSide + " bounds").c_str() : "");
  }
  if (options.profile) printProfile(*net, *run);

  if (const auto json = args.get("json")) {
    ReportInfo info;
    info.spec = specPath;
    info.network = netPath;
    info.backend = backend;
    info.eps = eps.value_or(prop->eps);
    info.compileMs = compileMs;
    info.runMs = runMs;
    info.intermediate = intermediateBoundsName(options.intermediate);
    if (proofs) {
      info.proveMs = proofs->seconds * 1000.0;
      info.rules.emplace();
      for (size_t k = 0; k < proofs->rules.size(); ++k) {
        const prove::RuleVerdict& v = proofs->rules[k];
        const std::string reason = v.verdict == prove::Verdict::Proved ? "" : prove::describe(v);
        info.rules->push_back({v.transformer, v.op, prove::verdictName(v.verdict), reason, proofs->cached[k] != 0});
      }
    }
    std::ofstream out(*json);
    out << boundsReportJson(info, *net, *run);
    if (!out) {
      std::fprintf(stderr, "certc run: cannot write '%s'\n", json->c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace cert::cli
