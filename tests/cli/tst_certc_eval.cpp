// certc eval end to end: a model written with OnnxBuilder, a CSV written here, logits checked
// against a forward pass computed in this test; exit codes and messages for bad input.
#include <QtTest>

#include <fstream>

#include "core/network/onnx_builder.h"
#include "tests/support/certc_process.h"
#include "tests/support/test_paths.h"

namespace {

using Run = cert::test::CertcRun;

Run certc(const QStringList& args) { return cert::test::runCertc(QStringList{"eval"} + args, 60000); }

// Model "mlp": y = W2 relu(W1 ((x - mean) / sd) + b1) + b2 over 4 inputs, 3 outputs.
const std::vector<float> kMean = {0.5f, 0.25f, 0.0f, 0.75f};
const std::vector<float> kSd = {0.5f, 2.0f, 0.25f, 1.0f};
const std::vector<float> kW1 = {1.0f, -0.5f, 0.25f, 2.0f,  -1.5f, 0.75f, 1.0f, -0.25f,
                                0.5f, 0.5f,  -2.0f, 1.0f,  0.3f,  -0.7f, 0.2f, 0.9f,
                                -0.6f, 1.2f, 0.4f,  -1.1f};  // [5 x 4]
const std::vector<float> kB1 = {0.1f, -0.2f, 0.3f, 0.0f, -0.05f};
const std::vector<float> kW2 = {1.0f, -1.0f, 0.5f, 0.25f, -0.75f, 0.2f, 0.8f, -0.3f,
                                1.5f, 0.6f,  -0.4f, 1.1f, 0.7f,  -0.9f, 0.35f};  // [3 x 5]
const std::vector<float> kB2 = {0.05f, -0.1f, 0.2f};

std::vector<double> mlpLogits(const std::vector<double>& pixels) {
  std::vector<double> x(4), h(5), y(3);
  for (size_t i = 0; i < 4; ++i) x[i] = (pixels[i] / 255.0 - double(kMean[i])) / double(kSd[i]);
  for (size_t r = 0; r < 5; ++r) {
    double s = kB1[r];
    for (size_t c = 0; c < 4; ++c) s += double(kW1[r * 4 + c]) * x[c];
    h[r] = s > 0 ? s : 0;
  }
  for (size_t r = 0; r < 3; ++r) {
    double s = kB2[r];
    for (size_t c = 0; c < 5; ++c) s += double(kW2[r * 5 + c]) * h[c];
    y[r] = s;
  }
  return y;
}

int argmax(const std::vector<double>& v) {
  int best = 0;
  for (int j = 1; j < int(v.size()); ++j)
    if (v[size_t(j)] > v[size_t(best)]) best = j;
  return best;
}

}  // namespace

