// executeSoundness: compileCertifier, datasetProperty / readVnnlib, checkSoundnessBySampling.
#include "app/certstudio/soundness/soundness_job.h"

#include <chrono>
#include <exception>
#include <new>

#include "core/property/dataset_csv.h"
#include "core/property/vnnlib.h"
#include "runtime/compiled_certifier.h"
#include "runtime/shape_constraints.h"

namespace cert::studio {
namespace {

QString firstError(const cert::Diagnostics& diags, const QString& fallback) {
  for (const cert::Diagnostic& d : diags)
    if (d.severity == cert::Severity::Error) return QString::fromStdString(d.message);
  return fallback;
}

}  // namespace

QString SoundnessOutcome::text() const {
  switch (state) {
    case State::Cancelled: return QStringLiteral("Soundness check cancelled");
    case State::Failed: return QStringLiteral("Soundness check failed: %1").arg(error);
    case State::Done: break;
  }
  const size_t n = summary.violations.size();
  return QStringLiteral("%1: %2 samples x %3 neurons (+%4 margin rows) checked in %5 ms — %6")
      .arg(specName)
      .arg(summary.samples)
      .arg(summary.neuronsPerSample)
      .arg(summary.marginRows)
      .arg(ms, 0, 'f', 0)
      .arg(n == 0 ? QStringLiteral("no violation") : QStringLiteral("%1 violations: the spec is UNSOUND").arg(n));
}

SoundnessOutcome executeSoundness(const RunRequest& request, int samples, const std::atomic<bool>& cancel) {
  SoundnessOutcome out;
  out.specName = request.specName;
  out.specText = request.specText;
  out.network = request.network;
  const auto start = std::chrono::steady_clock::now();
  try {
    if (!request.network) {
      out.error = QStringLiteral("no network is loaded");
      return out;
    }
    cert::Result<cert::CompiledCertifier> cc = cert::compileCertifier(request.specText);
    if (!cc.ok()) {
      out.error = QStringLiteral("the spec does not compile: %1").arg(firstError(cc.diagnostics, QStringLiteral("?")));
      return out;
    }
    const std::string path = request.input.path.toStdString();
    cert::Result<cert::Property> property =
        request.input.kind == RunInput::Kind::Vnnlib
            ? cert::readVnnlib(path, *request.network)
            : cert::datasetProperty(*request.network, path, request.input.row, 1, request.eps, request.input.pixelScale,
                                    request.input.standardization);
    if (!property.ok()) {
      out.error = firstError(property.diagnostics, QStringLiteral("the input cannot be read"));
      return out;
    }
    cert::SoundnessOptions options;
    options.samples = samples;
    options.cancel = &cancel;
    options.constraints = cert::shapeConstraints(request.specText, *cc);
    cert::Result<cert::SoundnessSummary> sum = cert::checkSoundnessBySampling(*cc, *request.network, *property, options);
    out.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!sum.ok()) {
      out.state = cancel.load() ? SoundnessOutcome::State::Cancelled : SoundnessOutcome::State::Failed;
      out.error = firstError(sum.diagnostics, QStringLiteral("the check failed"));
      return out;
    }
    out.summary = std::move(*sum.value);
    out.state = SoundnessOutcome::State::Done;
  } catch (const std::bad_alloc&) {
    out.error = QStringLiteral("out of memory");
  } catch (const std::exception& e) {
    out.error = QString::fromUtf8(e.what());
  }
  return out;
}

}  // namespace cert::studio
