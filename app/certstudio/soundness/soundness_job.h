// One soundness check as a plain function: compile the spec, build the property, certify it as
// Run does and sample every member of every layer (runtime checkSoundnessBySampling).
#pragma once

#include <QString>

#include <atomic>
#include <memory>
#include <string>

#include "app/certstudio/run/run_job.h"
#include "runtime/soundness.h"

namespace cert::studio {

/// What a check produced.
struct SoundnessOutcome {
  enum class State { Done, Failed, Cancelled };
  State state = State::Failed;
  QString specName;
  std::string specText;  ///< the spec the check compiled and sampled
  std::shared_ptr<const cert::Network> network;
  cert::SoundnessSummary summary;  ///< Done: the samples and every violation
  QString error;                   ///< Failed: why
  double ms = 0;

  /// "deeppoly.cf: 100 samples, 0 violations (sound on these samples)" style one-liner.
  QString text() const;
};

/// Runs the check for `request` (its spec, network, input and eps) with `samples` samples per
/// input box, on the calling thread. `cancel` is polled between samples. Never throws.
SoundnessOutcome executeSoundness(const RunRequest& request, int samples, const std::atomic<bool>& cancel);

}  // namespace cert::studio
