// A batch as one RunTask: executeRun on each entry in turn, reporting each item as it finishes.
#pragma once

#include <QString>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "app/certstudio/batch/batch_source.h"
#include "app/certstudio/run/run_controller.h"
#include "app/certstudio/run/run_job.h"

namespace cert::studio {

/// Everything a batch needs, copied for the worker thread.
struct BatchRequest {
  std::string specText;
  QString specName;
  std::shared_ptr<const cert::Network> network;  ///< entries without their own network use it
  std::vector<BatchEntry> entries;
  double eps = 0.01;
  cert::IntermediateBounds intermediate = cert::IntermediateBounds::All;  ///< the Run bar's choice
};

/// Runs every entry with executeRun (the single-run job), in order, on the calling thread.
/// `progress` reports the running item's layers; `item` each finished item's outcome (an entry
/// whose network does not import is a Failed item with stage "input"; one over its timeout is a
/// Failed item with stage "timeout"). Cancel stops the running item after its current layer and
/// runs no more. Returns Done (itemCount: items run, verified: all of them verified) or Cancelled.
RunOutcome executeBatch(const BatchRequest& request, const std::atomic<bool>& cancel, const RunProgress& progress,
                        const ItemReport& item);

}  // namespace cert::studio
