// Compiled certifiers (runtime executor) against the hand-written dense references (tests/support)
// on the bundled networks and, when present, the real ones under ../shared/data/networks; one
// MNIST row. After the runs: a table of compiled / reference time per (certifier, network), with
// the abstract state's stored bytes against its dense equivalent (all neurons per linear form).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compiler/frontend.h"
#include "core/network/onnx_import.h"
#include "core/property/dataset_csv.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/reference_deeppoly.h"
#include "tests/support/reference_deepz.h"
#include "tests/support/reference_ibp.h"
#include "tests/support/test_paths.h"

namespace {

using namespace cert;
using namespace cert::test;

struct Case {
  std::string name;
  std::shared_ptr<Network> net;
  InputBox box;
};

struct Certifier {
  std::string name;  ///< spec file stem
  std::function<bool(const Network&, const InputBox&)> reference;
};

const std::vector<Certifier>& certifiers() {
  static const std::vector<Certifier> list = {
      {"ibp", [](const Network& n, const InputBox& b) { return referenceIbp(n, b).ok(); }},
      {"deeppoly", [](const Network& n, const InputBox& b) { return referenceDeepPoly(n, b, DeepPolyOptions::deepPoly()).ok(); }},
      {"crown", [](const Network& n, const InputBox& b) { return referenceDeepPoly(n, b, DeepPolyOptions::crown()).ok(); }},
      {"deepz", [](const Network& n, const InputBox& b) { return referenceDeepZ(n, b).ok(); }},
  };
  return list;
}

/// Bundled networks at eps 0.01; the real ones (skipped when absent) at eps 0.005. Row 0.
std::vector<Case> cases() {
  std::vector<std::pair<std::string, double>> files;
  for (const char* n : {"mlp_784_50_50_10", "mlp_784_100x6_10", "cnn_small"})
    files.emplace_back(sourcePath(std::string("resources/networks/") + n + ".onnx"), 0.01);
  for (const char* n : {"mnist-net_256x6", "mnist_relu_9_200", "convSmallRELU__Point"}) {
    const std::string p = sourceDir() + "/../shared/data/networks/" + n + ".onnx";
    if (std::filesystem::exists(p)) files.emplace_back(p, 0.005);
  }
  std::vector<Case> out;
  for (const auto& [path, eps] : files) {
    Result<Network> net = importOnnxFile(path);
    if (!net.ok()) continue;
    const Result<Property> prop = datasetProperty(*net, sourcePath("resources/inputs/mnist_10.csv"), 0, 1, eps);
    if (!prop.ok()) continue;
    out.push_back({std::filesystem::path(path).stem().string(), std::make_shared<Network>(std::move(*net.value)),
                   prop->items[0].box});
  }
  return out;
}

/// Mean real and CPU seconds per iteration, by benchmark function name, for the ratio table.
/// Both, because the machine is shared: CPU time is the steadier of the two under load.
class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, std::pair<double, double>> seconds;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs)
      if (!r.error_occurred && r.iterations > 0)
        seconds[r.run_name.function_name] = {r.real_accumulated_time / static_cast<double>(r.iterations),
                                             r.cpu_accumulated_time / static_cast<double>(r.iterations)};
    ConsoleReporter::ReportRuns(runs);
  }
};

/// (stored, dense-equivalent) bytes of the abstract state per "certifier/network".
std::map<std::string, std::pair<int64_t, int64_t>>& memory() {
  static std::map<std::string, std::pair<int64_t, int64_t>> m;
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const std::vector<Case> nets = cases();
  std::vector<std::pair<std::string, std::string>> rows;  // (certifier, network)
  for (const Certifier& c : certifiers()) {
    std::string err;
    const auto text = readSpecFile(sourcePath("specs/" + c.name + ".cf"), &err);
    if (!text) continue;
    Result<CompiledCertifier> compiled = compileCertifier(*text);
    if (!compiled.ok()) continue;
    auto cc = std::make_shared<CompiledCertifier>(std::move(*compiled.value));
    for (const Case& k : nets) {
      rows.emplace_back(c.name, k.name);
      {  // memory of one run with margins (certify), outside the timed loop
        Property p;
        PropertyItem item;
        item.box = k.box;
        p.items.push_back(item);
        const Result<RunResult> r = certify(*cc, *k.net, p);
        if (r.ok()) memory()[c.name + "/" + k.name] = {r->items[0].stateBytes, r->items[0].denseStateBytes};
      }
      benchmark::RegisterBenchmark(("compiled/" + c.name + "/" + k.name).c_str(), [cc, k](benchmark::State& st) {
        for (auto _ : st) {
          auto r = certifyBox(*cc, *k.net, k.box);
          if (!r.ok()) st.SkipWithError("certifyBox failed");
          benchmark::DoNotOptimize(r);
        }
      })->Unit(benchmark::kMillisecond)->MinTime(0.2)->UseRealTime();
      benchmark::RegisterBenchmark(("reference/" + c.name + "/" + k.name).c_str(), [ref = c.reference, k](benchmark::State& st) {
        for (auto _ : st)
          if (!ref(*k.net, k.box)) st.SkipWithError("reference failed");
      })->Unit(benchmark::kMillisecond)->MinTime(0.2)->UseRealTime();
    }
  }
  RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf("\ncompiled / reference, same run (times in ms per certification of one box)\n");
  std::printf("%-9s %-21s %12s %12s %8s %12s %12s %8s %11s %11s %8s\n", "certifier", "network", "comp_real",
              "ref_real", "ratio", "comp_cpu", "ref_cpu", "ratio", "state_MB", "dense_MB", "mem_rat");
  for (const auto& [cert, net] : rows) {
    const auto a = reporter.seconds.find("compiled/" + cert + "/" + net);
    const auto b = reporter.seconds.find("reference/" + cert + "/" + net);
    if (a == reporter.seconds.end() && b == reporter.seconds.end()) continue;  // filtered out
    std::printf("%-9s %-21s", cert.c_str(), net.c_str());
    for (int cpu = 0; cpu < 2; ++cpu) {
      auto t = [&](auto it) { return it == reporter.seconds.end() ? -1.0 : 1e3 * (cpu ? it->second.second : it->second.first); };
      const double x = t(a), y = t(b);
      std::printf(" %12.3f %12.3f", x, y);
      if (x >= 0 && y > 0) std::printf(" %8.2f", x / y); else std::printf(" %8s", "-");
    }
    const auto m = memory().find(cert + "/" + net);
    if (m != memory().end() && m->second.second > 0)
      std::printf(" %11.2f %11.2f %8.3f", m->second.first / 1e6, m->second.second / 1e6,
                  double(m->second.first) / double(m->second.second));
    std::printf("\n");
  }
  return 0;
}
