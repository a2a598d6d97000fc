// Running one rule's proof in a child process: z3 4.8.12 has paths that ignore interrupts (nlsat
// on tanh, a timer deadlock), so the parent stops the child with SIGKILL at the deadline and a
// hang can never block certc or the IDE.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/prove/prove.h"

namespace cert::prove {

/// What a rule's proof gives back (serialized through a pipe when isolated).
struct RuleOutcome {
  Verdict verdict = Verdict::Unknown;
  std::string reason;
  std::vector<CexValue> counterexample;
};

/// Runs `work` in a forked child and reads its outcome back. The child is killed (SIGKILL) when
/// `limitSeconds` have passed or `cancelled` turns true: then Unknown with reason
/// "timeout: ..." or "cancelled". A child that dies otherwise gives Unknown naming the signal.
/// When fork fails, `work` runs here.
RuleOutcome runIsolated(const std::function<RuleOutcome()>& work, double limitSeconds,
                        const std::function<bool()>& cancelled);

/// The byte encoding used between the processes (exposed for tests).
std::string encodeOutcome(const RuleOutcome& o);
/// False when `bytes` is not a complete encoding.
bool decodeOutcome(const std::string& bytes, RuleOutcome* out);

}  // namespace cert::prove