class TestCertcEval : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString mlp_, chw_;

  QString write(const QString& name, const std::string& text) {
    const QString path = dir_.filePath(name);
    std::ofstream(path.toStdString(), std::ios::binary) << text;
    return path;
  }

  /// Checks one printed row against the expected label and logits.
  static void checkLine(const QString& line, int index, int label, const std::vector<double>& logits) {
    const QStringList t = line.split(' ', Qt::SkipEmptyParts);
    QCOMPARE(t.size(), qsizetype(8 + logits.size()));
    QCOMPARE(t[0], QString("index"));
    QCOMPARE(t[1].toInt(), index);
    QCOMPARE(t[3].toInt(), label);
    QCOMPARE(t[5].toInt(), argmax(logits));
    QCOMPARE(t[6], QString(label == argmax(logits) ? "correct" : "wrong"));
    QCOMPARE(t[7], QString("logits"));
    for (size_t j = 0; j < logits.size(); ++j) {
      const double printed = t[8 + qsizetype(j)].toDouble();
      QVERIFY2(std::abs(printed - logits[j]) <= 1e-5 * std::max(1.0, std::abs(logits[j])),
               qPrintable(QString("logit %1: printed %2, expected %3").arg(j).arg(printed).arg(logits[j])));
    }
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    cert::OnnxBuilder mlp("mlp");
    mlp.addInput("x", {1, 4});
    mlp.addOutput("y", {1, 3});
    mlp.addInitializer("mean", {4}, kMean);
    mlp.addInitializer("sd", {4}, kSd);
    mlp.addInitializer("W1", {5, 4}, kW1);
    mlp.addInitializer("b1", {5}, kB1);
    mlp.addInitializer("W2", {3, 5}, kW2);
    mlp.addInitializer("b2", {3}, kB2);
    mlp.addNode("Sub", {"x", "mean"}, {"centered"});
    mlp.addNode("Div", {"centered", "sd"}, {"normalized"});
    mlp.addNode("Gemm", {"normalized", "W1", "b1"}, {"h"}).attr("transB", int64_t{1});
    mlp.addNode("Relu", {"h"}, {"hr"});
    mlp.addNode("Gemm", {"hr", "W2", "b2"}, {"y"}).attr("transB", int64_t{1});
    mlp_ = dir_.filePath("mlp.onnx");
    std::string error;
    QVERIFY2(mlp.save(mlp_.toStdString(), &error), error.c_str());

    // Model "chw": y = flatten(x) (an identity Gemm) over a {3, 1, 2} input: shows the CHW order.
    cert::OnnxBuilder chw("chw");
    chw.addInput("x", {1, 3, 1, 2});
    chw.addOutput("y", {1, 6});
    std::vector<float> eye(36, 0.0f);
    for (int i = 0; i < 6; ++i) eye[size_t(i * 6 + i)] = 1.0f;
    chw.addInitializer("W", {6, 6}, eye);
    chw.addInitializer("b", {6}, std::vector<float>(6, 0.0f));
    chw.addNode("Flatten", {"x"}, {"f"}).attr("axis", int64_t{1});
    chw.addNode("Gemm", {"f", "W", "b"}, {"y"});
    chw_ = dir_.filePath("chw.onnx");
    QVERIFY2(chw.save(chw_.toStdString(), &error), error.c_str());
  }

  void printsLogitsPredictionsAndAccuracy() {
    const std::vector<std::vector<double>> rows = {{0, 51, 255, 127}, {200, 10, 30, 90}, {13, 240, 7, 66}};
    std::string csv;
    std::vector<int> labels;
    for (size_t i = 0; i < rows.size(); ++i) {
      const int predicted = argmax(mlpLogits(rows[i]));
      labels.push_back(i == 2 ? (predicted + 1) % 3 : predicted);  // rows 0, 1 right; row 2 wrong
      csv += std::to_string(labels.back());
      for (double p : rows[i]) csv += "," + std::to_string(int(p));
      csv += "\n";
    }
    const QString data = write("mlp.csv", csv);
    const Run r = certc({mlp_, "--data", data, "--count", "3"});
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(r.err));
    const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), qsizetype(4));
    for (int i = 0; i < 3; ++i) checkLine(lines[i], i, labels[size_t(i)], mlpLogits(rows[size_t(i)]));
    QCOMPARE(lines[3], QString("accuracy: 2/3"));

    const Run one = certc({mlp_, "--data", data, "--index", "1"});
    QCOMPARE(one.exitCode, 0);
    const QStringList oneLines = one.out.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(oneLines.size(), qsizetype(1));  // no accuracy line for a single row
    checkLine(oneLines[0], 1, labels[1], mlpLogits(rows[1]));
  }

  void transposesPixelMajorRows() {
    // Pixel 0 is (R, G, B) = (10, 20, 30), pixel 1 is (40, 50, 60); the network wants C, H, W.
    const QString data = write("chw.csv", "4,10,20,30,40,50,60\n");
    const Run r = certc({chw_, "--data", data});
    QVERIFY2(r.exitCode == 0 && !r.crashed, qPrintable(r.err));
    const std::vector<double> expected = {10 / 255.0, 40 / 255.0, 20 / 255.0, 50 / 255.0, 30 / 255.0, 60 / 255.0};
    checkLine(r.out.trimmed(), 0, 4, expected);
  }

  void reportsBadInput_data() {
    QTest::addColumn<QString>("net");      // "mlp", "missing" or "garbage"
    QTest::addColumn<QString>("csv");      // CSV text; empty: no --data option
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("fragment");  // in stderr; FILE is replaced by the CSV path
    QTest::newRow("missing net") << "missing" << "1,0,0,0,0\n" << QStringList{} << 1 << "missing.onnx: error";
    QTest::newRow("not onnx") << "garbage" << "1,0,0,0,0\n" << QStringList{} << 1 << "garbage.onnx: error";
    QTest::newRow("bad value") << "mlp" << "1,0,0,0,0\n2,0,x,0,0\n" << QStringList{} << 1
                               << "certc: FILE:2:5: error: 'x' is not a number";
    QTest::newRow("wrong size") << "mlp" << "1,0,0,0\n" << QStringList{} << 1
                                << "certc: FILE:1:1: error: row 0 has 3 values after the label";
    QTest::newRow("index past end") << "mlp" << "1,0,0,0,0\n" << QStringList{"--index", "9"} << 1
                                    << "certc: FILE: error: row 9 requested; FILE has 1 rows";
    QTest::newRow("empty csv") << "mlp" << "\n" << QStringList{} << 1 << "no rows";
    QTest::newRow("missing csv file") << "mlp" << "<none>" << QStringList{} << 1 << "cannot read";
    QTest::newRow("no --data") << "mlp" << "" << QStringList{} << 2 << "missing --data";
    QTest::newRow("unknown option") << "mlp" << "1,0,0,0,0\n" << QStringList{"--bogus", "1"} << 2
                                    << "unknown option --bogus";
    QTest::newRow("bad index") << "mlp" << "1,0,0,0,0\n" << QStringList{"--index", "abc"} << 2
                               << "--index expects an integer";
    QTest::newRow("zero count") << "mlp" << "1,0,0,0,0\n" << QStringList{"--count", "0"} << 1
                                << "row count must be at least 1";
  }

  void reportsBadInput() {
    QFETCH(QString, net);
    QFETCH(QString, csv);
    QFETCH(QStringList, extra);
    QFETCH(int, exitCode);
    QFETCH(QString, fragment);
    QString netPath = mlp_;
    if (net == "missing") netPath = dir_.filePath("missing.onnx");
    if (net == "garbage") netPath = write("garbage.onnx", "this is not a protobuf \x01\x02\xff");
    QStringList args{netPath};
    QString csvPath;
    if (csv == "<none>") csvPath = dir_.filePath("none.csv");
    else if (!csv.isEmpty()) csvPath = write("bad.csv", csv.toStdString());
    if (!csvPath.isEmpty()) args << "--data" << csvPath;
    const Run r = certc(args + extra);
    QVERIFY(!r.crashed);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY(r.out.isEmpty());
    fragment.replace("FILE", csvPath);
    QVERIFY2(r.err.contains(fragment), qPrintable(r.err));
  }

  void usageWithoutArguments() {
    const Run r = certc({});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("usage: certc eval"));
  }
};

QTEST_APPLESS_MAIN(TestCertcEval)
#include "tst_certc_eval.moc"
