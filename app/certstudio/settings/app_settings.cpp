// AppSettings: the keys and their types.
#include "app/certstudio/settings/app_settings.h"

#include <QFileInfo>
#include <QSettings>

#include <cmath>

namespace cert::studio {
namespace {

const QString kRecentFiles = QStringLiteral("files/recent");
const QString kOpenFiles = QStringLiteral("files/open");
const QString kLastNetwork = QStringLiteral("network/last");
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kDialogFolders = QStringLiteral("dialogs/");  // + kind
const QString kInputKind = QStringLiteral("run/inputKind");
const QString kDataset = QStringLiteral("run/dataset");
const QString kVnnlib = QStringLiteral("run/vnnlib");
const QString kRow = QStringLiteral("run/row");
const QString kEps = QStringLiteral("run/eps");
const QString kBounds = QStringLiteral("run/bounds");
const QString kScaling = QStringLiteral("run/scaling/");  // + networkKey(path) + "/pixelScale", "/mean", "/std"

/// A settings key for a network's path (canonical where the file exists): QSettings keys hold no
/// slashes, so the path is base64url-encoded; "none" for no network.
QString networkKey(const QString& path) {
  if (path.isEmpty()) return QStringLiteral("none");
  const QString canonical = QFileInfo(path).canonicalFilePath();
  return QString::fromLatin1((canonical.isEmpty() ? path : canonical)
                                 .toUtf8()
                                 .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

}  // namespace

AppSettings::AppSettings(const QString& iniPath)
    : settings_(iniPath.isEmpty() ? std::make_unique<QSettings>()
                                  : std::make_unique<QSettings>(iniPath, QSettings::IniFormat)) {}

AppSettings::~AppSettings() = default;

QStringList AppSettings::recentFiles() const {
  QStringList out;
  for (const QString& p : settings_->value(kRecentFiles).toStringList())
    if (QFileInfo::exists(p)) out << p;
  return out;
}

void AppSettings::addRecentFile(const QString& path) {
  QStringList files = settings_->value(kRecentFiles).toStringList();
  files.removeAll(path);
  files.prepend(path);
  while (files.size() > kMaxRecentFiles) files.removeLast();
  settings_->setValue(kRecentFiles, files);
}

void AppSettings::clearRecentFiles() { settings_->remove(kRecentFiles); }

QByteArray AppSettings::windowGeometry() const { return settings_->value(kGeometry).toByteArray(); }
void AppSettings::setWindowGeometry(const QByteArray& g) { settings_->setValue(kGeometry, g); }
QByteArray AppSettings::windowState() const { return settings_->value(kState).toByteArray(); }
void AppSettings::setWindowState(const QByteArray& s) { settings_->setValue(kState, s); }

QStringList AppSettings::openFiles() const { return settings_->value(kOpenFiles).toStringList(); }
void AppSettings::setOpenFiles(const QStringList& paths) { settings_->setValue(kOpenFiles, paths); }
QString AppSettings::dialogFolder(const QString& kind) const {
  return settings_->value(kDialogFolders + kind).toString();
}
void AppSettings::setDialogFolder(const QString& kind, const QString& folder) {
  settings_->setValue(kDialogFolders + kind, folder);
}

int AppSettings::lastInputKind() const { return settings_->value(kInputKind, 0).toInt(); }
QString AppSettings::lastDataset() const { return settings_->value(kDataset).toString(); }
QString AppSettings::lastVnnlib() const { return settings_->value(kVnnlib).toString(); }
int AppSettings::lastRow() const { return settings_->value(kRow, 0).toInt(); }
void AppSettings::setLastInput(int kind, const QString& dataset, const QString& vnnlib, int row) {
  settings_->setValue(kInputKind, kind);
  settings_->setValue(kDataset, dataset);
  settings_->setValue(kVnnlib, vnnlib);
  settings_->setValue(kRow, row);
}

std::optional<double> AppSettings::lastEps() const {
  bool ok = false;
  const double eps = settings_->value(kEps).toDouble(&ok);
  return ok && std::isfinite(eps) ? std::optional<double>(eps) : std::nullopt;
}
void AppSettings::setLastEps(double eps) { settings_->setValue(kEps, eps); }
QString AppSettings::lastBounds() const { return settings_->value(kBounds).toString(); }
void AppSettings::setLastBounds(const QString& name) { settings_->setValue(kBounds, name); }

QStringList AppSettings::scalingFor(const QString& network) const {
  const QString key = kScaling + networkKey(network);
  if (!settings_->contains(key + QStringLiteral("/pixelScale"))) return {};
  return {settings_->value(key + QStringLiteral("/pixelScale")).toString(),
          settings_->value(key + QStringLiteral("/mean")).toString(),
          settings_->value(key + QStringLiteral("/std")).toString()};
}
void AppSettings::setScalingFor(const QString& network, const QString& pixelScale, const QString& mean,
                                const QString& std) {
  const QString key = kScaling + networkKey(network);
  settings_->setValue(key + QStringLiteral("/pixelScale"), pixelScale);
  settings_->setValue(key + QStringLiteral("/mean"), mean);
  settings_->setValue(key + QStringLiteral("/std"), std);
}
void AppSettings::forgetScalingFor(const QString& network) { settings_->remove(kScaling + networkKey(network)); }

QString AppSettings::lastNetwork() const { return settings_->value(kLastNetwork).toString(); }
void AppSettings::setLastNetwork(const QString& path) { settings_->setValue(kLastNetwork, path); }

void AppSettings::sync() { settings_->sync(); }

}  // namespace cert::studio
