// MainWindow: construction and wiring, start-up choices, recovery prompt, clean close.
#include "app/certstudio/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QFileInfo>
#include <QLayout>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "app/certstudio/batch/batch_session.h"
#include "app/certstudio/bundled_files.h"
#include "app/certstudio/compare/compare_session.h"
#include "app/certstudio/docks/dock_layout.h"
#include "app/certstudio/docks/dock_registry.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/docks/problems_dock.h"
#include "app/certstudio/docks/sparsity_dock.h"
#include "app/certstudio/editor/editor_commands.h"
#include "app/certstudio/editor/editor_status.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_checker.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/about.h"
#include "app/certstudio/file_menu.h"
#include "app/certstudio/ir/analysis_session.h"
#include "app/certstudio/models/sparsity_model.h"
#include "app/certstudio/prove/prove_session.h"
#include "app/certstudio/recovery/autosaver.h"
#include "app/certstudio/run/run_session.h"
#include "app/certstudio/settings/app_settings.h"
#include "app/certstudio/settings/dialog_folders.h"
#include "app/certstudio/soundness/soundness_session.h"
#include "app/certstudio/state_sync.h"
#include "app/certstudio/teaching/teaching_session.h"
#include "app/certstudio/resources_init.h"

#include <algorithm>

namespace cert::studio {
namespace {

constexpr int kLayoutVersion = 3;  // 2: tab groups that fit 1280x800; 3: Batch in the right group
const QString kNetworkSource = QStringLiteral("network");

}  // namespace

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent),
      options_(options),
      settings_(std::make_unique<AppSettings>(options.settingsFile)),
      recovery_(options.recoveryDir) {
  ensureResources();
  setWindowIcon(QIcon(QStringLiteral(":/icons/certstudio.svg")));
  setDockNestingEnabled(true);
  tabs_ = new EditorTabs(this);
  auto* centre = new QWidget(this);  // the tabs, and the find bar under them
  auto* centreLayout = new QVBoxLayout(centre);
  centreLayout->setContentsMargins(0, 0, 0, 0);
  centreLayout->setSpacing(0);
  centreLayout->addWidget(tabs_);
  setCentralWidget(centre);
  editorCommands_ = new EditorCommands(*this, *tabs_, *centreLayout);
  new DialogFolders(*settings_, this);  // file dialogs remember their folders (found by the widgets)
  tabs_->setDefaultDirectory(DialogFolders::documentsFolder());

  networkDock_ = new NetworkDock(this);
  networkDock_->setBundledNetworks(BundledFiles::networks());
  problemsDock_ = new ProblemsDock(this);
  buildMenus();
  buildDocks();

  editorStatus_ = new EditorStatus(*tabs_, *statusBar());
  if (!recovery_.begin()) statusBar()->showMessage(recovery_.error());
  autosaver_ = new Autosaver(recovery_, *tabs_, this);
  autosaver_->setDelay(options.autosaveDelayMs);
  checker_ = new SpecChecker(*tabs_, this);
  checker_->setDelay(options.checkDelayMs);
  runSession_ = new RunSession(*this);
  soundness_ = new SoundnessSession(*this, *runSession_);
  analysis_ = new AnalysisSession(*this);
  sparsityModel_ = new SparsityModel(this);
  sparsityDock_ = new SparsityDock(*sparsityModel_, this);
  addDock(sparsityDock_, Qt::BottomDockWidgetArea, QStringLiteral("SparsityDock"));
  connect(runSession_, &RunSession::runFinished, sparsityModel_, &SparsityModel::setOutcome);
  connect(networkDock_, &NetworkDock::layerSelected, sparsityDock_, [this](int layer) {
    if (layer >= 0) sparsityDock_->setLayer(layer);
  });
  teaching_ = new TeachingSession(*this, *runSession_);
  new ProveSession(*this);  // the Prove action; found with findChild<ProveSession*>()
  new BatchSession(*this, *runSession_);    // batch runs; findChild<BatchSession*>()
  new CompareSession(*this, *runSession_);  // pinned runs compared; findChild<CompareSession*>()
  new StateSync(*this);     // views follow the model (network switches, edits, failed runs)
  viewMenu_->addSeparator();  // the docks are listed; then the tool bars (Main, Run)
  for (QToolBar* bar : findChildren<QToolBar*>()) viewMenu_->addAction(bar->toggleViewAction());
  connectSignals();
  restoreLayout();
  updateTitle();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
  auto* toolbar = addToolBar(tr("Main"));
  toolbar->setObjectName(QStringLiteral("MainToolBar"));
  toolbar->setMovable(false);
  fileMenu_ = new FileMenu(*this, *tabs_, *networkDock_, *settings_);
  fileMenu_->install(*menuBar(), *toolbar);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  auto onEditor = [this](void (QsciScintilla::*f)()) {
    return [this, f] {
      if (SpecEditor* e = tabs_->currentEditor()) (e->*f)();
    };
  };
  edit->addAction(tr("&Undo"), QKeySequence::Undo, this, onEditor(&QsciScintilla::undo));
  edit->addAction(tr("&Redo"), QKeySequence::Redo, this, onEditor(&QsciScintilla::redo));
  edit->addSeparator();
  edit->addAction(tr("Cu&t"), QKeySequence::Cut, this, onEditor(&QsciScintilla::cut));
  edit->addAction(tr("&Copy"), QKeySequence::Copy, this, onEditor(&QsciScintilla::copy));
  edit->addAction(tr("&Paste"), QKeySequence::Paste, this, onEditor(&QsciScintilla::paste));

  viewMenu_ = menuBar()->addMenu(tr("&View"));
  docks_ = std::make_unique<DockRegistry>(*this, *viewMenu_);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  editorCommands_->install(*edit, *help);
  help->addAction(tr("&About CertStudio"), this,
                  [this] { QMessageBox::about(this, tr("About CertStudio"), aboutText()); });
}

