// The compile driver on the shipped specs: the stages the observer sees (lowered, every pass of
// every round, final), the final program equal to lowering + the pass pipeline run by hand,
// compileFlows' rule sets, and its errors for specs without a runnable flow.
#include <QtTest>

#include <fstream>
#include <sstream>

#include "compiler/driver.h"
#include "compiler/ir/ir_printer.h"
#include "compiler/lower/lower.h"
#include "compiler/passes/pipeline.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

std::string specText(const std::string& spec) {
  std::ifstream in(test::sourcePath("specs/" + spec + ".cf"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

class TestDriver : public QObject {
  Q_OBJECT
 private slots:
  void stagesAndFinalProgram_data() {
    QTest::addColumn<QString>("spec");
    for (const char* s : {"ibp", "deeppoly", "crown", "deepz"}) QTest::newRow(s) << QString::fromLatin1(s);
  }
  void stagesAndFinalProgram() {
    QFETCH(QString, spec);
    const FrontendResult fe = runFrontend(specText(spec.toStdString()));
    QVERIFY(fe.ok());
    for (const auto& t : fe.program.transformers)
      for (const auto& rule : t.rules) {
        std::vector<driver::StageKind> kinds;
        std::vector<std::string> passNames;
        std::string lowered, final;
        driver::Options o;
        o.verifyAfterEachPass = true;
        o.observer = [&](const driver::Stage& s) {
          kinds.push_back(s.kind);
          if (s.kind == driver::StageKind::Lowered) lowered = ir::printProgram(s.program);
          if (s.kind == driver::StageKind::AfterPass) {
            passNames.push_back(s.pass);
            QCOMPARE(s.round, static_cast<int>((passNames.size() - 1) / passes::pipeline().size()) + 1);
          }
          if (s.kind == driver::StageKind::Final) final = ir::printProgram(s.program);
        };
        const Result<ir::Program> got = driver::compileRule(fe, t, rule, o);
        QVERIFY2(got.ok(), rule.op.c_str());
        // The same rule lowered and optimized by hand.
        Result<ir::Program> byHand = lower::lowerRule(fe, t, rule);
        QVERIFY(byHand.ok());
        QCOMPARE(lowered, ir::printProgram(*byHand.value));
        std::vector<std::string> handPasses;
        passes::optimize(*byHand.value, [&](const passes::Pass& p, const ir::Program&, bool) { handPasses.push_back(p.name); });
        QCOMPARE(passNames, handPasses);
        QCOMPARE(final, ir::printProgram(*byHand.value));
        QCOMPARE(ir::printProgram(*got.value), final);
        QCOMPARE(kinds.front(), driver::StageKind::Lowered);
        QCOMPARE(kinds.back(), driver::StageKind::Final);
        QCOMPARE(kinds.size(), handPasses.size() + 2);
        QCOMPARE(handPasses.size() % passes::pipeline().size(), size_t{0});
      }
  }

  void withoutOptimizationTheFinalStageIsTheLoweredProgram() {
    const FrontendResult fe = runFrontend(specText("deeppoly"));
    const auto& t = fe.program.transformers.front();
    driver::Options o;
    o.optimize = false;
    int afterPass = 0;
    o.observer = [&](const driver::Stage& s) { afterPass += s.kind == driver::StageKind::AfterPass; };
    const Result<ir::Program> got = driver::compileRule(fe, t, t.rules.front(), o);
    QVERIFY(got.ok());
    QCOMPARE(afterPass, 0);
    QCOMPARE(ir::printProgram(*got.value), ir::printProgram(*lower::lowerRule(fe, t, t.rules.front()).value));
  }

  void flowsCompileTheForwardTransformersRules() {
    const FrontendResult fe = runFrontend(specText("deeppoly"));
    const Result<driver::FlowPrograms> flows = driver::compileFlows(fe);
    QVERIFY(flows.ok());
    const ast::TransformerDecl* t = fe.program.findTransformer(flows.value->transformer);
    QVERIFY(t);
    QCOMPARE(flows.value->rules.size(), t->rules.size());
    for (size_t k = 0; k < t->rules.size(); ++k) QCOMPARE(flows.value->rules[k].op, t->rules[k].op);
    QVERIFY(flows.value->reverseRules.empty());
  }

  void flowErrors() {
    const std::string noFlow = specText("deeppoly").substr(0, specText("deeppoly").find("flow("));
    const Result<driver::FlowPrograms> none = driver::compileFlows(runFrontend(noFlow));
    QVERIFY(!none.ok());
    std::string messages;
    for (const auto& d : none.diagnostics) messages += d.message + "; ";
    QVERIFY2(messages.find("the spec has no flow statement") != std::string::npos, messages.c_str());
  }
};

QTEST_APPLESS_MAIN(TestDriver)
#include "tst_driver.moc"
