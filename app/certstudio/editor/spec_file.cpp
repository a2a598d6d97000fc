// Spec file I/O: size and readability checks, NUL / invalid UTF-8 detection, atomic save.
#include "app/certstudio/editor/spec_file.h"

#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QSaveFile>
#include <QStringDecoder>

namespace cert::studio {

SpecText readSpecFile(const QString& path) {
  SpecText out;
  const QFileInfo info(path);
  if (!info.exists()) {
    out.error = QObject::tr("%1: no such file").arg(path);
    return out;
  }
  if (info.isDir()) {
    out.error = QObject::tr("%1 is a folder, not a spec file").arg(path);
    return out;
  }
  if (info.size() > kMaxSpecBytes) {
    out.error = QObject::tr("%1 is %2 MiB; specs larger than %3 MiB are not opened")
                    .arg(path)
                    .arg(static_cast<double>(info.size()) / (1024.0 * 1024.0), 0, 'f', 1)
                    .arg(kMaxSpecBytes / (1024 * 1024));
    return out;
  }
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) {
    out.error = QObject::tr("cannot read %1: %2").arg(path, f.errorString());
    return out;
  }
  QByteArray bytes = f.readAll();
  if (f.error() != QFileDevice::NoError) {
    out.error = QObject::tr("cannot read %1: %2").arg(path, f.errorString());
    return out;
  }
  const bool hasNul = bytes.contains('\0');
  QStringDecoder decode(QStringDecoder::Utf8);
  out.text = decode(bytes);
  if (hasNul) out.text.replace(QChar(0), QChar(0xFFFD));
  if (hasNul || decode.hasError()) {
    out.warning = QObject::tr("%1 does not look like a text file (it contains %2); "
                              "it was opened read-only with those bytes shown as \uFFFD.")
                      .arg(QFileInfo(path).fileName(),
                           hasNul ? QObject::tr("NUL bytes") : QObject::tr("invalid UTF-8"));
  }
  return out;
}

QString writeSpecFile(const QString& path, const QString& text) {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly)) return QObject::tr("cannot write %1: %2").arg(path, f.errorString());
  const QByteArray bytes = text.toUtf8();
  if (f.write(bytes) != bytes.size() || !f.commit())
    return QObject::tr("cannot write %1: %2").arg(path, f.errorString());
  return {};
}

}  // namespace cert::studio
