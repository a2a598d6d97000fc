// Main window unit: starts useful (bundled spec + network, or the command line's), reports bad
// inputs in the docks and status bar, jumps from Problems to the editor, keeps layout, recent
// files and open specs across runs, prompts before losing edits, and takes extra docks.
#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

#include <memory>

#include "app/certstudio/bundled_files.h"
#include "app/certstudio/docks/dock_registry.h"
#include "app/certstudio/docks/network_dock.h"
#include "app/certstudio/docks/problems_dock.h"
#include "app/certstudio/editor/editor_status.h"
#include "app/certstudio/editor/spec_checker.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/file_menu.h"
#include "app/certstudio/main_window.h"
#include "tests/app/window_fixtures.h"
#include "app/certstudio/models/diagnostics_model.h"
#include "app/certstudio/models/layer_table_model.h"
#include "app/certstudio/settings/app_settings.h"
#include "core/network/onnx_builder.h"

using cert::studio::BundledFiles;
using cert::studio::EditorTabs;
using cert::studio::MainWindow;
using cert::studio::MainWindowOptions;
using cert::studio::NetworkDock;
using cert::studio::SpecEditor;

namespace {

bool waitForNetwork(MainWindow& w, bool* ok = nullptr) {
  QSignalSpy finished(w.networkDock(), &NetworkDock::loadFinished);
  if (finished.isEmpty() && !finished.wait(20000)) return false;
  if (ok) *ok = finished.first().at(0).toBool();
  return true;
}

QStringList actionTexts(const QMenu* menu) {
  QStringList out;
  for (const QAction* a : menu->actions())
    if (!a->isSeparator()) out << a->text();
  return out;
}

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT

 private slots:
  void init();
  void startsWithBundledSpecAndNetwork();
  void commandLineSpecAndNetwork();
  void badNetworkShowsErrorInDockAndStatusBar();
  void binarySpecOpensWithMessage();
  void missingSpecIsReportedAndEditorStaysUsable();
  void problemsClickJumpsToRange();
  void layoutIsSavedAndRestored();
  void reopensLastSpecsAndNetwork();
  void closePromptCancelKeepsWindowOpen();
  void recentFilesAndExamplesMenus();
  void addDockIsTheExtensionPoint();
  void liveCheckFeedsProblemsDock();

 private:
  MainWindowOptions options() const;
  QString writeSpec(const QString& name, const QByteArray& text);
  QString writeNetwork(const QString& name);
  std::unique_ptr<QTemporaryDir> dir_;
};

void TestMainWindow::init() { dir_ = std::make_unique<QTemporaryDir>(); }

MainWindowOptions TestMainWindow::options() const {
  MainWindowOptions o = cert::studio::test::isolatedWindowOptions(*dir_);
  o.checkDelayMs = 20;
  return o;
}

QString TestMainWindow::writeSpec(const QString& name, const QByteArray& text) {
  const QString path = dir_->filePath(name);
  QFile f(path);
  if (f.open(QIODevice::WriteOnly)) f.write(text);
  return path;
}

QString TestMainWindow::writeNetwork(const QString& name) {
  cert::OnnxBuilder b("tiny");
  b.addInput("x", {1, 2});
  b.addInitializer("w", {2, 2}, {1.0f, 1.0f, 1.0f, -1.0f});
  b.addNode("Gemm", {"x", "w"}, {"h"}, "fc").attr("transB", int64_t{1});
  b.addNode("Relu", {"h"}, {"y"}, "relu");
  b.addOutput("y", {1, 2});
  const QString path = dir_->filePath(name);
  b.save(path.toStdString());
  return path;
}

void TestMainWindow::startsWithBundledSpecAndNetwork() {
  MainWindow w(options());
  w.show();
  w.startUp();
  QCOMPARE(w.editors()->count(), 1);
  const QString spec = BundledFiles::defaultSpec();
  SpecEditor* e = w.editors()->currentEditor();
  QVERIFY(e);
  if (spec.isEmpty()) {
    QVERIFY(e->text().contains(QLatin1String("No bundled specs were found")));  // explained, not blank
  } else {
    QCOMPARE(QFileInfo(e->filePath()).fileName(), QStringLiteral("deeppoly.cf"));
    QVERIFY(e->text().contains(QLatin1String("transformer")));
    QVERIFY(!e->isModified());
    QVERIFY(w.windowTitle().startsWith(QStringLiteral("deeppoly.cf")));
  }
  if (BundledFiles::defaultNetwork().isEmpty()) {
    QVERIFY(w.networkDock()->summaryText().contains(QLatin1String("no bundled networks")));
    return;
  }
  bool ok = false;
  QVERIFY(waitForNetwork(w, &ok));
  QVERIFY2(ok, qPrintable(w.networkDock()->summaryText()));
  QCOMPARE(QFileInfo(w.networkDock()->networkPath()).fileName(), QStringLiteral("mnist_relu_3_50.onnx"));  // a trained network
  QVERIFY(w.networkDock()->layerModel()->rowCount() >= 6);
  QVERIFY(w.networkDock()->isVisible());
  QVERIFY(w.problemsDock()->isVisible());
}

