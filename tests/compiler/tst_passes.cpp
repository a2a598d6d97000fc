// The pass pipeline on every shipped spec: the IR verifier after every pass, the optimized IR
// against tests/golden/ir/opt/<spec>.<op>.ir (CERT_UPDATE_GOLDEN=1 rewrites them), and the
// executor's bounds after every pass equal to the unoptimized program's on the random zoo.
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/frontend.h"
#include "compiler/ir/ir_printer.h"
#include "compiler/ir/ir_verifier.h"
#include "compiler/lower/lower.h"
#include "compiler/passes/pipeline.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/random_network.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

const char* const kSpecs[] = {"ibp", "deeppoly", "crown", "deepz", "deeppoly_deepz", "deeppoly_k", "deeppoly_eran"};

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string specText(const QString& spec) { return readText(test::sourcePath("specs/" + spec.toStdString() + ".cf")); }

/// Largest difference between two runs' bounds relative to max(1, |a|); infinity on a layout or
/// error mismatch.
double difference(const Result<std::vector<LayerBoundsResult>>& a, const Result<std::vector<LayerBoundsResult>>& b) {
  if (a.ok() != b.ok()) return INFINITY;
  if (!a.ok()) return 0;
  if (a.value->size() != b.value->size()) return INFINITY;
  double worst = 0;
  for (size_t k = 0; k < a.value->size(); ++k) {
    const auto& x = (*a.value)[k];
    const auto& y = (*b.value)[k];
    if (x.lower.size() != y.lower.size()) return INFINITY;
    for (int64_t i = 0; i < x.lower.size(); ++i)
      for (const auto& [p, q] : {std::pair{x.lower[i], y.lower[i]}, std::pair{x.upper[i], y.upper[i]}}) {
        if (p == q) continue;  // equal infinities included
        worst = std::max(worst, std::abs(p - q) / std::max(1.0, std::abs(p)));
      }
  }
  return worst;
}

}  // namespace

class TestPasses : public QObject {
  Q_OBJECT

 private slots:
  void specs_data() {
    QTest::addColumn<QString>("spec");
    for (const char* s : kSpecs) QTest::newRow(s) << QString(s);
  }

  /// Every rule: the verifier after every pass, then the golden optimized IR.
  void verifierAndGolden_data() { specs_data(); }
  void verifierAndGolden() {
    QFETCH(QString, spec);
    const FrontendResult fe = runFrontend(specText(spec));
    QVERIFY(fe.ok());
    const bool update = qEnvironmentVariableIntValue("CERT_UPDATE_GOLDEN") == 1;
    for (const auto& t : fe.program.transformers)
      for (const auto& rule : t.rules) {
        Result<ir::Program> p = lower::lowerRule(fe, t, rule);
        QVERIFY(p.ok());
        std::vector<std::string> problems;
        passes::optimize(*p.value, [&](const passes::Pass& pass, const ir::Program& now, bool) {
          for (const auto& problem : ir::verify(now)) problems.push_back(std::string(pass.name) + ": " + problem);
        });
        QVERIFY2(problems.empty(), problems.empty() ? "" : (rule.op + " " + problems.front()).c_str());
        const std::string text = ir::printProgram(*p.value);
        const std::string path = test::sourcePath("tests/golden/ir/opt/" + spec.toStdString() + "." + rule.op + ".ir");
        if (update) {
          std::filesystem::create_directories(std::filesystem::path(path).parent_path());
          std::ofstream(path) << text;
          continue;
        }
        QVERIFY2(std::filesystem::exists(path), ("missing golden " + path).c_str());
        QVERIFY2(readText(path) == text, ("optimized IR differs from " + path).c_str());
      }
  }

  /// After every pass of every round, the executor's bounds equal the unoptimized program's.
  void passByPassEquivalence_data() { specs_data(); }
  void passByPassEquivalence() {
    QFETCH(QString, spec);
    Result<CompiledCertifier> base = compileCertifier(specText(spec), false);
    Result<CompiledCertifier> cur = compileCertifier(specText(spec), false);
    QVERIFY(base.ok() && cur.ok());
    const auto zoo = test::randomNetworkZoo(7);
    std::vector<Result<std::vector<LayerBoundsResult>>> expected;
    for (size_t k = 0; k < zoo.size(); ++k)
      expected.push_back(certifyBox(*base.value, zoo[k].net, test::randomBox(zoo[k].net.inputSize(), 0.1, 100 + k)));
    for (int round = 0; round < 8; ++round) {
      bool changed = false;
      for (const passes::Pass& pass : passes::pipeline()) {
        bool c = false;
        for (auto& [op, prog] : cur.value->rules) c = pass.run(prog) || c;
        changed = changed || c;
        if (!c) continue;
        for (size_t k = 0; k < zoo.size(); ++k) {
          const auto got = certifyBox(*cur.value, zoo[k].net, test::randomBox(zoo[k].net.inputSize(), 0.1, 100 + k));
          const double d = difference(got, expected[k]);
          QVERIFY2(d <= 1e-12, (std::string("after ") + pass.name + " on " + zoo[k].name + ": " + std::to_string(d)).c_str());
        }
      }
      if (!changed) break;
    }
  }

  /// The acceptance shapes: IBP's Affine is matrix products with no select; one DeepPoly
  /// back-substitution step is max(C,0)*L + min(C,0)*U.
  void acceptance() {
    Result<CompiledCertifier> ibp = compileCertifier(specText("ibp"));
    QVERIFY(ibp.ok());
    const std::string affine = ir::printProgram(ibp.value->rules.at("Affine"), false);
    QVERIFY(affine.find("select") == std::string::npos);
    QVERIFY(affine.find("map") == std::string::npos);
    int matmuls = 0;
    for (size_t at = affine.find("matmul over prev"); at != std::string::npos; at = affine.find("matmul over prev", at + 1)) ++matmuls;
    QCOMPARE(matmuls, 4);  // l and u: max(W,0) @ . + min(W,0) @ .
    Result<CompiledCertifier> dp = compileCertifier(specText("deeppoly"));
    QVERIFY(dp.ok());
    const ir::Instr* traverse = nullptr;
    for (const auto& i : dp.value->rules.at("Affine").body.body)
      if (i.op == ir::Opcode::Traverse && !traverse) traverse = &i;  // the lower bound's
    QVERIFY(traverse);
    const ir::Region& replace = *traverse->regions[2];
    std::string ops;
    for (const auto& i : replace.body) ops += std::string(ir::opcodeName(i.op)) + (i.name.empty() ? "" : " " + i.name) + ";";
    QCOMPARE(QString::fromStdString(ops),
             QString("coeff;member L;member U;binary max;binary min;binary mul;binary mul;binary add;yield;"));
  }
};

QTEST_APPLESS_MAIN(TestPasses)
#include "tst_passes.moc"
