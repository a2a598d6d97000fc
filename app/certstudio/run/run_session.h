// Wires running into the window: Run bar, controller, bounds model and dock, status bar, Problems.
#pragma once

#include <QObject>
#include <QTimer>

#include <QElapsedTimer>

#include <optional>

#include "app/certstudio/run/run_job.h"

namespace cert::studio {

class BoundsDock;
class BoundsModel;
class MainWindow;
class RunBar;
class RunController;

/// Owns the run machinery of one window. Run takes the current editor's text and the Network
/// dock's network; the outcome goes to the BoundsModel, the status bar and (errors) Problems.
class RunSession : public QObject {
  Q_OBJECT

 public:
  static constexpr int kLiveDelayMs = 700;
  /// Adds the Run bar and the Bounds dock to `window`.
  explicit RunSession(MainWindow& window);

  /// Starts a run with the bar's settings (cancelling a stale one). False, with the reason in the
  /// status bar and Problems, when there is nothing to run (no editor, no network).
  bool run();
  void cancel();
  /// What Run would start now (the current editor's text, the network, the bar's input), or
  /// nothing, with the reason in the status bar and Problems.
  std::optional<RunRequest> makeRequest();

  RunBar* bar() const { return bar_; }
  RunController* controller() const { return controller_; }
  BoundsModel* model() const { return model_; }
  BoundsDock* dock() const { return dock_; }
  /// The status bar text of the last outcome.
  QString lastMessage() const { return lastMessage_; }
  void setLiveDelay(int ms) { live_.setInterval(ms); }

 signals:
  void runFinished(const cert::studio::RunOutcome& outcome);

 private:
  void onFinished(const RunOutcome& outcome);
  /// The status bar message and the run's rows in Problems; `subject`: the file they are about.
  void report(const QString& message, const cert::Diagnostics& diags, const QString& label, const QString& subject = {});

  MainWindow& window_;
  RunBar* bar_ = nullptr;
  RunController* controller_ = nullptr;
  BoundsModel* model_ = nullptr;
  BoundsDock* dock_ = nullptr;
  QTimer live_;
  QString lastMessage_;
  std::shared_ptr<PreparedNetwork> prepared_;  ///< the last run's network and its prepared weights
};

}  // namespace cert::studio
