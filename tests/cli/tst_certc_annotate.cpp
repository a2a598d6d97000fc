// certc compile --emit=ir --annotate: deeppoly.Affine and ibp.Affine against tests/golden/ir/annotated/
// (CERT_UPDATE_GOLDEN=1 rewrites it); the annotations stripped give the plain --emit=ir text
// byte for byte; every "last use" annotation of every shipped spec's IR equals a liveness
// recomputed here from the plain listing (forward scan per region, indentation = nesting); the
// layer-form marks sit exactly on the lines that read the layer's weight in the recognized forms.
#include <QtTest>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/certc_process.h"
#include "tests/support/test_paths.h"

namespace {

using cert::test::runCertc;

std::vector<std::string> lines(const QString& text) {
  std::vector<std::string> out;
  std::istringstream in(text.toStdString());
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

/// The annotation part of a line ("" when none) and the line without it.
std::pair<std::string, std::string> splitAnnotation(const std::string& line) {
  const size_t at = line.find("    ; ");
  if (at == std::string::npos) return {line, ""};
  return {line.substr(0, at), line.substr(at + 4)};
}

/// One printed instruction: its id (-1 for yield), the ids it names after '=', its indent, and
/// the index of its line.
struct Line {
  int id = -1;
  std::vector<int> reads;
  size_t indent = 0;
  size_t index = 0;
};

std::vector<int> idsIn(const std::string& s) {
  std::vector<int> out;
  for (size_t p = s.find('%'); p != std::string::npos; p = s.find('%', p + 1)) out.push_back(std::stoi(s.substr(p + 1)));
  return out;
}

/// Expected "last use" ids per line index, computed from the plain listing of one program.
std::map<size_t, std::set<int>> expectedLastUses(const std::vector<std::string>& prog) {
  std::set<int> results;
  std::vector<Line> instrs;
  for (size_t k = 0; k < prog.size(); ++k) {
    const std::string& l = prog[k];
    const size_t indent = l.find_first_not_of(' ');
    const std::string body = l.substr(indent);
    if (body.rfind("return", 0) == 0) {
      for (int id : idsIn(body)) results.insert(id);
      continue;
    }
    if (body[0] != '%' && body.rfind("yield", 0) != 0) continue;  // program/region braces
    Line in;
    in.indent = indent;
    in.index = k;
    std::string text = body.substr(0, body.find("    @"));
    if (body[0] == '%') {
      in.id = std::stoi(body.substr(1));
      text = text.substr(text.find(" = "));
    }
    in.reads = idsIn(text);
    instrs.push_back(in);
  }
  // A region: the maximal run of instructions at one indent inside an enclosing instruction.
  // For each value defined at indent d, its last reader at indent d: the last instruction at
  // indent d (same region) at or before whose following deeper lines it is read.
  std::map<size_t, std::set<int>> out;
  for (size_t a = 0; a < instrs.size(); ++a) {
    const Line& def = instrs[a];
    if (def.id < 0 || results.count(def.id)) continue;
    size_t owner = a;  // the same-region instruction that last reads it
    bool read = false;
    size_t current = a;
    for (size_t b = a + 1; b < instrs.size() && instrs[b].indent >= def.indent; ++b) {
      if (instrs[b].indent == def.indent) current = b;
      for (int r : instrs[b].reads)
        if (r == def.id) owner = current, read = true;
      // a region closes at a lower-indented instruction; a sibling region of the same owner
      // is deeper than def, so it counts for `current`
    }
    if (read) out[instrs[owner].index].insert(def.id);
  }
  return out;
}

/// The annotated listing's last uses per line index.
std::map<size_t, std::set<int>> annotatedLastUses(const std::vector<std::string>& prog) {
  std::map<size_t, std::set<int>> out;
  for (size_t k = 0; k < prog.size(); ++k) {
    const std::string a = splitAnnotation(prog[k]).second;
    const size_t at = a.find("last use ");
    if (at == std::string::npos) continue;
    for (int id : idsIn(a.substr(at))) out[k].insert(id);
  }
  return out;
}

}  // namespace

class TestCertcAnnotate : public QObject {
  Q_OBJECT
 private slots:
  void golden_data() {
    QTest::addColumn<QString>("spec");
    QTest::newRow("deeppoly") << QStringLiteral("deeppoly");  // sign-split maps and traverses
    QTest::newRow("ibp") << QStringLiteral("ibp");            // an interval product
    QTest::newRow("deepz") << QStringLiteral("deepz");        // sign-scale maps (its concretization)
  }
  void golden() {
    QFETCH(QString, spec);
    const auto r = runCertc({"compile", QString::fromStdString(cert::test::sourcePath("specs/" + spec.toStdString() + ".cf")),
                             "--emit=ir", "--annotate", "--transformer", spec, "--op", "Affine"});
    QCOMPARE(r.exitCode, 0);
    const std::string path = cert::test::sourcePath("tests/golden/ir/annotated/" + spec.toStdString() + ".Affine.ir");
    if (qEnvironmentVariableIntValue("CERT_UPDATE_GOLDEN") == 1) std::ofstream(path) << r.out.toStdString();
    std::ifstream in(path);
    std::stringstream want;
    want << in.rdbuf();
    QCOMPARE(r.out.toStdString(), want.str());
  }

