// StateSync: the connections, and what each event clears.
#include "app/certstudio/state_sync.h"

#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/docks/problems_dock.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/models/bounds_model.h"
#include "app/certstudio/models/sparsity_model.h"
#include "app/certstudio/run/run_session.h"

namespace cert::studio {
namespace {

const QString kRunSource = QStringLiteral("run");  // RunSession's source in Problems

}  // namespace

StateSync::StateSync(MainWindow& window) : QObject(&window), window_(window) {
  connect(window.networkDock(), &NetworkDock::networkChanged, this, &StateSync::onNetwork);
  connect(window.editors(), &EditorTabs::editorTextChanged, this, [this] { clearRunProblems(); });
}

void StateSync::onNetwork(const std::shared_ptr<const cert::Network>& network) {
  if (network == network_) return;
  network_ = network;
  window_.runSession()->model()->setNetwork(network);
  window_.sparsityModel()->clear();
  clearRunProblems();
}

void StateSync::clearRunProblems() { window_.problemsDock()->setDiagnostics(kRunSource, {}, {}); }

}  // namespace cert::studio
