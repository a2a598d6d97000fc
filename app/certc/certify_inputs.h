// What `certc run` and `certc soundness` both read: a compiled spec, a network, a property.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "app/certc/args.h"
#include "app/certc/memory_limit_option.h"
#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"
#include "runtime/compiled_certifier.h"

namespace cert::cli {

/// Prints every diagnostic as "FILE:LINE:COL: severity: message" on stderr.
void printDiagnostics(const std::string& file, const Diagnostics& diags);

/// The spec file's text; when it cannot be read, prints "PATH: error: why" on stderr and returns
/// nothing (the caller exits 1).
std::optional<std::string> readSpecOrReport(const std::string& path);

/// The options every certifying command takes.
inline const std::set<std::string> kCertifyOptions = {"net",   "data", "index", "count",
                                                      "vnnlib", "eps", "pixel-scale", "mean", "std"};

/// Usage text for the certifying options.
inline constexpr const char* kCertifyUsage =
    "SPEC.cf --net NET.onnx (--data FILE.csv [--index I] [--count N] [--pixel-scale S] [--mean M] [--std S] | --vnnlib FILE) --eps E";

struct CertifyInputs {
  std::string specPath, netPath, propertyPath;
  std::string specText;
  CompiledCertifier certifier;
  Network network;
  Property property;
  double compileMs = 0;
};

/// Parses the certifying options of `args` and loads spec, network and property. On failure it
/// has printed the reason and sets `exitCode` (2 for usage problems, 1 for bad inputs).
std::optional<CertifyInputs> loadCertifyInputs(const Args& args, const std::string& command,
                                               const std::set<std::string>& extraOptions, int* exitCode);

}  // namespace cert::cli
