// File menu and toolbar actions: new, open, open recent, examples, save, save as, close, network.
#pragma once

#include <QObject>

class QAction;
class QMenu;
class QMenuBar;
class QToolBar;
class QWidget;

namespace cert::studio {

class AppSettings;
class EditorTabs;
class NetworkDock;

/// Builds the File menu over the editor tabs. Open Recent and Examples are rebuilt each time
/// they are shown, so they list what exists on disk right now.
class FileMenu : public QObject {
  Q_OBJECT

 public:
  FileMenu(QWidget& window, EditorTabs& tabs, NetworkDock& network, AppSettings& settings);

  /// Adds the File menu to `bar` and the common actions to `toolbar`.
  void install(QMenuBar& bar, QToolBar& toolbar);
  QMenu* recentMenu() const { return recent_; }
  QMenu* examplesMenu() const { return examples_; }
  QAction* templateAction() const { return templateAction_; }
  /// File > New from Template: a new tab with the commented minimal certifier.
  void newFromTemplate();

 signals:
  /// Open a spec (the window opens it and reports failures).
  void openRequested(const QString& path);

 private:
  void fillRecent();
  void fillExamples();
  void openDialog();

  QWidget& window_;
  EditorTabs& tabs_;
  NetworkDock& network_;
  AppSettings& settings_;
  QMenu* recent_ = nullptr;
  QMenu* examples_ = nullptr;
  QAction* newAction_ = nullptr;
  QAction* templateAction_ = nullptr;
  QAction* openAction_ = nullptr;
  QAction* saveAction_ = nullptr;
  QAction* saveAsAction_ = nullptr;
  QAction* closeAction_ = nullptr;
  QAction* networkAction_ = nullptr;
  QAction* quitAction_ = nullptr;
};

}  // namespace cert::studio
