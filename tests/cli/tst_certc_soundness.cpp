// certc soundness: every shipped spec is sound on the bundled networks (exit 0, the summary), and a
// deliberately unsound spec (IBP whose Relu halves the upper bound) exits 1 naming the neurons.
#include <QtTest>

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include "tests/support/certc_process.h"
#include "tests/support/test_paths.h"

using namespace cert::test;

namespace {

QString src(const std::string& rel) { return QString::fromStdString(sourcePath(rel)); }

using Run = cert::test::CertcRun;

Run certc(const QStringList& args) { return cert::test::runCertc(args); }

/// The property arguments for a bundled network: the paper example takes its VNN-LIB file,
/// every MNIST-shaped network row 0 of mnist_10.csv at eps 0.01.
QStringList propertyArgs(const QString& net) {
  if (net == "deeppoly_example") return {"--vnnlib", src("resources/inputs/deeppoly_example.vnnlib")};
  return {"--data", src("resources/inputs/mnist_10.csv"), "--index", "0", "--eps", "0.01"};
}

}  // namespace

class TestCertcSoundness : public QObject {
  Q_OBJECT

 private slots:
  void shippedSpecsAreSound_data();
  void shippedSpecsAreSound();
  void plantedViolationIsReported();
  void sameSeedSameResult();
  void usageErrors();
  void memoryLimitCountsKeptMembers();
};

void TestCertcSoundness::shippedSpecsAreSound_data() {
  QTest::addColumn<QString>("spec");
  QTest::addColumn<QString>("net");
  QTest::addColumn<int>("neurons");  // per sample: every layer, the input included
  QTest::addColumn<QString>("intermediate");
  const QList<QPair<QString, int>> nets = {{"deeppoly_example", 12},       {"mlp_784_50_50_10", 994},
                                           {"mlp_sigmoid_784_50x3_10", 1094}, {"mlp_tanh_784_50x3_10", 1094},
                                           {"resnet_small", 1114},         {"cnn_small", 4498}};
  for (const QString spec : {"ibp", "deeppoly", "crown", "deepz", "deeppoly_deepz", "deeppoly_k", "deeppoly_eran"})
    for (const auto& [net, neurons] : nets)
      QTest::newRow(qPrintable(spec + " " + net)) << spec << net << neurons << "all";
  // Back-substitution of the unstable Relu inputs only: the intervals the others keep are sound.
  for (const QString spec : {"deeppoly", "crown", "deeppoly_k", "deeppoly_eran"})
    for (const auto& [net, neurons] : nets)
      QTest::newRow(qPrintable(spec + " " + net + " relu-unstable")) << spec << net << neurons << "relu-unstable";
}

void TestCertcSoundness::shippedSpecsAreSound() {
  QFETCH(QString, spec);
  QFETCH(QString, net);
  QFETCH(int, neurons);
  QFETCH(QString, intermediate);
  const Run r = certc(QStringList{"soundness", src("specs/" + spec.toStdString() + ".cf"), "--net",
                                  src("resources/networks/" + net.toStdString() + ".onnx")} +
                      propertyArgs(net) + QStringList{"--samples", "40", "--seed", "7", "--intermediate", intermediate});
  QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out.right(2000)));
  QVERIFY2(r.out.contains(QString("soundness: 40 samples x %1 neurons checked, 0 violations").arg(neurons)),
           qPrintable(r.out));
  QVERIFY(!r.out.contains("violation:"));
}

void TestCertcSoundness::plantedViolationIsReported() {
  // IBP with an unsound Relu: u member 0.5 * prev[u]. On the paper example the input vertex
  // (1, 1) gives x3 = 2, x5 = 2 > 0.5 * 2.
  QTemporaryDir dir;
  const QString spec = dir.filePath("half_relu.cf");
  QFile f(spec);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write("def Shape as (Float l, Float u){[(curr[l]<=curr),(curr[u]>=curr)]};\n"
          "func simplify_lower(Neuron n, Float c) = (c >= 0) ? (c * n[l]) : (c * n[u]);\n"
          "func simplify_upper(Neuron n, Float c) = (c >= 0) ? (c * n[u]) : (c * n[l]);\n"
          "func priority(Neuron n) = n[layer];\n"
          "transformer halfrelu{\n"
          "    Affine -> ((prev.dot(curr[weight]) + curr[bias]).map(simplify_lower),\n"
          "               (prev.dot(curr[weight]) + curr[bias]).map(simplify_upper));\n"
          "    Relu -> ((prev[l] >= 0) ? prev[l] : 0, 0.5 * prev[u]);\n"
          "}\n"
          "flow(forward, priority, false, halfrelu);\n");
  f.close();

  const Run r = certc({"soundness", spec, "--net", src("resources/networks/deeppoly_example.onnx"), "--vnnlib",
                       src("resources/inputs/deeppoly_example.vnnlib"), "--samples", "20"});
  QVERIFY2(r.exitCode == 1, qPrintable(r.err + r.out));
  // 20 >= 2^2 samples: the four vertices come first. Vertex 3 is (1, 1): x3 = 2, x4 = 0, so
  // layer 2 ('x5_x6') neuron 0 is 2 against the planted upper bound 0.5 * 2 = 1.
  QVERIFY2(r.out.contains("violation: item 0 sample 3 layer 2 'x5_x6' neuron 0: 2 not in [0, 1]"), qPrintable(r.out));
  const QRegularExpressionMatch m =
      QRegularExpression("soundness: 20 samples x 12 neurons checked, (\\d+) violations").match(r.out);
  QVERIFY2(m.hasMatch(), qPrintable(r.out));
  QCOMPARE(m.captured(1).toInt(), static_cast<int>(r.out.count("violation: ")));
  QVERIFY(m.captured(1).toInt() > 0);
  // The rule to blame, as the prover says (x = 2 above its upper bound 0.5 * 2).
  QVERIFY2(r.out.contains(QRegularExpression("\nrules: Affine proved; Relu unsound: curr\\[u\\] >= curr fails at [^\n]* "
                                             "\\([0-9.]+ s, [0-2] cached\\)\n")),
           qPrintable(r.out.right(600)));

  // On an MNIST MLP too: some Relu neuron of layer 2 ('relu1' or whatever its name) is named.
  const Run mlp = certc({"soundness", spec, "--net", src("resources/networks/mlp_784_50_50_10.onnx"), "--data",
                         src("resources/inputs/mnist_10.csv"), "--eps", "0.01", "--samples", "10"});
  QVERIFY2(mlp.exitCode == 1, qPrintable(mlp.err));
  QVERIFY2(mlp.out.contains(QRegularExpression("violation: item 0 sample \\d+ layer 2 '[^']+' neuron \\d+: ")),
           qPrintable(mlp.out.left(2000)));
}

