// Recovery unit: unsaved text reaches a recovery file after typing stops, survives a session that
// did not close cleanly, and is restored into a new window; a clean close leaves nothing behind.
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/main_window.h"
#include "tests/app/window_fixtures.h"
#include "app/certstudio/recovery/autosaver.h"
#include "app/certstudio/recovery/recovery_store.h"

using cert::studio::Autosaver;
using cert::studio::EditorTabs;
using cert::studio::MainWindow;
using cert::studio::MainWindowOptions;
using cert::studio::RecoveryEntry;
using cert::studio::RecoveryStore;
using cert::studio::SpecEditor;

namespace {

QString entryText(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("text")).toString();
}

}  // namespace

class TestRecovery : public QObject {
  Q_OBJECT

 private slots:
  void init();
  void storeSeparatesLiveAndOrphanedSessions();
  void sessionsBegunInOneMillisecondAreApart();
  void cleanEndRemovesSessionFolder();
  void autosaveWritesEveryChangeBatch();
  void savingRemovesRecoveryEntry();
  void typedTextIsRestoredIntoNewWindow();
  void restoredTextReplacesTheReopenedFile();
  void cleanCloseLeavesNothingToRestore();
  void discardDeletesPendingTexts();

 private:
  MainWindowOptions options(int delayMs = 100) const;
  std::unique_ptr<QTemporaryDir> dir_;
};

void TestRecovery::init() { dir_ = std::make_unique<QTemporaryDir>(); }

MainWindowOptions TestRecovery::options(int delayMs) const {
  MainWindowOptions o = cert::studio::test::isolatedWindowOptions(*dir_);
  o.autosaveDelayMs = delayMs;
  return o;
}

/// Many sessions of one process begun back to back (most within one millisecond) each get their
/// own folder and lock (the folder name was time + pid only: a fresh machine's fast run hit it).
void TestRecovery::sessionsBegunInOneMillisecondAreApart() {
  const QString root = dir_->filePath(QStringLiteral("recovery"));
  std::vector<std::unique_ptr<RecoveryStore>> stores;
  for (int k = 0; k < 50; ++k) {
    stores.push_back(std::make_unique<RecoveryStore>(root));
    QVERIFY2(stores.back()->begin(), qPrintable(QString::number(k)));
  }
  QCOMPARE(QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 50);
}

void TestRecovery::storeSeparatesLiveAndOrphanedSessions() {
  const QString root = dir_->filePath(QStringLiteral("recovery"));
  auto first = std::make_unique<RecoveryStore>(root);
  QVERIFY(first->begin());
  QVERIFY(first->save({QStringLiteral("ed1"), QStringLiteral("/tmp/a.cf"), QStringLiteral("a.cf"),
                       QStringLiteral("typed"), QDateTime::currentDateTimeUtc()}));
  QVERIFY(QFile::exists(first->entryPath(QStringLiteral("ed1"))));

  RecoveryStore second(root);
  QVERIFY(second.begin());
  QVERIFY(second.orphanedEntries().isEmpty());  // the first session is alive (its lock is held)

  first.reset();  // gone without endCleanly(): as after a crash
  const QList<RecoveryEntry> orphaned = second.orphanedEntries();
  QCOMPARE(orphaned.size(), 1);
  QCOMPARE(orphaned[0].text, QStringLiteral("typed"));
  QCOMPARE(orphaned[0].filePath, QStringLiteral("/tmp/a.cf"));
  second.removeOrphaned();
  QVERIFY(second.orphanedEntries().isEmpty());
  QCOMPARE(QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 1);  // only the live session
}

void TestRecovery::cleanEndRemovesSessionFolder() {
  RecoveryStore store(dir_->filePath(QStringLiteral("recovery")));
  QVERIFY(store.begin());
  const QString session = store.sessionDir();
  QVERIFY(QDir(session).exists());
  QVERIFY(store.save({QStringLiteral("ed"), {}, QStringLiteral("Untitled 1"), QStringLiteral("x"), {}}));
  store.endCleanly();
  QVERIFY(!QDir(session).exists());
}

/// Each batch of edits reaches the store soon (the window's default delay is at most ~300 ms)
/// and typing on does not postpone it: the entry follows the text batch by batch.
void TestRecovery::autosaveWritesEveryChangeBatch() {
  QVERIFY(MainWindowOptions{}.autosaveDelayMs <= 300);
  QVERIFY(Autosaver::kDefaultDelayMs <= 300);
  RecoveryStore store(dir_->filePath(QStringLiteral("recovery")));
  QVERIFY(store.begin());
  EditorTabs tabs;
  SpecEditor* e = tabs.addEditor(QStringLiteral("// spec\n"));
  Autosaver saver(store, tabs);
  QCOMPARE(saver.delay(), Autosaver::kDefaultDelayMs);
  QSignalSpy flushed(&saver, &Autosaver::flushed);
  tabs.show();
  QVERIFY(QTest::qWaitForWindowExposed(&tabs));
  e->setFocus();
  QTest::keyClicks(e, "ab");
  QVERIFY(flushed.wait(5000));
  QCOMPARE(entryText(store.entryPath(e->id())), QStringLiteral("ab// spec\n"));
  QTest::keyClicks(e, "cd");
  QVERIFY(flushed.wait(5000));
  QCOMPARE(entryText(store.entryPath(e->id())), QStringLiteral("abcd// spec\n"));
  QCOMPARE(flushed.count(), 2);
}

