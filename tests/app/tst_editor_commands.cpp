// Edit > Find / Replace / Go to Line, Help > Language Reference and F1, File > New from Template:
// matches are where QString::indexOf finds them, Replace All equals QString::replace and undoes
// in one step, F1 opens the entry of the word under the cursor, every language word has an entry,
// and the template compiles and runs (its interval bounds on the DeepPoly paper's network are the
// ones computed by hand below).
#include <QAction>
#include <QCheckBox>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

#include <atomic>

#include "app/certstudio/editor/editor_commands.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/find_bar.h"
#include "app/certstudio/editor/spec_editor.h"
#include "app/certstudio/editor/spec_template.h"
#include "app/certstudio/file_menu.h"
#include "app/certstudio/help/language_reference.h"
#include "app/certstudio/main_window.h"
#include "app/certstudio/run/run_job.h"
#include "compiler/lexer/token.h"
#include "compiler/types/operators.h"
#include "tests/app/run_fixtures.h"
#include "tests/app/window_fixtures.h"

using namespace cert::studio;

class TestEditorCommands : public QObject {
  Q_OBJECT

 private slots:
  void init();
  void cleanup();
  void shortcutsOpenTheBar();
  void findNextAndPreviousVisitEveryMatch();
  void replaceAllIsOneUndoStep();
  void goToLine();
  void everyLanguageWordHasAnEntry();
  void f1OpensTheEntryOfTheWordAtTheCursor();
  void templateOpensInANewTab();
  void templateCompilesAndRuns();

 private:
  SpecEditor* editorWith(const QString& text);
  std::unique_ptr<QTemporaryDir> dir_;
  std::unique_ptr<MainWindow> w_;
};

void TestEditorCommands::init() {
  dir_ = std::make_unique<QTemporaryDir>();
  w_ = std::make_unique<MainWindow>(test::isolatedWindowOptions(*dir_));
  w_->resize(1280, 800);
  w_->show();
  QVERIFY(QTest::qWaitForWindowExposed(w_.get()));
}

void TestEditorCommands::cleanup() {
  for (SpecEditor* e : w_->editors()->editors()) e->setModified(false);
  w_.reset();
}

SpecEditor* TestEditorCommands::editorWith(const QString& text) {
  SpecEditor* e = w_->editors()->addEditor(text);
  w_->editors()->setCurrentWidget(e);
  e->setFocus();
  return e;
}

void TestEditorCommands::shortcutsOpenTheBar() {
  SpecEditor* e = editorWith(QStringLiteral("func f(Float x) = x;\n"));
  FindBar* bar = w_->editorCommands()->findBar();
  QVERIFY(!bar->isVisible());
  QTest::keyClick(e, Qt::Key_F, Qt::ControlModifier);
  QTRY_VERIFY(bar->isVisible());
  QVERIFY(!bar->replaceVisible());
  QVERIFY(bar->findField()->hasFocus());
  QTest::keyClick(bar->findField(), Qt::Key_Escape);
  QTRY_VERIFY(!bar->isVisible());
  e->setFocus();
  QTest::keyClick(e, Qt::Key_H, Qt::ControlModifier);
  QTRY_VERIFY(bar->isVisible());
  QVERIFY(bar->replaceVisible());
}

