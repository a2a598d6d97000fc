// Round trip: for every golden input, every shipped spec (specs/*.cf) and tricky inline cases,
// parse(print(parse(text))) is structurally equal to parse(text), printing is idempotent, and
// every comment survives.
#include <QDir>
#include <QFile>
#include <QtTest>

#include "compiler/ast/equal.h"
#include "compiler/parser/parser.h"
#include "compiler/printer/printer.h"
#include "tests/support/test_paths.h"

namespace {

std::string readAll(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return f.readAll().toStdString();
}

std::string diagnosticsText(const cert::Diagnostics& ds) {
  std::string s;
  for (const auto& d : ds) s += cert::formatDiagnostic("input", d) + "\n";
  return s;
}

int countComments(const std::string& text) {
  int n = 0;
  for (std::size_t i = text.find("//"); i != std::string::npos; i = text.find("//", i + 2)) {
    ++n;
    i = text.find('\n', i);
    if (i == std::string::npos) break;
  }
  return n;
}

void addFiles(const std::string& dir, const QString& tag) {
  const QString d = QString::fromStdString(cert::test::sourcePath(dir));
  for (const auto& f : QDir(d).entryList({"*.cf"}, QDir::Files, QDir::Name)) {
    const std::string text = readAll(d + "/" + f);
    // Inputs with syntax errors (some error-suite files) have no round trip to check.
    if (cert::hasErrors(cert::parser::parse(text).diagnostics)) continue;
    QTest::newRow(qPrintable(tag + "/" + f)) << QString::fromStdString(text);
  }
}

}  // namespace

class TestRoundtrip : public QObject {
  Q_OBJECT

 private slots:
  void roundTrip_data() {
    QTest::addColumn<QString>("text");
    addFiles("tests/golden/ast", "golden");
    addFiles("tests/golden/errors", "errors");
    addFiles("specs", "specs");
    const char* cases[][2] = {
        {"signs", "func f(Float x) = - -x + -1 - -2.5 * -(x * 2) - (-1) * x;"},
        {"prefix and postfix", "func f(Neuron n) = -n[l] + (-1)[l] + !(n[l] > 0) + sigma(n[l])[u];"},
        {"nested ternaries",
         "func f(Bool a, Bool b) = (a ? b : a) ? (b ? 1 : 2) : a ? 3 : b ? 4 : 5;"},
        {"ternary as operand", "func f(Bool a) = 1 + (a ? 1 : 2) * (a ? 3 : 4);"},
        {"comparisons chain", "func f(Float a) = a < a == (a > a) != (a <= a and a >= a or a < a);"},
        {"right operand parens", "func f(Float a) = a - (a - a) / (a / a) - a * (a * a);"},
        {"if fi and juxtaposition", "func f(Float a) = if a > 0 then g a (a + 1) else g(a, a) fi;"},
        {"lists and builtins",
         "func f(Neuron List p) = max([1, 2.5].concat(p[l])) + sum(p) + lp(maximize, p.dot(p[l]), "
         "[p[l] <= p[u]], true) + len(argmax(p, g)) + avg(p.map_list(h));"},
        {"traverse", "func f(PolyExp e, Neuron n) = (e + 1).traverse(forward, p, s(1, 2), r){e <= n "
                     "and e >= n}.map(m) * 2;"},
        {"rules", "def Shape as (Float l, Float u) {[]};\n"
                  "transformer t { Relu -> a ? (1, 2) : b ? (3, 4) : (5, 6); Abs -> x, y; }\n"
                  "flow(backward, 0, false, t);"},
        {"comments everywhere",
         "// head\n\n// about the shape\ndef Shape as (Float l) {[curr[l] <= curr]}; // trailing\n"
         "func f(Float x) = // inside\n  x + 1; // after f\n"
         "transformer t { // open\n  // rule doc\n  Relu -> (prev[l]); // rule trailing\n"
         "  // before close\n} // after close\n// before flow\nflow(forward, 0, true, t);\n"
         "// end 1\n// end 2\n"},
        {"long rule is wrapped",
         "def Shape as (Float l, Float u, PolyExp L, PolyExp U) {[]};\ntransformer t { Relu -> "
         "prev[l] >= 0 ? (prev[l], prev[u], prev, prev) : (prev[u] <= 0 ? (0, 0, 0, 0) : (0, "
         "prev[u], 0, prev[u] / (prev[u] - prev[l]) * prev - prev[u] * prev[l] / (prev[u] - "
         "prev[l]))); }\nflow(forward, 0, true, t);"},
        {"ZonoExp and List types", "func f(ZonoExp z, Neuron List List n, Ct c) = z;"},
    };
    for (const auto& c : cases) QTest::newRow(c[0]) << QString(c[1]);
  }

  void roundTrip() {
    QFETCH(QString, text);
    const std::string original = text.toStdString();
    const auto first = cert::parser::parse(original);
    QVERIFY2(!cert::hasErrors(first.diagnostics), diagnosticsText(first.diagnostics).c_str());
    const std::string printed = cert::printer::printProgram(first.program);
    const auto second = cert::parser::parse(printed);
    QVERIFY2(second.diagnostics.empty(),
             (diagnosticsText(second.diagnostics) + "printed:\n" + printed).c_str());
    QVERIFY2(cert::ast::structurallyEqual(first.program, second.program), printed.c_str());
    QCOMPARE(QString::fromStdString(cert::printer::printProgram(second.program)),
             QString::fromStdString(printed));
    QCOMPARE(countComments(printed), countComments(original));
  }

  void canonicalLayout() {
    const std::string text =
        "def Shape as(Float l,Float u){[curr[l]<=curr]};func f(Neuron n,Float c)=((c>=0)?(c*n[l]):"
        "(c*n[u]));transformer t{Relu->((prev[l]),(prev[u]));}flow(forward,f,true,t);";
    const std::string expected =
        "def Shape as (Float l, Float u) {[curr[l] <= curr]};\n"
        "\n"
        "func f(Neuron n, Float c) = c >= 0 ? c * n[l] : c * n[u];\n"
        "\n"
        "transformer t {\n"
        "    Relu -> (prev[l], prev[u]);\n"
        "}\n"
        "\n"
        "flow(forward, f, true, t);\n";
    QCOMPARE(QString::fromStdString(cert::printer::printProgram(cert::parser::parse(text).program)),
             QString::fromStdString(expected));
  }

  void structuralEqualityNoticesDifferences() {
    const auto a = cert::parser::parse("func f(Float x) = x - 1 - 2;");
    const auto b = cert::parser::parse("func f(Float x) = x - (1 - 2);");
    const auto c = cert::parser::parse("func f(Float y) = y - 1 - 2;");
    QVERIFY(!cert::ast::structurallyEqual(a.program, b.program));
    QVERIFY(!cert::ast::structurallyEqual(a.program, c.program));
    QVERIFY(cert::ast::structurallyEqual(a.program, a.program));
  }
};

QTEST_APPLESS_MAIN(TestRoundtrip)
#include "tst_roundtrip.moc"
