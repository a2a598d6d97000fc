// Robustness: the front end never crashes or hangs. A seeded random-mutation run over the golden
// and shipped specs (token deletions/insertions/swaps, byte edits), plus pathological inputs.
// On every input: diagnostics have valid ranges, and whatever parses cleanly round-trips.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QtTest>
#include <random>

#include "compiler/ast/equal.h"
#include "compiler/frontend.h"
#include "compiler/lexer/lexer.h"
#include "compiler/parser/parser.h"
#include "compiler/printer/ast_dump.h"
#include "compiler/printer/printer.h"
#include "tests/support/test_paths.h"

namespace {

std::vector<std::string> seedSpecs() {
  std::vector<std::string> out;
  for (const char* dir : {"tests/golden/ast", "tests/golden/errors", "specs"}) {
    const QString d = QString::fromStdString(cert::test::sourcePath(dir));
    for (const auto& f : QDir(d).entryList({"*.cf"}, QDir::Files, QDir::Name)) {
      QFile file(d + "/" + f);
      if (file.open(QIODevice::ReadOnly)) out.push_back(file.readAll().toStdString());
    }
  }
  return out;
}

const std::vector<std::string> kVocabulary = {
    "(", ")", "[", "]", "{", "}", ",", ";", "?", ":", "->", "=", ".", "-", "+", "*", "/", "<=",
    "==", "!", "and", "or", "In", "if", "then", "else", "fi", "func", "transformer", "flow",
    "def", "Shape", "as", "curr", "prev", "prev_0", "curr_list", "eps", "map", "traverse",
    "dot", "max", "sum", "argmax", "lp", "minimize", "sigma", "Float", "List", "PolyExp",
    "layer", "weight", "x", "f", "0", "1.5", "-3", "true", "//", "\n", "@", "\xff", "1e5", "1."};

/// One random edit: token-level (delete, duplicate, swap, insert, replace) or byte-level.
std::string mutate(const std::string& text, std::mt19937& rng) {
  const auto pick = [&](std::size_t n) {
    return n == 0 ? std::size_t(0) : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  const auto lexed = cert::lexer::lex(text);
  const auto& toks = lexed.tokens;  // ends with End
  const std::size_t nt = toks.size() - 1;
  const auto span = [&](std::size_t i) {
    return std::pair<std::size_t, std::size_t>(toks[i].range.begin.offset, toks[i].range.end.offset);
  };
  std::string s = text;
  switch (pick(8)) {
    case 0: if (nt) { auto [b, e] = span(pick(nt)); s.erase(b, e - b); } break;
    case 1: if (nt) { auto [b, e] = span(pick(nt)); s.insert(e, " " + s.substr(b, e - b)); } break;
    case 2: if (nt > 1) {
        std::size_t i = pick(nt), j = pick(nt);
        if (i > j) std::swap(i, j);
        if (i == j) break;
        auto [bi, ei] = span(i);
        auto [bj, ej] = span(j);
        s = text.substr(0, bi) + text.substr(bj, ej - bj) + text.substr(ei, bj - ei) +
            text.substr(bi, ei - bi) + text.substr(ej);
      } break;
    case 3: {
      const std::size_t at = nt ? span(pick(nt)).first : 0;
      s.insert(at, kVocabulary[pick(kVocabulary.size())] + " ");
    } break;
    case 4: if (nt) {
        auto [b, e] = span(pick(nt));
        s.replace(b, e - b, kVocabulary[pick(kVocabulary.size())]);
      } break;
    case 5: if (!s.empty()) { const std::size_t b = pick(s.size()); s.erase(b, pick(16) + 1); } break;
    case 6: {
      std::string bytes;
      for (std::size_t k = pick(8) + 1; k > 0; --k) bytes += static_cast<char>(pick(256));
      s.insert(s.empty() ? 0 : pick(s.size()), bytes);
    } break;
    default: if (!s.empty()) s.resize(pick(s.size())); break;
  }
  return s;
}

/// Runs the whole front end and checks the invariants; returns false with `why` on a violation.
bool checkInput(const std::string& text, std::string* why) {
  const cert::FrontendResult fe = cert::runFrontend(text);
  for (const auto& d : fe.diagnostics) {
    const auto& r = d.range;
    if (!r.valid() || r.begin.col < 1 || r.begin.offset < 0 || r.end.offset < r.begin.offset ||
        r.end.offset > static_cast<int>(text.size()) || d.message.empty()) {
      *why = "bad diagnostic range or message: " + cert::formatDiagnostic("input", d);
      return false;
    }
  }
  if (fe.diagnostics.size() > static_cast<std::size_t>(2 * cert::parser::kMaxErrors + 50)) {
    *why = "unbounded diagnostics: " + std::to_string(fe.diagnostics.size());
    return false;
  }
  cert::printer::DumpOptions o;
  o.types = &fe.types;
  if (cert::printer::dumpAst(fe.program, o).empty()) return *why = "empty dump", false;
  if (!fe.parsed) return true;
  const std::string printed = cert::printer::printProgram(fe.program);
  const auto again = cert::parser::parse(printed);
  if (!again.diagnostics.empty() || !cert::ast::structurallyEqual(fe.program, again.program)) {
    *why = "round trip failed; printed:\n" + printed;
    return false;
  }
  return true;
}

}  // namespace

class TestFrontendRobustness : public QObject {
  Q_OBJECT

