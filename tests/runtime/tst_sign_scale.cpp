// Sign-scale map bodies (compiler/analysis/sign_scale.h): which bodies are recognized, with which
// factors, and that the runtime's one pass over a block's stored values (ItemRun::map through
// Backend::signSplitSum) gives what the term-frame evaluation of the same body gives, on the
// bundled networks, DeepZ and variants of its concretization.
#include <QtTest>

#include <optional>
#include <string>
#include <vector>

#include "compiler/analysis/sign_scale.h"
#include "compiler/driver.h"
#include "compiler/frontend.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/bundled_inputs.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

const std::string kOriginal = "func sym_lower(Noise e, Float c) = (c >= 0) ? -c : c;";

/// DeepZ with its lower concretization's body replaced by `body`.
std::string deepzWith(const std::string& body) {
  std::string text = test::readTextFile(test::sourcePath("specs/deepz.cf"));
  const size_t at = text.find(kOriginal);
  if (at == std::string::npos) qFatal("specs/deepz.cf no longer has sym_lower as this test expects");
  text.replace(at, kOriginal.size(), "func sym_lower(Noise e, Float c) = " + body + ";");
  return text;
}

/// The sign scales of the Affine rule's two maps (l's, then u's).
std::vector<std::optional<analysis::SignScale>> affineMaps(const std::string& text) {
  const FrontendResult fe = runFrontend(text);
  if (!fe.ok()) qFatal("the spec does not compile");
  Result<driver::FlowPrograms> flows = driver::compileFlows(fe);
  if (!flows.ok()) qFatal("the spec does not lower");
  std::vector<std::optional<analysis::SignScale>> out;
  for (const auto& p : flows.value->rules)
    if (p.op == "Affine")
      for (const ir::Instr& i : p.body.body)
        if (i.op == ir::Opcode::Map) out.push_back(analysis::signScaleOf(p, *i.regions[0]));
  return out;
}

}  // namespace

class TestSignScale : public QObject {
  Q_OBJECT

 private slots:
  /// The factors of bodies built from the coefficient, constants, neg, abs, +, -, * and / by a
  /// constant, min/max with 0 and selects on the coefficient's sign; near misses are not one.
  void recognizedBodies_data() {
    QTest::addColumn<QString>("body");
    QTest::addColumn<bool>("recognized");
    QTest::addColumn<double>("onPositive");
    QTest::addColumn<double>("onNegative");
    QTest::newRow("deepz lower") << "(c >= 0) ? -c : c" << true << -1.0 << 1.0;
    QTest::newRow("0 <= c") << "(0 <= c) ? -c : c" << true << -1.0 << 1.0;
    QTest::newRow("c < 0 swapped") << "(c < 0) ? c : -c" << true << -1.0 << 1.0;
    QTest::newRow("scaled branches") << "(c > 0) ? 3 * c : c / 4" << true << 3.0 << 0.25;
    QTest::newRow("zero branch") << "(c >= 0) ? c : 0" << true << 1.0 << 0.0;
    QTest::newRow("max") << "max(c, 0)" << true << 1.0 << 0.0;
    QTest::newRow("min scaled") << "2 * min(c, 0)" << true << 0.0 << 2.0;
    QTest::newRow("sum of clamps") << "max(c, 0) * 2 + min(c, 0) * 5" << true << 2.0 << 5.0;
    QTest::newRow("difference") << "c - 3 * c" << true << -2.0 << -2.0;
    QTest::newRow("plain") << "c" << true << 1.0 << 1.0;
    QTest::newRow("negated select") << "-((c >= 0) ? c : 2 * c)" << true << -1.0 << -2.0;
    QTest::newRow("constant branch") << "(c >= 0) ? -c : 1" << false << 0.0 << 0.0;
    QTest::newRow("shifted test") << "(c >= 1) ? -c : c" << false << 0.0 << 0.0;
    QTest::newRow("square") << "c * c" << false << 0.0 << 0.0;
    QTest::newRow("affine") << "c + 1" << false << 0.0 << 0.0;
    QTest::newRow("constant minus") << "0 - c" << false << 0.0 << 0.0;
    QTest::newRow("division by c") << "1 / c" << false << 0.0 << 0.0;
    QTest::newRow("clamp against 1") << "max(c, 1)" << false << 0.0 << 0.0;
  }

