// Golden IR: every shipped spec x its operators lowers to tests/golden/ir/<spec>.<op>.ir and the IR
// verifier passes. CERT_UPDATE_GOLDEN=1 rewrites the files (review the diff before committing).
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/frontend.h"
#include "compiler/ir/ir_printer.h"
#include "compiler/ir/ir_verifier.h"
#include "compiler/lower/lower.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* const kSpecs[] = {"ibp", "deeppoly", "crown", "deepz", "deeppoly_deepz", "deeppoly_k", "deeppoly_eran"};

}  // namespace

class TestLowerGolden : public QObject {
  Q_OBJECT

 private slots:
  void golden_data() {
    QTest::addColumn<QString>("spec");
    for (const char* s : kSpecs) QTest::newRow(s) << QString(s);
  }

  void golden() {
    QFETCH(QString, spec);
    const FrontendResult fe = runFrontend(readText(test::sourcePath("specs/" + spec.toStdString() + ".cf")));
    QVERIFY(fe.ok());
    const bool update = qEnvironmentVariableIntValue("CERT_UPDATE_GOLDEN") == 1;
    for (const auto& t : fe.program.transformers)
      for (const auto& rule : t.rules) {
        const Result<ir::Program> p = lower::lowerRule(fe, t, rule);
        QVERIFY2(p.ok(), p.diagnostics.empty() ? "?" : p.diagnostics.front().message.c_str());
        const auto problems = ir::verify(*p.value);
        QVERIFY2(problems.empty(), problems.empty() ? "" : problems.front().c_str());
        const std::string text = ir::printProgram(*p.value);
        const std::string path = test::sourcePath("tests/golden/ir/" + spec.toStdString() + "." + rule.op + ".ir");
        if (update) {
          std::filesystem::create_directories(std::filesystem::path(path).parent_path());
          std::ofstream(path) << text;
          continue;
        }
        QVERIFY2(std::filesystem::exists(path), ("missing golden " + path).c_str());
        QVERIFY2(readText(path) == text, ("IR differs from " + path).c_str());
      }
  }
};

QTEST_APPLESS_MAIN(TestLowerGolden)
#include "tst_lower_golden.moc"
