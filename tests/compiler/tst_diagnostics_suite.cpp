// The error suite: every tests/golden/errors/NAME.cf gives exactly the diagnostics listed in
// NAME.expected ("LINE:COL: error|warning: MESSAGE", in order). Also the ten-mistakes file and
// the certc check / fmt / compile command lines.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>
#include <set>

#include "compiler/frontend.h"
#include "tests/support/test_paths.h"

namespace {

QString errorsDir() { return QString::fromStdString(cert::test::sourcePath("tests/golden/errors")); }

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList diagnosticLines(const QByteArray& text) {
  const auto fe = cert::runFrontend(std::string(text.constData(), static_cast<std::size_t>(text.size())));
  QStringList out;
  for (const auto& d : fe.diagnostics)
    out << QString("%1:%2: %3: %4")
               .arg(d.range.begin.line)
               .arg(d.range.begin.col)
               .arg(cert::severityName(d.severity))
               .arg(QString::fromStdString(d.message));
  return out;
}

QStringList expectedLines(const QString& name) {
  QStringList lines = QString::fromUtf8(readAll(errorsDir() + "/" + name + ".expected")).split('\n');
  while (!lines.isEmpty() && lines.last().isEmpty()) lines.removeLast();
  return lines;
}

struct Run {
  int exitCode = -1;
  QString out;
  QString err;
};

Run certc(const QStringList& args) {
  QProcess p;
  p.start(QString::fromStdString(cert::test::certcBinary()), args);
  Run r;
  if (!p.waitForFinished(60000)) return r;
  r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}

}  // namespace

class TestDiagnosticsSuite : public QObject {
  Q_OBJECT

 private slots:
  void suite_data() {
    QTest::addColumn<QString>("name");
    const QStringList specs = QDir(errorsDir()).entryList({"*.cf"}, QDir::Files, QDir::Name);
    for (const auto& s : specs) QTest::newRow(qPrintable(s)) << s.chopped(3);
  }

  void suite() {
    QFETCH(QString, name);
    const QStringList expected = expectedLines(name);
    QVERIFY2(!expected.isEmpty(), qPrintable("missing or empty " + name + ".expected"));
    QCOMPARE(diagnosticLines(readAll(errorsDir() + "/" + name + ".cf")).join('\n'),
             expected.join('\n'));
  }

  // The suite covers each stage and both warnings.
  void coverage() {
    const QStringList specs = QDir(errorsDir()).entryList({"*.cf"}, QDir::Files);
    QVERIFY(specs.size() >= 25);
    for (const char* prefix : {"lex_", "parse_", "type_", "warn_"})
      QVERIFY2(specs.filter(QRegularExpression(QString("^") + prefix)).size() >= 2, prefix);
    QString all;
    for (const auto& s : specs) all += expectedLines(s.chopped(3)).join('\n') + '\n';
    QVERIFY(all.contains(QRegularExpression(": warning: function '\\w+' is never used")));
    QVERIFY(all.contains(QRegularExpression(": warning: transformer '\\w+' has no rule for ")));
    QVERIFY(all.contains(": error: '*' needs one side of type Float; got PolyExp * PolyExp"));
    QVERIFY(all.contains(": error: rule 'Relu' returns 3 values; the shape has 4 members (l, u, L, U)"));
    QVERIFY(all.contains(": error: member 'L' expects PolyExp; got Ct"));
  }

  // Ten independent mistakes, each marked with a "// N:" comment on its line: exactly ten
  // diagnostics, one on each marked line.
  void tenMistakes() {
    const QByteArray text = readAll(errorsDir() + "/ten_mistakes.cf");
    const QStringList diags = diagnosticLines(text);
    QCOMPARE(diags.size(), 10);
    std::set<int> marked, reported;
    const QStringList lines = QString::fromUtf8(text).split('\n');
    for (int i = 0; i < lines.size(); ++i)
      if (lines[i].contains(QRegularExpression("// \\d+:"))) marked.insert(i + 1);
    for (const auto& d : diags) {
      QVERIFY2(d.contains(": error: "), qPrintable(d));
      reported.insert(d.section(':', 0, 0).toInt());
    }
    QCOMPARE(marked.size(), std::size_t(10));
    QVERIFY(marked == reported);
  }

  void checkCommand() {
    const QString bad = errorsDir() + "/type_rule_arity.cf";
    const Run r = certc({"check", bad});
    QCOMPARE(r.exitCode, 1);
    QStringList expected;
    for (const auto& l : expectedLines("type_rule_arity")) expected << bad + ":" + l;
    QCOMPARE(r.out.trimmed(), expected.join('\n'));

    const Run warn = certc({"check", errorsDir() + "/warn_unused_function.cf"});
    QCOMPARE(warn.exitCode, 0);
    QVERIFY(warn.out.contains(": warning: function 'unused' is never used"));

    const Run missing = certc({"check", "/no/such/spec.cf"});
    QCOMPARE(missing.exitCode, 1);
    QCOMPARE(missing.out.count('\n'), 1);
    QVERIFY2(missing.out.startsWith("/no/such/spec.cf: error: cannot read '/no/such/spec.cf'"),
             qPrintable(missing.out));

    const Run dir = certc({"check", errorsDir()});
    QCOMPARE(dir.exitCode, 1);
    QVERIFY2(dir.out.trimmed().endsWith("it is a directory"), qPrintable(dir.out));

    const QString good = QString::fromStdString(cert::test::sourcePath("tests/golden/ast/juxtaposition.cf"));
    const Run ok = certc({"check", good});
    QCOMPARE(ok.exitCode, 0);
    QCOMPARE(certc({"check"}).exitCode, 2);
  }

  void compileCommand() {
    const QString spec = QString::fromStdString(cert::test::sourcePath("tests/golden/ast/deeppoly_parens.cf"));
    const Run ast = certc({"compile", spec, "--emit=ast"});
    QCOMPARE(ast.exitCode, 0);
    const QByteArray golden = readAll(QString::fromStdString(cert::test::sourcePath("tests/golden/ast/deeppoly_parens.ast")));
    QCOMPARE(ast.out, QString::fromUtf8(golden));
    for (const char* stage : {"ir", "shapes"}) {  // dispatched (the lowering tests cover them)
      const Run r = certc({"compile", spec, QString("--emit=") + stage});
      QVERIFY2(!r.err.contains("unknown --emit"), qPrintable(r.err));
    }
    QCOMPARE(certc({"compile", spec, "--emit=bytecode"}).exitCode, 2);
    const Run broken = certc({"compile", errorsDir() + "/type_rule_arity.cf", "--emit=ast"});
    QCOMPARE(broken.exitCode, 1);
    QVERIFY(broken.out.isEmpty());
    QVERIFY(broken.err.contains("error: rule 'Relu' returns 3 values"));
  }

  void fmtCommand() {
    const QString spec = QString::fromStdString(cert::test::sourcePath("tests/golden/ast/deeppoly_parens.cf"));
    const Run r = certc({"fmt", spec});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("func priority2(Neuron n) = -n[layer];\n"));
    QVERIFY(r.out.startsWith("// DeepPoly as the published tools write it"));
    const Run broken = certc({"fmt", errorsDir() + "/parse_unclosed_paren.cf"});
    QCOMPARE(broken.exitCode, 1);
    QVERIFY(broken.out.isEmpty());
    QVERIFY(broken.err.contains("error: expected ')' to close '('"));
  }
};

QTEST_APPLESS_MAIN(TestDiagnosticsSuite)
#include "tst_diagnostics_suite.moc"