void TestCertcSoundness::sameSeedSameResult() {
  const QStringList args = {"soundness", src("specs/deepz.cf"), "--net", src("resources/networks/mlp_784_50_50_10.onnx"),
                            "--data", src("resources/inputs/mnist_10.csv"), "--index", "2", "--count", "3",
                            "--eps", "0.02", "--samples", "15", "--seed", "11"};
  const Run a = certc(args), b = certc(args);
  QCOMPARE(a.exitCode, 0);
  QCOMPARE(a.out, b.out);
  QVERIFY2(a.out.contains("soundness: 45 samples x 994 neurons checked, 0 violations"), qPrintable(a.out));
}

void TestCertcSoundness::usageErrors() {
  const QString net = src("resources/networks/mlp_784_50_50_10.onnx");
  const QString csv = src("resources/inputs/mnist_10.csv");
  const Run noNet = certc({"soundness", src("specs/ibp.cf"), "--data", csv, "--eps", "0.01"});
  QCOMPARE(noNet.exitCode, 2);
  QVERIFY(noNet.err.contains("--net"));
  const Run badSamples = certc({"soundness", src("specs/ibp.cf"), "--net", net, "--data", csv, "--eps", "0.01",
                                "--samples", "0"});
  QCOMPARE(badSamples.exitCode, 2);
  QVERIFY(badSamples.err.contains("--samples"));
  const Run unknown = certc({"soundness", src("specs/ibp.cf"), "--net", net, "--data", csv, "--eps", "0.01",
                             "--backend", "cpu"});
  QCOMPARE(unknown.exitCode, 2);
  QVERIFY(unknown.err.contains("unknown option --backend"));
  const Run noSpec = certc({"soundness", "/nonexistent/spec.cf", "--net", net, "--data", csv, "--eps", "0.01"});
  QCOMPARE(noSpec.exitCode, 1);
}

/// Sampling keeps every layer's members dense: a limit `run` fits in (about 2 MB for DeepPoly on
/// the bundled MLP: fc1's 50 x 784 coefficient matrices) refuses `soundness` (about 0.8 MB more
/// kept), with the largest kept layer named, before anything is sampled; a larger limit passes.
void TestCertcSoundness::memoryLimitCountsKeptMembers() {
  const QStringList common = {src("specs/deeppoly.cf"), "--net", src("resources/networks/mlp_784_50_50_10.onnx"),
                              "--data", src("resources/inputs/mnist_10.csv"), "--count", "1", "--eps", "0.01"};
  const Run run = certc(QStringList{"run"} + common + QStringList{"--memory-limit", "2.5M"});
  QCOMPARE(run.exitCode, 0);
  const Run refused = certc(QStringList{"soundness"} + common + QStringList{"--samples", "5", "--memory-limit", "2.5M"});
  QCOMPARE(refused.exitCode, 1);
  const QString all = refused.out + refused.err;
  QVERIFY2(all.contains("over the memory limit"), qPrintable(all));
  QVERIFY2(all.contains("kept dense for sampling"), qPrintable(all));
  QVERIFY2(all.contains("the largest layer 1 'fc1' (Affine)"), qPrintable(all));
  QVERIFY2(!all.contains("soundness:"), qPrintable(all));  // nothing sampled
  const Run fits = certc(QStringList{"soundness"} + common + QStringList{"--samples", "5", "--memory-limit", "8M"});
  QCOMPARE(fits.exitCode, 0);
  QVERIFY2(fits.out.contains("soundness: 5 samples"), qPrintable(fits.out));
  const Run bad = certc(QStringList{"soundness"} + common + QStringList{"--memory-limit", "lots"});
  QCOMPARE(bad.exitCode, 2);
  QVERIFY2(bad.err.contains("--memory-limit"), qPrintable(bad.err));
}

QTEST_GUILESS_MAIN(TestCertcSoundness)
#include "tst_certc_soundness.moc"