void MainWindow::buildDocks() {
  addDock(networkDock_, Qt::RightDockWidgetArea, QStringLiteral("NetworkDock"));
  addDock(problemsDock_, Qt::BottomDockWidgetArea, QStringLiteral("ProblemsDock"));
}

QDockWidget* MainWindow::addDock(QDockWidget* dock, Qt::DockWidgetArea area, const QString& objectName) {
  return docks_->add(dock, area, objectName);
}

void MainWindow::connectSignals() {
  connect(tabs_, &EditorTabs::errorOccurred, this, &MainWindow::showError);
  connect(tabs_, &EditorTabs::fileOpened, this, [this](const QString& p) { settings_->addRecentFile(p); });
  connect(tabs_, &EditorTabs::fileSaved, this, [this](const QString& p) {
    settings_->addRecentFile(p);
    statusBar()->showMessage(tr("Saved %1").arg(p), 5000);
    if (SpecEditor* e = tabs_->findByPath(p)) publishDiagnostics(e);
    updateTitle();
  });
  connect(tabs_, &EditorTabs::editorAdded, this, [this](SpecEditor* e) {
    connect(e, &SpecEditor::diagnosticsChanged, this, [this, e] { publishDiagnostics(e); });
  });
  connect(tabs_, &EditorTabs::editorClosed, problemsDock_, &ProblemsDock::clearSource);
  connect(tabs_, &EditorTabs::currentEditorChanged, this, &MainWindow::onCurrentEditorChanged);
  connect(fileMenu_, &FileMenu::openRequested, this, &MainWindow::openSpec);
  connect(problemsDock_, &ProblemsDock::diagnosticActivated, this, &MainWindow::jumpTo);
  connect(autosaver_, &Autosaver::errorOccurred, this, [this](const QString& m) { statusBar()->showMessage(m); });
  connect(networkDock_, &NetworkDock::statusMessage, this, [this](const QString& m) {
    statusBar()->showMessage(m, 15000);
  });
  connect(networkDock_, &NetworkDock::loadFinished, this, [this](bool ok) {
    const QString path = networkDock_->lastLoadPath();
    problemsDock_->setDiagnostics(kNetworkSource, QFileInfo(path).fileName(), networkDock_->diagnostics());
    if (ok) settings_->setLastNetwork(path);
  });
}

void MainWindow::restoreLayout() {
  DockLayout::apply(*this, *docks_);  // the default; a saved state of this version replaces it
  layout()->activate();  // the tabbed layout's (small) minimum size, before any resize is clamped to it
  const QByteArray geometry = settings_->windowGeometry();
  if (geometry.isEmpty() || !restoreGeometry(geometry)) {
    const QSize avail = screen() ? screen()->availableGeometry().size() : QSize(1600, 1000);
    resize(std::min(1560, avail.width() * 95 / 100), std::min(980, avail.height() * 95 / 100));
  }
  const QByteArray state = settings_->windowState();
  if (state.isEmpty() || !restoreState(state, kLayoutVersion)) DockLayout::sizeGroupsOnceShown(*this, *docks_);
  docks_->markRestored();
}

void MainWindow::startUp(const QString& specPath, const QString& networkPath) {
  QStringList specs;
  if (!specPath.isEmpty()) {
    specs << specPath;
  } else {
    for (const QString& p : settings_->openFiles())
      if (QFileInfo::exists(p)) specs << p;
    if (specs.isEmpty() && !BundledFiles::defaultSpec().isEmpty()) specs << BundledFiles::defaultSpec();
  }
  for (const QString& p : specs) openSpec(p);
  if (tabs_->count() == 0) {
    const QString looked = BundledFiles::searchDirs(QStringLiteral("specs")).join(QStringLiteral("\n//   "));
    tabs_->addEditor(specPath.isEmpty()
                         ? tr("// No bundled specs were found. Looked in:\n//   %1\n"
                              "// Write a ConstraintFlow spec here, or open one with File > Open Spec.\n")
                               .arg(looked)
                         : QString());
  }

  QString net = networkPath;
  if (net.isEmpty() && QFileInfo::exists(settings_->lastNetwork())) net = settings_->lastNetwork();
  if (net.isEmpty()) net = BundledFiles::defaultNetwork();
  if (!net.isEmpty()) {
    loadNetwork(net);
  } else {
    networkDock_->showPlaceholder(
        tr("No network loaded: no bundled networks were found (looked in %1). Open an ONNX file with "
           "Open ONNX… or File > Open Network.")
            .arg(BundledFiles::searchDirs(QStringLiteral("networks")).join(QStringLiteral(", "))));
  }
  offerRecovery();
}