  void annotationsOnlyAppend_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<bool>("layerForms");
    // deepz's Affine multiplies the weight by a linear member (z) of prev_list: a layer form too.
    for (const char* s : {"ibp", "deeppoly", "crown", "deeppoly_deepz", "deeppoly_k", "deeppoly_eran", "deepz"})
      QTest::newRow(s) << QString::fromLatin1(s) << true;
  }
  void annotationsOnlyAppend() {
    QFETCH(QString, spec);
    QFETCH(bool, layerForms);
    const QString path = QString::fromStdString(cert::test::sourcePath("specs/" + spec.toStdString() + ".cf"));
    const auto plain = runCertc({"compile", path, "--emit=ir"});
    const auto annotated = runCertc({"compile", path, "--emit=ir", "--annotate"});
    QCOMPARE(plain.exitCode, 0);
    QCOMPARE(annotated.exitCode, 0);
    const auto p = lines(plain.out), a = lines(annotated.out);
    QCOMPARE(a.size(), p.size());
    for (size_t k = 0; k < a.size(); ++k) QCOMPARE(splitAnnotation(a[k]).first, p[k]);
    // Program by program: the annotated last uses equal the recomputed ones.
    size_t begin = 0;
    int programs = 0, marks = 0, forms = 0;
    for (size_t k = 0; k < p.size(); ++k) {
      if (p[k] != "}") continue;
      const std::vector<std::string> prog(p.begin() + static_cast<long>(begin), p.begin() + static_cast<long>(k) + 1);
      const std::vector<std::string> ann(a.begin() + static_cast<long>(begin), a.begin() + static_cast<long>(k) + 1);
      const auto want = expectedLastUses(prog);
      QCOMPARE(annotatedLastUses(ann), want);
      for (const auto& [line, ids] : want) marks += static_cast<int>(ids.size());
      for (const std::string& l : ann) {
        const std::string note = splitAnnotation(l).second;
        if (note.find("layer-form") == std::string::npos) continue;
        ++forms;
        // Product: a mul of the weight and prev_list; MatMul: a matmul over prev.
        const bool product = note.find("layer-form product") != std::string::npos;
        QVERIFY2(product ? l.find("= binary mul") != std::string::npos : l.find("= matmul over prev") != std::string::npos,
                 l.c_str());
      }
      ++programs;
      begin = k + 1;
    }
    QVERIFY(programs >= 8);
    QVERIFY(marks > 0);
    // The Affine rule's product or matmul is the layer's weight (IBP: matmuls; DeepPoly/CROWN: W * prev).
    QCOMPARE(forms > 0, layerForms);
  }
};

QTEST_APPLESS_MAIN(TestCertcAnnotate)
#include "tst_certc_annotate.moc"
