// executeRun: compileCertifier, then datasetProperty / readVnnlib, then certify on the CPU executor,
// then the proofs of the rules it ran (a refuted one withholds the verdict).
#include "app/certstudio/run/run_job.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <new>

#include "compiler/prove/run_proofs.h"
#include "core/property/dataset_csv.h"
#include "core/property/vnnlib.h"
#include "app/certstudio/run/verdict_text.h"
#include "runtime/compiled_certifier.h"
#include "runtime/layer_rule.h"

namespace cert::studio {
namespace {

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

RunOutcome failed(RunOutcome out, const QString& stage, const cert::Diagnostics& diags) {
  out.state = RunOutcome::State::Failed;
  out.stage = stage;
  out.diagnostics.insert(out.diagnostics.end(), diags.begin(), diags.end());
  if (!cert::hasErrors(out.diagnostics)) out.diagnostics.push_back(cert::Diagnostic::error("the " + stage.toStdString() + " failed"));
  return out;
}

/// Layers 0..last of `net` (layer inputs only name earlier layers, so the prefix is a network).
std::shared_ptr<const cert::Network> prefixOf(const cert::Network& net, int last) {
  auto prefix = std::make_shared<cert::Network>(net);
  prefix->layers.resize(static_cast<size_t>(last) + 1);
  return prefix;
}

/// The first item's box alone: a prefix has other outputs, so no label and no unsafe region.
cert::Property boxOnly(cert::Property property) {
  property.items.resize(std::min<size_t>(property.items.size(), 1));
  for (cert::PropertyItem& item : property.items) {
    item.label.reset();
    item.unsafe.clear();
  }
  return property;
}

bool isCancel(const cert::Diagnostics& diags) {
  return diags.size() == 1 && diags.front().message == "cancelled";
}

}  // namespace

QString RunOutcome::summary() const {
  switch (state) {
    case State::Cancelled: return QStringLiteral("Run cancelled");
    case State::Failed: {
      for (const cert::Diagnostic& d : diagnostics)
        if (d.severity == cert::Severity::Error) {
          const QString where = d.range.valid() ? QStringLiteral("%1:%2: ").arg(d.range.begin.line).arg(d.range.begin.col) : QString();
          return QStringLiteral("Run failed (%1): %2%3").arg(stage, where, QString::fromStdString(d.message));
        }
      return QStringLiteral("Run failed (%1)").arg(stage);
    }
    case State::Done: break;
  }
  if (verdict == cert::Verdict::Invalid)  // no verdict: the bounds or the network are broken
    return QStringLiteral("%1: invalid, no verdict — %2 (run %3 ms)").arg(specName, reason).arg(runMs, 0, 'f', 1);
  QString text = QStringLiteral("%1 %2 in %3 ms (compile %4 ms)")
                     .arg(specName, verified ? QStringLiteral("verified") : QStringLiteral("not verified"))
                     .arg(runMs, 0, 'f', 1)
                     .arg(compileMs, 0, 'f', 1);
  text += QStringLiteral(" — ") + verdictText(property, item).text;  // the bound that decides it
  if (itemCount > 1) text += QStringLiteral(" — %1 input boxes, bounds of the first shown").arg(itemCount);
  if (intermediate == cert::IntermediateBounds::ReluUnstable)
    text += QStringLiteral(" — unstable-only bounds: settled neurons show their interval");
  // What the verdict rests on: its rules proved, or which are not (a refuted one made it invalid).
  if (!rules.isEmpty()) text += rulesProved ? QStringLiteral(" — rules proved") : QStringLiteral(" — rules: ") + rules;
  return text;
}

RunOutcome executeRun(const RunRequest& request, const std::atomic<bool>& cancel, const RunProgress& progress) {
  RunOutcome out;
  out.specName = request.specName;
  out.network = request.network;
  out.input = request.input;
  out.eps = request.eps;
  out.intermediate = request.intermediate;
  try {
    if (!request.network) return failed(out, QStringLiteral("input"), {cert::Diagnostic::error("no network is loaded")});
    const auto compileStart = std::chrono::steady_clock::now();
    cert::Result<cert::CompiledCertifier> cc = cert::compileCertifier(request.specText);
    out.compileMs = msSince(compileStart);
    if (!cc.ok()) return failed(out, QStringLiteral("spec"), cc.diagnostics);
    if (cancel.load()) {
      out.state = RunOutcome::State::Cancelled;
      return out;
    }
    const std::string path = request.input.path.toStdString();
    cert::Result<cert::Property> property =
        request.input.kind == RunInput::Kind::Vnnlib ? cert::readVnnlib(path, *request.network)
        : request.input.rows
            ? cert::datasetProperty(*request.network, *request.input.rows, path, request.input.row, 1, request.eps,
                                    request.input.pixelScale, request.input.standardization)
            : cert::datasetProperty(*request.network, path, request.input.row, 1, request.eps, request.input.pixelScale,
                                    request.input.standardization);
    if (!property.ok()) return failed(out, QStringLiteral("input"), property.diagnostics);
    out.diagnostics = property.diagnostics;  // warnings (a clipped range)

    cert::RunOptions options;
    options.cancel = &cancel;
    options.keepLayouts = request.lastLayer < 0;  // the Sparsity dock draws those of whole runs
    options.trace = request.trace;
    options.intermediate = request.intermediate;
    std::shared_ptr<const cert::Network> net = request.network;
    const int layerCount = static_cast<int>(net->layers.size());
    if (request.lastLayer >= 0) {
      if (request.lastLayer >= layerCount)
        return failed(out, QStringLiteral("input"), {cert::Diagnostic::error("the network has no layer " + std::to_string(request.lastLayer))});
      if (request.lastLayer + 1 < layerCount) net = prefixOf(*net, request.lastLayer);
      *property = boxOnly(std::move(*property));
      options.margins = false;
    }
    // The executor counts the margins layer it appends; progress counts the network's layers
    // ("layer 18 of 18" when the last one is done; the margins step reports that again).
    const int shownLayers = static_cast<int>(net->layers.size());
    if (progress)
      options.onLayer = [&progress, shownLayers](int, int layer, int) { progress(std::min(layer + 1, shownLayers), shownLayers); };
    const auto runStart = std::chrono::steady_clock::now();
    cert::Result<cert::RunResult> run = request.prepared && request.prepared->network == net
                                            ? cert::certify(*cc, *net, *property, options, request.prepared->weights)
                                            : cert::certify(*cc, *net, *property, options);
    out.runMs = msSince(runStart);
    if (!run.ok()) {
      if (cancel.load() && isCancel(run.diagnostics)) {
        out.state = RunOutcome::State::Cancelled;
        return out;
      }
      return failed(out, QStringLiteral("run"), run.diagnostics);
    }
    // The rules the run relied on, proved (or read from the cache) before its verdict is shown;
    // a refuted one withholds every verdict, as certc run does.
    if (options.margins) {
      const auto proveStart = std::chrono::steady_clock::now();
      const cert::prove::RunProofs proofs = cert::prove::proveRunRules(
          request.specText, cert::rulesRun(*cc, *net, true), cert::prove::defaultProofCacheDir(), 10.0,
          [&cancel] { return cancel.load(); });
      out.proveMs = msSince(proveStart);
      if (cancel.load()) {
        out.state = RunOutcome::State::Cancelled;
        return out;
      }
      out.rules = QString::fromStdString(proofs.summary());
      out.rulesProved = true;
      for (const cert::prove::RuleVerdict& v : proofs.rules) {
        out.rulesProved = out.rulesProved && v.verdict == cert::prove::Verdict::Proved;
        if (v.verdict == cert::prove::Verdict::Unsound && out.refutedRule.isEmpty())
          out.refutedRule = QString::fromStdString(v.op);
      }
      if (const std::optional<std::string> refuted = proofs.refutation()) cert::withholdVerdicts(*run.value, *refuted);
    }
    out.itemCount = static_cast<int>(run->items.size());
    if (run->items.empty()) return failed(out, QStringLiteral("input"), {cert::Diagnostic::error("the property has no input box")});
    out.verified = true;
    for (const cert::ItemResult& r : run->items) out.verified = out.verified && r.verified;
    out.verdict = out.verified ? cert::Verdict::Verified : cert::Verdict::NotVerified;
    for (const cert::ItemResult& r : run->items)
      if (out.reason.isEmpty() || (r.verdict == cert::Verdict::Invalid && out.verdict != cert::Verdict::Invalid)) {
        if (r.verdict == cert::Verdict::Invalid) out.verdict = cert::Verdict::Invalid;
        out.reason = QString::fromStdString(r.reason);
      }
    out.property = property->items.front();
    out.item = std::move(run->items.front());
    out.state = RunOutcome::State::Done;
  } catch (const std::bad_alloc&) {
    return failed(out, QStringLiteral("run"), {cert::Diagnostic::error("out of memory")});
  } catch (const std::exception& e) {
    return failed(out, QStringLiteral("run"), {cert::Diagnostic::error(e.what())});
  }
  return out;
}

}  // namespace cert::studio
