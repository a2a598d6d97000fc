// Highlighting unit: spans come from the compiler's lexer (so they agree on every shipped spec),
// block comments across lines, shape members, brace folding, and lazy restyling of big specs.
#include <QDir>
#include <QFile>
#include <QtTest>

#include <string>

#include "app/certstudio/editor/cf_highlight_scan.h"
#include "app/certstudio/editor/cf_lexer.h"
#include "app/certstudio/editor/spec_editor.h"
#include "tests/app/editor_fixtures.h"
#include "compiler/lexer/lexer.h"
#include "tests/support/test_paths.h"

using cert::studio::CfLexer;
using cert::studio::ChunkScan;
using cert::studio::HighlightKind;
using cert::studio::HighlightSpan;
using cert::studio::SpecEditor;
using cert::studio::scanHighlightChunk;

Q_DECLARE_METATYPE(HighlightKind)

namespace {

const char* const kSpec = cert::studio::test::kSmallSpec;
using cert::studio::test::send;

long styleAt(SpecEditor* e, const QByteArray& needle, int from = 0) {
  const qsizetype at = e->text().toUtf8().indexOf(needle, from);
  return at < 0 ? -1 : send(e, QsciScintillaBase::SCI_GETSTYLEAT, static_cast<unsigned long>(at));
}

QByteArray readSpec(const QString& name) {
  QFile f(QString::fromStdString(cert::test::sourcePath("specs/")) + name);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// A long spec: deeppoly.cf followed by its rules repeated until it has `lines` lines.
QString longSpec(int lines) {
  QString text = QString::fromUtf8(readSpec(QStringLiteral("deeppoly.cf")));
  const QString block = QStringLiteral("transformer extra {\n    Relu -> (prev[l], prev[u], prev[L], prev[U]);\n}\n");
  while (text.count(QLatin1Char('\n')) < lines) text += block;
  return text;
}

}  // namespace

class TestHighlight : public QObject {
  Q_OBJECT