void TestEditorCommands::findNextAndPreviousVisitEveryMatch() {
  const QString text = QStringLiteral("prev[l] + prev[u]\n// PREV\nfunc g(Neuron n) = n[l] + prev[l];\n");
  SpecEditor* e = editorWith(text);
  e->setCursorPosition(0, 0);
  FindBar* bar = w_->editorCommands()->findBar();
  bar->open(false);
  bar->findField()->setText(QStringLiteral("prev"));
  bar->caseBox()->setChecked(true);
  // The expected matches, case-sensitive, as absolute offsets (the text is ASCII).
  QList<int> expected;
  for (qsizetype at = text.indexOf(QLatin1String("prev")); at >= 0; at = text.indexOf(QLatin1String("prev"), at + 1))
    expected << static_cast<int>(at);
  QCOMPARE(expected.size(), 3);
  auto selectionStart = [e] {
    int lf = 0, i0 = 0, lt = 0, i1 = 0;
    e->getSelection(&lf, &i0, &lt, &i1);
    return static_cast<int>(e->positionFromLineIndex(lf, i0));
  };
  for (int k = 0; k < 4; ++k) {  // the fourth wraps to the first
    QVERIFY(bar->findNext());
    QCOMPARE(selectionStart(), expected[k % 3]);
    QCOMPARE(e->selectedText(), QStringLiteral("prev"));
  }
  QVERIFY(bar->findPrevious());  // from the first match back (wrapping) to the last
  QCOMPARE(selectionStart(), expected[2]);
  QVERIFY(bar->findPrevious());
  QCOMPARE(selectionStart(), expected[1]);
  QCOMPARE(bar->statusText(), QStringLiteral("3 matches"));

  bar->caseBox()->setChecked(false);  // PREV now matches too
  QVERIFY(bar->findNext());
  QCOMPARE(bar->statusText(), QStringLiteral("%1 matches").arg(text.count(QLatin1String("prev"), Qt::CaseInsensitive)));
  bar->findField()->setText(QStringLiteral("absent"));
  QVERIFY(!bar->findNext());
  QCOMPARE(bar->statusText(), QStringLiteral("No matches"));
}

void TestEditorCommands::replaceAllIsOneUndoStep() {
  const QString text = QStringLiteral("l + l_x + l\nfunc l(Float l) = l;\n");
  SpecEditor* e = editorWith(text);
  FindBar* bar = w_->editorCommands()->findBar();
  bar->open(true);
  bar->findField()->setText(QStringLiteral("l"));
  bar->replaceField()->setText(QStringLiteral("lo"));
  bar->caseBox()->setChecked(true);
  bar->wordBox()->setChecked(true);
  // Whole words "l" only (not l_x, not "func", "Float"): the expected text by a regex.
  QString expected = text;
  expected.replace(QRegularExpression(QStringLiteral("\\bl\\b")), QStringLiteral("lo"));
  const int expectedCount = static_cast<int>(text.count(QRegularExpression(QStringLiteral("\\bl\\b"))));
  QCOMPARE(expectedCount, 5);
  QCOMPARE(bar->replaceAll(), expectedCount);
  QCOMPARE(e->text(), expected);
  e->undo();
  QCOMPARE(e->text(), text);

  // Replace one: selects the first match, then replaces it and moves on.
  e->setCursorPosition(0, 0);
  QVERIFY(!bar->replaceCurrent());  // nothing selected yet: it selects the first match
  QCOMPARE(e->selectedText(), QStringLiteral("l"));
  QVERIFY(bar->replaceCurrent());
  QVERIFY(e->text().startsWith(QStringLiteral("lo + l_x + l")));
}

void TestEditorCommands::goToLine() {
  SpecEditor* e = editorWith(QStringLiteral("a\nb\nc\nd\ne\n"));
  EditorCommands* c = w_->editorCommands();
  QVERIFY(c->goToLine(3));
  int line = -1, index = -1;
  e->getCursorPosition(&line, &index);
  QCOMPARE(line, 2);
  QCOMPARE(index, 0);
  QVERIFY(c->goToLine(1000));  // clamped to the last line
  e->getCursorPosition(&line, &index);
  QCOMPARE(line, e->lines() - 1);
  // Ctrl+G asks (here: a prompt that answers 2) and goes there.
  int askedWithLines = 0;
  c->setLinePrompt([&](int, int lines) {
    askedWithLines = lines;
    return 2;
  });
  e->setFocus();
  QTest::keyClick(e, Qt::Key_G, Qt::ControlModifier);
  QTRY_COMPARE(askedWithLines, e->lines());
  e->getCursorPosition(&line, &index);
  QCOMPARE(line, 1);
}

void TestEditorCommands::everyLanguageWordHasAnEntry() {
  using cert::lexer::TokenKind;
  QStringList missing;
  int words = 0;
  for (int k = static_cast<int>(TokenKind::KwDef); k <= static_cast<int>(TokenKind::KwEquations); ++k) {
    const QString w = QString::fromStdString(std::string(cert::lexer::tokenSpelling(static_cast<TokenKind>(k))));
    ++words;
    if (LanguageReference::anchorFor(w).isEmpty()) missing << w;
  }
  for (const std::string& op : cert::types::operatorNames()) {
    ++words;
    if (LanguageReference::anchorFor(QString::fromStdString(op)).isEmpty()) missing << QString::fromStdString(op);
  }
  QVERIFY(words > 60);
  QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral(", "))));
  QVERIFY(LanguageReference::anchorFor(QStringLiteral("my_helper")).isEmpty());
  // Every anchor the lookup returns is defined in the page.
  QVERIFY(LanguageReference::anchors().contains(LanguageReference::anchorFor(QStringLiteral("traverse"))));
}

