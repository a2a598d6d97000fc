// Formatting and queries over diagnostics.
#include "core/diagnostics/diagnostic.h"

#include <algorithm>

namespace cert {

const char* severityName(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

bool hasErrors(const Diagnostics& diags) {
  return std::any_of(diags.begin(), diags.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

std::string formatDiagnostic(const std::string& file, const Diagnostic& d) {
  std::string out = file;
  if (d.range.valid())
    out += ":" + std::to_string(d.range.begin.line) + ":" + std::to_string(d.range.begin.col);
  out += ": ";
  out += severityName(d.severity);
  out += ": ";
  if (!d.node.empty()) out += "node '" + d.node + "': ";
  out += d.message;
  return out;
}

}  // namespace cert
