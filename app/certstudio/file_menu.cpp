// FileMenu: actions with shortcuts and icons; dynamic Open Recent and Examples submenus.
#include "app/certstudio/file_menu.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QToolBar>

#include "app/certstudio/bundled_files.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/editor/spec_template.h"
#include "app/certstudio/settings/app_settings.h"
#include "app/certstudio/settings/dialog_folders.h"

namespace cert::studio {
namespace {

QIcon themed(const char* name, const char* resource) {
  return QIcon::fromTheme(QString::fromLatin1(name), QIcon(QString::fromLatin1(resource)));
}

}  // namespace

FileMenu::FileMenu(QWidget& window, EditorTabs& tabs, NetworkDock& network, AppSettings& settings)
    : QObject(&window), window_(window), tabs_(tabs), network_(network), settings_(settings) {}

void FileMenu::install(QMenuBar& bar, QToolBar& toolbar) {
  QMenu* file = bar.addMenu(tr("&File"));
  newAction_ = file->addAction(themed("document-new", ":/icons/new.svg"), tr("&New Spec"), this,
                               [this] { tabs_.addEditor(); });
  newAction_->setShortcut(QKeySequence::New);
  templateAction_ = file->addAction(tr("New from &Template"), this, &FileMenu::newFromTemplate);
  templateAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
  templateAction_->setStatusTip(tr("A commented minimal certifier (interval bounds) that compiles and runs"));
  openAction_ = file->addAction(themed("document-open", ":/icons/open.svg"), tr("&Open Spec…"), this,
                                &FileMenu::openDialog);
  openAction_->setShortcut(QKeySequence::Open);
  recent_ = file->addMenu(tr("Open &Recent"));
  examples_ = file->addMenu(tr("&Examples"));
  connect(recent_, &QMenu::aboutToShow, this, &FileMenu::fillRecent);
  connect(examples_, &QMenu::aboutToShow, this, &FileMenu::fillExamples);
  fillRecent();
  fillExamples();
  file->addSeparator();
  saveAction_ = file->addAction(themed("document-save", ":/icons/save.svg"), tr("&Save"), this,
                                [this] { tabs_.save(tabs_.currentEditor()); });
  saveAction_->setShortcut(QKeySequence::Save);
  saveAsAction_ = file->addAction(tr("Save &As…"), this, [this] { tabs_.saveAs(tabs_.currentEditor()); });
  saveAsAction_->setShortcut(QKeySequence::SaveAs);
  closeAction_ = file->addAction(tr("&Close Tab"), this, [this] { tabs_.closeEditor(tabs_.currentEditor()); });
  closeAction_->setShortcut(QKeySequence::Close);
  file->addSeparator();
  networkAction_ = file->addAction(QIcon(QStringLiteral(":/icons/network.svg")), tr("Open &Network…"), &network_,
                                   &NetworkDock::openNetworkDialog);
  networkAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  file->addSeparator();
  quitAction_ = file->addAction(tr("&Quit"), &window_, &QWidget::close);
  quitAction_->setShortcut(QKeySequence::Quit);

  toolbar.addAction(newAction_);
  toolbar.addAction(openAction_);
  toolbar.addAction(saveAction_);
  toolbar.addSeparator();
  toolbar.addAction(networkAction_);
}

void FileMenu::fillRecent() {
  recent_->clear();
  const QStringList files = settings_.recentFiles();
  for (const QString& path : files) {
    QAction* a = recent_->addAction(QFileInfo(path).fileName(), this, [this, path] { emit openRequested(path); });
    a->setToolTip(path);
    a->setStatusTip(path);
  }
  if (files.isEmpty()) recent_->addAction(tr("(no recent files)"))->setEnabled(false);
  recent_->addSeparator();
  recent_->addAction(tr("Clear List"), this, [this] { settings_.clearRecentFiles(); })->setEnabled(!files.isEmpty());
}

void FileMenu::fillExamples() {
  examples_->clear();
  const QStringList specs = BundledFiles::specs();
  for (const QString& path : specs) {
    QAction* a = examples_->addAction(QFileInfo(path).fileName(), this, [this, path] { emit openRequested(path); });
    a->setStatusTip(path);
  }
  if (specs.isEmpty()) {
    const QString dirs = BundledFiles::searchDirs(QStringLiteral("specs")).join(QStringLiteral(", "));
    examples_->addAction(tr("(no bundled specs found)"))->setEnabled(false);
    examples_->setToolTip(tr("Looked in %1").arg(dirs));
  }
}

void FileMenu::openDialog() {
  const QStringList paths = QFileDialog::getOpenFileNames(&window_, tr("Open spec"),
                                                          DialogFolders::startFolder(&window_, QStringLiteral("spec")),
                                                          tr("ConstraintFlow specs (*.cf);;All files (*)"));
  if (!paths.isEmpty()) DialogFolders::remember(&window_, QStringLiteral("spec"), paths.front());
  for (const QString& p : paths) emit openRequested(p);
}

void FileMenu::newFromTemplate() {
  SpecEditor* e = tabs_.addEditor();
  e->setText(SpecTemplate::text());  // an edit: the tab is modified (and autosaved) until saved
  tabs_.setCurrentWidget(e);
}

}  // namespace cert::studio
