// certc fmt SPEC.cf: print the spec in canonical form on stdout (comments kept). Syntax errors
// go to stderr as FILE:LINE:COL: error: MESSAGE, with exit 1 and nothing on stdout.
#include <cstdio>

#include "app/certc/args.h"
#include "app/certc/command_help.h"
#include "app/certc/certify_inputs.h"
#include "app/certc/commands.h"
#include "compiler/frontend.h"
#include "compiler/parser/parser.h"
#include "compiler/printer/printer.h"

namespace cert::cli {

int cmdFmt(int argc, char** argv) {
  const Args args(argc, argv, 2, flagNames(commandHelp("fmt")));
  if (args.positionals().size() != 1 || !args.errors().empty() || !args.unknown(optionNames(commandHelp("fmt"))).empty()) {
    std::fprintf(stderr, "usage: certc fmt SPEC.cf\n");
    return 2;
  }
  const std::string& path = args.positionals()[0];
  const auto text = readSpecOrReport(path);
  if (!text) return 1;
  const parser::ParseResult parsed = parser::parse(*text);
  if (hasErrors(parsed.diagnostics)) {
    for (const auto& d : parsed.diagnostics)
      std::fprintf(stderr, "%s\n", formatDiagnostic(path, d).c_str());
    return 1;
  }
  const std::string out = printer::printProgram(parsed.program);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace cert::cli