bool MainWindow::openSpec(const QString& path) {
  const EditorTabs::OpenResult r = tabs_->openFile(path);
  if (!r.warning.isEmpty()) statusBar()->showMessage(r.warning, 15000);
  return r.editor != nullptr;
}

void MainWindow::loadNetwork(const QString& path) { networkDock_->loadNetwork(path); }

QList<RecoveryEntry> MainWindow::pendingRecovery() const { return recovery_.orphanedEntries(); }

int MainWindow::restoreRecovery() {
  const QList<RecoveryEntry> entries = pendingRecovery();
  for (const RecoveryEntry& e : entries) {
    SpecEditor* editor = e.filePath.isEmpty() ? nullptr : tabs_->findByPath(e.filePath);
    if (!editor) editor = e.filePath.isEmpty() || !QFileInfo::exists(e.filePath) ? tabs_->addEditor({}, e.filePath)
                                                                                : tabs_->openFile(e.filePath).editor;
    if (!editor) editor = tabs_->addEditor();
    editor->setReadOnly(false);
    editor->setBanner({});
    editor->setText(e.text);  // an undoable edit: the tab is modified until saved
    tabs_->setCurrentWidget(editor);
  }
  autosaver_->flush();  // the restored texts belong to this session now
  recovery_.removeOrphaned();
  if (!entries.isEmpty())
    statusBar()->showMessage(tr("Restored unsaved text of %1 spec(s) from a session that did not close cleanly")
                                 .arg(entries.size()), 10000);
  return static_cast<int>(entries.size());
}

void MainWindow::discardRecovery() { recovery_.removeOrphaned(); }

void MainWindow::offerRecovery() {
  const QList<RecoveryEntry> entries = pendingRecovery();
  if (entries.isEmpty()) {
    recovery_.removeOrphaned();  // empty folders of sessions that ended without unsaved text
    return;
  }
  if (!options_.interactive) return;
  QStringList names;
  for (const RecoveryEntry& e : entries)
    names << QStringLiteral("%1 (%2)").arg(e.filePath.isEmpty() ? e.title : e.filePath,
                                           QLocale().toString(e.savedAt.toLocalTime(), QLocale::ShortFormat));
  QMessageBox box(QMessageBox::Question, tr("Restore unsaved specs?"),
                  tr("CertStudio did not close cleanly last time. These unsaved texts were kept:\n\n%1")
                      .arg(names.join(QLatin1Char('\n'))),
                  QMessageBox::NoButton, this);
  QPushButton* restore = box.addButton(tr("Restore"), QMessageBox::AcceptRole);
  QPushButton* discard = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
  box.addButton(tr("Ask Again Next Time"), QMessageBox::RejectRole);
  box.setDefaultButton(restore);
  box.exec();
  if (box.clickedButton() == restore) restoreRecovery();
  else if (box.clickedButton() == discard) discardRecovery();
}

void MainWindow::showError(const QString& message) {
  statusBar()->showMessage(message, 20000);
  if (options_.interactive) QMessageBox::warning(this, tr("CertStudio"), message);
}

void MainWindow::jumpTo(const QString& source, const cert::Diagnostic& diagnostic) {
  if (source == kNetworkSource) {
    networkDock_->show();
    networkDock_->raise();
    return;
  }
  for (SpecEditor* e : tabs_->editors()) {
    if (e->id() != source) continue;
    tabs_->setCurrentWidget(e);
    e->goTo(diagnostic.range);
    return;
  }
}

void MainWindow::onCurrentEditorChanged(SpecEditor* editor) {
  disconnect(modifiedConnection_);
  if (editor) modifiedConnection_ = connect(editor, &QsciScintilla::modificationChanged, this, &MainWindow::updateTitle);
  updateTitle();
}

void MainWindow::updateTitle() {
  const SpecEditor* e = tabs_->currentEditor();
  setWindowTitle(e ? tr("%1[*] — CertStudio").arg(e->displayName()) : tr("CertStudio"));
  setWindowModified(e && e->isModified());
}

void MainWindow::publishDiagnostics(SpecEditor* editor) {
  problemsDock_->setDiagnostics(editor->id(), editor->displayName(), editor->diagnostics());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!tabs_->resolveUnsavedChanges()) {
    event->ignore();
    return;
  }
  settings_->setOpenFiles(tabs_->openFilePaths());
  settings_->setWindowGeometry(saveGeometry());
  settings_->setWindowState(saveState(kLayoutVersion));
  settings_->sync();
  recovery_.endCleanly();
  event->accept();
}

}  // namespace cert::studio
