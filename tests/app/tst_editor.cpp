// Editor unit: typing, diagnostics as squiggles/markers/hover text,
// file operations with the unsaved-changes prompt, and specs that cannot be read.
#include <QFile>
#include <algorithm>
#include <QTemporaryDir>
#include <QToolTip>
#include <QtTest>

#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_checker.h"
#include "app/certstudio/editor/spec_editor.h"
#include "tests/app/editor_fixtures.h"

using cert::studio::EditorTabs;
using cert::studio::SpecChecker;
using cert::studio::SpecEditor;

Q_DECLARE_METATYPE(cert::Severity)

namespace {

const char* const kSpec = cert::studio::test::kSmallSpec;
using cert::studio::test::send;

void writeFile(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write(bytes);
}

QByteArray readFile(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestEditor : public QObject {
  Q_OBJECT

 private slots:
  void typingMarksTabModified();
  void diagnosticIndicatorAtLineAndColumn_data();
  void diagnosticIndicatorAtLineAndColumn();
  void diagnosticWithoutEndMarksTheWord();
  void diagnosticsFollowEdits();
  void hoverShowsDiagnosticText();
  void settingDiagnosticsAgainClearsOldOnes();
  void saveWritesFileAndClearsModified();
  void saveAsUsesPromptedPath();
  void closePrompt_data();
  void closePrompt();
  void openingTheSameFileTwiceReusesTheTab();
  void binaryJunkOpensReadOnlyWithBanner();
  void unreadableSpecIsAnError_data();
  void unreadableSpecIsAnError();
  void checkerShowsFrontendDiagnostics();
  void checkerRechecksAfterTyping();

 private:
  QTemporaryDir dir_;
};

void TestEditor::typingMarksTabModified() {
  EditorTabs tabs;
  SpecEditor* e = tabs.addEditor(QString::fromLatin1(kSpec));
  tabs.show();
  QVERIFY(QTest::qWaitForWindowExposed(&tabs));
  QVERIFY(!e->isModified());
  QVERIFY(!tabs.tabText(0).endsWith(QLatin1String(" *")));
  e->setFocus();
  e->setCursorPosition(4, 0);
  QTest::keyClicks(e, "// hello");
  QVERIFY(e->isModified());
  QVERIFY(tabs.tabText(0).endsWith(QLatin1String(" *")));
  QCOMPARE(e->text(4), QStringLiteral("// helloflow(forward, priority, false, box);\n"));
}

void TestEditor::diagnosticIndicatorAtLineAndColumn_data() {
  QTest::addColumn<cert::Severity>("severity");
  QTest::addColumn<int>("indicator");
  QTest::addColumn<int>("marker");
  QTest::newRow("error") << cert::Severity::Error << SpecEditor::kErrorIndicator << SpecEditor::kErrorMarker;
  QTest::newRow("warning") << cert::Severity::Warning << SpecEditor::kWarningIndicator << SpecEditor::kWarningMarker;
  QTest::newRow("note") << cert::Severity::Note << SpecEditor::kNoteIndicator << SpecEditor::kNoteMarker;
}

void TestEditor::diagnosticIndicatorAtLineAndColumn() {
  QFETCH(cert::Severity, severity);
  QFETCH(int, indicator);
  QFETCH(int, marker);
  SpecEditor e;
  e.setText(QString::fromLatin1(kSpec));
  // Line 3 is "    Relu -> (...": columns 5..8 are "Relu".
  cert::Diagnostic d{severity, "unknown operator", {{3, 5, 0}, {3, 9, 0}}, {}};
  e.setDiagnostics({d});
  const int begin = e.positionOf({3, 5, 0});
  QCOMPARE(e.text().toUtf8().mid(begin, 4), QByteArray("Relu"));
  for (int p = begin; p < begin + 4; ++p)
    QCOMPARE(send(&e, QsciScintillaBase::SCI_INDICATORVALUEAT, static_cast<unsigned long>(indicator), p), 1L);
  QCOMPARE(send(&e, QsciScintillaBase::SCI_INDICATORVALUEAT, static_cast<unsigned long>(indicator), begin - 1), 0L);
  QCOMPARE(send(&e, QsciScintillaBase::SCI_INDICATORVALUEAT, static_cast<unsigned long>(indicator), begin + 4), 0L);
  QCOMPARE(e.markersAtLine(2) & (1 << marker), 1 << marker);
  QCOMPARE(e.markersAtLine(1), 0u);
  const QString hover = e.diagnosticMessageAt(begin + 1);
  QVERIFY2(hover.contains(QLatin1String("unknown operator")), qPrintable(hover));
  QVERIFY(hover.startsWith(QString::fromLatin1(cert::severityName(severity))));
  QVERIFY(e.diagnosticMessageAt(begin - 2).isEmpty());
  QVERIFY(e.diagnosticMessagesOnLine(2).contains(QLatin1String("unknown operator")));
}

void TestEditor::diagnosticWithoutEndMarksTheWord() {
  SpecEditor e;
  e.setText(QString::fromLatin1(kSpec));
  e.setDiagnostics({cert::Diagnostic::error("unknown transformer", {{5, 32, 0}, {}})});
  const int begin = e.positionOf({5, 32, 0});
  QCOMPARE(e.text().toUtf8().mid(begin, 3), QByteArray("box"));
  for (int p = begin; p < begin + 3; ++p)
    QCOMPARE(send(&e, QsciScintillaBase::SCI_INDICATORVALUEAT, SpecEditor::kErrorIndicator, p), 1L);
  QCOMPARE(send(&e, QsciScintillaBase::SCI_INDICATORVALUEAT, SpecEditor::kErrorIndicator, begin + 3), 0L);
}

void TestEditor::diagnosticsFollowEdits() {
  SpecEditor e;
  e.setText(QString::fromLatin1(kSpec));
  e.setDiagnostics({cert::Diagnostic::error("bad rule", {{3, 5, 0}, {3, 9, 0}})});
  e.insertAt(QStringLiteral("// new first line\n"), 0, 0);
  // The squiggle moved with "Relu", now on line 4 (0-based 3).
  const int relu = static_cast<int>(e.text().toUtf8().indexOf("Relu"));
  QCOMPARE(send(&e, QsciScintillaBase::SCI_INDICATORVALUEAT, SpecEditor::kErrorIndicator, relu), 1L);
  QVERIFY(e.markersAtLine(3) & (1 << SpecEditor::kErrorMarker));
  QVERIFY(e.diagnosticMessagesOnLine(3).contains(QLatin1String("bad rule")));
}

void TestEditor::hoverShowsDiagnosticText() {
  SpecEditor e;
  e.setText(QString::fromLatin1(kSpec));
  e.resize(800, 300);
  e.show();
  QVERIFY(QTest::qWaitForWindowExposed(&e));
  e.setDiagnostics({cert::Diagnostic::error("unknown operator 'Relu'", {{3, 5, 0}, {3, 9, 0}})});
  const int pos = e.positionOf({3, 6, 0});
  const int x = static_cast<int>(send(&e, QsciScintillaBase::SCI_POINTXFROMPOSITION, 0, pos));
  const int y = static_cast<int>(send(&e, QsciScintillaBase::SCI_POINTYFROMPOSITION, 0, pos));
  emit e.SCN_DWELLSTART(pos, x, y);  // what Scintilla sends when the mouse rests there
  QTRY_VERIFY(QToolTip::isVisible());
  QVERIFY2(QToolTip::text().contains(QLatin1String("unknown operator 'Relu'")), qPrintable(QToolTip::text()));
  emit e.SCN_DWELLEND(pos, x, y);
  QTRY_VERIFY(!QToolTip::isVisible());
  // Resting on the margin marker of that line shows the same text.
  emit e.SCN_DWELLSTART(-1, 4, y);
  QTRY_VERIFY(QToolTip::isVisible());
  QVERIFY(QToolTip::text().contains(QLatin1String("unknown operator 'Relu'")));
}

void TestEditor::settingDiagnosticsAgainClearsOldOnes() {
  SpecEditor e;
  e.setText(QString::fromLatin1(kSpec));
  QSignalSpy changed(&e, &SpecEditor::diagnosticsChanged);
  e.setDiagnostics({cert::Diagnostic::error("first", {{1, 1, 0}, {1, 4, 0}})});
  e.setDiagnostics({});
  QCOMPARE(changed.count(), 2);
  QCOMPARE(send(&e, QsciScintillaBase::SCI_INDICATORVALUEAT, SpecEditor::kErrorIndicator, 0), 0L);
  QCOMPARE(e.markersAtLine(0), 0u);
  QVERIFY(e.diagnosticMessageAt(0).isEmpty());
}

void TestEditor::saveWritesFileAndClearsModified() {
  const QString path = dir_.filePath(QStringLiteral("save.cf"));
  writeFile(path, "// old\n");
  EditorTabs tabs;
  const auto r = tabs.openFile(path);
  QVERIFY(r.editor);
  QVERIFY(r.error.isEmpty());
  r.editor->setText(QStringLiteral("// new text\n"));
  QVERIFY(r.editor->isModified());
  QSignalSpy saved(&tabs, &EditorTabs::fileSaved);
  QVERIFY(tabs.save(r.editor));
  QCOMPARE(readFile(path), QByteArray("// new text\n"));
  QVERIFY(!r.editor->isModified());
  QCOMPARE(saved.count(), 1);
}

void TestEditor::saveAsUsesPromptedPath() {
  EditorTabs tabs;
  SpecEditor* e = tabs.addEditor();
  QVERIFY(e->filePath().isEmpty());
  QCOMPARE(e->displayName(), QStringLiteral("Untitled 1"));
  e->setText(QStringLiteral("flow(forward, priority, false, box);\n"));
  const QString target = dir_.filePath(QStringLiteral("saved_as.cf"));
  tabs.setSavePathPrompt([&](SpecEditor*) { return target; });
  QVERIFY(tabs.save(e));  // untitled: save asks for a path
  QCOMPARE(readFile(target), QByteArray("flow(forward, priority, false, box);\n"));
  QCOMPARE(e->displayName(), QStringLiteral("saved_as.cf"));
  QCOMPARE(tabs.tabText(0), QStringLiteral("saved_as.cf"));
  tabs.setSavePathPrompt([](SpecEditor*) { return QString(); });
  e->setText(QStringLiteral("changed"));
  QVERIFY(!tabs.saveAs(e));  // cancelled dialog
  QVERIFY(e->isModified());
}

void TestEditor::closePrompt_data() {
  QTest::addColumn<int>("choice");
  QTest::addColumn<bool>("closed");
  QTest::addColumn<QByteArray>("onDisk");
  QTest::newRow("cancel") << int(EditorTabs::UnsavedChoice::Cancel) << false << QByteArray("// original\n");
  QTest::newRow("discard") << int(EditorTabs::UnsavedChoice::Discard) << true << QByteArray("// original\n");
  QTest::newRow("save") << int(EditorTabs::UnsavedChoice::Save) << true << QByteArray("// edited\n");
}

void TestEditor::closePrompt() {
  QFETCH(int, choice);
  QFETCH(bool, closed);
  QFETCH(QByteArray, onDisk);
  const QString path = dir_.filePath(QStringLiteral("close_%1.cf").arg(choice));
  writeFile(path, "// original\n");
  EditorTabs tabs;
  SpecEditor* e = tabs.openFile(path).editor;
  QVERIFY(e);
  QVERIFY(tabs.closeEditor(e));  // unmodified: closes without asking
  QCOMPARE(tabs.count(), 0);
  e = tabs.openFile(path).editor;
  e->setText(QStringLiteral("// edited\n"));
  int asked = 0;
  tabs.setUnsavedPrompt([&](SpecEditor*) {
    ++asked;
    return static_cast<EditorTabs::UnsavedChoice>(choice);
  });
  QSignalSpy closedSpy(&tabs, &EditorTabs::editorClosed);
  QCOMPARE(tabs.closeEditor(e), closed);
  QCOMPARE(asked, 1);
  QCOMPARE(tabs.count(), closed ? 0 : 1);
  QCOMPARE(closedSpy.count(), closed ? 1 : 0);
  QCOMPARE(readFile(path), onDisk);
}

void TestEditor::openingTheSameFileTwiceReusesTheTab() {
  const QString path = dir_.filePath(QStringLiteral("twice.cf"));
  writeFile(path, "// x\n");
  EditorTabs tabs;
  SpecEditor* a = tabs.openFile(path).editor;
  tabs.addEditor();
  SpecEditor* b = tabs.openFile(dir_.path() + QStringLiteral("/./twice.cf")).editor;
  QCOMPARE(a, b);
  QCOMPARE(tabs.count(), 2);
  QCOMPARE(tabs.currentEditor(), a);
}

void TestEditor::binaryJunkOpensReadOnlyWithBanner() {
  const QString path = dir_.filePath(QStringLiteral("junk.cf"));
  QByteArray junk;
  for (int i = 0; i < 512; ++i) junk.append(static_cast<char>((i * 37) % 256));
  writeFile(path, junk);
  EditorTabs tabs;
  const auto r = tabs.openFile(path);
  QVERIFY(r.editor);
  QVERIFY(r.error.isEmpty());
  QVERIFY2(r.warning.contains(QLatin1String("does not look like a text file")), qPrintable(r.warning));
  QVERIFY(r.editor->isReadOnly());
  QCOMPARE(r.editor->banner(), r.warning);
  QCOMPARE(r.editor->annotation(0), r.warning);
  QVERIFY(!r.editor->isModified());
}

void TestEditor::unreadableSpecIsAnError_data() {
  QTest::addColumn<QString>("path");
  QTest::addColumn<QString>("message");
  QTest::newRow("missing") << dir_.filePath(QStringLiteral("nope.cf")) << "no such file";
  QTest::newRow("folder") << dir_.path() << "is a folder";
}

void TestEditor::unreadableSpecIsAnError() {
  QFETCH(QString, path);
  QFETCH(QString, message);
  EditorTabs tabs;
  QSignalSpy errors(&tabs, &EditorTabs::errorOccurred);
  const auto r = tabs.openFile(path);
  QVERIFY(!r.editor);
  QVERIFY2(r.error.contains(message), qPrintable(r.error));
  QCOMPARE(tabs.count(), 0);
  QCOMPARE(errors.count(), 1);
}

void TestEditor::checkerShowsFrontendDiagnostics() {
  EditorTabs tabs;
  SpecChecker checker(tabs);
  checker.setDelay(10);
  QSignalSpy checked(&checker, &SpecChecker::checked);
  // Line 3: Float + Bool is a type error at the '+' operand range starting at column 14.
  SpecEditor* e = tabs.addEditor(QString::fromLatin1(kSpec).replace(QStringLiteral("prev[l] >= 0 ? prev[l] : 0,"),
                                                                     QStringLiteral("prev[l] + true,")));
  QVERIFY(checked.wait(5000));
  QCOMPARE(checked.first().at(0).value<SpecEditor*>(), e);
  QVERIFY(checked.first().at(1).toInt() >= 1);
  const auto& diags = e->diagnostics();
  const auto typeError = std::find_if(diags.begin(), diags.end(), [](const cert::Diagnostic& d) {
    return d.message.find("Float + Bool") != std::string::npos;
  });
  QVERIFY(typeError != diags.end());
  QCOMPARE(typeError->range.begin.line, 3);
  const int pos = e->positionOf(typeError->range.begin);
  QVERIFY(send(e, QsciScintillaBase::SCI_INDICATORVALUEAT, SpecEditor::kErrorIndicator, pos) > 0);
  QVERIFY(e->diagnosticMessageAt(pos).contains(QLatin1String("Float + Bool")));
}

void TestEditor::checkerRechecksAfterTyping() {
  EditorTabs tabs;
  SpecChecker checker(tabs);
  checker.setDelay(10);
  QSignalSpy checked(&checker, &SpecChecker::checked);
  SpecEditor* e = tabs.addEditor(QString::fromLatin1(kSpec));
  QVERIFY(checked.wait(5000));
  const int errorsBefore = checked.takeFirst().at(1).toInt();
  tabs.show();
  QVERIFY(QTest::qWaitForWindowExposed(&tabs));
  e->setFocus();
  e->setCursorPosition(5, 0);  // the empty last line
  QTest::keyClicks(e, "flow(forward, nosuch, false, box);");
  QTRY_VERIFY_WITH_TIMEOUT(!checked.isEmpty(), 5000);
  QVERIFY(checked.last().at(1).toInt() > errorsBefore);
  bool mentionsName = false;
  for (const cert::Diagnostic& d : e->diagnostics()) mentionsName |= d.message.find("nosuch") != std::string::npos;
  QVERIFY(mentionsName);
}

QTEST_MAIN(TestEditor)
#include "tst_editor.moc"