  void recognizedBodies() {
    QFETCH(QString, body);
    QFETCH(bool, recognized);
    QFETCH(double, onPositive);
    QFETCH(double, onNegative);
    const auto maps = affineMaps(deepzWith(body.toStdString()));
    QCOMPARE(maps.size(), size_t(2));
    QCOMPARE(maps[0].has_value(), recognized);
    if (recognized) {
      QCOMPARE(maps[0]->onPositive, onPositive);
      QCOMPARE(maps[0]->onNegative, onNegative);
    }
    QVERIFY(maps[1] && maps[1]->onPositive == 1 && maps[1]->onNegative == -1);  // sym_upper as shipped
  }

  /// A body through a non-linear function of the coefficient is not one.
  void nonLinearBodiesAreNot() {
    QVERIFY(!affineMaps(deepzWith("(c >= 0) ? -c : c * sigma(c)")).front());
    QVERIFY(!affineMaps(deepzWith("(c >= 0) ? -c : max(c, 0) * c")).front());
  }

  /// The same bounds through the one-pass route and through the term frame: DeepZ's shipped
  /// concretization against the same function written so that it is not recognized (-|c| as
  /// 0 - c and c), and a scaled variant, on the bundled conv, residual and dense networks.
  void sameBoundsAsTheTermFrame_data() {
    QTest::addColumn<QString>("recognizedBody");
    QTest::addColumn<QString>("termFrameBody");
    QTest::addColumn<QString>("net");
    for (const char* net : {"cnn_small", "resnet_small", "mlp_784_50_50_10"}) {
      QTest::newRow((std::string("deepz/") + net).c_str()) << "(c >= 0) ? -c : c" << "(c >= 0) ? 0 - c : c" << net;
      QTest::newRow((std::string("scaled/") + net).c_str()) << "(c >= 0) ? -2 * c : c / 2" << "(c >= 0) ? 0 - 2 * c : c / 2"
                                                             << net;
    }
  }

  void sameBoundsAsTheTermFrame() {
    QFETCH(QString, recognizedBody);
    QFETCH(QString, termFrameBody);
    QFETCH(QString, net);
    const std::string fast = deepzWith(recognizedBody.toStdString()), slow = deepzWith(termFrameBody.toStdString());
    QVERIFY(affineMaps(fast).front());
    QVERIFY(!affineMaps(slow).front());
    const Network network = test::bundledNetwork(net.toStdString());
    const Property prop = test::mnistRows(network, 0, 2, 0.02);
    RunOptions options;
    options.threads = 1;
    const Result<CompiledCertifier> a = compileCertifier(fast), b = compileCertifier(slow);
    QVERIFY(a.ok() && b.ok());
    const Result<RunResult> ra = certify(*a.value, network, prop, options), rb = certify(*b.value, network, prop, options);
    QVERIFY(ra.ok() && rb.ok());
    QCOMPARE(ra.value->items.size(), rb.value->items.size());
    for (size_t k = 0; k < ra.value->items.size(); ++k) {
      std::string where;
      const double d = test::maxRelativeDifference(test::toLayerBounds(ra.value->items[k].layers),
                                                   test::toLayerBounds(rb.value->items[k].layers), &where);
      QVERIFY2(d >= 0 && d <= 1e-12, qPrintable(QString("item %1: %2 at %3").arg(k).arg(d).arg(where.c_str())));
      QCOMPARE(ra.value->items[k].verdict, rb.value->items[k].verdict);
    }
  }
};

QTEST_GUILESS_MAIN(TestSignScale)
#include "tst_sign_scale.moc"