void TestEditorCommands::f1OpensTheEntryOfTheWordAtTheCursor() {
  const QString text = QStringLiteral("func f(Neuron n) = n[l];\nAffine -> (prev.traverse(backward, p, s, r){e <= n});\n");
  SpecEditor* e = editorWith(text);
  e->setCursorPosition(1, static_cast<int>(text.section(QLatin1Char('\n'), 1, 1).indexOf(QLatin1String("traverse")) + 3));
  EditorCommands* c = w_->editorCommands();
  QCOMPARE(c->wordAtCursor(), QStringLiteral("traverse"));
  QTest::keyClick(e, Qt::Key_F1);
  LanguageReference* ref = c->reference();
  QTRY_VERIFY(ref->isVisible());
  QCOMPARE(ref->currentAnchor(), QStringLiteral("kw-traverse"));
  QTRY_VERIFY(ref->browser()->verticalScrollBar()->value() > 0);  // scrolled down to the entry
  const int traverseAt = ref->browser()->verticalScrollBar()->value();

  e->setCursorPosition(1, 2);  // on "Affine": an operator entry, further down the page
  QCOMPARE(c->helpOnWordAtCursor(), QStringLiteral("op-Affine"));
  QTRY_VERIFY(ref->browser()->verticalScrollBar()->value() > traverseAt);

  e->setCursorPosition(0, 5);  // on "f", a name of the spec: the top of the reference
  QCOMPARE(c->helpOnWordAtCursor(), QString());
  QTRY_COMPARE(ref->browser()->verticalScrollBar()->value(), 0);

  // Help > Language Reference opens it too.
  ref->hide();
  c->referenceAction()->trigger();
  QVERIFY(ref->isVisible());
  QVERIFY(ref->browser()->toPlainText().contains(QLatin1String("ConstraintFlow language reference")));
}

void TestEditorCommands::templateOpensInANewTab() {
  const int before = w_->editors()->count();
  w_->fileMenu()->templateAction()->trigger();
  QCOMPARE(w_->editors()->count(), before + 1);
  SpecEditor* e = w_->editors()->currentEditor();
  QCOMPARE(e->text(), SpecTemplate::text());
  QVERIFY(e->text().contains(QLatin1String("transformer")));
  QVERIFY(e->isModified());
  QVERIFY(e->filePath().isEmpty());
}

void TestEditorCommands::templateCompilesAndRuns() {
  // The DeepPoly paper's network on x1, x2 in [-1, 1]. Interval arithmetic by hand:
  //   x3 = x1 + x2, x4 = x1 - x2 in [-2, 2]; ReLU: x5, x6 in [0, 2];
  //   x7 = x5 + x6 in [0, 4], x8 = x5 - x6 in [-2, 2]; ReLU: x9 in [0, 4], x10 in [0, 2];
  //   x11 = x9 + x10 + 1 in [1, 7], x12 = x10 in [0, 2].
  RunRequest r;
  r.specText = SpecTemplate::text().toStdString();
  r.specName = QStringLiteral("template");
  r.network = test::importNet(QStringLiteral("deeppoly_example.onnx"));
  QVERIFY(r.network);
  r.input.kind = RunInput::Kind::Vnnlib;
  r.input.path = test::kSource + QStringLiteral("/resources/inputs/deeppoly_example.vnnlib");
  std::atomic<bool> cancel{false};
  const RunOutcome out = executeRun(r, cancel);
  QVERIFY2(out.state == RunOutcome::State::Done, qPrintable(out.summary()));
  const cert::LayerBoundsResult& last = out.item.layers.back();
  QCOMPARE(last.lower.size(), 2);
  QCOMPARE(last.lower[0], 1.0);
  QCOMPARE(last.upper[0], 7.0);
  QCOMPARE(last.lower[1], 0.0);
  QCOMPARE(last.upper[1], 2.0);
}

QTEST_MAIN(TestEditorCommands)
#include "tst_editor_commands.moc"
