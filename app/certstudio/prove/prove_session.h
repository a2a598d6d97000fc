// The Prove action: proves the current spec's rules with z3 in the background and shows each
// rule's verdict as a diagnostic at its operator (Problems list, squiggle, hover, annotation).
#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "compiler/prove/prove.h"

class QAction;

namespace cert::studio {

class MainWindow;
class SpecEditor;

/// Owns the Prove action (Spec menu, main tool bar, Ctrl+Shift+P). A proof runs on a worker
/// thread (QtConcurrent); an edit of the spec cancels it and drops its result, so verdicts never
/// describe text the person no longer sees. Verdicts: unsound -> error with the counterexample,
/// unknown -> warning with the reason, proved -> note.
class ProveSession : public QObject {
  Q_OBJECT

 public:
  explicit ProveSession(MainWindow& window);

  QAction* action() const { return action_; }
  /// Starts proving the current editor's spec; false when no spec is open.
  bool prove();
  bool isRunning() const { return running_; }
  /// The last finished proof's report (for the current text of its editor).
  const cert::prove::ProveReport& lastReport() const { return last_; }

  /// The prefix of every diagnostic the prover adds ("prove: deeppoly Relu: ...").
  static QString prefix() { return QStringLiteral("prove: "); }
  /// A report as diagnostics at the rules' operator names.
  static cert::Diagnostics toDiagnostics(const cert::prove::ProveReport& report);

 signals:
  /// A proof finished for `editor` (not emitted when it was cancelled or outdated).
  void finished(cert::studio::SpecEditor* editor, int proved, int unsound, int unknown);

 private:
  void cancelFor(SpecEditor* editor);
  void show(SpecEditor* editor);
  void clearAnnotations(SpecEditor* editor);

  MainWindow& window_;
  QAction* action_ = nullptr;
  bool running_ = false;
  quint64 generation_ = 0;
  QString runningEditor_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  cert::prove::ProveReport last_;
  QHash<QString, QString> provenText_;            ///< editor id -> the text the verdicts are for
  QHash<QString, cert::Diagnostics> verdicts_;    ///< editor id -> the verdicts as diagnostics
  QHash<QString, QList<int>> annotated_;          ///< editor id -> lines with a verdict note
};

}  // namespace cert::studio
