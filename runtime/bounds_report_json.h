// The bounds report as JSON (ARCHITECTURE.md "--json output"): one object per run.
#pragma once

#include <string>

#include "core/network/network.h"
#include "runtime/executor.h"

namespace cert {

struct ReportInfo {
  std::string spec, network, backend = "cpu";
  double eps = 0, compileMs = 0, runMs = 0;
  std::string intermediate = "all";  ///< RunOptions::intermediate by name
};

/// {"spec", "network", "backend", "intermediate", "eps", "time_ms", "inputs": [{index, label, verified, layers, margins}]}
std::string boundsReportJson(const ReportInfo& info, const Network& net, const RunResult& run);

}  // namespace cert
