// The bounds report as JSON (ARCHITECTURE.md "--json output"): one object per run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/network/network.h"
#include "runtime/executor.h"

namespace cert {

/// What the prover said about one rule the run relied on (compiler/prove/run_proofs.h).
struct RuleProofEntry {
  std::string transformer, op;
  std::string verdict;  ///< "proved", "unsound", "unknown"
  std::string reason;   ///< unsound: the failing constraint and its counterexample; unknown: why
  bool cached = false;
};

struct ReportInfo {
  std::string spec, network, backend = "cpu";
  double eps = 0, compileMs = 0, runMs = 0, proveMs = 0;
  std::string intermediate = "all";  ///< RunOptions::intermediate by name
  /// The rules the run relied on, proved before its verdicts; nothing: not proved (--no-prove).
  std::optional<std::vector<RuleProofEntry>> rules;
};

/// {"spec", "network", "backend", "intermediate", "eps", "time_ms", "rules", "memory_bytes",
///  "inputs": [{index, label, verified, status, reason, layers, margins}]}; "rules" is null when
/// the rules were not proved.
std::string boundsReportJson(const ReportInfo& info, const Network& net, const RunResult& run);

}  // namespace cert