 private slots:
  void randomMutations() {
    const std::vector<std::string> seeds = seedSpecs();
    QVERIFY(seeds.size() >= 10);
    std::mt19937 rng(20240611);
    constexpr int kIterations = 10000;
    QElapsedTimer total;
    total.start();
    qint64 slowest = 0;
    int cleanParses = 0;
    for (int i = 0; i < kIterations; ++i) {
      std::string text = seeds[static_cast<std::size_t>(i) % seeds.size()];
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < edits; ++k) text = mutate(text, rng);
      QElapsedTimer one;
      one.start();
      std::string why;
      const bool ok = checkInput(text, &why);
      slowest = std::max(slowest, one.elapsed());
      if (!ok) {
        QFile dump(QDir::tempPath() + "/cert_robustness_failure.cf");
        if (dump.open(QIODevice::WriteOnly)) dump.write(text.data(), static_cast<qint64>(text.size()));
        QFAIL(qPrintable(QString("iteration %1: %2 (input saved to %3)")
                             .arg(i).arg(QString::fromStdString(why), dump.fileName())));
      }
      cleanParses += cert::parser::parse(text).diagnostics.empty();
    }
    qInfo("%d mutated specs in %lld ms (slowest %lld ms), %d parsed cleanly", kIterations,
          static_cast<long long>(total.elapsed()), static_cast<long long>(slowest), cleanParses);
    QVERIFY2(slowest < 1000, "one input took more than a second: a near-hang");
    QVERIFY2(total.elapsed() < 20000, "the mutation run must stay under 20 s");
    // The mutations are neither all fatal nor all harmless.
    QVERIFY(cleanParses > kIterations / 100);
    QVERIFY(cleanParses < kIterations);
  }

  void pathologicalInputs_data() {
    QTest::addColumn<QByteArray>("input");
    const auto rep = [](const std::string& s, int n) {
      std::string out;
      for (int i = 0; i < n; ++i) out += s;
      return out;
    };
    const std::string f = "func f(Float x) = ";
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("only a comment") << QByteArray("// nothing");
    QTest::newRow("deep parentheses") << QByteArray::fromStdString(f + rep("(", 100000) + "x" + rep(")", 100000) + ";");
    QTest::newRow("unclosed parentheses") << QByteArray::fromStdString(f + rep("(", 100000));
    QTest::newRow("long left chain") << QByteArray::fromStdString(f + "x" + rep(" + x", 100000) + ";");
    QTest::newRow("long right chain") << QByteArray::fromStdString(f + rep("x + (", 50000) + "x" + rep(")", 50000) + ";");
    QTest::newRow("prefix operators") << QByteArray::fromStdString(f + rep("- ! sigma ", 50000) + "x;");
    QTest::newRow("ternaries") << QByteArray::fromStdString(f + rep("x ? x : ", 50000) + "x;");
    QTest::newRow("if nesting") << QByteArray::fromStdString(f + rep("if x then ", 50000) + "x");
    QTest::newRow("member chain") << QByteArray::fromStdString(f + "x" + rep("[l]", 100000) + ";");
    QTest::newRow("method chain") << QByteArray::fromStdString(f + "x" + rep(".map(f)", 50000) + ";");
    QTest::newRow("juxtaposition") << QByteArray::fromStdString(f + "g" + rep(" x", 100000) + ";");
    QTest::newRow("tuple") << QByteArray::fromStdString("transformer t { Relu -> (" + rep("x, ", 100000) + "x); }");
    QTest::newRow("many rules") << QByteArray::fromStdString("transformer t {" + rep(" Relu -> x;", 20000) + "}");
    QTest::newRow("many errors") << QByteArray::fromStdString(rep("func ( ) = ; ", 20000));
    QTest::newRow("braces") << QByteArray::fromStdString(rep("{", 100000) + rep("}", 100000));
    QTest::newRow("traverse nesting") << QByteArray::fromStdString(f + rep("x.traverse(forward, ", 20000));
    std::mt19937 rng(7);
    std::string noise(1 << 20, '\0');
    for (auto& c : noise) c = static_cast<char>(rng());
    QTest::newRow("1 MiB of random bytes") << QByteArray::fromStdString(noise);
    std::string ascii(1 << 20, '\0');
    const std::string alphabet = "()[]{}.,;:?-+*/=<>! abcflowx01\n";
    for (auto& c : ascii) c = alphabet[rng() % alphabet.size()];
    QTest::newRow("1 MiB of random punctuation") << QByteArray::fromStdString(ascii);
  }

  void pathologicalInputs() {
    QFETCH(QByteArray, input);
    QElapsedTimer t;
    t.start();
    std::string why;
    QVERIFY2(checkInput(input.toStdString(), &why), why.c_str());
    QVERIFY2(t.elapsed() < 5000, "pathological input took more than 5 s");
  }
};

QTEST_APPLESS_MAIN(TestFrontendRobustness)
#include "tst_frontend_robustness.moc"