void TestRecovery::savingRemovesRecoveryEntry() {
  RecoveryStore store(dir_->filePath(QStringLiteral("recovery")));
  QVERIFY(store.begin());
  EditorTabs tabs;
  SpecEditor* e = tabs.addEditor();
  Autosaver saver(store, tabs);
  e->setText(QStringLiteral("unsaved"));
  QCOMPARE(saver.flush(), 1);
  QVERIFY(QFile::exists(store.entryPath(e->id())));
  const QString target = dir_->filePath(QStringLiteral("saved.cf"));
  tabs.setSavePathPrompt([&](SpecEditor*) { return target; });
  QVERIFY(tabs.save(e));
  QCOMPARE(saver.flush(), 0);
  QVERIFY(!QFile::exists(store.entryPath(e->id())));
}

void TestRecovery::typedTextIsRestoredIntoNewWindow() {
  QString recoveryFile;
  {
    auto window = std::make_unique<MainWindow>(options());
    SpecEditor* e = window->editors()->addEditor();
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    e->setFocus();
    QTest::keyClicks(e, "transformer t {}");
    recoveryFile = window->recoveryStore().entryPath(e->id());
    QTRY_COMPARE_WITH_TIMEOUT(entryText(recoveryFile), QStringLiteral("transformer t {}"), 3000);
    // The window goes away without closeEvent: like a crash, nothing is cleaned up.
  }
  QVERIFY(QFile::exists(recoveryFile));

  MainWindow restored(options());
  const QList<RecoveryEntry> pending = restored.pendingRecovery();
  QCOMPARE(pending.size(), 1);
  QCOMPARE(pending[0].text, QStringLiteral("transformer t {}"));
  QCOMPARE(restored.restoreRecovery(), 1);
  SpecEditor* e = restored.editors()->currentEditor();
  QVERIFY(e);
  QCOMPARE(e->text(), QStringLiteral("transformer t {}"));
  QVERIFY(e->isModified());
  QVERIFY(restored.pendingRecovery().isEmpty());  // taken over by this session...
  QCOMPARE(entryText(restored.recoveryStore().entryPath(e->id())), QStringLiteral("transformer t {}"));  // ...and kept
}

void TestRecovery::restoredTextReplacesTheReopenedFile() {
  const QString path = dir_->filePath(QStringLiteral("spec.cf"));
  {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("// on disk\n");
  }
  {
    MainWindow window(options());
    SpecEditor* e = window.editors()->openFile(path).editor;
    QVERIFY(e);
    e->setText(QStringLiteral("// edited, not saved\n"));
    QCOMPARE(window.autosaver()->flush(), 1);
  }
  MainWindow restored(options());
  restored.startUp(path, dir_->filePath(QStringLiteral("no-network.onnx")));
  QCOMPARE(restored.editors()->count(), 1);
  QCOMPARE(restored.restoreRecovery(), 1);
  QCOMPARE(restored.editors()->count(), 1);  // the open tab of that file got the text
  SpecEditor* e = restored.editors()->findByPath(path);
  QVERIFY(e);
  QCOMPARE(e->text(), QStringLiteral("// edited, not saved\n"));
  QVERIFY(e->isModified());
}

void TestRecovery::cleanCloseLeavesNothingToRestore() {
  {
    MainWindow window(options());
    window.editors()->setUnsavedPrompt([](SpecEditor*) { return EditorTabs::UnsavedChoice::Discard; });
    window.editors()->addEditor()->setText(QStringLiteral("thrown away on purpose"));
    QCOMPARE(window.autosaver()->flush(), 1);
    window.show();
    QVERIFY(window.close());
  }
  MainWindow next(options());
  QVERIFY(next.pendingRecovery().isEmpty());
  QCOMPARE(QDir(options().recoveryDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 1);
}

void TestRecovery::discardDeletesPendingTexts() {
  {
    MainWindow window(options());
    window.editors()->addEditor()->setText(QStringLiteral("lost"));
    QCOMPARE(window.autosaver()->flush(), 1);
  }
  MainWindow next(options());
  QCOMPARE(next.pendingRecovery().size(), 1);
  next.discardRecovery();
  QVERIFY(next.pendingRecovery().isEmpty());
}

QTEST_MAIN(TestRecovery)
#include "tst_recovery.moc"
