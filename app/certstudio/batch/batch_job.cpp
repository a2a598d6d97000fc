// executeBatch: the entries one by one through executeRun, with per-item timeouts and cancel.
#include "app/certstudio/batch/batch_job.h"

#include <chrono>
#include <map>

#include "core/network/onnx_import.h"
#include "runtime/memory_plan.h"

namespace cert::studio {

RunOutcome executeBatch(const BatchRequest& request, const std::atomic<bool>& cancel, const RunProgress& progress,
                        const ItemReport& item) {
  RunOutcome total;
  total.specName = request.specName;
  total.network = request.network;
  total.eps = request.eps;
  total.verified = !request.entries.empty();
  std::map<QString, std::shared_ptr<const cert::Network>> networks;  // instances share networks
  for (size_t i = 0; i < request.entries.size(); ++i) {
    if (cancel.load()) {
      total.state = RunOutcome::State::Cancelled;
      return total;
    }
    const BatchEntry& entry = request.entries[i];
    RunRequest run;
    run.specText = request.specText;
    run.specName = request.specName;
    run.input = entry.input;
    run.eps = request.eps;
    run.intermediate = request.intermediate;
    run.network = request.network;
    RunOutcome out;
    bool imported = true;
    if (!entry.onnxPath.isEmpty()) {
      auto found = networks.find(entry.onnxPath);
      if (found == networks.end()) {
        cert::Result<cert::Network> net =
            cert::importOnnxFile(entry.onnxPath.toStdString(), cert::importLimitsFor(cert::runtime::defaultMemoryLimit()));
        std::shared_ptr<const cert::Network> shared;
        if (net.ok()) shared = std::make_shared<const cert::Network>(std::move(*net.value));
        else out.diagnostics = net.diagnostics;
        found = networks.emplace(entry.onnxPath, shared).first;
      }
      run.network = found->second;
      if (!run.network) {
        imported = false;
        out.specName = request.specName;
        out.input = entry.input;
        out.state = RunOutcome::State::Failed;
        out.stage = QStringLiteral("input");
        if (out.diagnostics.empty())
          out.diagnostics.push_back(cert::Diagnostic::error("cannot import " + entry.onnxPath.toStdString()));
      }
    }
    if (imported) {
      // The item stops on the batch's cancel or on its own timeout, both polled between layers.
      std::atomic<bool> stop{false};
      bool timedOut = false;
      const auto start = std::chrono::steady_clock::now();
      const auto overTime = [&] {
        return entry.timeoutS > 0 &&
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > entry.timeoutS;
      };
      RunProgress itemProgress = [&](int layer, int layers) {
        if (cancel.load()) stop.store(true);
        if (overTime()) {
          timedOut = true;
          stop.store(true);
        }
        if (progress) progress(layer, layers);
      };
      out = executeRun(run, stop, itemProgress);
      if (cancel.load() && out.state == RunOutcome::State::Cancelled) {
        if (item) item(static_cast<int>(i), out);
        total.state = RunOutcome::State::Cancelled;
        return total;
      }
      if (timedOut || (out.state == RunOutcome::State::Done && overTime())) {
        out.state = RunOutcome::State::Failed;
        out.stage = QStringLiteral("timeout");
        out.diagnostics = {cert::Diagnostic::error("over the instance's timeout of " + std::to_string(entry.timeoutS) + " s")};
      }
    }
    total.itemCount += 1;
    total.verified = total.verified && out.state == RunOutcome::State::Done && out.verified;
    total.runMs += out.runMs;
    if (item) item(static_cast<int>(i), out);
  }
  total.state = RunOutcome::State::Done;
  return total;
}

}  // namespace cert::studio