void TestMainWindow::commandLineSpecAndNetwork() {
  const QString spec = writeSpec(QStringLiteral("mine.cf"), "// my spec\n");
  const QString net = writeNetwork(QStringLiteral("tiny.onnx"));
  MainWindow w(options());
  w.startUp(spec, net);
  QCOMPARE(w.editors()->count(), 1);
  QCOMPARE(w.editors()->currentEditor()->text(), QStringLiteral("// my spec\n"));
  bool ok = false;
  QVERIFY(waitForNetwork(w, &ok));
  QVERIFY(ok);
  QCOMPARE(w.networkDock()->layerModel()->rowCount(), 3);
  QVERIFY(w.statusBar()->currentMessage().contains(QLatin1String("Loaded tiny.onnx")));
}

void TestMainWindow::badNetworkShowsErrorInDockAndStatusBar() {
  const QString net = writeSpec(QStringLiteral("broken.onnx"), "\x08\x07garbage that is not ONNX");
  MainWindow w(options());
  w.startUp(writeSpec(QStringLiteral("a.cf"), "// a\n"), net);
  bool ok = true;
  QVERIFY(waitForNetwork(w, &ok));
  QVERIFY(!ok);
  QVERIFY2(w.statusBar()->currentMessage().startsWith(QStringLiteral("Could not load broken.onnx")),
           qPrintable(w.statusBar()->currentMessage()));
  QVERIFY(w.networkDock()->summaryText().startsWith(QStringLiteral("Could not load broken.onnx")));
  const auto* problems = w.problemsDock()->model();
  QVERIFY(problems->count(cert::Severity::Error) >= 1);
  QCOMPARE(problems->data(problems->index(0, cert::studio::DiagnosticsModel::File)).toString(),
           QStringLiteral("broken.onnx"));
}

