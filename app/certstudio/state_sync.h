// Keeps the views in step with the model: network switches, spec edits and failed runs.
#pragma once

#include <QObject>

#include <memory>

namespace cert {
struct Network;
}

namespace cert::studio {

class MainWindow;

/// What follows what, in one place:
/// - another network loaded: the Bounds (and comparison) and Sparsity views of the previous
///   network are cleared, and so is the last run's entry in Problems;
/// - a spec edited (or another input chosen): the last run's errors leave Problems (the live
///   check reports the spec's own errors; the next run reports its own);
/// - a failed network open keeps the working network (NetworkDock) and so every view;
/// - a failed run keeps the last bounds, marked stale (BoundsModel, StaleBanner).
class StateSync : public QObject {
  Q_OBJECT

 public:
  explicit StateSync(MainWindow& window);

 private:
  void onNetwork(const std::shared_ptr<const cert::Network>& network);
  void clearRunProblems();

  MainWindow& window_;
  std::shared_ptr<const cert::Network> network_;
};

}  // namespace cert::studio
