// Teaching mode's state: the traced neuron of the last stepped run, as text the dock shows.
#pragma once

#include <QObject>
#include <QString>

#include <memory>

#include "app/certstudio/run/run_job.h"

namespace cert::studio {

/// Holds the outcome of a run of layers 0..k that traced one neuron of layer k (RunRequest::
/// lastLayer, RunRequest::trace) and words it: the headline (where, l/u), forms as text, the
/// labels of traverses and their back-substitution steps.
class TeachingModel : public QObject {
  Q_OBJECT

 public:
  /// Terms written per form before "… (+N terms)"; the terms table lists them all.
  static constexpr int kShownTerms = 4;

  explicit TeachingModel(QObject* parent = nullptr);

  void setNetwork(std::shared_ptr<const cert::Network> network);
  std::shared_ptr<const cert::Network> network() const { return network_; }
  /// A run for (layer, neuron) started: the headline says so until setOutcome().
  void setRunning(int layer, qint64 neuron);
  /// The finished run (its trace, or why there is none).
  void setOutcome(const RunOutcome& outcome);
  void clear();

  bool isRunning() const { return running_; }
  /// The trace of the last run, or null (none yet, failed, or the runtime recorded none).
  const cert::NeuronTrace* trace() const;
  int layer() const { return layer_; }
  qint64 neuron() const { return neuron_; }
  /// The traced neuron's concrete bounds [l, u] from the run's layer bounds; false when unknown.
  bool bounds(double* lower, double* upper) const;

  /// Rich text: "Layer 3 'relu1' (Relu), neuron 5 — l = …, u = …", what ran, or why nothing is shown.
  QString headline() const;
  /// `form` as text with layer names of the network (at most `maxTerms` terms; < 0: all).
  QString formText(const cert::SymbolicForm& form, int maxTerms = kShownTerms) const;
  /// "traverse 1 at 34:16 — 3 steps" (the spec position when known).
  QString traverseLabel(int traversal) const;
  /// "start" or "step k: replaced relu1, fc1".
  QString stepLabel(int traversal, int form) const;
  /// "Layer 3 'relu1' (Relu)".
  QString layerTitle(int layer) const;

 signals:
  void changed();

 private:
  std::shared_ptr<const cert::Network> network_;
  RunOutcome outcome_;
  bool hasOutcome_ = false;
  bool running_ = false;
  int layer_ = -1;
  qint64 neuron_ = -1;
};

}  // namespace cert::studio
