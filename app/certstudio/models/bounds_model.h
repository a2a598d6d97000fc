// The bounds of the last run (and of a pinned comparison run): what the Bounds dock draws.
#pragma once

#include <QObject>
#include <QString>

#include <map>
#include <optional>
#include <vector>

#include "app/certstudio/run/run_job.h"

namespace cert::studio {

/// Per-neuron stability of a ReLU input: l >= 0 active, u <= 0 inactive, else unstable.
struct StabilityCounts {
  int active = 0, inactive = 0, unstable = 0;
};

/// One run's per-layer bounds, with summaries. Tests read it directly.
class BoundsModel : public QObject {
  Q_OBJECT

 public:
  /// The bounds of one run, by network layer.
  struct Run {
    QString label;  ///< "deeppoly.cf"
    std::vector<cert::LayerBoundsResult> layers;
    Eigen::VectorXd marginLower, marginUpper;
    bool verified = false;
    cert::Verdict verdict = cert::Verdict::NotVerified;
    QString reason;  ///< why not verified (RunOutcome::reason)
    cert::PropertyItem property;  ///< what was certified (label or unsafe atoms), for the verdict text
    cert::ItemResult item;        ///< the item without its layers (margins, label, verdict)
    /// Soundness marks (setSoundnessMarks): layer -> neuron -> a concrete value that left a bound.
    std::map<int, std::map<int64_t, double>> marks;
  };

  explicit BoundsModel(QObject* parent = nullptr);

  /// Takes the bounds of a Done outcome. A Failed outcome keeps the last bounds, marked stale
  /// (staleReason() says why); with no bounds yet it leaves none.
  void setOutcome(const RunOutcome& outcome);
  /// A network was loaded: bounds (and the comparison) of another network are dropped.
  void setNetwork(const std::shared_ptr<const cert::Network>& network);
  /// True when the bounds shown are from before the last (failed) run.
  bool isStale() const { return run_.has_value() && !staleReason_.isEmpty(); }
  QString staleReason() const { return staleReason_; }
  /// Pins the current run as the comparison overlay (no-op without a run).
  void pinComparison();
  void clearComparison();
  /// Marks neurons of the current run that a soundness check found outside their bounds (layer ->
  /// neuron -> the concrete value); a new outcome clears them.
  void setSoundnessMarks(std::map<int, std::map<int64_t, double>> marks);

  bool hasRun() const { return run_.has_value(); }
  const Run* run() const { return run_ ? &*run_ : nullptr; }
  const Run* comparison() const { return comparison_ ? &*comparison_ : nullptr; }
  std::shared_ptr<const cert::Network> network() const { return network_; }

  int layerCount() const;
  QString layerName(int layer) const;
  QString layerOp(int layer) const;
  /// Bounds of `layer` in `r` (the run by default); empty vectors when out of range.
  const cert::LayerBoundsResult* bounds(int layer, const Run* r = nullptr) const;
  /// u - l per neuron.
  Eigen::VectorXd widths(int layer, const Run* r = nullptr) const;
  /// Mean u - l of every layer (NaN for an empty layer).
  std::vector<double> meanWidths(const Run* r = nullptr) const;
  /// Stability counts when `layer` is a ReLU input (or a ReLU: then of its input); else none.
  std::optional<StabilityCounts> reluStability(int layer, const Run* r = nullptr) const;
  /// The layer whose bounds feed `layer` when it is a ReLU; `layer` itself when a ReLU reads it;
  /// -1 otherwise.
  int reluInputLayer(int layer) const;

 signals:
  void changed();

 private:
  std::optional<Run> run_;
  std::optional<Run> comparison_;
  std::shared_ptr<const cert::Network> network_;
  QString staleReason_;
};

}  // namespace cert::studio
