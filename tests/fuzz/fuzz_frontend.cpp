// libFuzzer target: the whole front end on arbitrary bytes. Crashes, sanitizer reports, hangs
// (-timeout) and broken invariants (bad diagnostic ranges, a clean parse that does not round-trip)
// are findings.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "compiler/ast/equal.h"
#include "compiler/frontend.h"
#include "compiler/parser/parser.h"
#include "compiler/printer/ast_dump.h"
#include "compiler/printer/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const cert::FrontendResult fe = cert::runFrontend(text);
  for (const auto& d : fe.diagnostics) {
    const auto& r = d.range;
    if (!r.valid() || r.begin.offset < 0 || r.end.offset < r.begin.offset ||
        r.end.offset > static_cast<int>(size))
      std::abort();
  }
  cert::printer::DumpOptions o;
  o.types = &fe.types;
  (void)cert::printer::dumpAst(fe.program, o);
  if (fe.parsed) {
    const std::string printed = cert::printer::printProgram(fe.program);
    const auto again = cert::parser::parse(printed);
    if (!again.diagnostics.empty() || !cert::ast::structurallyEqual(fe.program, again.program))
      std::abort();
  }
  return 0;
}
