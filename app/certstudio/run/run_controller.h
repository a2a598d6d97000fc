// Runs certifications off the GUI thread: one current run, progress per layer, cooperative cancel.
#pragma once

#include <QFutureWatcher>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

#include "app/certstudio/run/run_job.h"

namespace cert::studio {

/// A batch reports each item it has finished: its index and outcome (on the worker thread).
using ItemReport = std::function<void(int index, const RunOutcome& outcome)>;
/// Work run on a worker thread: polls `cancel`, reports layer progress and finished items.
using RunTask = std::function<RunOutcome(const std::atomic<bool>& cancel, const RunProgress& progress,
                                         const ItemReport& item)>;

/// Starts executeRun() (or any RunTask: a batch) with QtConcurrent. A new start() cancels the stale run, whose result is
/// dropped; only the current run reports progress() and finished(). The destructor cancels and
/// waits, so no worker outlives the controller.
class RunController : public QObject {
  Q_OBJECT

 public:
  explicit RunController(QObject* parent = nullptr);
  ~RunController() override;

  void start(RunRequest request);
  /// Starts `task` the same way (a batch of runs); its items arrive as itemFinished(). `request`:
  /// what lastRequest() reports once it finished (null for a batch: no single run to check).
  void startTask(RunTask task, std::shared_ptr<const RunRequest> request = nullptr);
  /// Asks the current run to stop after its current layer; finished() reports Cancelled.
  void cancel();
  bool isRunning() const { return current_ != nullptr; }
  /// The outcome of the last finished run (state Failed with no diagnostics before any).
  const RunOutcome& lastOutcome() const { return last_; }
  /// What the last finished run ran (its spec text, network, input and eps, copied when it
  /// started, so later edits do not change it); null before any.
  std::shared_ptr<const RunRequest> lastRequest() const { return lastRequest_; }

 signals:
  void started();
  void progress(int layer, int layers);
  /// A task's item `index` is done (only the current task's).
  void itemFinished(int index, const cert::studio::RunOutcome& outcome);
  void finished(const cert::studio::RunOutcome& outcome);

 private:
  struct Job {
    QFutureWatcher<RunOutcome>* watcher = nullptr;
    std::shared_ptr<std::atomic<bool>> cancel;
    quint64 generation = 0;
    std::shared_ptr<const RunRequest> request;  ///< a copy taken at start()
  };
  void onJobFinished(Job* job);

  std::unique_ptr<Job> currentHolder_;
  Job* current_ = nullptr;
  std::vector<std::unique_ptr<Job>> stale_;
  quint64 generation_ = 0;
  RunOutcome last_;
  std::shared_ptr<const RunRequest> lastRequest_;
};

}  // namespace cert::studio
