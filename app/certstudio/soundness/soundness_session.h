// Wires "Check Soundness" into the window: the action on the Run bar, the background check, the
// Soundness dock, the Bounds dock's red marks, and the run verdict label (red when invalid).
#pragma once

#include <string>

#include <QObject>

#include <atomic>
#include <memory>

#include "app/certstudio/soundness/soundness_job.h"

class QAction;
class QLabel;
template <class T>
class QFutureWatcher;

namespace cert::studio {

class MainWindow;
class RunSession;
class SoundnessDock;

/// Check Soundness samples what the last Run computed (the spec text, network, input and eps
/// copied when that run started, not the editor's text now) in the background with
/// QtConcurrent; cancellable; a new check or the destructor cancels and waits for the old one.
class SoundnessSession : public QObject {
  Q_OBJECT

 public:
  SoundnessSession(MainWindow& window, RunSession& runs);
  ~SoundnessSession() override;

  /// Starts a check of the last finished run (false, with the reason in the status bar, when
  /// there is none).
  bool check();
  void cancel();
  bool isRunning() const { return watcher_ != nullptr; }
  const SoundnessOutcome& lastOutcome() const { return last_; }

  QAction* action() const { return action_; }
  SoundnessDock* dock() const { return dock_; }
  /// On the Run bar: the last run's verdict, in red with the reason when the run is invalid.
  QLabel* verdictLabel() const { return verdict_; }

 signals:
  void finished(const cert::studio::SoundnessOutcome& outcome);

 private:
  void onFinished();
  void showVerdict(const RunOutcome& outcome);

  MainWindow& window_;
  RunSession& runs_;
  QAction* action_ = nullptr;
  SoundnessDock* dock_ = nullptr;
  QLabel* verdict_ = nullptr;
  QFutureWatcher<SoundnessOutcome>* watcher_ = nullptr;
  std::shared_ptr<std::atomic<bool>> cancel_;
  SoundnessOutcome last_;
  std::string lastRunSpecText_;  ///< the spec of the run the verdict label shows
};

}  // namespace cert::studio
