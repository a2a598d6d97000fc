// certc run SPEC.cf --net NET.onnx (--data FILE.csv [--index I] [--count N] | --vnnlib FILE)
//   --eps E [--backend cpu|cuda] [--json OUT.json]: certifies every item, prints a summary table
// (per item: label, verified, margin lower bounds, time). Errors: exit 1; usage problems: exit 2.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "app/certc/args.h"
#include "app/certc/commands.h"
#include "compiler/frontend.h"
#include "core/network/onnx_import.h"
#include "core/property/dataset_csv.h"
#include "core/property/vnnlib.h"
#include "runtime/backend_info.h"
#include "runtime/bounds_report_json.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"

namespace cert::cli {
namespace {

constexpr const char* kUsage =
    "usage: certc run SPEC.cf --net NET.onnx (--data FILE.csv [--index I] [--count N] | --vnnlib FILE)\n"
    "                 --eps E [--backend cpu|cuda] [--json OUT.json]\n";

int usageError(const std::string& m) {
  std::fprintf(stderr, "certc run: %s\n%s", m.c_str(), kUsage);
  return 2;
}

void printDiagnostics(const std::string& file, const Diagnostics& diags) {
  for (const Diagnostic& d : diags) std::fprintf(stderr, "%s\n", formatDiagnostic(file, d).c_str());
}

double msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int cmdRun(int argc, char** argv) {
  const Args args(argc, argv, 2);
  if (!args.errors().empty()) return usageError(args.errors().front());
  const auto unknown = args.unknown({"net", "data", "index", "count", "vnnlib", "eps", "backend", "json"});
  if (!unknown.empty()) return usageError("unknown option --" + unknown.front());
  if (args.positionals().size() != 1) return usageError("expected one SPEC.cf");
  if (!args.has("net")) return usageError("missing --net NET.onnx");
  if (args.has("data") == args.has("vnnlib")) return usageError("give exactly one of --data and --vnnlib");
  std::string err;
  const auto eps = args.number("eps", &err);
  const auto index = args.integer("index", &err);
  const auto count = args.integer("count", &err);
  if (!err.empty()) return usageError(err);
  if (args.has("data") && !eps) return usageError("missing --eps E");
  const std::string backend = args.getOr("backend", "cpu");
  if (backend == "cuda") {
    const std::string why = cudaUnavailableReason();
    std::fprintf(stderr, "certc run: --backend cuda: %s\n",
                 why.empty() ? "the CUDA executor is not implemented yet; use --backend cpu" : why.c_str());
    return 1;
  }
  if (backend != "cpu") return usageError("unknown backend '" + backend + "' (cpu or cuda)");

  const std::string specPath = args.positionals().front();
  const auto t0 = std::chrono::steady_clock::now();
  const auto text = readSpecFile(specPath, &err);
  if (!text) {
    std::fprintf(stderr, "%s: error: %s\n", specPath.c_str(), err.c_str());
    return 1;
  }
  const Result<CompiledCertifier> cc = compileCertifier(*text);
  printDiagnostics(specPath, cc.diagnostics);
  if (!cc.ok()) return 1;
  const double compileMs = msSince(t0);

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

  const auto t1 = std::chrono::steady_clock::now();
  const Result<RunResult> run = certify(*cc, *net, *prop);
  printDiagnostics(netPath, run.diagnostics);
  if (!run.ok()) return 1;
  const double runMs = msSince(t1);

  // Labelled items prove margins > 0 (lower bounds shown); VNN-LIB items refute each unsafe
  // conjunction with an atom whose upper bound is < 0 (upper bounds shown).
  std::printf("%-6s %-6s %-9s %-10s %s\n", "item", "label", "verified", "time_ms",
              "margin lower bounds (labelled) / unsafe-atom upper bounds (VNN-LIB)");
  int verified = 0;
  for (const ItemResult& it : run->items) {
    verified += it.verified;
    std::printf("%-6d %-6s %-9s %-10.2f", it.index, it.label ? std::to_string(*it.label).c_str() : "-",
                it.verified ? "yes" : "no", it.timeMs);
    const Eigen::VectorXd& shown = it.label ? it.marginLower : it.marginUpper;
    for (Eigen::Index j = 0; j < shown.size(); ++j) std::printf(" %.6g", shown[j]);
    std::printf("\n");
  }
  std::printf("verified %d/%zu  (compile %.1f ms, run %.1f ms)\n", verified, run->items.size(), compileMs, runMs);

  if (const auto json = args.get("json")) {
    ReportInfo info{specPath, netPath, backend, eps.value_or(prop->eps), compileMs, runMs};
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
