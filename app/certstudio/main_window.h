// The IDE's main window: spec tabs in the centre, docks around, menus, status bar, recovery.
#pragma once

#include <QMainWindow>

#include <memory>

#include "app/certstudio/recovery/recovery_store.h"

namespace cert {
struct Diagnostic;
}

namespace cert::studio {

class AnalysisSession;
class AppSettings;
class Autosaver;
class DockRegistry;
class EditorCommands;
class EditorStatus;
class EditorTabs;
class FileMenu;
class NetworkDock;
class ProblemsDock;
class SparsityDock;
class SparsityModel;
class TeachingSession;
class RunSession;
class SoundnessSession;
class SpecChecker;
class SpecEditor;

/// How a MainWindow is set up; the defaults are the real application's.
struct MainWindowOptions {
  QString settingsFile;   ///< empty: the person's QSettings; tests pass a temporary INI file
  QString recoveryDir;    ///< empty: AppDataLocation/recovery
  bool interactive = true;  ///< false: no modal dialogs (tests); answers come from the APIs
  int autosaveDelayMs = 300;  ///< each batch of edits reaches the recovery store this soon
  int checkDelayMs = 400;     ///< live type-check after typing pauses
};

/// A deliberate hub: it wires the editor tabs, the docks, the settings and the recovery store
/// together; each of those does its own work. Later docks plug in with addDock().
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Opens `specPath` (else the specs open last time, else the bundled default) and loads
  /// `networkPath` (else the last network, else the bundled default). Then, when a previous
  /// session left unsaved texts, asks to restore them (interactive) or leaves that to the API.
  void startUp(const QString& specPath = {}, const QString& networkPath = {});

  /// Opens a spec in a tab (or shows its tab). Failures go to the status bar (and a dialog).
  bool openSpec(const QString& path);
  /// Loads a network into the Network dock (in the background).
  void loadNetwork(const QString& path);

  /// Unsaved texts left by sessions that did not close cleanly.
  QList<RecoveryEntry> pendingRecovery() const;
  /// Puts every pending text back into a tab (marked modified). Returns how many.
  int restoreRecovery();
  /// Deletes the pending texts.
  void discardRecovery();

  /// Adds a dock under a stable name (its place is saved with the layout) and lists it in View.
  QDockWidget* addDock(QDockWidget* dock, Qt::DockWidgetArea area, const QString& objectName);

  EditorTabs* editors() const { return tabs_; }
  NetworkDock* networkDock() const { return networkDock_; }
  ProblemsDock* problemsDock() const { return problemsDock_; }
  Autosaver* autosaver() const { return autosaver_; }
  SpecChecker* checker() const { return checker_; }
  EditorStatus* editorStatus() const { return editorStatus_; }
  /// Find / Replace, Go to Line, the language reference (F1).
  EditorCommands* editorCommands() const { return editorCommands_; }
  DockRegistry& docks() { return *docks_; }
  AppSettings& settings() { return *settings_; }
  RecoveryStore& recoveryStore() { return recovery_; }
  FileMenu* fileMenu() const { return fileMenu_; }
  /// The Run bar, the run controller and the Bounds dock.
  RunSession* runSession() const { return runSession_; }
  /// Check Soundness: the Soundness dock, its background checks, the run verdict label.
  SoundnessSession* soundness() const { return soundness_; }
  /// The IR and Shapes docks' wiring.
  AnalysisSession* analysis() const { return analysis_; }
  /// The Sparsity dock (the last run's g-BCSR layouts) and its model.
  SparsityDock* sparsityDock() const { return sparsityDock_; }
  SparsityModel* sparsityModel() const { return sparsityModel_; }
  /// The Teaching dock (one neuron's symbolic bounds, layer by layer) and its runs.
  TeachingSession* teaching() const { return teaching_; }

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildDocks();
  void buildMenus();
  void connectSignals();
  void restoreLayout();
  void showError(const QString& message);
  void offerRecovery();
  void jumpTo(const QString& source, const cert::Diagnostic& diagnostic);
  void onCurrentEditorChanged(SpecEditor* editor);
  void updateTitle();
  void publishDiagnostics(SpecEditor* editor);

  MainWindowOptions options_;
  std::unique_ptr<AppSettings> settings_;
  RecoveryStore recovery_;
  std::unique_ptr<DockRegistry> docks_;
  EditorTabs* tabs_ = nullptr;
  NetworkDock* networkDock_ = nullptr;
  ProblemsDock* problemsDock_ = nullptr;
  Autosaver* autosaver_ = nullptr;
  SpecChecker* checker_ = nullptr;
  FileMenu* fileMenu_ = nullptr;
  QMenu* viewMenu_ = nullptr;
  EditorStatus* editorStatus_ = nullptr;
  EditorCommands* editorCommands_ = nullptr;
  RunSession* runSession_ = nullptr;
  SoundnessSession* soundness_ = nullptr;
  AnalysisSession* analysis_ = nullptr;
  SparsityModel* sparsityModel_ = nullptr;
  SparsityDock* sparsityDock_ = nullptr;
  TeachingSession* teaching_ = nullptr;
  QMetaObject::Connection modifiedConnection_;
};

}  // namespace cert::studio
