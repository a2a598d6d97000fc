// The prover: typed AST + shape -> per-rule verdicts (proved / unsound with a counterexample /
// unknown with a reason), each rule checked with z3 against the shape's declared constraints.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/frontend.h"
#include "core/diagnostics/diagnostic.h"

namespace cert::prove {

/// Bounds of the finite model and the solver budget (README.md: the reduction).
struct ProveOptions {
  std::string transformer;  ///< only this transformer (empty: all)
  std::string op;           ///< only this operator (empty: all)
  double timeoutSeconds = 10.0;  ///< per rule
  int listWidth = 2;   ///< neurons in prev for Affine and pooling
  int termWidth = 2;   ///< neuron terms of a generic PolyExp (traverse, expanded members)
  int noiseWidth = 2;  ///< noise symbols of an input SymExp
  /// Divisions are assumed to divide by non-zero values (each divisor, where its branch is taken,
  /// is a hypothesis) instead of being proof obligations: what the rule promises wherever it
  /// computes finite values. certc run proves its rules so before trusting a verdict: a division
  /// by zero at run time is a non-finite value, which makes the verdict invalid on its own.
  bool divisionsAssumed = false;
  /// Polled between proof obligations; true stops the proof (the remaining rules are skipped).
  std::function<bool()> cancelled;
  /// Each rule in a child process, killed (SIGKILL) at timeoutSeconds + a small grace: z3 has
  /// paths that ignore its interrupt, so a hang cannot block the caller. false: in this process.
  bool isolate = true;
  /// Tests only: runs first in the proving process (e.g. to simulate a hang inside z3).
  std::function<void()> beforeProof;
};

enum class Verdict { Proved, Unsound, Unknown };

/// One value of a counterexample: "prev[l]" = -1.
struct CexValue {
  std::string name;
  double value = 0.0;
  std::string text;  ///< the decimal z3 gave ("0.3333333333?" when rounded)
};

/// The verdict on one rule (transformer x operator).
struct RuleVerdict {
  std::string transformer;
  std::string op;
  SourceRange range;  ///< the rule's operator name
  Verdict verdict = Verdict::Unknown;
  /// Unsound: the constraint that fails ("curr[L] <= curr"); Unknown: why.
  std::string reason;
  std::vector<CexValue> counterexample;  ///< Unsound only
  double seconds = 0.0;
};

/// Verdicts for every rule that matched the options, in source order.
struct ProveReport {
  std::vector<RuleVerdict> rules;
  Diagnostics diagnostics;  ///< e.g. "the shape declares no constraints: nothing to prove"
  bool cancelled = false;
};

/// Proves every rule of a spec that compiled without errors (`fe.ok()`).
ProveReport proveSpec(const FrontendResult& fe, const ProveOptions& options);

const char* verdictName(Verdict v);
/// "prev[l] = -1, prev[u] = 1, curr = 0.5"
std::string formatCounterexample(const std::vector<CexValue>& cex);
/// One line: "unsound: curr[L] <= curr fails at prev[l] = -1, ..." / "proved" / "unknown: ...".
std::string describe(const RuleVerdict& v);
/// The value named `name` in a counterexample, or NaN.
double cexValue(const std::vector<CexValue>& cex, const std::string& name);

}  // namespace cert::prove
