// DialogFolders: the remembered folders and the fallbacks.
#include "app/certstudio/settings/dialog_folders.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QWidget>

#include "app/certstudio/bundled_files.h"
#include "app/certstudio/settings/app_settings.h"

namespace cert::studio {
namespace {

bool isInside(const QString& folder, const QString& root) {
  const QString f = QFileInfo(folder).canonicalFilePath(), r = QFileInfo(root).canonicalFilePath();
  return !f.isEmpty() && !r.isEmpty() && (f == r || f.startsWith(r + QLatin1Char('/')));
}

}  // namespace

DialogFolders::DialogFolders(AppSettings& settings, QObject* parent) : QObject(parent), settings_(settings) {
  setObjectName(QStringLiteral("DialogFolders"));
}

DialogFolders* DialogFolders::of(const QWidget* widget) {
  if (!widget) return nullptr;
  const QWidget* top = widget->window();
  return top ? top->findChild<DialogFolders*>(QString(), Qt::FindDirectChildrenOnly) : nullptr;
}

QString DialogFolders::documentsFolder() {
  const QString docs = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  return !docs.isEmpty() && QFileInfo(docs).isDir() ? docs : QDir::homePath();
}

bool DialogFolders::isUnsuitable(const QString& folder) {
  if (folder.isEmpty() || !QFileInfo(folder).isDir()) return true;
  for (QDir d(QFileInfo(folder).absoluteFilePath());; ) {
    if (d.exists(QStringLiteral("CMakeCache.txt"))) return true;
    if (!d.cdUp()) break;
  }
  return false;
}

bool DialogFolders::isBundledSpecFolder(const QString& folder) {
  for (const QString& dir : BundledFiles::searchDirs(QStringLiteral("specs")))
    if (isInside(folder, dir)) return true;
  return false;
}

QString DialogFolders::startFolder(const QString& kind, const QString& fallback) const {
  const QString remembered = settings_.dialogFolder(kind);
  if (!isUnsuitable(remembered)) return remembered;
  return isUnsuitable(fallback) ? documentsFolder() : fallback;
}

void DialogFolders::remember(const QString& kind, const QString& chosenPath) {
  if (!chosenPath.isEmpty()) settings_.setDialogFolder(kind, QFileInfo(chosenPath).absolutePath());
}

QString DialogFolders::startFolder(const QWidget* widget, const QString& kind, const QString& fallback) {
  if (const DialogFolders* f = of(widget)) return f->startFolder(kind, fallback);
  return isUnsuitable(fallback) ? documentsFolder() : fallback;
}

void DialogFolders::remember(const QWidget* widget, const QString& kind, const QString& chosenPath) {
  if (DialogFolders* f = of(widget)) f->remember(kind, chosenPath);
}

}  // namespace cert::studio
