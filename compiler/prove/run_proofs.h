// The proofs a certification run relies on (certc run, the IDE's run): the rules of the flow's
// transformer for the operators the network's layers run, proved with divisions assumed non-zero
// (a division by zero at run time is a non-finite value, which makes a verdict invalid on its
// own), and remembered on disk per spec text, rule and binary, so that a spec is proved once.
//
// A verdict "verified" from a rule the prover refutes would be a lie (the published zono.cf's
// Relu rule returns [0, 0] as a Relu's bounds; concrete samples leave its bounds by the hundred
// thousand while every item came out "verified"): a run withholds its verdicts then.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/frontend.h"
#include "compiler/prove/prove.h"

namespace cert::prove {

struct RunProofs {
  /// One per operator asked that the transformer has a rule for, in the order asked.
  std::vector<RuleVerdict> rules;
  /// Per rule: whether its verdict came from the cache.
  std::vector<bool> cached;
  double seconds = 0.0;  ///< wall time spent, the cache's reads included

  /// Why verdicts must be withheld, or nothing: "the rule for Relu (transformer zono, line 18) is
  /// unsound: curr[u] >= curr fails (certc prove)" for the first refuted rule (summary() and
  /// `certc prove` give the counterexample).
  std::optional<std::string> refutation() const;
  /// One line: "Affine, Relu proved (0.4 s, 1 cached)"; refuted and unknown rules with their reason.
  std::string summary() const;
};

/// The cache's folder: $CERTSTUDIO_PROOF_CACHE when set (empty: no cache), else
/// $XDG_CACHE_HOME/certstudio/proofs, else $HOME/.cache/certstudio/proofs (empty when neither is set).
std::filesystem::path defaultProofCacheDir();

/// Proves the rule of `transformer` of the spec `specText` (front end run here; a spec with errors
/// has no rules to prove) for each operator in `ops` (the rules concurrently, each in a
/// child process as `proveSpec` isolates it), with ProveOptions::divisionsAssumed, or reads its
/// verdict from `cacheDir` (empty: no cache). A verdict is stored under a key of the spec text,
/// transformer, operator, the prover's options and this executable's identity (path, size and
/// modification time: a rebuilt prover proves again); only proved and unsound verdicts are stored
/// (unknown may be a timeout under load). A cache that cannot be read or written is ignored.
/// Every verdict (unknown too, unless cancelled) is also remembered in this process: a batch of
/// runs over one spec proves it once, with or without a disk cache; they count as cached.
/// `cancelled` is polled while proving (ProveOptions::cancelled); a cancelled rule is unknown.
RunProofs proveRunRules(std::string_view specText, const std::string& transformer,
                        const std::vector<std::string>& ops, const std::filesystem::path& cacheDir,
                        double timeoutSeconds = 10.0, const std::function<bool()>& cancelled = {});

/// The rules of several transformers: (transformer, operators) in order (a run's forward flow's
/// transformer, then its backward flows'), each as proveRunRules above; one RunProofs of them all.
RunProofs proveRunRules(std::string_view specText,
                        const std::vector<std::pair<std::string, std::vector<std::string>>>& rules,
                        const std::filesystem::path& cacheDir, double timeoutSeconds = 10.0,
                        const std::function<bool()>& cancelled = {});

/// Forgets the verdicts this process remembers (proveRunRules then reads the disk cache or proves
/// again): for tests of the disk cache.
void forgetRememberedProofs();

}  // namespace cert::prove
