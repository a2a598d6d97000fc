// RunController: QtConcurrent::run + QFutureWatcher; progress marshalled with invokeMethod.
#include "app/certstudio/run/run_controller.h"

#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace cert::studio {

RunController::RunController(QObject* parent) : QObject(parent) {}

RunController::~RunController() {
  auto stop = [](Job* j) {
    j->cancel->store(true);
    j->watcher->disconnect();
    j->watcher->waitForFinished();
  };
  if (current_) stop(current_);
  for (auto& j : stale_) stop(j.get());
}

void RunController::start(RunRequest request) {
  auto copy = std::make_shared<const RunRequest>(std::move(request));
  startTask([copy](const std::atomic<bool>& cancel, const RunProgress& progress, const ItemReport&) {
    return executeRun(*copy, cancel, progress);
  }, copy);
}

void RunController::startTask(RunTask task, std::shared_ptr<const RunRequest> request) {
  if (currentHolder_) {
    current_->cancel->store(true);
    stale_.push_back(std::move(currentHolder_));
  }
  auto job = std::make_unique<Job>();
  job->cancel = std::make_shared<std::atomic<bool>>(false);
  job->generation = ++generation_;
  job->request = std::move(request);
  job->watcher = new QFutureWatcher<RunOutcome>(this);
  Job* raw = job.get();
  connect(job->watcher, &QFutureWatcherBase::finished, this, [this, raw] { onJobFinished(raw); });
  currentHolder_ = std::move(job);
  current_ = raw;

  const quint64 generation = raw->generation;
  // The worker only posts to `this`; the destructor waits for it, so `this` outlives the posts.
  RunProgress report = [this, generation](int layer, int layers) {
    QMetaObject::invokeMethod(this, [this, generation, layer, layers] {
      if (current_ && current_->generation == generation) emit progress(layer, layers);
    }, Qt::QueuedConnection);
  };
  ItemReport item = [this, generation](int index, const RunOutcome& outcome) {
    QMetaObject::invokeMethod(this, [this, generation, index, outcome] {
      if (current_ && current_->generation == generation) emit itemFinished(index, outcome);
    }, Qt::QueuedConnection);
  };
  std::shared_ptr<std::atomic<bool>> cancelFlag = raw->cancel;
  raw->watcher->setFuture(QtConcurrent::run([task = std::move(task), cancelFlag, report, item] {
    return task(*cancelFlag, report, item);
  }));
  emit started();
}

void RunController::cancel() {
  if (current_) current_->cancel->store(true);
}

void RunController::onJobFinished(Job* job) {
  job->watcher->deleteLater();
  if (job != current_) {  // a stale run: drop its result
    stale_.erase(std::remove_if(stale_.begin(), stale_.end(), [job](const auto& j) { return j.get() == job; }),
                 stale_.end());
    return;
  }
  last_ = job->watcher->result();
  lastRequest_ = job->request;
  if (job->cancel->load() && last_.state == RunOutcome::State::Done) last_.state = RunOutcome::State::Cancelled;
  currentHolder_.reset();
  current_ = nullptr;
  emit finished(last_);
}

}  // namespace cert::studio
