// certc run never says "verified yes" on a network with a +inf bias, a NaN weight or output biases
// of +-3.4e38 (ONNX files written here with OnnxBuilder), for every shipped spec: the verified
// column says "invalid", a line names the tensor, --json has "status": "invalid"; certc net warns.
#include <QtTest>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cmath>
#include <limits>

#include "core/network/onnx_builder.h"
#include "tests/support/certc_process.h"
#include "tests/support/test_paths.h"

using cert::test::CertcRun;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

/// x (4) -> Gemm 'h' (5) -> Relu 'hr' -> Gemm 'y' (3). The output biases make label 0 win by 100.
struct Params {
  std::vector<float> w1, b1, w2, b2;
};

Params healthy() {
  Params p;
  for (int i = 0; i < 20; ++i) p.w1.push_back(static_cast<float>((i * 7 % 11) - 5) / 8.0f);
  p.b1 = {0.1f, -0.2f, 0.05f, 0.3f, -0.1f};
  for (int i = 0; i < 15; ++i) p.w2.push_back(static_cast<float>((i * 5 % 9) - 4) / 8.0f);
  p.b2 = {50.0f, -50.0f, -50.0f};
  return p;
}

QString writeNet(const QTemporaryDir& dir, const QString& name, const Params& p) {
  cert::OnnxBuilder b(name.toStdString());
  b.addInput("x", {1, 4});
  b.addOutput("y", {1, 3});
  b.addInitializer("W1", {5, 4}, p.w1);
  b.addInitializer("b1", {5}, p.b1);
  b.addInitializer("W2", {3, 5}, p.w2);
  b.addInitializer("b2", {3}, p.b2);
  b.addNode("Gemm", {"x", "W1", "b1"}, {"h"}).attr("transB", int64_t{1});
  b.addNode("Relu", {"h"}, {"hr"});
  b.addNode("Gemm", {"hr", "W2", "b2"}, {"y"}).attr("transB", int64_t{1});
  const QString path = dir.filePath(name + ".onnx");
  std::string error;
  if (!b.save(path.toStdString(), &error)) qFatal("%s", error.c_str());
  return path;
}

QStringList shippedSpecs() {
  QStringList out;
  for (const QString& f : QDir(QString::fromStdString(cert::test::sourcePath("specs"))).entryList({"*.cf"}, QDir::Files, QDir::Name))
    out << QString::fromStdString(cert::test::sourcePath("specs/")) + f;
  return out;
}

}  // namespace

class TestCertcVerdict : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;
  QString csv_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    csv_ = dir_.filePath("row.csv");
    QFile f(csv_);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("0,51,102,153,204\n");
  }

  void brokenNetworksAreNeverVerified_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("where");
    QTest::newRow("healthy") << 0 << "";
    QTest::newRow("inf bias") << 1 << "non-finite values in layer 1 'h' bias (1 value, bias[2] = inf)";
    QTest::newRow("nan weight") << 2 << "non-finite values in layer 3 'y' weight (1 value, weight[7] = nan)";
    QTest::newRow("3.4e38 output biases") << 3 << "float32-overflowing values (|x| >= 1e38) in layer 3 'y' bias (3 values";
  }

  void brokenNetworksAreNeverVerified() {
    QFETCH(int, kind);
    QFETCH(QString, where);
    Params p = healthy();
    if (kind == 1) p.b1[2] = kInf;
    if (kind == 2) p.w2[7] = std::nanf("");
    if (kind == 3) p.b2 = {3.4e38f, -3.4e38f, -3.4e38f};
    const QString net = writeNet(dir_, QStringLiteral("net%1").arg(kind), p);
    for (const QString& spec : shippedSpecs()) {
      const QString json = dir_.filePath("out.json");
      const CertcRun r = cert::test::runCertc({"run", spec, "--net", net, "--data", csv_, "--eps", "0.01", "--json", json});
      QVERIFY2(r.exitCode == 0, qPrintable(spec + r.err + r.out));
      QFile f(json);
      QVERIFY(f.open(QIODevice::ReadOnly));
      const QJsonObject item = QJsonDocument::fromJson(f.readAll()).object()["inputs"].toArray()[0].toObject();
      if (kind == 0) {
        QVERIFY2(r.out.contains("verified 1/1"), qPrintable(spec + r.out));
        QCOMPARE(item["status"].toString(), QString("verified"));
        QCOMPARE(item["reason"].toString(), QString());
        QVERIFY(item["verified"].toBool());
        continue;
      }
      QVERIFY2(r.out.contains("verified 0/1"), qPrintable(spec + r.out));
      QVERIFY2(r.out.contains(QRegularExpression("\\n0 +0 +invalid ")), qPrintable(spec + r.out));
      QVERIFY2(!r.out.contains(" yes "), qPrintable(spec + r.out));
      QVERIFY2(r.out.contains("item 0 invalid: " + where), qPrintable(spec + r.out));
      QVERIFY(!item["verified"].toBool());
      QCOMPARE(item["status"].toString(), QString("invalid"));
      QVERIFY2(item["reason"].toString().startsWith(where), qPrintable(item["reason"].toString()));
    }
    const CertcRun n = cert::test::runCertc({"net", net});
    QCOMPARE(n.exitCode, 0);
    if (kind == 0) QVERIFY2(!n.err.contains("warning"), qPrintable(n.err));
    else QVERIFY2(n.err.contains("warning: " + where), qPrintable(n.err));
  }
};

QTEST_GUILESS_MAIN(TestCertcVerdict)
#include "tst_certc_verdict.moc"
