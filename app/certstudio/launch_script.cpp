// applyLaunchScript: --cursor, --layer, --run, --trace, --check-soundness, --find, --reference.
#include "app/certstudio/launch_script.h"

#include <QCoreApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QTimer>

#include "app/certstudio/docks/bounds_dock.h"
#include "app/certstudio/editor/spec_checker.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/docks/shapes_dock.h"
#include "app/certstudio/docks/sparsity_dock.h"
#include "app/certstudio/editor/editor_commands.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/find_bar.h"
#include "app/certstudio/help/language_reference.h"
#include "app/certstudio/ir/analysis_session.h"
#include "app/certstudio/launch_batch_compare.h"
#include "app/certstudio/launch_options.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/prove/prove_session.h"
#include "app/certstudio/run/run_bar.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/soundness/soundness_session.h"
#include "app/certstudio/teaching/teaching_dock.h"
#include "app/certstudio/teaching/teaching_session.h"

namespace cert::studio {

void applyLaunchScript(MainWindow& window, const LaunchOptions& options) {
  if (options.intermediate) window.runSession()->bar()->setIntermediate(*options.intermediate);
  if (!options.cursorText.isEmpty())
    if (SpecEditor* e = window.editors()->currentEditor()) {
      const int at = e->text().toUtf8().indexOf(options.cursorText.toUtf8());
      if (at >= 0) {
        int line = 0, index = 0;
        e->lineIndexFromPosition(at, &line, &index);
        e->setCursorPosition(line, index);
        e->ensureLineVisible(line);
        e->setFocus();
      }
    }
  if (!options.findText.isEmpty()) {
    window.editorCommands()->findBar()->open(false);
    window.editorCommands()->findBar()->findField()->setText(options.findText);
    window.editorCommands()->findBar()->findNext();
  }
  if (!options.referenceWord.isEmpty()) window.editorCommands()->reference()->showEntry(options.referenceWord);
  if (options.prove)
    if (auto* prove = window.findChild<ProveSession*>()) prove->prove();
  if (!options.typeText.isEmpty())
    if (SpecEditor* e = window.editors()->currentEditor()) {
      // As key presses, so completion reacts; after the first check, which brings the outline.
      QTimer::singleShot(SpecChecker::kDefaultDelayMs * 3, e, [e, text = options.typeText] {
        e->setFocus();
        for (const QChar c : text) {
          QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, QString(c));
          QCoreApplication::sendEvent(e, &press);
        }
      });
    }
  auto selectLayer = [&window, layer = options.layer] {
    if (layer < 0) return;
    window.networkDock()->selectLayer(layer);  // the table shows it too
    window.runSession()->dock()->setLayer(layer);
    window.analysis()->shapesDock()->setLayer(layer);
    window.sparsityDock()->setLayer(layer);
  };
  auto afterLoad = [&window, selectLayer, run = options.run, layer = options.layer, neuron = options.traceNeuron,
                    batch = options.batchRows, compare = options.compareSpecs] {
    selectLayer();
    window.analysis()->refreshNow();
    if (run) window.runSession()->run();
    if (!batch.isEmpty()) scriptBatch(window, batch);
    if (!compare.isEmpty()) scriptComparison(window, compare);
    if (neuron >= 0) {
      window.teaching()->dock()->setLayer(layer);
      window.teaching()->dock()->setNeuron(neuron);
      window.teaching()->trace(layer, neuron);
    }
  };
  if (options.checkSoundness) {
    auto* once = new QMetaObject::Connection;
    *once = QObject::connect(window.runSession(), &RunSession::runFinished, &window, [once, &window](const RunOutcome& o) {
      QObject::disconnect(*once);
      delete once;
      if (o.state == RunOutcome::State::Done) window.soundness()->check();
    });
  }
  NetworkDock* net = window.networkDock();
  if (net->network() && !net->isLoading()) {
    afterLoad();
  } else {
    auto* once = new QMetaObject::Connection;
    *once = QObject::connect(net, &NetworkDock::loadFinished, &window, [once, afterLoad](bool) {
      QObject::disconnect(*once);
      delete once;
      afterLoad();
    });
  }
}

}  // namespace cert::studio
