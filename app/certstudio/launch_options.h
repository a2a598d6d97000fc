// The command line: certstudio [SPEC.cf] [--net NET.onnx] [--run] [--layer N] [--cursor TEXT]
// [--trace N] [--check-soundness] [--prove] [--batch FIRST:COUNT|all] [--compare A.cf,B.cf,...]
// [--find TEXT] [--reference WORD] [--raise DOCK]... [--screenshot FILE [--dock NAME [--dock-size WxH]] [--settle MS]].
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

#include "runtime/executor.h"

namespace cert::studio {

/// What the command line asked for.
struct LaunchOptions {
  QString specPath;        ///< positional SPEC.cf
  QString networkPath;     ///< --net
  QString screenshotPath;  ///< --screenshot: grab the window once it settled, save, quit
  int settleMs = 2500;     ///< --settle: how long to wait before the screenshot
  bool run = false;        ///< --run: start a run once the network has loaded
  bool checkSoundness = false;  ///< --check-soundness: after the run (implies --run), Check Soundness
  bool prove = false;      ///< --prove: prove the spec's rules once it opened
  int layer = -1;          ///< --layer: the layer the Bounds and Shapes docks show
  qint64 traceNeuron = -1; ///< --trace: trace neuron N of --layer in the Teaching dock
  QString cursorText;      ///< --cursor: put the editor cursor on the first occurrence of TEXT
  QSize dockSize;          ///< --dock-size: float the --dock dock at this size (empty: in place)
  QString dockName;        ///< --dock: screenshot only this dock (its objectName, e.g. BoundsDock)
  QString typeText;        ///< --type: keys typed at the cursor after the first check
  QString batchRows;       ///< --batch: "FIRST:COUNT" or "all" rows of the Run bar's dataset
  QStringList compareSpecs;  ///< --compare: specs run one after another and pinned in Compare
  QString findText;        ///< --find: open the find bar with TEXT and select its first match
  QString referenceWord;   ///< --reference: open the language reference at WORD's entry
  QStringList raiseDocks;  ///< --raise: bring these docks to the front of their tab groups
  /// --intermediate all|relu-unstable: the Run bar's "All bounds" / "Unstable only" (over the
  /// choice remembered from the last session).
  std::optional<cert::IntermediateBounds> intermediate;
  QString error;           ///< set when the arguments are invalid
  bool helpRequested = false;
  bool versionRequested = false;
  QString helpText;
};

/// Parses arguments (args[0] is the program). Never exits the process.
LaunchOptions parseLaunchOptions(const QStringList& args);

/// True when argv asks only for text (-h, --help, -?, -v, --version): main() answers
/// with a QCoreApplication, so no display is needed.
bool asksForTextOnly(int argc, const char* const* argv);

}  // namespace cert::studio
