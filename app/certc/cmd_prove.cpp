// certc prove SPEC.cf [--transformer T] [--op Op] [--timeout S] [--assume-nonzero-divisors]: prove
// each transformer rule sound against the shape's constraints with z3. One line per rule
// (verdict, time, and the counterexample or reason); exit 1 when a rule is unsound, 2 on bad usage.
// --assume-nonzero-divisors proves as certc run does before its verdicts (ProveOptions::
// divisionsAssumed): a division by zero is not a failure, only the constraints are.
#include <cstdio>

#include "app/certc/args.h"
#include "app/certc/command_help.h"
#include "app/certc/commands.h"
#include "compiler/frontend.h"
#include "compiler/prove/prove.h"

namespace cert::cli {

int cmdProve(int argc, char** argv) {
  const Args args(argc, argv, 2, flagNames(commandHelp("prove")));
  std::string error;
  const auto timeout = args.number("timeout", &error);
  const auto width = args.integer("width", &error);
  if (args.positionals().size() != 1 || !args.errors().empty() || !error.empty() ||
      !args.unknown(optionNames(commandHelp("prove"))).empty()) {
    std::fprintf(stderr,
                 "usage: certc prove SPEC.cf [--transformer T] [--op Op] [--timeout S] [--width N] "
                 "[--assume-nonzero-divisors]\n");
    return 2;
  }
  const std::string& path = args.positionals().front();
  const auto text = readSpecFile(path, &error);
  if (!text) {
    std::printf("%s: error: %s\n", path.c_str(), error.c_str());
    return 1;
  }
  const FrontendResult fe = runFrontend(*text);
  if (!fe.ok()) {
    for (const auto& d : fe.diagnostics) std::printf("%s\n", formatDiagnostic(path, d).c_str());
    return 1;
  }
  prove::ProveOptions options;
  options.transformer = args.getOr("transformer", "");
  options.op = args.getOr("op", "");
  if (timeout) options.timeoutSeconds = *timeout;
  if (width) options.listWidth = static_cast<int>(*width);
  options.divisionsAssumed = args.has("assume-nonzero-divisors");
  const prove::ProveReport report = prove::proveSpec(fe, options);
  for (const auto& d : report.diagnostics) std::printf("%s\n", formatDiagnostic(path, d).c_str());
  int counts[3] = {0, 0, 0};
  for (const auto& r : report.rules) {
    ++counts[static_cast<int>(r.verdict)];
    std::printf("%s:%d: %s %-12s %-8s %6.2f s", path.c_str(), r.range.begin.line, r.transformer.c_str(),
                r.op.c_str(), prove::verdictName(r.verdict), r.seconds);
    if (r.verdict == prove::Verdict::Unsound)
      std::printf("  %s fails at %s", r.reason.c_str(), prove::formatCounterexample(r.counterexample).c_str());
    else if (r.verdict == prove::Verdict::Unknown)
      std::printf("  %s", r.reason.c_str());
    std::printf("\n");
  }
  if (!options.transformer.empty() || !options.op.empty())
    if (report.rules.empty()) std::printf("%s: warning: no rule matches the --transformer/--op given\n", path.c_str());
  std::printf("%d proved, %d unsound, %d unknown\n", counts[0], counts[1], counts[2]);
  std::fflush(stdout);
  return counts[1] > 0 ? 1 : 0;
}

}  // namespace cert::cli
