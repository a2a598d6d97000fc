// Autosaver: restarts a single-shot timer on every edit; on timeout snapshots modified editors.
#include "app/certstudio/recovery/autosaver.h"

#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/recovery/recovery_store.h"

namespace cert::studio {

Autosaver::Autosaver(RecoveryStore& store, EditorTabs& tabs, QObject* parent)
    : QObject(parent), store_(store), tabs_(tabs) {
  timer_.setSingleShot(true);
  timer_.setInterval(kDefaultDelayMs);
  connect(&timer_, &QTimer::timeout, this, &Autosaver::flush);
  // Not restarted by further typing: a text is on disk at most delay() ms after its first
  // unsaved change, even while the person keeps typing.
  connect(&tabs_, &EditorTabs::editorTextChanged, this, [this] {
    if (!timer_.isActive()) timer_.start();
  });
  connect(&tabs_, &EditorTabs::fileSaved, &timer_, qOverload<>(&QTimer::start));
  connect(&tabs_, &EditorTabs::editorClosed, this, [this](const QString& id) { store_.remove(id); });
}

int Autosaver::flush() {
  timer_.stop();
  if (store_.sessionDir().isEmpty()) return 0;  // begin() failed and said so already
  int written = 0;
  for (SpecEditor* editor : tabs_.editors()) {
    if (!editor->isModified()) {
      store_.remove(editor->id());
      continue;
    }
    const RecoveryEntry entry{editor->id(), editor->filePath(), editor->displayName(), editor->text(),
                              QDateTime::currentDateTimeUtc()};
    if (store_.save(entry)) ++written;
    else emit errorOccurred(store_.error());
  }
  emit flushed(written);
  return written;
}

}  // namespace cert::studio
