// Wires Teaching mode into the window: the dock, its model, and its own stepped runs.
#pragma once

#include <QObject>

namespace cert::studio {

class MainWindow;
class RunController;
class RunSession;
class TeachingDock;
class TeachingModel;

/// A trace request of the dock becomes a run of layers 0..k of the Network dock's network with the
/// current editor's spec and the Run bar's input (RunSession::makeRequest), on a RunController of
/// its own so it never replaces the main run's bounds. Picking a traverse selects its position in
/// the current editor.
class TeachingSession : public QObject {
  Q_OBJECT

 public:
  /// How long the status bar shows a trace's outcome.
  static constexpr int kStatusMs = 4000;
  /// Adds the Teaching dock to `window`.
  TeachingSession(MainWindow& window, RunSession& runs);

  TeachingDock* dock() const { return dock_; }
  TeachingModel* model() const { return model_; }
  RunController* controller() const { return controller_; }
  /// Starts a trace run for neuron `neuron` of layer `layer`; false when there is nothing to run.
  bool trace(int layer, qint64 neuron);

 private:
  MainWindow& window_;
  RunSession& runs_;
  TeachingModel* model_ = nullptr;
  TeachingDock* dock_ = nullptr;
  RunController* controller_ = nullptr;
};

}  // namespace cert::studio
