// Golden IR of the published-language constructs (tests/golden/ir/constructs/<name>.cf): every
// rule lowers to <name>.<op>.ir, the IR verifier passes, and so does the optimized IR.
// CERT_UPDATE_GOLDEN=1 rewrites the files (review the diff before committing).
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "compiler/frontend.h"
#include "compiler/ir/ir_printer.h"
#include "compiler/ir/ir_verifier.h"
#include "compiler/lower/lower.h"
#include "compiler/passes/pipeline.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

const std::string kDir = "tests/golden/ir/constructs";

std::vector<std::string> constructSpecs() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(test::sourcePath(kDir)))
    if (e.path().extension() == ".cf") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

class TestLowerConstructs : public QObject {
  Q_OBJECT

 private slots:
  void folderIsNotEmpty() { QVERIFY(constructSpecs().size() >= 2); }

  void golden_data() {
    QTest::addColumn<QString>("spec");
    for (const std::string& s : constructSpecs()) QTest::newRow(s.c_str()) << QString::fromStdString(s);
  }

  void golden() {
    QFETCH(QString, spec);
    const std::string name = spec.toStdString();
    const FrontendResult fe = runFrontend(test::readTextFile(test::sourcePath(kDir + "/" + name + ".cf")));
    QVERIFY2(fe.ok(), fe.diagnostics.empty() ? "?" : fe.diagnostics.front().message.c_str());
    const bool update = qEnvironmentVariableIntValue("CERT_UPDATE_GOLDEN") == 1;
    for (const auto& t : fe.program.transformers)
      for (const auto& rule : t.rules) {
        Result<ir::Program> p = lower::lowerRule(fe, t, rule);
        QVERIFY2(p.ok(), p.diagnostics.empty() ? "?" : p.diagnostics.front().message.c_str());
        auto problems = ir::verify(*p.value);
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        const std::string text = ir::printProgram(*p.value);
        passes::optimize(*p.value);
        problems = ir::verify(*p.value);
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        const std::string path = test::sourcePath(kDir + "/" + name + "." + rule.op + ".ir");
        if (update) {
          std::ofstream(path) << text;
          continue;
        }
        QVERIFY2(std::filesystem::exists(path), ("missing golden " + path).c_str());
        QVERIFY2(test::readTextFile(path) == text, ("IR differs from " + path).c_str());
      }
  }
};

QTEST_APPLESS_MAIN(TestLowerConstructs)
#include "tst_lower_constructs.moc"
