// Compiled certifiers against the hand-written dense references (tests/support), on the bundled
// networks and, when present, the real ones under ../shared/data/networks. Three variants per
// (certifier, network), all in this process and timed by Google Benchmark on one MNIST row:
//   gbcsr/     certify() with the default executor (g-BCSR coefficient blocks),
//   dense/     certify() with RunOptions::dense (every block Dense),
//   reference/ the dense reference implementation.
// Both executor variants run without the margins layer (every layer's l/u, as the references
// compute them). A batch section times certify() (g-BCSR, with margins) over 100 inputs against 1
// input for deeppoly and crown on three networks, with the batch's items in parallel (the
// default, RunOptions::threads = 0) and in sequence (threads = 1).
// CPU time is the process's (every thread: OpenMP products, batch workers), not the calling
// thread's.
// After the runs, two tables go to stdout: time and abstract-state memory per variant with the
// g-BCSR / dense and g-BCSR / reference ratios, then the batch ratios.
//
// Iterations: each benchmark runs until it has taken MinTime (0.5 s bundled networks, 1 s real
// ones; batch: 1 s for 1 input, one iteration of 100 inputs), so variants slower than that run
// once. A full run takes about 5 minutes on 2 cores. Passing --benchmark_min_time=T overrides
// this for every benchmark (--benchmark_min_time=0: one iteration each).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
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
  double eps = 0;
  bool real = false;  ///< from ../shared/data/networks
  Property one;       ///< row 0 of resources/inputs/mnist_10.csv
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

std::string sharedDir() { return sourceDir() + "/../shared/data"; }

/// Bundled networks at eps 0.01; the real ones (skipped when absent) at eps 0.005.
std::vector<Case> cases() {
  struct File {
    std::string path;
    double eps;
    bool real;
  };
  std::vector<File> files;
  for (const char* n : {"mlp_784_50_50_10", "mlp_784_100x6_10", "cnn_small"})
    files.push_back({sourcePath(std::string("resources/networks/") + n + ".onnx"), 0.01, false});
  for (const char* n : {"mnist-net_256x6", "mnist_relu_9_200", "convSmallRELU__Point"}) {
    const std::string p = sharedDir() + "/networks/" + n + ".onnx";
    if (std::filesystem::exists(p)) files.push_back({p, 0.005, true});
  }
  std::vector<Case> out;
  for (const File& f : files) {
    Result<Network> net = importOnnxFile(f.path);
    if (!net.ok()) {
      std::fprintf(stderr, "skipped %s: import failed\n", f.path.c_str());
      continue;
    }
    Result<Property> prop = datasetProperty(*net, sourcePath("resources/inputs/mnist_10.csv"), 0, 1, f.eps);
    if (!prop.ok()) {
      std::fprintf(stderr, "skipped %s: no property\n", f.path.c_str());
      continue;
    }
    out.push_back({std::filesystem::path(f.path).stem().string(), std::make_shared<Network>(std::move(*net.value)),
                   f.eps, f.real, std::move(*prop.value)});
  }
  return out;
}

/// 100 MNIST rows for the batch section: the first 100 of ../shared/data/datasets/mnist_test.csv
/// when present, else the 10 rows of resources/inputs/mnist_10.csv repeated, every copy after the
/// first with pixels moved by a deterministic -3..3 (clamped to 0..255). `source` names them.
std::vector<DatasetRow> batchRows(std::string* source) {
  const std::string shared = sharedDir() + "/datasets/mnist_test.csv";
  if (std::filesystem::exists(shared)) {
    Result<std::vector<DatasetRow>> rows = readDatasetCsv(shared);
    if (rows.ok() && rows->size() >= 100) {
      *source = "mnist_test.csv rows 0-99";
      rows->resize(100);
      return std::move(*rows.value);
    }
  }
  Result<std::vector<DatasetRow>> base = readDatasetCsv(sourcePath("resources/inputs/mnist_10.csv"));
  if (!base.ok() || base->empty()) return {};
  *source = "mnist_10.csv rows repeated and perturbed";
  std::vector<DatasetRow> rows;
  uint32_t state = 12345;
  for (int i = 0; i < 100; ++i) {
    DatasetRow r = (*base)[static_cast<size_t>(i) % base->size()];
    if (i >= static_cast<int>(base->size()))
      for (double& p : r.pixels) {
        state = state * 1664525u + 1013904223u;
        p = std::min(255.0, std::max(0.0, p + static_cast<double>(static_cast<int>(state >> 29) - 3)));
      }
    rows.push_back(std::move(r));
  }
  return rows;
}

