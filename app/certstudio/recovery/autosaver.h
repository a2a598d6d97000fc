// Debounced autosave of unsaved editor texts into the RecoveryStore.
#pragma once

#include <QObject>
#include <QTimer>

namespace cert::studio {

class EditorTabs;
class RecoveryStore;
class SpecEditor;

/// Writes every modified editor's text to the recovery store at most `delay` ms after a change
/// (also while typing goes on),
/// and removes the entry of an editor once it is saved or closed.
class Autosaver : public QObject {
  Q_OBJECT

 public:
  static constexpr int kDefaultDelayMs = 300;

  Autosaver(RecoveryStore& store, EditorTabs& tabs, QObject* parent = nullptr);

  void setDelay(int ms) { timer_.setInterval(ms); }
  int delay() const { return timer_.interval(); }
  /// Writes now (also called by the timer). Returns the number of entries written.
  int flush();

 signals:
  /// After each flush: how many unsaved texts are now on disk.
  void flushed(int written);
  /// A recovery file could not be written.
  void errorOccurred(const QString& message);

 private:
  RecoveryStore& store_;
  EditorTabs& tabs_;
  QTimer timer_;
};

}  // namespace cert::studio
