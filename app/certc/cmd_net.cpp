// certc net NET.onnx: imports a network and prints its layer table, or every import error; a
// warning (stderr) names each parameter tensor with non-finite or float32-overflowing values.
#include <cstdio>

#include "app/certc/args.h"
#include "app/certc/command_help.h"
#include "app/certc/commands.h"
#include "app/certc/memory_limit_option.h"
#include "core/network/finite_check.h"
#include "core/network/margin_folding.h"
#include "core/network/network_printer.h"
#include "core/network/onnx_import.h"
#include "runtime/memory_plan.h"

namespace cert::cli {

int cmdNet(int argc, char** argv) {
  const Args args(argc, argv, 2, flagNames(commandHelp("net")));
  const auto unknown = args.unknown(optionNames(commandHelp("net")));
  if (args.positionals().size() != 1 || !unknown.empty() || !args.errors().empty()) {
    for (const auto& e : args.errors()) std::fprintf(stderr, "certc net: %s\n", e.c_str());
    for (const auto& u : unknown) std::fprintf(stderr, "certc net: unknown option --%s\n", u.c_str());
    std::fprintf(stderr, "usage: certc net NET.onnx [--memory-limit SIZE]\n");
    return 2;
  }
  // The importer's budget: --memory-limit (default 3/4 of physical memory), as for a run.
  const std::optional<int64_t> limit = memoryLimitOption(args, runtime::defaultMemoryLimit());
  if (!limit) {
    std::fprintf(stderr, "certc net: %s\nusage: certc net NET.onnx [--memory-limit SIZE]\n", kMemoryLimitError);
    return 2;
  }
  const std::string& path = args.positionals().front();
  const Result<Network> net = importOnnxFile(path, importLimitsFor(*limit));
  if (!net) {
    for (const Diagnostic& d : net.diagnostics)
      std::fprintf(stderr, "certc: %s\n", formatDiagnostic(path, d).c_str());
    return 1;
  }
  std::fputs(printNetwork(*net).c_str(), stdout);
  std::fputs(marginFoldingNote(*net).c_str(), stdout);
  for (const BadParameter& b : badParameters(*net))
    std::fprintf(stderr, "certc: %s: warning: %s; runs on this network are never verified\n", path.c_str(),
                 b.describe().c_str());
  return 0;
}

}  // namespace cert::cli
