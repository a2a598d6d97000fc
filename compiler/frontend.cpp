// The front end pipeline: parse (lex inside), then type-check, then merge diagnostics.
#include "compiler/frontend.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/parser/parser.h"
#include "compiler/types/checker.h"

namespace cert {

FrontendResult runFrontend(std::string_view text) {
  FrontendResult r;
  parser::ParseResult parsed = parser::parse(text);
  r.parsed = !hasErrors(parsed.diagnostics);
  r.program = std::move(parsed.program);
  r.diagnostics = std::move(parsed.diagnostics);
  types::CheckResult checked = types::typeCheck(r.program, {.complete = r.parsed});
  r.types = std::move(checked.types);
  r.funcTypes = std::move(checked.funcTypes);
  r.diagnostics.insert(r.diagnostics.end(), checked.diagnostics.begin(), checked.diagnostics.end());
  std::stable_sort(r.diagnostics.begin(), r.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return a.range.begin.offset < b.range.begin.offset;
                   });
  return r;
}

std::optional<std::string> readSpecFile(const std::string& path, std::string* error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    if (error) *error = "cannot read '" + path + "': it is a directory";
    return std::nullopt;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in.bad()) return ss.str();
  }
  if (error)
    *error = "cannot read '" + path + "': " + (errno ? std::strerror(errno) : "read error");
  return std::nullopt;
}

}  // namespace cert
