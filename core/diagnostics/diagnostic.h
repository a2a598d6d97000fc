// Diagnostics as data: a severity, a source location (spec text) or a node name (network), a message.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cert {

/// A position in a text: 1-based line and column, 0-based byte offset.
struct SourcePos {
  int line = 0;
  int col = 0;
  int offset = 0;
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

/// A half-open byte range [begin, end) of a text, with line/col of both ends.
struct SourceRange {
  SourcePos begin;
  SourcePos end;
  bool valid() const { return begin.line > 0; }
  friend bool operator==(const SourceRange&, const SourceRange&) = default;
};

enum class Severity { Error, Warning, Note };

const char* severityName(Severity s);

/// One finding about an input: where it is and what is wrong.
struct Diagnostic {
  Severity severity = Severity::Error;
  std::string message;
  SourceRange range;  ///< set for diagnostics about text (specs, VNN-LIB, CSV)
  std::string node;   ///< set for diagnostics about a network node (ONNX node name)

  static Diagnostic error(std::string msg, SourceRange r = {}) {
    return {Severity::Error, std::move(msg), r, {}};
  }
  static Diagnostic warning(std::string msg, SourceRange r = {}) {
    return {Severity::Warning, std::move(msg), r, {}};
  }
};

using Diagnostics = std::vector<Diagnostic>;

bool hasErrors(const Diagnostics& diags);

/// "FILE:LINE:COL: error: MESSAGE" (or "FILE: error: MESSAGE" without a range).
std::string formatDiagnostic(const std::string& file, const Diagnostic& d);

/// A value (absent on failure) with the diagnostics produced while computing it.
template <class T>
struct Result {
  std::optional<T> value;
  Diagnostics diagnostics;

  bool ok() const { return value.has_value() && !hasErrors(diagnostics); }
  explicit operator bool() const { return ok(); }
  T& operator*() { return *value; }
  const T& operator*() const { return *value; }
  T* operator->() { return &*value; }
  const T* operator->() const { return &*value; }

  static Result failure(Diagnostic d) {
    Result r;
    r.diagnostics.push_back(std::move(d));
    return r;
  }
  static Result failure(Diagnostics ds) {
    Result r;
    r.diagnostics = std::move(ds);
    return r;
  }
};

}  // namespace cert
