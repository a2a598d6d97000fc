// RecoveryStore: JSON entry files under a per-session folder guarded by a QLockFile.
#include "app/certstudio/recovery/recovery_store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <atomic>

namespace cert::studio {
namespace {

const QString kLockName = QStringLiteral("session.lock");

QJsonObject toJson(const RecoveryEntry& e) {
  return {{QStringLiteral("version"), 1},
          {QStringLiteral("editorId"), e.editorId},
          {QStringLiteral("filePath"), e.filePath},
          {QStringLiteral("title"), e.title},
          {QStringLiteral("savedAt"), e.savedAt.toString(Qt::ISODateWithMs)},
          {QStringLiteral("text"), e.text}};
}

bool fromJson(const QByteArray& bytes, RecoveryEntry* e) {
  const QJsonDocument doc = QJsonDocument::fromJson(bytes);
  if (!doc.isObject()) return false;
  const QJsonObject o = doc.object();
  if (!o.contains(QStringLiteral("text"))) return false;
  e->editorId = o.value(QStringLiteral("editorId")).toString();
  e->filePath = o.value(QStringLiteral("filePath")).toString();
  e->title = o.value(QStringLiteral("title")).toString();
  e->text = o.value(QStringLiteral("text")).toString();
  e->savedAt = QDateTime::fromString(o.value(QStringLiteral("savedAt")).toString(), Qt::ISODateWithMs);
  return true;
}

/// A lock that only process liveness makes stale: sessions may legitimately last for days.
std::unique_ptr<QLockFile> makeLock(const QString& dir) {
  auto lock = std::make_unique<QLockFile>(dir + QLatin1Char('/') + kLockName);
  lock->setStaleLockTime(0);
  return lock;
}

}  // namespace

RecoveryStore::RecoveryStore(const QString& root)
    : root_(root.isEmpty()
                ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/recovery")
                : root) {}

RecoveryStore::~RecoveryStore() = default;

bool RecoveryStore::begin() {
  // Time, process and a per-process sequence number: two sessions of one process begun within the
  // same millisecond (two windows, a test) must not share a folder and its lock.
  static std::atomic<int> sequence{0};
  const QString name = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")) +
                       QLatin1Char('-') + QString::number(QCoreApplication::applicationPid()) + QLatin1Char('-') +
                       QString::number(sequence++);
  sessionDir_ = root_ + QLatin1Char('/') + name;
  if (!QDir().mkpath(sessionDir_)) {
    error_ = QObject::tr("cannot create the recovery folder %1; unsaved text is not autosaved").arg(sessionDir_);
    sessionDir_.clear();
    return false;
  }
  lock_ = makeLock(sessionDir_);
  if (!lock_->tryLock(0)) {
    error_ = QObject::tr("cannot lock the recovery folder %1").arg(sessionDir_);
    return false;
  }
  return true;
}

QString RecoveryStore::entryPath(const QString& editorId) const {
  return sessionDir_ + QLatin1Char('/') + editorId + QStringLiteral(".json");
}

bool RecoveryStore::save(const RecoveryEntry& entry) {
  if (sessionDir_.isEmpty()) return false;
  QSaveFile f(entryPath(entry.editorId));
  if (!f.open(QIODevice::WriteOnly)) {
    error_ = QObject::tr("cannot write the recovery file %1: %2").arg(f.fileName(), f.errorString());
    return false;
  }
  f.write(QJsonDocument(toJson(entry)).toJson(QJsonDocument::Compact));
  if (!f.commit()) {
    error_ = QObject::tr("cannot write the recovery file %1: %2").arg(f.fileName(), f.errorString());
    return false;
  }
  return true;
}

void RecoveryStore::remove(const QString& editorId) {
  if (!sessionDir_.isEmpty()) QFile::remove(entryPath(editorId));
}

void RecoveryStore::endCleanly() {
  if (sessionDir_.isEmpty()) return;
  lock_.reset();  // unlocks and deletes the lock file
  QDir(sessionDir_).removeRecursively();
  sessionDir_.clear();
}

QStringList RecoveryStore::orphanedSessionDirs() const {
  QStringList out;
  const QDir root(root_);
  for (const QString& name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
    const QString dir = root.filePath(name);
    if (QDir(dir) == QDir(sessionDir_)) continue;
    auto lock = makeLock(dir);
    if (lock->tryLock(0)) out << dir;  // nobody running holds it (a stale lock is taken over)
  }
  return out;
}

QList<RecoveryEntry> RecoveryStore::orphanedEntries() const {
  QList<RecoveryEntry> out;
  for (const QString& dir : orphanedSessionDirs()) {
    for (const QFileInfo& info : QDir(dir).entryInfoList({QStringLiteral("*.json")}, QDir::Files)) {
      QFile f(info.filePath());
      RecoveryEntry e;
      if (f.open(QIODevice::ReadOnly) && fromJson(f.readAll(), &e)) out << e;
    }
  }
  std::sort(out.begin(), out.end(),
            [](const RecoveryEntry& a, const RecoveryEntry& b) { return a.savedAt < b.savedAt; });
  return out;
}

void RecoveryStore::removeOrphaned() {
  for (const QString& dir : orphanedSessionDirs()) QDir(dir).removeRecursively();
}

}  // namespace cert::studio