/// Mean real and CPU seconds per iteration, by benchmark function name, for the tables.
/// Both, because the machine is shared: CPU time is the steadier of the two under load. CPU time
/// is the whole process's (MeasureProcessCPUTime), so it counts OpenMP and batch worker threads.
/// Plain text (a reporter passed to RunSpecifiedBenchmarks does not follow --benchmark_color).
class RecordingReporter : public benchmark::ConsoleReporter {
 public:
  RecordingReporter() : ConsoleReporter(OO_None) {}
  std::map<std::string, std::pair<double, double>> seconds;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs)
      if (!r.error_occurred && r.iterations > 0)
        seconds[r.run_name.function_name] = {r.real_accumulated_time / static_cast<double>(r.iterations),
                                             r.cpu_accumulated_time / static_cast<double>(r.iterations)};
    ConsoleReporter::ReportRuns(runs);
  }
};

/// ItemResult::stateBytes of the timed runs, by benchmark function name ("gbcsr/deeppoly/cnn_small").
std::map<std::string, int64_t>& stateBytes() {
  static std::map<std::string, int64_t> m;
  return m;
}

bool minTimeFlagGiven(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--benchmark_min_time", 20) == 0) return true;
  return false;
}

/// Time in ms (real or CPU) of a recorded benchmark, -1 when it did not run.
double ms(const RecordingReporter& rep, const std::string& name, bool cpu) {
  const auto it = rep.seconds.find(name);
  if (it == rep.seconds.end()) return -1.0;
  return 1e3 * (cpu ? it->second.second : it->second.first);
}

void printTime(double x) {
  if (x >= 0) std::printf(" %10.3f", x); else std::printf(" %10s", "-");
}

void printRatio(double x, double y, int width = 7) {
  if (x >= 0 && y > 0) std::printf(" %*.3f", width, x / y); else std::printf(" %*s", width, "-");
}

}  // namespace

