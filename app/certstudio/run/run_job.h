// One certification run as a plain function: compile the spec, build the property, certify.
#pragma once

#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <string>

#include "core/network/network.h"
#include "core/property/dataset_csv.h"
#include "runtime/executor.h"
#include "runtime/shared_weights.h"

namespace cert::studio {

/// Where the input box comes from: a dataset CSV row (eps-ball) or a VNN-LIB file.
struct RunInput {
  enum class Kind { Dataset, Vnnlib };
  Kind kind = Kind::Dataset;
  QString path;
  int row = 0;  ///< Dataset: 0-based row
  /// Dataset: the file's rows, already read (batches read the file once); null: read `path`.
  std::shared_ptr<const std::vector<cert::DatasetRow>> rows;
  /// Dataset: how the raw values become the input (certc's --pixel-scale, --mean, --std).
  double pixelScale = cert::kDefaultPixelScale;
  cert::ChannelStandardization standardization;
};

/// A network and its weights prepared by the runs over it (conv kernels' Toeplitz rows, ...),
/// kept together so the cache never outlives the network it refers to; thread-safe, so runs on
/// other threads share it.
struct PreparedNetwork {
  explicit PreparedNetwork(std::shared_ptr<const cert::Network> n) : network(std::move(n)), weights(*network) {}
  std::shared_ptr<const cert::Network> network;
  cert::runtime::SharedWeights weights;
};

/// Everything a run needs, copied so the worker thread shares nothing mutable with the GUI.
struct RunRequest {
  std::string specText;
  QString specName;  ///< "deeppoly.cf", for messages and the comparison legend
  std::shared_ptr<const cert::Network> network;
  /// Weights prepared by earlier runs; used when made for `network` itself (a run of the first
  /// layers only, or a network loaded since, prepares its own).
  std::shared_ptr<PreparedNetwork> prepared;
  RunInput input;
  double eps = 0.01;
  /// Teaching mode: >= 0 runs only layers 0..lastLayer (the flow is forward, so their bounds are
  /// those of the whole network) on the first input box, without margins or verdict.
  int lastLayer = -1;
  /// Teaching mode: record ItemResult::trace for (layer, 0-based neuron).
  std::optional<std::pair<int, int64_t>> trace;
  /// Which neurons get the spec's back-substitution (RunOptions::intermediate).
  cert::IntermediateBounds intermediate = cert::IntermediateBounds::All;
};

/// What a run produced: the bounds of the first property item, or why there are none.
struct RunOutcome {
  enum class State { Done, Failed, Cancelled };
  State state = State::Failed;
  QString specName;
  std::shared_ptr<const cert::Network> network;
  cert::ItemResult item;        ///< the first item (Done)
  cert::PropertyItem property;  ///< the property item `item` certified (Done): label or unsafe atoms
  RunInput input;               ///< the request's input and eps, for labels
  double eps = 0;
  cert::IntermediateBounds intermediate = cert::IntermediateBounds::All;  ///< the request's
  int itemCount = 0;
  bool verified = false;        ///< every item verified
  /// Invalid when any item is (non-finite parameters, NaN or lower > upper bounds): then
  /// `reason` says why (the first invalid item's) and there is no verdict; else Verified when
  /// every item is, NotVerified otherwise (reason: the first item's, when it has one).
  cert::Verdict verdict = cert::Verdict::NotVerified;
  QString reason;
  cert::Diagnostics diagnostics;  ///< errors and warnings of every stage
  QString stage;                ///< Failed: "spec", "input" or "run"
  double compileMs = 0, runMs = 0, proveMs = 0;
  /// What the prover said about the rules the run relied on (compiler/prove/run_proofs.h):
  /// "Affine, Relu proved (0.1 s, 2 cached)"; empty for a run without verdict (teaching mode).
  /// A refuted rule makes every item Invalid, its verdict withheld.
  QString rules;
  bool rulesProved = false;  ///< every rule the run relied on is proved
  QString refutedRule;       ///< the operator of the first refuted rule ("Relu"), which withheld the verdict

  /// "not verified: the spec has no rule for Relu" style one-liner for the status bar.
  QString summary() const;
};

/// Progress after each layer: layer done, layer count.
using RunProgress = std::function<void(int layer, int layers)>;

/// Runs `request` on the calling thread. `cancel` is polled between layers. Never throws.
RunOutcome executeRun(const RunRequest& request, const std::atomic<bool>& cancel, const RunProgress& progress = {});

}  // namespace cert::studio
