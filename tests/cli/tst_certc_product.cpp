// certc on an ONNX network with a Mul of two computed values and a HardSwish (imported as Mul layers,
// Neuron_mult): `certc net` prints them with their ONNX nodes, and `certc run` / `certc soundness`
// with every shipped spec run it with 0 sampled violations, the dense executor (--dense) giving the
// same bounds of every layer as the default g-BCSR one (to 1e-9).
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

/// x [1, 4] -> Gemm 6 -> HardSwish; two MatMuls 5 of it -> Mul -> Relu -> Gemm 3.
bool writeModel(const QString& path) {
  OnnxBuilder b("product", 14);
  b.addInput("x", {1, 4});
  b.addInitializer("w0", {4, 6}, testWeights(24, 71));
  b.addInitializer("b0", {6}, testWeights(6, 72));
  b.addInitializer("w1", {6, 5}, testWeights(30, 73));
  b.addInitializer("w2", {6, 5}, testWeights(30, 74));
  b.addInitializer("w3", {5, 3}, testWeights(15, 75));
  b.addInitializer("b3", {3}, testWeights(3, 76));
  b.addNode("Gemm", {"x", "w0", "b0"}, {"h0"}, "gemm_0");
  b.addNode("HardSwish", {"h0"}, {"hs"}, "hswish_0");
  b.addNode("MatMul", {"hs", "w1"}, {"a1"});
  b.addNode("MatMul", {"hs", "w2"}, {"a2"});
  b.addNode("Mul", {"a1", "a2"}, {"m"}, "mul_0");
  b.addNode("Relu", {"m"}, {"r"});
  b.addNode("Gemm", {"r", "w3", "b3"}, {"y"}, "gemm_out");
  b.addOutput("y", {1, 3});
  return b.save(path.toStdString());
}

/// Every layer's lower and upper bounds of item 0 in a `certc run --json` report, in order.
std::vector<double> jsonBounds(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  const QJsonObject item = QJsonDocument::fromJson(f.readAll()).object()["inputs"].toArray()[0].toObject();
  std::vector<double> out;
  for (const QJsonValue& layer : item["layers"].toArray())
    for (const char* side : {"lower", "upper"})
      for (const QJsonValue& v : layer.toObject()[side].toArray()) out.push_back(v.toDouble());
  return out;
}

}  // namespace

class TestCertcProduct : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void netPrintsProducts();
  void specsRunAndAreSound_data();
  void specsRunAndAreSound();

 private:
  QTemporaryDir dir_;
  QString net_, prop_;
};

void TestCertcProduct::initTestCase() {
  QVERIFY(dir_.isValid());
  net_ = dir_.filePath("product.onnx");
  prop_ = dir_.filePath("box.vnnlib");
  QVERIFY(writeModel(net_));
  QVERIFY(writeFourInputBox(prop_));
}

void TestCertcProduct::netPrintsProducts() {
  const Run r = runCertc({"net", net_}, 60000);
  QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
  qInfo("%s", qPrintable(r.out));
  int muls = 0, hswish = 0, mulNode = 0;
  for (const QString& line : r.out.split('\n')) {
    const QStringList cells = line.simplified().split(' ');
    if (cells.size() < 4) continue;
    if (cells[2] != "Mul") {
      hswish += line.contains("hswish_0");
      continue;
    }
    ++muls;
    QCOMPARE(cells[3].split(',').size(), 2);  // two producing layers
    hswish += line.contains("hswish_0");
    mulNode += line.contains("mul_0");
  }
  QCOMPARE(muls, 2);      // HardSwish's x * HardSigmoid(x) and mul_0
  QCOMPARE(mulNode, 1);
  QCOMPARE(hswish, 4);    // 2 alpha x + 2 beta - 1, Clip [-1, 1], (t + 1) / 2, Mul
}

void TestCertcProduct::specsRunAndAreSound_data() {
  QTest::addColumn<QString>("spec");
  for (const char* spec : shippedSpecNames())
    QTest::newRow(spec) << QString(spec);
}

void TestCertcProduct::specsRunAndAreSound() {
  QFETCH(QString, spec);
  const QString specPath = src("specs/" + spec.toStdString() + ".cf");
  const QString sparseJson = dir_.filePath(spec + "_gbcsr.json"), denseJson = dir_.filePath(spec + "_dense.json");
  verifyRunAndSoundness(specPath, net_, prop_, 300, 5, 40, {"--json", sparseJson});
  if (QTest::currentTestFailed()) return;
  const Run dense = runCertc({"run", specPath, "--net", net_, "--vnnlib", prop_, "--json", denseJson, "--dense"});
  QVERIFY2(!dense.crashed && dense.exitCode == 0, qPrintable(dense.err + dense.out));
  const std::vector<double> a = jsonBounds(sparseJson), b = jsonBounds(denseJson);
  QVERIFY(a.size() > 100);
  QCOMPARE(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    QVERIFY2(std::abs(a[i] - b[i]) <= 1e-9 * std::max(1.0, std::abs(a[i])),
             qPrintable(QString("bound %1: g-BCSR %2 vs dense %3").arg(i).arg(a[i]).arg(b[i])));
}

QTEST_MAIN(TestCertcProduct)
#include "tst_certc_product.moc"
