// runnabilityWarnings: lower every rule; turn each distinct lowering error into a warning.
#include "compiler/lower/runnable.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "compiler/lower/lower.h"

namespace cert::lower {

Diagnostics runnabilityWarnings(const FrontendResult& fe) {
  Diagnostics out;
  if (!fe.ok()) return out;
  std::set<std::tuple<int, int, std::string>> seen;  // a function inlined in several rules
  for (const auto& t : fe.program.transformers)
    for (const auto& rule : t.rules) {
      const Result<ir::Program> p = lowerRule(fe, t, rule);
      for (const auto& d : p.diagnostics) {
        if (d.severity != Severity::Error) continue;
        if (!seen.insert({d.range.begin.line, d.range.begin.col, d.message}).second) continue;
        out.push_back(Diagnostic::warning("cannot run (" + t.name + "." + rule.op + "): " + d.message, d.range));
      }
    }
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.range.begin.line, a.range.begin.col) < std::tie(b.range.begin.line, b.range.begin.col);
  });
  return out;
}

}  // namespace cert::lower
