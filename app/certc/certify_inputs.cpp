// Option parsing and loading shared by the certifying certc commands.
#include "app/certc/certify_inputs.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "compiler/frontend.h"
#include "core/network/onnx_import.h"
#include "core/property/dataset_csv.h"
#include "core/property/vnnlib.h"
#include "runtime/memory_plan.h"

namespace cert::cli {

void printDiagnostics(const std::string& file, const Diagnostics& diags) {
  for (const Diagnostic& d : diags) std::fprintf(stderr, "%s\n", formatDiagnostic(file, d).c_str());
}

std::optional<std::string> readSpecOrReport(const std::string& path) {
  std::string error;
  std::optional<std::string> text = readSpecFile(path, &error);
  if (!text) std::fprintf(stderr, "%s: error: %s\n", path.c_str(), error.c_str());
  return text;
}

std::optional<CertifyInputs> loadCertifyInputs(const Args& args, const std::string& command,
                                               const std::set<std::string>& extraOptions, int* exitCode) {
  const auto usage = [&](const std::string& m) {
    std::fprintf(stderr, "certc %s: %s\nusage: certc %s %s ...\n", command.c_str(), m.c_str(), command.c_str(),
                 kCertifyUsage);
    *exitCode = 2;
    return std::nullopt;
  };
  const auto failed = [&]() {
    *exitCode = 1;
    return std::nullopt;
  };
  if (!args.errors().empty()) return usage(args.errors().front());
  std::set<std::string> known = kCertifyOptions;
  known.insert(extraOptions.begin(), extraOptions.end());
  const auto unknown = args.unknown(known);
  if (!unknown.empty()) return usage("unknown option --" + unknown.front());
  if (args.positionals().size() != 1) return usage("expected one SPEC.cf");
  if (!args.has("net")) return usage("missing --net NET.onnx");
  if (args.has("data") == args.has("vnnlib")) return usage("give exactly one of --data and --vnnlib");
  std::string err;
  const auto eps = args.number("eps", &err);
  const auto index = args.integer("index", &err);
  const auto count = args.integer("count", &err);
  const auto pixelScale = args.number("pixel-scale", &err);
  const auto mean = args.numbers("mean", &err), std = args.numbers("std", &err);
  if (!err.empty()) return usage(err);
  if ((mean || std) && !args.has("data"))
    return usage("--mean and --std apply to --data rows (a VNN-LIB box is in the network's own input space)");
  if (args.has("data") && !eps) return usage("missing --eps E");
  if (eps && !(std::isfinite(*eps) && *eps >= 0)) {
    std::fprintf(stderr, "certc %s: --eps must be a finite number >= 0, got %s\n", command.c_str(),
                 args.getOr("eps", "").c_str());
    return failed();
  }

  CertifyInputs in;
  in.specPath = args.positionals().front();
  const auto t0 = std::chrono::steady_clock::now();
  const auto text = readSpecOrReport(in.specPath);
  if (!text) return failed();
  Result<CompiledCertifier> cc = compileCertifier(*text);
  printDiagnostics(in.specPath, cc.diagnostics);
  if (!cc.ok()) return failed();
  in.certifier = std::move(*cc.value);
  in.specText = *text;
  in.compileMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  in.netPath = *args.get("net");
  // The import may hold what the run may (--memory-limit, default 3/4 of physical memory): a
  // network too large for it is refused by node, before its layers are allocated. (A value that
  // is not a size is reported by the command.)
  const int64_t limit = memoryLimitOption(args, runtime::defaultMemoryLimit()).value_or(runtime::defaultMemoryLimit());
  Result<Network> net = importOnnxFile(in.netPath, importLimitsFor(limit));
  printDiagnostics(in.netPath, net.diagnostics);
  if (!net.ok()) return failed();
  in.network = std::move(*net.value);

  in.propertyPath = args.getOr("data", args.getOr("vnnlib", ""));
  Result<Property> prop =
      args.has("data") ? datasetProperty(in.network, in.propertyPath, index.value_or(0), count.value_or(1), *eps,
                                         pixelScale.value_or(kDefaultPixelScale),
                                         ChannelStandardization{mean.value_or(std::vector<double>{}),
                                                                std.value_or(std::vector<double>{})})
                       : readVnnlib(in.propertyPath, in.network);
  printDiagnostics(in.propertyPath, prop.diagnostics);
  if (!prop.ok()) return failed();
  in.property = std::move(*prop.value);
  return in;
}

}  // namespace cert::cli
