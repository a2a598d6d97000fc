// Golden AST dumps: every tests/golden/ast/NAME.cf must check without errors and dump (with
// positions and types) exactly as NAME.ast. CERT_UPDATE_GOLDEN=1 rewrites the .ast files.
#include <QDir>
#include <QFile>
#include <QtTest>

#include "compiler/ast/equal.h"
#include "compiler/frontend.h"
#include "compiler/printer/ast_dump.h"
#include "tests/support/test_paths.h"

namespace {

QString goldenDir() { return QString::fromStdString(cert::test::sourcePath("tests/golden/ast")); }

std::string readAll(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return f.readAll().toStdString();
}

std::string dump(const cert::FrontendResult& fe, bool positions) {
  cert::printer::DumpOptions o;
  o.positions = positions;
  o.types = &fe.types;
  o.funcTypes = &fe.funcTypes;
  return cert::printer::dumpAst(fe.program, o);
}

std::string diagnosticsText(const cert::FrontendResult& fe) {
  std::string s;
  for (const auto& d : fe.diagnostics) s += cert::formatDiagnostic("spec", d) + "\n";
  return s;
}

}  // namespace

class TestGoldenAst : public QObject {
  Q_OBJECT

 private slots:
  void golden_data() {
    QTest::addColumn<QString>("name");
    const QStringList specs = QDir(goldenDir()).entryList({"*.cf"}, QDir::Files, QDir::Name);
    QVERIFY2(specs.size() >= 6, "expected the golden AST specs under tests/golden/ast");
    for (const auto& s : specs) QTest::newRow(qPrintable(s)) << s.chopped(3);
  }

  void golden() {
    QFETCH(QString, name);
    const std::string text = readAll(goldenDir() + "/" + name + ".cf");
    const cert::FrontendResult fe = cert::runFrontend(text);
    QVERIFY2(fe.ok(), diagnosticsText(fe).c_str());
    const std::string actual = dump(fe, true);
    const QString expectedPath = goldenDir() + "/" + name + ".ast";
    if (qEnvironmentVariableIsSet("CERT_UPDATE_GOLDEN")) {
      QFile f(expectedPath);
      QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
      f.write(actual.data(), static_cast<qint64>(actual.size()));
    }
    const std::string expected = readAll(expectedPath);
    QVERIFY2(!expected.empty(), qPrintable("missing golden file " + expectedPath));
    QCOMPARE(QString::fromStdString(actual), QString::fromStdString(expected));
  }

  // The published style (everything parenthesized) and the minimal-parentheses style give the
  // same tree: structurally equal, and the same dump once positions are left out.
  void parenthesesDoNotMatter() {
    const auto a = cert::runFrontend(readAll(goldenDir() + "/deeppoly_parens.cf"));
    const auto b = cert::runFrontend(readAll(goldenDir() + "/deeppoly_noparens.cf"));
    QVERIFY(a.ok());
    QVERIFY(b.ok());
    QVERIFY(cert::ast::structurallyEqual(a.program, b.program));
    QCOMPARE(QString::fromStdString(dump(a, false)), QString::fromStdString(dump(b, false)));
    // ...and the comparison can fail: the two dumps with positions differ.
    QVERIFY(dump(a, true) != dump(b, true));
  }

  void typesAreRecordedForEveryExpression() {
    const auto fe = cert::runFrontend(readAll(goldenDir() + "/deeppoly_parens.cf"));
    QVERIFY(fe.ok());
    QCOMPARE(static_cast<int>(fe.types.size()), fe.program.exprCount);
    for (int id = 0; id < fe.program.exprCount; ++id)
      QVERIFY2(!fe.types.of(id).isError(), qPrintable(QString("node %1 has no type").arg(id)));
  }
};

QTEST_APPLESS_MAIN(TestGoldenAst)
#include "tst_golden_ast.moc"
