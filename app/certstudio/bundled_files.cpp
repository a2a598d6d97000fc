// BundledFiles: the search order for bundled specs and networks.
#include "app/certstudio/bundled_files.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace cert::studio {
namespace {

QStringList filesIn(const QString& kind, const QString& pattern) {
  for (const QString& dir : BundledFiles::searchDirs(kind)) {
    QStringList out;
    const QDir d(dir);
    for (const QString& name : d.entryList({pattern}, QDir::Files | QDir::Readable, QDir::Name))
      out << d.absoluteFilePath(name);
    if (!out.isEmpty()) return out;
  }
  return {};
}

QString preferred(const QStringList& files, const QString& name) {
  for (const QString& f : files)
    if (QFileInfo(f).fileName() == name) return f;
  return files.value(0);
}

}  // namespace

QStringList BundledFiles::searchDirs(const QString& kind) {
  QStringList dirs;
  const QString appDir = QCoreApplication::applicationDirPath();
  dirs << QDir::cleanPath(appDir + QStringLiteral("/../share/certstudio/") + kind);
  const QString dataDir = QStringLiteral(CERTSTUDIO_DATA_DIR);
  const QString installedBin = QDir::cleanPath(dataDir + QStringLiteral("/../../bin"));
  if (QFileInfo(appDir).canonicalFilePath() == QFileInfo(installedBin).canonicalFilePath())
    dirs << dataDir + QLatin1Char('/') + kind;
  const QString source = QStringLiteral(CERTSTUDIO_SOURCE_DIR);
  dirs << (kind == QLatin1String("specs") ? source + QStringLiteral("/specs")
                                           : source + QStringLiteral("/resources/") + kind);
  dirs.removeDuplicates();
  return dirs;
}

QStringList BundledFiles::specs() { return filesIn(QStringLiteral("specs"), QStringLiteral("*.cf")); }

QStringList BundledFiles::networks() {
  // The trained networks (networks/trained/) first, then the seeded random ones.
  for (const QString& dir : searchDirs(QStringLiteral("networks"))) {
    QStringList out;
    for (const QString& sub : {QStringLiteral("/trained"), QString()}) {
      const QDir d(dir + sub);
      for (const QString& name : d.entryList({QStringLiteral("*.onnx")}, QDir::Files | QDir::Readable, QDir::Name))
        out << d.absoluteFilePath(name);
    }
    if (!out.isEmpty()) return out;
  }
  return {};
}

QStringList BundledFiles::datasets() { return filesIn(QStringLiteral("inputs"), QStringLiteral("*.csv")); }

qint64 BundledFiles::datasetRowWidth(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return 0;
  const QByteArray line = f.readLine(1 << 20).trimmed();
  return line.isEmpty() ? 0 : line.count(',');
}

QString BundledFiles::defaultSpec() { return preferred(specs(), QStringLiteral("deeppoly.cf")); }

QString BundledFiles::defaultNetwork() { return preferred(networks(), QStringLiteral("mnist_relu_3_50.onnx")); }

}  // namespace cert::studio