int main(int argc, char** argv) {
  const bool userMinTime = minTimeFlagGiven(argc, argv);
  benchmark::Initialize(&argc, argv);
  const std::vector<Case> nets = cases();
  std::string batchSource;
  const std::vector<DatasetRow> rows100 = batchRows(&batchSource);

  auto setup = [&](benchmark::internal::Benchmark* b, double minTime) {
    b->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
    if (!userMinTime) b->MinTime(minTime);
  };

  std::vector<std::pair<std::string, std::string>> rows;   // (certifier, network)
  std::vector<std::pair<std::string, std::string>> batch;  // (certifier, network)
  for (const Certifier& c : certifiers()) {
    std::string err;
    const auto text = readSpecFile(sourcePath("specs/" + c.name + ".cf"), &err);
    if (!text) {
      std::fprintf(stderr, "skipped %s: %s\n", c.name.c_str(), err.c_str());
      continue;
    }
    Result<CompiledCertifier> compiled = compileCertifier(*text);
    if (!compiled.ok()) {
      std::fprintf(stderr, "skipped %s: does not compile\n", c.name.c_str());
      continue;
    }
    auto cc = std::make_shared<CompiledCertifier>(std::move(*compiled.value));
    for (const Case& k : nets) {
      rows.emplace_back(c.name, k.name);
      const double minTime = k.real ? 1.0 : 0.5;
      for (const bool dense : {false, true}) {
        const std::string name = std::string(dense ? "dense/" : "gbcsr/") + c.name + "/" + k.name;
        RunOptions opts;
        opts.margins = false;
        opts.dense = dense;
        setup(benchmark::RegisterBenchmark(name.c_str(), [cc, k, opts, name](benchmark::State& st) {
                for (auto _ : st) {
                  Result<RunResult> r = certify(*cc, *k.net, k.one, opts);
                  if (!r.ok()) {
                    st.SkipWithError("certify failed");
                    break;
                  }
                  stateBytes()[name] = r->items[0].stateBytes;
                  benchmark::DoNotOptimize(r);
                }
              }),
              minTime);
      }
      setup(benchmark::RegisterBenchmark(("reference/" + c.name + "/" + k.name).c_str(),
                                         [ref = c.reference, k](benchmark::State& st) {
                                           for (auto _ : st)
                                             if (!ref(*k.net, k.one.items[0].box)) {
                                               st.SkipWithError("reference failed");
                                               break;
                                             }
                                         }),
            minTime);

      // Batch: certify() over 100 inputs against 1 input (the first of the 100).
      if ((c.name == "deeppoly" || c.name == "crown") &&
          (k.name == "mlp_784_100x6_10" || k.name == "cnn_small" || k.name == "mnist-net_256x6") &&
          rows100.size() == 100) {
        Result<Property> p100 = datasetProperty(*k.net, rows100, batchSource, 0, 100, k.eps);
        if (!p100.ok() || p100->items.size() != 100) continue;
        auto many = std::make_shared<Property>(std::move(*p100.value));
        auto first = std::make_shared<Property>(*many);
        first->items.resize(1);
        batch.emplace_back(c.name, k.name);
        // batch1: the first input; batch100: all, on RunOptions::threads = 0 (one per core, the
        // default) and = 1 (in sequence). One iteration of 100 inputs; 1 s of single inputs.
        const std::string suffix = c.name + "/" + k.name;
        for (const auto& [tag, prop, threads, minT] :
             {std::tuple{std::string("batch1/"), first, 0, 1.0}, std::tuple{std::string("batch100/"), many, 0, 0.01},
              std::tuple{std::string("batch100seq/"), many, 1, 0.01}}) {
          RunOptions opts;
          opts.threads = threads;
          setup(benchmark::RegisterBenchmark((tag + suffix).c_str(), [cc, k, p = prop, opts](benchmark::State& st) {
                  for (auto _ : st) {
                    Result<RunResult> r = certify(*cc, *k.net, *p, opts);
                    if (!r.ok()) {
                      st.SkipWithError("certify failed");
                      break;
                    }
                    benchmark::DoNotOptimize(r);
                  }
                }),
                minT);
        }
      }
    }
  }
  RecordingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf("\ncompiled / reference: g-BCSR and dense executor against the dense references, same run\n");
  std::printf("time: ms per certification of one box (every layer's l/u, no margins); real and process CPU time (all threads)\n");
  std::printf("memory: ItemResult::stateBytes (abstract state at the end of the run) of the timed runs, MB\n");
  std::printf("%-9s %-21s | %10s %10s %10s %7s %7s | %10s %10s %10s %7s %7s | %9s %9s %7s\n", "certifier", "network",
              "gbcsr_real", "dense_real", "ref_real", "g/d", "g/ref", "gbcsr_cpu", "dense_cpu", "ref_cpu", "g/d", "g/ref",
              "gbcsr_MB", "dense_MB", "g/d");
  for (const auto& [cert, net] : rows) {
    const std::string g = "gbcsr/" + cert + "/" + net, d = "dense/" + cert + "/" + net,
                      r = "reference/" + cert + "/" + net;
    if (ms(reporter, g, false) < 0 && ms(reporter, d, false) < 0 && ms(reporter, r, false) < 0) continue;  // filtered out
    std::printf("%-9s %-21s |", cert.c_str(), net.c_str());
    for (const bool cpu : {false, true}) {
      const double tg = ms(reporter, g, cpu), td = ms(reporter, d, cpu), tr = ms(reporter, r, cpu);
      printTime(tg);
      printTime(td);
      printTime(tr);
      printRatio(tg, td);
      printRatio(tg, tr);
      std::printf(" |");
    }
    const auto mg = stateBytes().find(g), md = stateBytes().find(d);
    const double bg = mg == stateBytes().end() ? -1.0 : mg->second / 1e6;
    const double bd = md == stateBytes().end() ? -1.0 : md->second / 1e6;
    if (bg >= 0) std::printf(" %9.2f", bg); else std::printf(" %9s", "-");
    if (bd >= 0) std::printf(" %9.2f", bd); else std::printf(" %9s", "-");
    printRatio(bg, bd);
    std::printf("\n");
  }

  bool header = false;
  for (const auto& [cert, net] : batch) {
    const std::string one = "batch1/" + cert + "/" + net;
    for (const bool seq : {false, true}) {
      const std::string many = (seq ? "batch100seq/" : "batch100/") + cert + "/" + net;
      if (ms(reporter, one, false) < 0 && ms(reporter, many, false) < 0) continue;
      if (!header) {
        std::printf("\nbatch: certify() (g-BCSR, with margins) over a Property of 100 inputs vs 1 input (%s)\n",
                    batchSource.c_str());
        std::printf("the 1 input is the first of the 100; times in ms; per_input = (100 inputs / 1 input) / 100;\n");
        std::printf("threads: RunOptions::threads of the 100-input run (0: one per core, items in parallel; 1: in sequence)\n");
        std::printf("%-9s %-21s %7s | %10s %12s %12s %9s | %10s %12s %12s %9s\n", "certifier", "network", "threads",
                    "1_real", "100_real", "100in/1in", "per_input", "1_cpu", "100_cpu", "100in/1in", "per_input");
        header = true;
      }
      std::printf("%-9s %-21s %7d |", cert.c_str(), net.c_str(), seq ? 1 : 0);
      for (const bool cpu : {false, true}) {
        const double t1 = ms(reporter, one, cpu), t100 = ms(reporter, many, cpu);
        printTime(t1);
        if (t100 >= 0) std::printf(" %12.3f", t100); else std::printf(" %12s", "-");
        printRatio(t100, t1, 12);
        printRatio(t100 / 100.0, t1, 9);
        std::printf(" |");
      }
      std::printf("\n");
    }
  }
  return 0;
}