void TestMainWindow::binarySpecOpensWithMessage() {
  QByteArray junk(300, '\0');
  for (int i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>(i * 91);
  const QString spec = writeSpec(QStringLiteral("junk.cf"), junk);
  MainWindow w(options());
  QSignalSpy status(w.statusBar(), &QStatusBar::messageChanged);
  w.startUp(spec, dir_->filePath(QStringLiteral("none.onnx")));
  SpecEditor* e = w.editors()->currentEditor();
  QVERIFY(e);
  QCOMPARE(e->filePath(), QFileInfo(spec).canonicalFilePath());
  QVERIFY(e->isReadOnly());
  QVERIFY(e->banner().contains(QLatin1String("does not look like a text file")));
  QVERIFY(!status.isEmpty());
  QVERIFY(status.first().at(0).toString().contains(QLatin1String("does not look like a text file")));
  QVERIFY(waitForNetwork(w));
}

void TestMainWindow::missingSpecIsReportedAndEditorStaysUsable() {
  MainWindow w(options());
  QSignalSpy status(w.statusBar(), &QStatusBar::messageChanged);
  w.startUp(dir_->filePath(QStringLiteral("gone.cf")), dir_->filePath(QStringLiteral("none.onnx")));
  QVERIFY(!status.isEmpty());
  QVERIFY2(status.first().at(0).toString().contains(QLatin1String("gone.cf: no such file")),
           qPrintable(status.first().at(0).toString()));
  QCOMPARE(w.editors()->count(), 1);  // an empty untitled spec to type into
  QVERIFY(w.editors()->currentEditor()->filePath().isEmpty());
  QVERIFY(waitForNetwork(w));
}

void TestMainWindow::problemsClickJumpsToRange() {
  const QString spec = writeSpec(QStringLiteral("jump.cf"), "line one\nline two has an error here\nline three\n");
  MainWindow w(options());
  w.show();
  QVERIFY(QTest::qWaitForWindowExposed(&w));
  w.startUp(spec, dir_->filePath(QStringLiteral("none.onnx")));
  QVERIFY(waitForNetwork(w));
  SpecEditor* e = w.editors()->currentEditor();
  e->setCursorPosition(0, 0);
  e->setDiagnostics({cert::Diagnostic::warning("unused value", {{2, 14, 0}, {2, 22, 0}})});
  auto* view = w.problemsDock()->findChild<QTreeView*>();
  QVERIFY(view);
  const auto* model = w.problemsDock()->model();
  int row = -1;
  for (int r = 0; r < model->rowCount(); ++r)
    if (model->data(model->index(r, cert::studio::DiagnosticsModel::Message)).toString() == QLatin1String("unused value")) row = r;
  QVERIFY(row >= 0);
  QCOMPARE(model->data(model->index(row, cert::studio::DiagnosticsModel::Location)).toString(), QStringLiteral("2:14"));
  QCOMPARE(model->data(model->index(row, cert::studio::DiagnosticsModel::File)).toString(), QStringLiteral("jump.cf"));
  const QRect rect = view->visualRect(model->index(row, cert::studio::DiagnosticsModel::Message));
  QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
  int line = -1, index = -1;
  e->getCursorPosition(&line, &index);
  QCOMPARE(line, 1);
  QCOMPARE(e->selectedText(), QStringLiteral("an error"));
}

void TestMainWindow::layoutIsSavedAndRestored() {
  {
    MainWindow w(options());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.startUp(writeSpec(QStringLiteral("l.cf"), "// l\n"), dir_->filePath(QStringLiteral("none.onnx")));
    QVERIFY(waitForNetwork(w));
    QCOMPARE(w.dockWidgetArea(w.networkDock()), Qt::RightDockWidgetArea);
    w.addDockWidget(Qt::LeftDockWidgetArea, w.networkDock());
    w.problemsDock()->hide();
    QVERIFY(w.close());
  }
  MainWindow again(options());
  again.show();
  QVERIFY(QTest::qWaitForWindowExposed(&again));
  QCOMPARE(again.dockWidgetArea(again.networkDock()), Qt::LeftDockWidgetArea);
  QVERIFY(!again.problemsDock()->isVisible());
  QVERIFY(again.networkDock()->isVisible());
}

void TestMainWindow::reopensLastSpecsAndNetwork() {
  const QString a = writeSpec(QStringLiteral("first.cf"), "// first\n");
  const QString b = writeSpec(QStringLiteral("second.cf"), "// second\n");
  const QString net = writeNetwork(QStringLiteral("last.onnx"));
  {
    MainWindow w(options());
    w.startUp(a, net);
    QVERIFY(waitForNetwork(w));
    QVERIFY(w.openSpec(b));
    QVERIFY(w.close());
  }
  MainWindow again(options());
  again.startUp();
  QCOMPARE(again.editors()->openFilePaths(),
           (QStringList{QFileInfo(a).canonicalFilePath(), QFileInfo(b).canonicalFilePath()}));
  bool ok = false;
  QVERIFY(waitForNetwork(again, &ok));
  QVERIFY(ok);
  QCOMPARE(again.networkDock()->networkPath(), net);
}

void TestMainWindow::closePromptCancelKeepsWindowOpen() {
  MainWindow w(options());
  w.show();
  QVERIFY(QTest::qWaitForWindowExposed(&w));
  w.startUp(writeSpec(QStringLiteral("c.cf"), "// c\n"), dir_->filePath(QStringLiteral("none.onnx")));
  QVERIFY(waitForNetwork(w));
  SpecEditor* e = w.editors()->currentEditor();
  e->setFocus();
  QTest::keyClicks(e, "x");
  QVERIFY(w.isWindowModified());
  int asked = 0;
  w.editors()->setUnsavedPrompt([&](SpecEditor*) {
    ++asked;
    return EditorTabs::UnsavedChoice::Cancel;
  });
  QVERIFY(!w.close());
  QVERIFY(w.isVisible());
  QCOMPARE(asked, 1);
  QCOMPARE(e->text(), QStringLiteral("x// c\n"));
  w.editors()->setUnsavedPrompt([](SpecEditor*) { return EditorTabs::UnsavedChoice::Save; });
  QVERIFY(w.close());
  QFile saved(dir_->filePath(QStringLiteral("c.cf")));
  QVERIFY(saved.open(QIODevice::ReadOnly));
  QCOMPARE(saved.readAll(), QByteArray("x// c\n"));
}

void TestMainWindow::recentFilesAndExamplesMenus() {
  const QString spec = writeSpec(QStringLiteral("recent.cf"), "// r\n");
  MainWindow w(options());
  w.startUp(spec, dir_->filePath(QStringLiteral("none.onnx")));
  QVERIFY(waitForNetwork(w));
  QCOMPARE(w.settings().recentFiles().value(0), QFileInfo(spec).canonicalFilePath());
  QMenu* recent = w.fileMenu()->recentMenu();
  emit recent->aboutToShow();
  QVERIFY(actionTexts(recent).contains(QStringLiteral("recent.cf")));

  QMenu* examples = w.fileMenu()->examplesMenu();
  emit examples->aboutToShow();
  const QStringList bundled = BundledFiles::specs();
  if (bundled.isEmpty()) {
    QVERIFY(actionTexts(examples).value(0).contains(QLatin1String("no bundled specs")));
    return;
  }
  QCOMPARE(actionTexts(examples).size(), bundled.size());
  for (const QString& p : bundled) QVERIFY(actionTexts(examples).contains(QFileInfo(p).fileName()));
  // Choosing an example opens it.
  for (QAction* a : examples->actions())
    if (a->text() == QLatin1String("deeppoly.cf")) a->trigger();
  if (bundled.join(QLatin1Char(' ')).contains(QLatin1String("deeppoly.cf")))
    QCOMPARE(w.editors()->currentEditor()->displayName(), QStringLiteral("deeppoly.cf"));
}

void TestMainWindow::addDockIsTheExtensionPoint() {
  MainWindow w(options());
  const auto before = w.docks().docks().size();
  auto* bounds = new QDockWidget(QStringLiteral("Example"));
  QCOMPARE(w.addDock(bounds, Qt::RightDockWidgetArea, QStringLiteral("ExampleDock")), bounds);
  QCOMPARE(w.docks().find(QStringLiteral("ExampleDock")), bounds);
  QCOMPARE(bounds->parent(), &w);
  QCOMPARE(w.dockWidgetArea(bounds), Qt::RightDockWidgetArea);
  QCOMPARE(w.docks().docks().size(), before + 1);
  QMenu* view = nullptr;
  for (QAction* a : w.menuBar()->actions())
    if (a->text() == QLatin1String("&View")) view = a->menu();
  QVERIFY(view);
  QVERIFY(view->actions().contains(bounds->toggleViewAction()));
}

void TestMainWindow::liveCheckFeedsProblemsDock() {
  const QString spec = writeSpec(QStringLiteral("typed.cf"),
                                 "def Shape as (Float l, Float u) {[curr[l] <= curr, curr[u] >= curr]};\n"
                                 "func priority(Neuron n) = n[layer];\n"
                                 "transformer box {\n"
                                 "    Relu -> (prev[l] + true, prev[u]);\n"
                                 "}\n"
                                 "flow(forward, priority, false, box);\n");
  MainWindow w(options());
  w.startUp(spec, dir_->filePath(QStringLiteral("none.onnx")));
  QVERIFY(waitForNetwork(w));
  const auto* problems = w.problemsDock()->model();
  using Col = cert::studio::DiagnosticsModel::Column;
  auto rowsOf = [problems](const QString& file, cert::Severity severity) {
    QList<int> rows;
    for (int r = 0; r < problems->rowCount(); ++r)
      if (problems->data(problems->index(r, Col::File)).toString() == file &&
          problems->entry(r).diagnostic.severity == severity)
        rows << r;
    return rows;
  };
  QTRY_VERIFY_WITH_TIMEOUT(!rowsOf(QStringLiteral("typed.cf"), cert::Severity::Error).isEmpty(), 5000);
  const QList<int> errors = rowsOf(QStringLiteral("typed.cf"), cert::Severity::Error);
  QCOMPARE(errors.size(), 1);
  QVERIFY(problems->data(problems->index(errors[0], Col::Message)).toString().contains(QLatin1String("Float + Bool")));
  QCOMPARE(problems->data(problems->index(errors[0], Col::Location)).toString(), QStringLiteral("4:14"));
  QVERIFY(w.problemsDock()->windowTitle().startsWith(QStringLiteral("Problems (")));
  const int warnings = static_cast<int>(rowsOf(QStringLiteral("typed.cf"), cert::Severity::Warning).size());
  QCOMPARE(w.editorStatus()->checkText(),
           QStringLiteral("Spec checks: 1 error, %1").arg(cert::studio::DiagnosticsModel::countsText(0, warnings).section(QStringLiteral(", "), 1)));
  // Fixing the text clears the error.
  SpecEditor* e = w.editors()->currentEditor();
  e->setText(e->text().replace(QStringLiteral("prev[l] + true"), QStringLiteral("prev[l]")));
  QTRY_VERIFY_WITH_TIMEOUT(rowsOf(QStringLiteral("typed.cf"), cert::Severity::Error).isEmpty(), 5000);
  QVERIFY(w.editorStatus()->checkText().startsWith(QStringLiteral("Spec checks: 0 errors")) ||
          w.editorStatus()->checkText() == QStringLiteral("Spec checks: no problems"));
  // The bundled DeepPoly spec checks without errors.
  if (!BundledFiles::defaultSpec().isEmpty()) {
    QSignalSpy checked(w.checker(), &cert::studio::SpecChecker::checked);
    QVERIFY(w.openSpec(BundledFiles::defaultSpec()));
    QVERIFY(checked.wait(10000));
    QCOMPARE(checked.last().at(0).value<SpecEditor*>(), w.editors()->currentEditor());
    QCOMPARE(checked.last().at(1).toInt(), 0);
    QVERIFY(rowsOf(QStringLiteral("deeppoly.cf"), cert::Severity::Error).isEmpty());
  }
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
