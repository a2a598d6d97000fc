// Completion unit: what is offered where (language words, operator names, shape members after
// `[`, the spec's functions), and the real list and call tip when typing into deeppoly.cf.
#include <QtTest>

#include <string>

#include "app/certstudio/editor/cf_completion.h"
#include "app/certstudio/editor/editor_tabs.h"
#include "app/certstudio/editor/spec_checker.h"
#include "app/certstudio/editor/spec_completer.h"
#include "app/certstudio/editor/spec_editor.h"
#include "compiler/frontend.h"
#include "tests/support/test_paths.h"

using cert::studio::EditorTabs;
using cert::studio::SpecChecker;
using cert::studio::SpecEditor;
using cert::studio::SpecOutline;

namespace {

SpecOutline deeppolyOutline() {
  const auto text = cert::readSpecFile(cert::test::sourcePath("specs/deeppoly.cf"), nullptr);
  return text ? cert::studio::outlineOf(cert::runFrontend(*text).program) : SpecOutline{};
}

QStringList offered(const std::string& before, int minPrefix = 2) {
  QStringList out;
  for (const std::string& w : cert::studio::completionsAt(before, deeppolyOutline(), minPrefix).items)
    out << QString::fromStdString(w);
  return out;
}

long send(SpecEditor* e, unsigned int msg) { return e->SendScintilla(msg); }

}  // namespace

class TestCompletion : public QObject {
  Q_OBJECT

 private slots:
  void outlineOfDeeppoly();
  void offers_data();
  void offers();
  void callTipForSpecFunctions();
  void typingIntoDeeppolyOffersMembersAndFunctions();
};

void TestCompletion::outlineOfDeeppoly() {
  const SpecOutline o = deeppolyOutline();
  QCOMPARE(o.shapeMembers, (std::vector<std::string>{"l", "u", "L", "U"}));
  const auto f = std::find_if(o.funcs.begin(), o.funcs.end(), [](const auto& x) { return x.name == "backsubs_lower"; });
  QVERIFY(f != o.funcs.end());
  QCOMPARE(QString::fromStdString(f->signature), QStringLiteral("backsubs_lower(PolyExp e, Neuron n)"));
}

void TestCompletion::offers_data() {
  QTest::addColumn<QString>("before");
  QTest::addColumn<QStringList>("mustOffer");
  QTest::addColumn<QStringList>("mustNotOffer");
  QTest::newRow("members after [") << "    Relu -> (curr[" << QStringList{"l", "u", "L", "U", "layer", "weight"}
                                   << QStringList{"transformer", "backsubs_lower"};
  QTest::newRow("members after [ narrowed") << "prev[la" << QStringList{"last_layer", "layer"}
                                            << QStringList{"l", "weight"};
  QTest::newRow("spec function") << "x = back" << QStringList{"backsubs_lower", "backsubs_upper", "backward"}
                                 << QStringList{"transformer"};
  QTest::newRow("keyword") << "tra" << QStringList{"transformer", "traverse"} << QStringList{};
  QTest::newRow("type") << "func f(Po" << QStringList{"PolyExp"} << QStringList{};
  QTest::newRow("operator names") << "    Neuron_" << QStringList{"Neuron_add", "Neuron_max"} << QStringList{"Neuron"};
  QTest::newRow("reverse operators") << "rev_" << QStringList{"rev_Affine", "rev_Relu"} << QStringList{};
  QTest::newRow("metadata") << "n[la" << QStringList{"last_layer"} << QStringList{};
  QTest::newRow("one letter is too short") << "x = b" << QStringList{} << QStringList{"backsubs_lower"};
  QTest::newRow("nothing in comments") << "// back" << QStringList{} << QStringList{"backsubs_lower"};
  QTest::newRow("nothing after a number") << "x = 12" << QStringList{} << QStringList{};
  QTest::newRow("typed out already") << "backward" << QStringList{} << QStringList{"backward"};
}

void TestCompletion::offers() {
  QFETCH(QString, before);
  QFETCH(QStringList, mustOffer);
  QFETCH(QStringList, mustNotOffer);
  const QStringList got = offered(before.toStdString());
  for (const QString& w : mustOffer) QVERIFY2(got.contains(w), qPrintable(w + " missing from " + got.join(' ')));
  for (const QString& w : mustNotOffer) QVERIFY2(!got.contains(w), qPrintable(w + " offered"));
  if (mustOffer.isEmpty()) QVERIFY2(got.isEmpty(), qPrintable(got.join(' ')));
  QVERIFY(std::is_sorted(got.begin(), got.end(), [](const QString& a, const QString& b) {
    return a.toStdString() < b.toStdString();  // Scintilla's list needs byte order
  }));
}

void TestCompletion::callTipForSpecFunctions() {
  const SpecOutline o = deeppolyOutline();
  QCOMPARE(QString::fromStdString(cert::studio::callTipAt("x = priority(", o)), QStringLiteral("priority(Neuron n)"));
  QCOMPARE(QString::fromStdString(cert::studio::callTipAt("x = max(", o)), QString());
  QCOMPARE(QString::fromStdString(cert::studio::callTipAt("x = priority", o)), QString());
}

void TestCompletion::typingIntoDeeppolyOffersMembersAndFunctions() {
  EditorTabs tabs;
  SpecChecker checker(tabs);
  checker.setDelay(10);
  QSignalSpy checked(&checker, &SpecChecker::checked);
  const EditorTabs::OpenResult opened = tabs.openFile(QString::fromStdString(cert::test::sourcePath("specs/deeppoly.cf")));
  SpecEditor* e = opened.editor;
  QVERIFY(e);
  QVERIFY(checked.wait(10000));
  tabs.resize(900, 700);
  tabs.show();
  QVERIFY(QTest::qWaitForWindowExposed(&tabs));
  e->setFocus();
  e->setCursorPosition(e->lines() - 1, 0);
  QTest::keyClick(e, Qt::Key_Return);

  QTest::keyClicks(e, "x = curr[");
  QTRY_VERIFY(e->isListActive());
  for (const char* m : {"l", "u", "L", "U"})
    QVERIFY2(e->completer().lastOffered().contains(QLatin1String(m)), m);
  QTest::keyClick(e, Qt::Key_Escape);
  QVERIFY(!e->isListActive());

  QTest::keyClicks(e, "] + back");
  QTRY_VERIFY(e->isListActive());
  QVERIFY(e->completer().lastOffered().contains(QStringLiteral("backsubs_lower")));
  QTest::keyClicks(e, "subs_l");  // the open list narrows to the one match
  QTest::keyClick(e, Qt::Key_Return);
  QVERIFY(!e->isListActive());
  QVERIFY(e->text(e->lines() - 1).endsWith(QLatin1String("x = curr[] + backsubs_lower")));

  QTest::keyClicks(e, "(");
  QVERIFY(send(e, QsciScintillaBase::SCI_CALLTIPACTIVE) != 0);
}

QTEST_MAIN(TestCompletion)
#include "tst_completion.moc"
