// Shared by the app tests that run a certifier: bundled files, a run request, waiting for a run.
#pragma once

#include <QFile>
#include <QSignalSpy>
#include <QString>

#include <memory>
#include <string>

#include "app/certstudio/run/run_controller.h"
#include "core/network/onnx_import.h"

namespace cert::studio::test {

inline const QString kSource = QStringLiteral(CERTSTUDIO_SOURCE_DIR);

/// The bytes of a file, empty when it cannot be read.
inline std::string readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
}

/// A bundled network (resources/networks/NAME), or nullptr when it does not import.
inline std::shared_ptr<const cert::Network> importNet(const QString& name) {
  auto r = cert::importOnnxFile((kSource + QStringLiteral("/resources/networks/") + name).toStdString());
  return r.ok() ? std::make_shared<const cert::Network>(std::move(*r.value)) : nullptr;
}

/// specs/SPEC on a bundled network, row 0 of resources/inputs/mnist_10.csv, eps 0.01.
inline RunRequest request(const QString& net, const QString& spec = QStringLiteral("deeppoly.cf")) {
  RunRequest r;
  r.specText = readAll(kSource + QStringLiteral("/specs/") + spec);
  r.specName = spec;
  r.network = importNet(net);
  r.input.path = kSource + QStringLiteral("/resources/inputs/mnist_10.csv");
  r.input.row = 0;
  r.eps = 0.01;
  return r;
}

/// Starts the run and waits (2 minutes at most) for it to finish; an empty outcome on time-out.
inline RunOutcome finish(RunController& c, RunRequest r) {
  QSignalSpy done(&c, &RunController::finished);
  c.start(std::move(r));
  if (!done.wait(120000)) return {};
  return c.lastOutcome();
}

}  // namespace cert::studio::test
