// Recovery files: unsaved editor texts written to disk, and the ones a crashed session left behind.
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>

class QLockFile;

namespace cert::studio {

/// One unsaved editor text as kept on disk.
struct RecoveryEntry {
  QString editorId;   ///< SpecEditor::id() of the editor it came from
  QString filePath;   ///< the spec's file; empty for an untitled spec
  QString title;      ///< the tab's name when it was saved
  QString text;
  QDateTime savedAt;
};

/// Layout: <root>/<session>/session.lock and one <editorId>.json per unsaved editor. A session
/// that ends cleanly removes its folder; a folder whose lock is not held by a running process
/// belongs to a session that crashed (or was killed), and its entries can be restored.
class RecoveryStore {
 public:
  /// `root` empty: QStandardPaths::AppDataLocation + "/recovery".
  explicit RecoveryStore(const QString& root = {});
  ~RecoveryStore();
  RecoveryStore(const RecoveryStore&) = delete;
  RecoveryStore& operator=(const RecoveryStore&) = delete;

  /// Creates this session's folder and lock. False (see error()) when the folder is not writable.
  bool begin();
  QString error() const { return error_; }
  QString root() const { return root_; }
  QString sessionDir() const { return sessionDir_; }

  /// Writes (atomically) or removes the entry of one editor.
  bool save(const RecoveryEntry& entry);
  void remove(const QString& editorId);
  /// The file an editor's entry is written to.
  QString entryPath(const QString& editorId) const;

  /// Removes this session's folder: every unsaved text was saved or deliberately discarded.
  void endCleanly();

  /// Entries left by sessions that did not end cleanly, oldest first.
  QList<RecoveryEntry> orphanedEntries() const;
  /// Deletes the folders of sessions that did not end cleanly (after restoring or discarding).
  void removeOrphaned();

 private:
  QStringList orphanedSessionDirs() const;

  QString root_;
  QString sessionDir_;
  QString error_;
  std::unique_ptr<QLockFile> lock_;
};

}  // namespace cert::studio
