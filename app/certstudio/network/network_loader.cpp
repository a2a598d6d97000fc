// NetworkLoader: file checks, the import in a worker thread, exceptions turned into diagnostics.
#include "app/certstudio/network/network_loader.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>

#include "core/network/onnx_import.h"
#include "runtime/memory_plan.h"

namespace cert::studio {

NetworkLoader::NetworkLoader(QObject* parent) : QObject(parent) {}

NetworkLoad NetworkLoader::importNow(const QString& path) {
  NetworkLoad out;
  out.path = path;
  const QFileInfo info(path);
  auto fail = [&out](const QString& message) {
    out.diagnostics.push_back(cert::Diagnostic::error(message.toStdString()));
    return out;
  };
  if (!info.exists()) return fail(QObject::tr("%1: no such file").arg(path));
  if (!info.isFile()) return fail(QObject::tr("%1 is not a file").arg(path));
  if (!info.isReadable()) return fail(QObject::tr("%1: permission denied").arg(path));
  if (info.size() == 0) return fail(QObject::tr("%1 is empty (0 bytes); an ONNX model was expected").arg(path));
  try {
    cert::Result<cert::Network> r =
        cert::importOnnxFile(path.toStdString(), cert::importLimitsFor(cert::runtime::defaultMemoryLimit()));
    out.diagnostics = std::move(r.diagnostics);
    if (r.ok()) {
      for (const cert::Diagnostic& w : r.value->warnings) {
        const bool known = std::any_of(out.diagnostics.begin(), out.diagnostics.end(),
                                       [&w](const cert::Diagnostic& d) { return d.message == w.message; });
        if (!known) out.diagnostics.push_back(w);
      }
      out.network = std::make_shared<const cert::Network>(std::move(*r.value));
    } else if (!cert::hasErrors(out.diagnostics)) {
      return fail(QObject::tr("%1 could not be imported (no reason given)").arg(path));
    }
  } catch (const std::exception& e) {
    return fail(QObject::tr("importing %1 failed: %2").arg(path, QString::fromLocal8Bit(e.what())));
  } catch (...) {
    return fail(QObject::tr("importing %1 failed with an unknown error").arg(path));
  }
  return out;
}

void NetworkLoader::load(const QString& path) {
  const quint64 generation = ++generation_;
  ++pending_;
  emit started(path);
  auto* watcher = new QFutureWatcher<NetworkLoad>(this);
  connect(watcher, &QFutureWatcher<NetworkLoad>::finished, this, [this, watcher, generation] {
    --pending_;
    watcher->deleteLater();
    if (generation == generation_) emit finished(watcher->result());
  });
  watcher->setFuture(QtConcurrent::run(&NetworkLoader::importNow, path));
}

}  // namespace cert::studio
