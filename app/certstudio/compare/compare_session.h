// Wires comparison into the window: the Compare dock pins the last finished run.
#pragma once

#include <QObject>

#include "app/certstudio/run/run_job.h"

namespace cert::studio {

class CompareDock;
class ComparisonSet;
class MainWindow;
class RunSession;

/// Keeps the last Done outcome of the Run bar's runs; Pin adds it to the set. Found with
/// window.findChild<CompareSession*>().
class CompareSession : public QObject {
  Q_OBJECT

 public:
  CompareSession(MainWindow& window, RunSession& runs);

  /// Pins the last finished run; -1 (and a status message) when there is none.
  int pinLast();
  /// Pins `outcome` (a run made elsewhere, e.g. a test or a batch item).
  int pin(const RunOutcome& outcome);

  ComparisonSet* set() const { return set_; }
  CompareDock* dock() const { return dock_; }

 private:
  MainWindow& window_;
  ComparisonSet* set_ = nullptr;
  CompareDock* dock_ = nullptr;
  RunOutcome last_;
};

}  // namespace cert::studio
