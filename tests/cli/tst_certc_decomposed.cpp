// certc on a network with HardSigmoid, Max and Min (imported as Affine/Clip/Add/Relu layers):
// `certc net` names the ONNX nodes on the layers they became, and `certc run` / `certc soundness`
// with every shipped spec (IBP, DeepPoly, CROWN, DeepZ, ...) run it with 0 sampled violations.
#include <QtTest>

#include <QRegularExpression>
#include <QTemporaryDir>

#include "core/network/onnx_builder.h"
#include "tests/support/certc_box_checks.h"
#include "tests/support/certc_process.h"
#include "tests/support/test_paths.h"
#include "tests/support/tiny_models.h"

using namespace cert;
using namespace cert::test;

namespace {

using Run = cert::test::CertcRun;

QString src(const std::string& rel) { return QString::fromStdString(sourcePath(rel)); }

/// x [1, 4] -> Gemm 6 -> HardSigmoid -> two MatMuls 6 -> Max -> two MatMuls 5 -> Min -> Gemm 3.
bool writeModel(const QString& path) {
  OnnxBuilder b("decomposed");
  b.addInput("x", {1, 4});
  b.addInitializer("w0", {4, 6}, testWeights(24, 51));
  b.addInitializer("b0", {6}, testWeights(6, 52));
  b.addInitializer("w1", {6, 6}, testWeights(36, 53));
  b.addInitializer("w2", {6, 6}, testWeights(36, 54));
  b.addInitializer("w3", {6, 5}, testWeights(30, 55));
  b.addInitializer("w4", {6, 5}, testWeights(30, 56));
  b.addInitializer("w5", {5, 3}, testWeights(15, 57));
  b.addInitializer("b5", {3}, testWeights(3, 58));
  b.addNode("Gemm", {"x", "w0", "b0"}, {"h0"}, "gemm_0");
  b.addNode("HardSigmoid", {"h0"}, {"hs"}, "hsig_0").attr("alpha", 0.25).attr("beta", 0.5);
  b.addNode("MatMul", {"hs", "w1"}, {"a1"});
  b.addNode("MatMul", {"hs", "w2"}, {"a2"});
  b.addNode("Max", {"a1", "a2"}, {"m"}, "max_0");
  b.addNode("MatMul", {"m", "w3"}, {"g1"});
  b.addNode("MatMul", {"m", "w4"}, {"g2"});
  b.addNode("Min", {"g1", "g2"}, {"n"}, "min_0");
  b.addNode("Gemm", {"n", "w5", "b5"}, {"y"}, "gemm_out");
  b.addOutput("y", {1, 3});
  return b.save(path.toStdString());
}

}  // namespace

class TestCertcDecomposed : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void netNamesNodes();
  void specsRunAndAreSound_data();
  void specsRunAndAreSound();

 private:
  QTemporaryDir dir_;
  QString net_, prop_;
};

void TestCertcDecomposed::initTestCase() {
  QVERIFY(dir_.isValid());
  net_ = dir_.filePath("decomposed.onnx");
  prop_ = dir_.filePath("box.vnnlib");
  QVERIFY(writeModel(net_));
  QVERIFY(writeFourInputBox(prop_));
}

void TestCertcDecomposed::netNamesNodes() {
  const Run r = runCertc({"net", net_}, 60000);
  QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
  qInfo("%s", qPrintable(r.out));
  // Each decomposed node is named on every layer it became (the row's "onnx nodes" cell).
  int hsig = 0, maxRows = 0, minRows = 0, clips = 0, adds = 0;
  for (const QString& line : r.out.split('\n')) {
    const QStringList cells = line.simplified().split(' ');
    if (cells.size() < 3) continue;
    hsig += line.contains("hsig_0");
    maxRows += line.contains("max_0");
    minRows += line.contains("min_0");
    clips += cells[2] == "Clip";
    adds += cells[2] == "Add";
  }
  QCOMPARE(hsig, 3);     // Gemm with 2 alpha x + 2 beta - 1 folded, Clip [-1, 1], (t + 1) / 2
  QCOMPARE(maxRows, 4);  // -a, b + (-a), Relu, a + Relu
  QCOMPARE(minRows, 5);  // -b, a + (-b), Relu, -Relu, a + (-Relu)
  QCOMPARE(clips, 1);
  QCOMPARE(adds, 4);
}

void TestCertcDecomposed::specsRunAndAreSound_data() {
  QTest::addColumn<QString>("spec");
  for (const char* spec : shippedSpecNames())
    QTest::newRow(spec) << QString(spec);
}

void TestCertcDecomposed::specsRunAndAreSound() {
  QFETCH(QString, spec);
  const QString specPath = src("specs/" + spec.toStdString() + ".cf");
  verifyRunAndSoundness(specPath, net_, prop_, 200, 3, 60);
}

QTEST_MAIN(TestCertcDecomposed)
#include "tst_certc_decomposed.moc"
