// listBatch: dataset row ranges, VNN-LIB folders and VNN-COMP instances CSVs as batch entries.
#include "app/certstudio/batch/batch_source.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <algorithm>

#include "core/property/dataset_csv.h"

namespace cert::studio {
namespace {

BatchList datasetRows(const BatchSource& source) {
  BatchList out;
  cert::Result<std::vector<cert::DatasetRow>> rows = cert::readDatasetCsv(source.path.toStdString());
  if (!rows.ok()) {
    out.error = rows.diagnostics.empty() ? QStringLiteral("cannot read %1").arg(source.path)
                                         : QString::fromStdString(rows.diagnostics.front().message);
    return out;
  }
  auto shared = std::make_shared<const std::vector<cert::DatasetRow>>(std::move(*rows.value));
  const int total = static_cast<int>(shared->size());
  if (source.first < 0 || source.first >= total) {
    out.error = QStringLiteral("row %1 requested; %2 has %3 rows").arg(source.first).arg(QFileInfo(source.path).fileName()).arg(total);
    return out;
  }
  const int last = source.count < 0 ? total : std::min(total, source.first + source.count);
  for (int i = source.first; i < last; ++i) {
    BatchEntry e;
    e.name = QStringLiteral("row %1").arg(i);
    e.property = QStringLiteral("label %1").arg((*shared)[static_cast<size_t>(i)].label);
    e.input.kind = RunInput::Kind::Dataset;
    e.input.path = source.path;
    e.input.row = i;
    e.input.rows = shared;
    out.entries.push_back(std::move(e));
  }
  return out;
}

BatchList vnnlibFolder(const BatchSource& source) {
  BatchList out;
  const QDir dir(source.path);
  if (!dir.exists()) {
    out.error = QStringLiteral("no folder %1").arg(source.path);
    return out;
  }
  const QStringList files = dir.entryList({QStringLiteral("*.vnnlib")}, QDir::Files, QDir::Name);
  if (files.isEmpty()) out.error = QStringLiteral("%1 has no .vnnlib files").arg(source.path);
  for (const QString& f : files) {
    BatchEntry e;
    e.name = QFileInfo(f).completeBaseName();
    e.property = f;
    e.input.kind = RunInput::Kind::Vnnlib;
    e.input.path = dir.filePath(f);
    out.entries.push_back(std::move(e));
  }
  return out;
}

BatchList instancesCsv(const BatchSource& source) {
  BatchList out;
  QFile file(source.path);
  if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
    out.error = QStringLiteral("cannot read %1").arg(source.path);
    return out;
  }
  const QDir base = QFileInfo(source.path).absoluteDir();
  QTextStream in(&file);
  int line = 0;
  while (!in.atEnd()) {
    const QString text = in.readLine().trimmed();
    ++line;
    if (text.isEmpty() || text.startsWith(QLatin1Char('#'))) continue;
    const QStringList fields = text.split(QLatin1Char(','));
    if (fields.size() < 2 || fields[0].trimmed().isEmpty() || fields[1].trimmed().isEmpty()) {
      out.error = QStringLiteral("%1:%2: expected onnx,vnnlib[,timeout]").arg(QFileInfo(source.path).fileName()).arg(line);
      out.entries.clear();
      return out;
    }
    BatchEntry e;
    e.onnxPath = QDir::cleanPath(base.absoluteFilePath(fields[0].trimmed()));
    e.input.kind = RunInput::Kind::Vnnlib;
    e.input.path = QDir::cleanPath(base.absoluteFilePath(fields[1].trimmed()));
    if (fields.size() > 2) e.timeoutS = std::max(0.0, fields[2].trimmed().toDouble());
    e.name = QStringLiteral("%1 / %2").arg(QFileInfo(e.onnxPath).completeBaseName(), QFileInfo(e.input.path).completeBaseName());
    e.property = QFileInfo(e.input.path).fileName();
    out.entries.push_back(std::move(e));
  }
  if (out.entries.empty() && out.error.isEmpty()) out.error = QStringLiteral("%1 lists no instances").arg(source.path);
  return out;
}

}  // namespace

BatchList listBatch(const BatchSource& source) {
  switch (source.kind) {
    case BatchSource::Kind::DatasetRows: return datasetRows(source);
    case BatchSource::Kind::VnnlibFolder: return vnnlibFolder(source);
    case BatchSource::Kind::InstancesCsv: return instancesCsv(source);
  }
  return {};
}

}  // namespace cert::studio