 private slots:
  void kindsComeFromCompilerTokens_data();
  void kindsComeFromCompilerTokens();
  void spansAreTheCompilersTokensOnEveryShippedSpec();
  void blockCommentCarriesAcrossLines();
  void lexerStylesAndFolds();
  void shapeMembersFromTheOutline();
  void editsRestyleBigSpecsLazilyAndCorrectly();
};

void TestHighlight::kindsComeFromCompilerTokens_data() {
  QTest::addColumn<QString>("word");
  QTest::addColumn<HighlightKind>("kind");
  QTest::newRow("keyword") << "transformer" << HighlightKind::Keyword;
  QTest::newRow("keyword prev_0") << "prev_0" << HighlightKind::Keyword;
  QTest::newRow("type") << "PolyExp" << HighlightKind::Type;
  QTest::newRow("List type") << "List" << HighlightKind::Type;
  QTest::newRow("old ZonoExp type") << "ZonoExp" << HighlightKind::Type;
  QTest::newRow("metadata") << "weight" << HighlightKind::Metadata;
  QTest::newRow("metadata last_layer") << "last_layer" << HighlightKind::Metadata;
  QTest::newRow("operator") << "Neuron_add" << HighlightKind::LayerOp;
  QTest::newRow("reverse operator") << "rev_Relu" << HighlightKind::LayerOp;
  QTest::newRow("not an operator") << "rev_Nothing" << HighlightKind::Identifier;
  QTest::newRow("identifier") << "backsubs_lower" << HighlightKind::Identifier;
  QTest::newRow("primed identifier") << "x'" << HighlightKind::Identifier;
  QTest::newRow("shape member") << "L" << HighlightKind::ShapeMember;
  QTest::newRow("float") << "1.5e-3" << HighlightKind::Number;
  QTest::newRow("int") << "42" << HighlightKind::Number;
  QTest::newRow("malformed number") << "1e5" << HighlightKind::Error;
  QTest::newRow("rejected character") << "&&" << HighlightKind::Error;
}

void TestHighlight::kindsComeFromCompilerTokens() {
  QFETCH(QString, word);
  QFETCH(HighlightKind, kind);
  const std::string line = "  " + word.toStdString() + " (";
  const ChunkScan scan = scanHighlightChunk(line, false, {"l", "u", "L", "U"});
  QCOMPARE(scan.spans.size(), 2u);
  QCOMPARE(scan.spans[0].begin, 2);
  QCOMPARE(scan.spans[0].length, static_cast<int>(word.size()));
  QCOMPARE(scan.spans[0].kind, kind);
  QCOMPARE(scan.spans[1].kind, HighlightKind::Operator);
}

void TestHighlight::spansAreTheCompilersTokensOnEveryShippedSpec() {
  const QDir specs(QString::fromStdString(cert::test::sourcePath("specs")));
  const QStringList names = specs.entryList({QStringLiteral("*.cf")});
  QVERIFY(names.size() >= 5);
  for (const QString& name : names) {
    const QByteArray bytes = readSpec(name);
    const std::string_view text(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    const cert::lexer::LexResult lexed = cert::lexer::lex(text);
    std::vector<HighlightSpan> tokens;
    for (const HighlightSpan& s : scanHighlightChunk(text, false, {}).spans)
      if (s.kind != HighlightKind::Comment) tokens.push_back(s);
    QCOMPARE(tokens.size(), lexed.tokens.size() - 1);  // all but End
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      QCOMPARE(tokens[i].begin, lexed.tokens[i].range.begin.offset);
      QCOMPARE(tokens[i].length, static_cast<int>(lexed.tokens[i].text.size()));
    }
  }
}

void TestHighlight::blockCommentCarriesAcrossLines() {
  const ChunkScan all = scanHighlightChunk("x /* a\n{ b\n*/ y {\n", false, {});
  QCOMPARE(all.lines.size(), 4u);
  QVERIFY(all.lines[0].endsInBlockComment);
  QVERIFY(all.lines[1].endsInBlockComment);
  QVERIFY(!all.lines[2].endsInBlockComment);
  QCOMPARE(all.lines[1].opens, 0);  // the '{' is inside the comment
  QCOMPARE(all.lines[2].opens, 1);
  // The second line alone, told it starts inside the comment, is all one error span.
  const ChunkScan inside = scanHighlightChunk("{ b\n", true, {});
  QCOMPARE(inside.spans.size(), 1u);
  QCOMPARE(inside.spans[0].kind, HighlightKind::Error);
  QCOMPARE(inside.spans[0].begin, 0);
  QCOMPARE(inside.spans[0].length, 4);
  QCOMPARE(inside.lines[0].opens, 0);
  const ChunkScan closing = scanHighlightChunk("*/ y {\n", true, {});
  QCOMPARE(closing.spans[0].kind, HighlightKind::Error);
  QCOMPARE(closing.spans[0].length, 2);
  QCOMPARE(closing.spans[1].kind, HighlightKind::Identifier);
  QCOMPARE(closing.lines[0].opens, 1);
}

void TestHighlight::lexerStylesAndFolds() {
  SpecEditor e;
  e.setText(QString::fromLatin1(kSpec));
  send(&e, QsciScintillaBase::SCI_COLOURISE, 0, -1);
  QCOMPARE(styleAt(&e, "transformer"), long(CfLexer::Keyword));
  QCOMPARE(styleAt(&e, "Float"), long(CfLexer::Type));
  QCOMPARE(styleAt(&e, "Relu"), long(CfLexer::LayerOp));
  QCOMPARE(styleAt(&e, "priority"), long(CfLexer::Identifier));
  QCOMPARE(styleAt(&e, "->"), long(CfLexer::Operator));
  const long header = send(&e, QsciScintillaBase::SCI_GETFOLDLEVEL, 1);
  QVERIFY(header & QsciScintillaBase::SC_FOLDLEVELHEADERFLAG);
  QCOMPARE(send(&e, QsciScintillaBase::SCI_GETFOLDLEVEL, 2) & QsciScintillaBase::SC_FOLDLEVELNUMBERMASK,
           long(QsciScintillaBase::SC_FOLDLEVELBASE + 1));
  QCOMPARE(send(&e, QsciScintillaBase::SCI_GETLASTCHILD, 1, -1), 3L);  // the block folds up to "}"
  QCOMPARE(e.folding(), QsciScintilla::BoxedTreeFoldStyle);
}

void TestHighlight::shapeMembersFromTheOutline() {
  SpecEditor e;
  e.setText(QString::fromLatin1(kSpec));
  send(&e, QsciScintillaBase::SCI_COLOURISE, 0, -1);
  QCOMPARE(styleAt(&e, "l] <="), long(CfLexer::Identifier));
  e.setOutline({{"l", "u"}, {}});
  QCOMPARE(styleAt(&e, "l] <="), long(CfLexer::ShapeMember));
  QCOMPARE(styleAt(&e, "u] >="), long(CfLexer::ShapeMember));
}

void TestHighlight::editsRestyleBigSpecsLazilyAndCorrectly() {
  const QString text = longSpec(2000);
  SpecEditor e;
  e.resize(800, 600);
  e.setText(text);
  e.show();
  QVERIFY(QTest::qWaitForWindowExposed(&e));
  QCoreApplication::processEvents();
  const long length = send(&e, QsciScintillaBase::SCI_GETLENGTH);
  // Shown at the top, only what is on screen has been lexed.
  QVERIFY(send(&e, QsciScintillaBase::SCI_GETENDSTYLED) < length / 4);

  // Typing near the top restyles from there, not the whole document.
  e.setCursorPosition(3, 0);
  QTest::keyClicks(&e, "/* ");
  QCoreApplication::processEvents();
  QVERIFY(send(&e, QsciScintillaBase::SCI_GETENDSTYLED) < length / 4);

  // When the rest is needed it is styled as the compiler reads it: all inside the comment...
  send(&e, QsciScintillaBase::SCI_COLOURISE, 0, -1);
  const int lastTransformer = static_cast<int>(e.text().toUtf8().lastIndexOf("transformer"));
  QCOMPARE(send(&e, QsciScintillaBase::SCI_GETSTYLEAT, static_cast<unsigned long>(lastTransformer)), long(CfLexer::Error));
  // ... and, once the comment is closed, exactly as a fresh editor with the same text styles it.
  e.setCursorPosition(3, 3);
  QTest::keyClicks(&e, "*/");
  send(&e, QsciScintillaBase::SCI_COLOURISE, 0, -1);
  SpecEditor fresh;
  fresh.setText(e.text());
  send(&fresh, QsciScintillaBase::SCI_COLOURISE, 0, -1);
  const long n = send(&e, QsciScintillaBase::SCI_GETLENGTH);
  for (long pos = 0; pos < n; ++pos) {
    if (send(&e, QsciScintillaBase::SCI_GETSTYLEAT, static_cast<unsigned long>(pos)) !=
        send(&fresh, QsciScintillaBase::SCI_GETSTYLEAT, static_cast<unsigned long>(pos)))
      QFAIL(qPrintable(QStringLiteral("style differs at byte %1").arg(pos)));
  }
  const int lastLine = e.lines() - 2;
  QCOMPARE(send(&e, QsciScintillaBase::SCI_GETFOLDLEVEL, static_cast<unsigned long>(lastLine)),
           send(&fresh, QsciScintillaBase::SCI_GETFOLDLEVEL, static_cast<unsigned long>(lastLine)));
}

QTEST_MAIN(TestHighlight)
#include "tst_highlight.moc"
