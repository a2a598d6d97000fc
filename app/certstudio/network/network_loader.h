// Imports ONNX files off the GUI thread; only the newest request's result is delivered.
#pragma once

#include <QObject>
#include <QString>

#include <memory>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"

namespace cert::studio {

/// The outcome of one import: the network (null on failure) and every diagnostic.
struct NetworkLoad {
  QString path;
  std::shared_ptr<const cert::Network> network;
  cert::Diagnostics diagnostics;
  bool ok() const { return network != nullptr; }
};

/// Runs cert::importOnnxFile in QtConcurrent. A newer load() makes older results stale: they
/// are dropped, so a slow big file never overwrites the one the person picked afterwards.
class NetworkLoader : public QObject {
  Q_OBJECT

 public:
  explicit NetworkLoader(QObject* parent = nullptr);

  /// Starts importing `path`; finished() follows (also for a missing file).
  void load(const QString& path);
  bool busy() const { return pending_ > 0; }

  /// Imports on the calling thread; never throws (exceptions become error diagnostics).
  static NetworkLoad importNow(const QString& path);

 signals:
  void started(const QString& path);
  void finished(const cert::studio::NetworkLoad& result);

 private:
  quint64 generation_ = 0;
  int pending_ = 0;
};

}  // namespace cert::studio
