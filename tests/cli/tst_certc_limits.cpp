// certc on hostile inputs: each bad input ends in exit 1 (2 for options that are not numbers)
// and a message that says what is wrong, never a crash, a wrapped index or bad_alloc.
#include <QtTest>

#include <fstream>

#include "core/network/onnx_builder.h"
#include "tests/support/certc_process.h"
#include "tests/support/test_paths.h"
#include "tests/support/tiny_models.h"

namespace {

using Run = cert::test::CertcRun;

QString describe(const Run& r) {
  return QString("exit %1%2\nstdout: %3\nstderr: %4")
      .arg(r.exitCode)
      .arg(r.crashed ? " (crashed)" : "")
      .arg(r.out.left(2000), r.err.left(2000));
}

}  // namespace

class TestCertcLimits : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString net_, csv_, spec_;

  QString write(const QString& name, const std::string& text) {
    const QString path = dir_.filePath(name);
    std::ofstream(path.toStdString(), std::ios::binary) << text;
    return path;
  }

  /// certc exits with `code` and its stderr contains `message`.
  void expect(const QStringList& args, int code, const QString& message) {
    const Run r = cert::test::runCertc(args, 120000);
    QVERIFY2(!r.crashed && r.exitCode == code, qPrintable(describe(r)));
    QVERIFY2(r.err.contains(message), qPrintable(describe(r)));
  }

  QStringList run(const QStringList& extra) {
    return QStringList{"run", spec_, "--net", net_} + extra;
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    cert::OnnxBuilder b("ten", 13);  // 4 inputs, 10 outputs: labels 0..9
    b.addInput("x", {1, 4});
    b.addInitializer("w", {4, 10}, cert::test::testWeights(40, 21));
    b.addNode("MatMul", {"x", "w"}, {"y"});
    b.addOutput("y", {1, 10});
    net_ = dir_.filePath("ten.onnx");
    std::string error;
    QVERIFY2(b.save(net_.toStdString(), &error), error.c_str());
    csv_ = write("rows.csv", "1,0,64,128,255\n9,10,20,30,40\n10,1,2,3,4\n");
    spec_ = QString::fromStdString(cert::test::sourcePath("specs/ibp.cf"));
  }

  void indexBeyond32Bits() {
    expect(run({"--data", csv_, "--eps", "0.01", "--index", "4294967297"}), 1,
           "row 4294967297 requested");
    expect({"eval", net_, "--data", csv_, "--index", "4294967297"}, 1, "row 4294967297 requested");
    expect(run({"--data", csv_, "--eps", "0.01", "--index", "99999999999999999999"}), 2, "out of range");
  }

  void countWrapsNoMore() {
    expect(run({"--data", csv_, "--eps", "0.01", "--count", "-4294967295"}), 1,
           "the row count must be at least 1");
    // A huge count is clipped to the rows there are (no overflow); the third row's label is the error.
    const Run r = cert::test::runCertc(run({"--data", csv_, "--eps", "0.01", "--count", "9223372036854775807",
                                            "--index", "0"}),
                                       120000);
    QVERIFY2(r.exitCode == 1 && r.err.contains("row 2 has label 10"), qPrintable(describe(r)));
  }

  void labelBeyondTheOutputs() {
    expect(run({"--data", csv_, "--eps", "0.01", "--index", "2"}), 1,
           "row 2 has label 10; the network 'ten' has 10 outputs (labels 0..9)");
    expect({"eval", net_, "--data", csv_, "--index", "2"}, 1, "row 2 has label 10");
  }

  void numericOptions() {
    expect(run({"--data", csv_, "--eps", "0.01", "--pixel-scale", "1e308"}), 1,
           "the pixel scale must be a finite number in (0, 1000]");
    expect(run({"--data", csv_, "--eps", "nan"}), 1, "--eps must be a finite number >= 0");
    expect(run({"--data", csv_, "--eps", "-0.5"}), 1, "--eps must be a finite number >= 0");
    expect(run({"--data", csv_, "--eps", "1e999"}), 1, "--eps must be a finite number >= 0");
  }

  void vnnlibNestingAndNan() {
    std::string deep = "(declare-const X_0 Real)\n(assert (<= X_0 1))\n(assert ";
    for (int i = 0; i < 20000; ++i) deep += "(and ";
    deep += "(>= X_0 0)" + std::string(20000, ')') + ")\n";
    const QString path = write("deep.vnnlib", deep);
    expect(run({"--vnnlib", path}), 1, "nested more than");
    expect({"soundness", spec_, "--net", net_, "--vnnlib", path, "--samples", "2"}, 1, "nested more than");
    const QString nan = write("nan.vnnlib", "(declare-const X_0 Real)\n(assert (<= X_0 nan))\n");
    expect(run({"--vnnlib", nan}), 1, "'nan' is not a finite number");
  }

  void networkPastTheMemoryBudget() {
    // 784 -> 8000 x 3 built by ConstantOfShape in a few hundred bytes: refused, not bad_alloc.
    cert::OnnxBuilder b("huge", 13);
    b.addInput("x", {1, 784});
    b.addInitializerInt64("s0", {2}, {784, 8000});
    b.addInitializerInt64("s", {2}, {8000, 8000});
    std::string prev = "x";
    for (int i = 0; i < 3; ++i) {
      const std::string w = "w" + std::to_string(i), y = "h" + std::to_string(i);
      b.addNode("ConstantOfShape", {i == 0 ? "s0" : "s"}, {w}).tensorAttr("value", {1}, {0.01f});
      b.addNode("MatMul", {prev, w}, {y});
      prev = y;
    }
    b.addOutput(prev, {1, 8000});
    const QString path = dir_.filePath("huge.onnx");
    QVERIFY(b.save(path.toStdString()));
    QVERIFY(QFileInfo(path).size() < 4096);
    // Under the default budget (3/4 of physical memory) this file would import (2.1 GB); under
    // --memory-limit 1G it is refused by node before its third layer is allocated.
    expect({"net", path, "--memory-limit", "1G"}, 1, "memory budget");
    expect({"net", path, "--memory-limit", "lots"}, 2, "--memory-limit needs a size");
  }

  void unsqueezeWithoutAxes() {
    cert::OnnxBuilder b("unsq", 13);
    b.addInput("x", {1, 4});
    b.addInitializer("w", {4, 10}, cert::test::testWeights(40, 22));
    b.addNode("Relu", {"x"}, {"r"});
    b.addNode("Unsqueeze", {"r"}, {"u"}, "unsq0");
    b.addNode("Flatten", {"u"}, {"f"});
    b.addNode("MatMul", {"f", "w"}, {"y"});
    b.addOutput("y", {1, 10});
    const QString path = dir_.filePath("unsq.onnx");
    QVERIFY(b.save(path.toStdString()));
    expect({"net", path}, 1, "node 'unsq0': Unsqueeze");
  }
};

QTEST_GUILESS_MAIN(TestCertcLimits)
#include "tst_certc_limits.moc"
