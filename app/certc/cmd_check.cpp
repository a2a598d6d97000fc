// certc check SPEC.cf...: parse and type-check specs. Diagnostics go to stdout, one per line as
// FILE:LINE:COL: error|warning: MESSAGE; exit 1 when any spec has errors (warnings allowed).
// A well-typed rule that `certc compile` would reject gets a warning at the construct.
#include <cstdio>

#include "app/certc/args.h"
#include "app/certc/command_help.h"
#include "app/certc/commands.h"
#include "compiler/frontend.h"
#include "compiler/lower/runnable.h"

namespace cert::cli {

int cmdCheck(int argc, char** argv) {
  const Args args(argc, argv, 2, flagNames(commandHelp("check")));
  if (args.positionals().empty() || !args.errors().empty() || !args.unknown(optionNames(commandHelp("check"))).empty()) {
    std::fprintf(stderr, "usage: certc check SPEC.cf [SPEC.cf...]\n");
    return 2;
  }
  bool failed = false;
  for (const auto& path : args.positionals()) {
    std::string error;
    const auto text = readSpecFile(path, &error);
    if (!text) {
      std::printf("%s: error: %s\n", path.c_str(), error.c_str());
      failed = true;
      continue;
    }
    const FrontendResult fe = runFrontend(*text);
    for (const auto& d : fe.diagnostics) std::printf("%s\n", formatDiagnostic(path, d).c_str());
    for (const auto& d : lower::runnabilityWarnings(fe)) std::printf("%s\n", formatDiagnostic(path, d).c_str());
    failed = failed || !fe.ok();
  }
  std::fflush(stdout);
  return failed ? 1 : 0;
}

}  // namespace cert::cli
