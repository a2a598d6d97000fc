// Live checking: the ConstraintFlow front end runs off the GUI thread after typing pauses.
#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include "app/certstudio/editor/spec_editor.h"  // full type: signals carry SpecEditor*

namespace cert::studio {

class EditorTabs;

/// Re-checks an editor's text with cert::runFrontend `delay` ms after its last edit (and when it
/// opens) and shows the diagnostics in that editor; when the text parsed, also its outline
/// (shape members, functions) for completion. A result for text that has changed since is
/// dropped, so squiggles never describe a version the person no longer sees.
class SpecChecker : public QObject {
  Q_OBJECT

 public:
  static constexpr int kDefaultDelayMs = 400;

  explicit SpecChecker(EditorTabs& tabs, QObject* parent = nullptr);

  void setDelay(int ms) { timer_.setInterval(ms); }
  /// Starts checking `editor` now.
  void checkNow(SpecEditor* editor);

 signals:
  /// The diagnostics of `editor` were updated.
  void checked(cert::studio::SpecEditor* editor, int errors, int warnings);

 private:
  void checkDirty();

  EditorTabs& tabs_;
  QTimer timer_;
  QSet<QString> dirty_;                 ///< editor ids edited since their last check
  QHash<QString, quint64> revision_;    ///< editor id -> edit counter
};

}  // namespace cert::studio
