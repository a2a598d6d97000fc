// ONNX import of the bundled networks (layers, shapes, neuron ranges, parameters), the
// generator's byte-for-byte reproduction of them, and the error cases (bad files, bad graphs).
#include <QtTest>

#include <fstream>
#include <random>
#include <sstream>

#include "core/network/forward.h"
#include "core/network/onnx_builder.h"
#include "core/network/onnx_import.h"
#include "tests/support/test_paths.h"
#include "tests/support/tiny_models.h"

using namespace cert;
using namespace cert::test;

namespace {

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string bundled(const std::string& file) { return sourcePath("resources/networks/" + file); }

const char* const kBundled[] = {
    "mlp_784_50_50_10.onnx",     "mlp_784_100x6_10.onnx",     "cnn_small.onnx",
    "mlp_sigmoid_784_50x3_10.onnx", "mlp_tanh_784_50x3_10.onnx", "resnet_small.onnx",
    "resnet_conv_small.onnx",    "deeppoly_example.onnx"};

/// A one-line summary "Op[shape]@start" per layer, e.g. "Affine[50]@784".
QStringList layerSummary(const Network& net) {
  QStringList out;
  for (const Layer& l : net.layers) {
    QStringList dims;
    for (int64_t d : l.shape) dims << QString::number(d);
    out << QString("%1[%2]@%3").arg(layerOpName(l.op), dims.join(","), QString::number(l.start));
  }
  return out;
}

}  // namespace

class TestOnnxImport : public QObject {
  Q_OBJECT

 private slots:
  void bundledNetworks_data();
  void bundledNetworks();
  void bundledMlpNormalization();
  void deeppolyExampleValues();
  void generatorReproducesCommittedFiles();

  void missingFile();
  void truncatedProtobuf();
  void textFile();
  void emptyFileAndEmptyGraph();
  void unsupportedOperator();
  void everyUnsupportedNodeIsReported();
  void shapeMismatch();
  void convGroup2();
  void initializerDataLengthChecked();
  void batchSizeAboveOne();
  void symbolicBatchDim();
  void undefinedInput();
  void unsupportedUsesOfSupportedOps();
  void corruptedBytesNeverCrash();
};

void TestOnnxImport::bundledNetworks_data() {
  QTest::addColumn<QString>("file");
  QTest::addColumn<QStringList>("layers");
  QTest::addColumn<QList<qint64>>("params");
  QTest::newRow("mlp_784_50_50_10")
      << "mlp_784_50_50_10.onnx"
      << QStringList{"Input[784]@0", "Affine[50]@784", "Relu[50]@834", "Affine[50]@884",
                     "Relu[50]@934", "Affine[10]@984"}
      << QList<qint64>{0, 784 * 50 + 50, 0, 50 * 50 + 50, 0, 50 * 10 + 10};
  QStringList deep{"Input[784]@0"};
  QList<qint64> deepParams{0};
  int64_t at = 784, width = 784;
  for (int i = 0; i < 6; ++i) {
    deep << QString("Affine[100]@%1").arg(at) << QString("Relu[100]@%1").arg(at + 100);
    deepParams << width * 100 + 100 << 0;
    at += 200, width = 100;
  }
  deep << QString("Affine[10]@%1").arg(at);
  deepParams << 1010;
  QTest::newRow("mlp_784_100x6_10") << "mlp_784_100x6_10.onnx" << deep << deepParams;
  QTest::newRow("cnn_small")
      << "cnn_small.onnx"
      << QStringList{"Input[1,28,28]@0", "Conv[8,13,13]@784", "Relu[8,13,13]@2136",
                     "Conv[16,5,5]@3488", "Relu[16,5,5]@3888", "Affine[100]@4288",
                     "Relu[100]@4388", "Affine[10]@4488"}
      // Conv parameters: kernel plus the bias expanded per output neuron.
      << QList<qint64>{0, 8 * 16 + 8 * 169, 0, 16 * 8 * 16 + 16 * 25, 0, 400 * 100 + 100, 0, 1010};
  QTest::newRow("mlp_sigmoid_784_50x3_10")
      << "mlp_sigmoid_784_50x3_10.onnx"
      << QStringList{"Input[784]@0", "Affine[50]@784", "Sigmoid[50]@834", "Affine[50]@884",
                     "Sigmoid[50]@934", "Affine[50]@984", "Sigmoid[50]@1034", "Affine[10]@1084"}
      << QList<qint64>{0, 39250, 0, 2550, 0, 2550, 0, 510};
  QTest::newRow("mlp_tanh_784_50x3_10")
      << "mlp_tanh_784_50x3_10.onnx"
      << QStringList{"Input[784]@0", "Affine[50]@784", "Tanh[50]@834", "Affine[50]@884",
                     "Tanh[50]@934", "Affine[50]@984", "Tanh[50]@1034", "Affine[10]@1084"}
      << QList<qint64>{0, 39250, 0, 2550, 0, 2550, 0, 510};
  QTest::newRow("resnet_small")
      << "resnet_small.onnx"
      << QStringList{"Input[784]@0", "Affine[64]@784", "Relu[64]@848", "Affine[64]@912",
                     "Relu[64]@976", "Add[64]@1040", "Affine[10]@1104"}
      << QList<qint64>{0, 784 * 64 + 64, 0, 64 * 64 + 64, 0, 0, 650};
  QTest::newRow("resnet_conv_small")
      << "resnet_conv_small.onnx"
      << QStringList{"Input[1,28,28]@0", "Conv[8,13,13]@784", "Relu[8,13,13]@2136",
                     "Conv[8,13,13]@3488", "Relu[8,13,13]@4840", "Add[8,13,13]@6192",
                     "Affine[10]@7544"}
      << QList<qint64>{0, 1480, 0, 8 * 8 * 9 + 8 * 169, 0, 0, 1352 * 10 + 10};
  QTest::newRow("deeppoly_example")
      << "deeppoly_example.onnx"
      << QStringList{"Input[2]@0", "Affine[2]@2", "Relu[2]@4", "Affine[2]@6", "Relu[2]@8",
                     "Affine[2]@10"}
      << QList<qint64>{0, 6, 0, 6, 0, 6};
}

void TestOnnxImport::bundledNetworks() {
  QFETCH(QString, file);
  QFETCH(QStringList, layers);
  QFETCH(QList<qint64>, params);
  const Result<Network> net = importOnnxFile(bundled(file.toStdString()));
  QVERIFY2(net.ok(), net.diagnostics.empty() ? "" : net.diagnostics[0].message.c_str());
  QCOMPARE(layerSummary(*net), layers);
  QList<qint64> got;
  for (const Layer& l : net->layers) got << l.parameterCount();
  QCOMPARE(got, params);
  QCOMPARE(net->name, QFileInfo(file).completeBaseName().toStdString());
  QCOMPARE(net->layers.back().end, net->neuronCount());
  QVERIFY(net->warnings.empty());
  if (file.startsWith("resnet")) QCOMPARE(net->layers[5].inputs, (std::vector<int>{4, 2}));
}

void TestOnnxImport::bundledMlpNormalization() {
  const Result<Network> net = importOnnxFile(bundled("mlp_784_50_50_10.onnx"));
  QVERIFY(net.ok());
  const Normalization& n = net->normalization;
  QCOMPARE(n.scale.size(), 784);
  QCOMPARE(n.origin, (std::vector<std::string>{"Sub 'sub' (constant)", "Div 'div' (constant)"}));
  const double mean = static_cast<float>(0.1307), std = static_cast<float>(0.3081);
  QVERIFY(std::abs(n.scale[100] - 1.0 / std) < 1e-12);
  QVERIFY(std::abs(n.shift[100] + mean / std) < 1e-12);
}

void TestOnnxImport::deeppolyExampleValues() {
  // x11 = relu(relu(x1+x2) + relu(x1-x2)) + relu(relu(x1+x2) - relu(x1-x2)) + 1, x12 = the last.
  const Result<Network> net = importOnnxFile(bundled("deeppoly_example.onnx"));
  QVERIFY(net.ok());
  const double inputs[][2] = {{1, -1}, {0.5, 0.25}, {-1, -1}, {-0.5, 1}};
  for (const auto& in : inputs) {
    const double x5 = std::max(in[0] + in[1], 0.0), x6 = std::max(in[0] - in[1], 0.0);
    const double x9 = std::max(x5 + x6, 0.0), x10 = std::max(x5 - x6, 0.0);
    const Eigen::VectorXd y = forward(*net, Eigen::Vector2d(in[0], in[1]));
    QCOMPARE(y.size(), 2);
    QCOMPARE(y[0], x9 + x10 + 1);
    QCOMPARE(y[1], x10);
  }
}

void TestOnnxImport::generatorReproducesCommittedFiles() {
  const std::string gennets = gennetsBinary();
  QVERIFY2(!gennets.empty(), "certstudio-gennets not built (build all targets first)");
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  QProcess p;
  p.start(QString::fromStdString(gennets), {dir.path()});
  QVERIFY(p.waitForFinished(60000));
  QCOMPARE(p.exitCode(), 0);
  const QStringList generated = QDir(dir.path()).entryList({"*.onnx"}, QDir::Files, QDir::Name);
  const QStringList committed =
      QDir(QString::fromStdString(sourcePath("resources/networks")))
          .entryList({"*.onnx"}, QDir::Files, QDir::Name);
  QCOMPARE(generated, committed);
  QCOMPARE(generated.size(), int(std::size(kBundled)));
  for (const QString& f : generated) {
    const std::string fresh = readBytes(dir.filePath(f).toStdString());
    QVERIFY2(!fresh.empty(), qPrintable(f));
    QVERIFY2(fresh == readBytes(bundled(f.toStdString())), qPrintable(f + " differs"));
  }
}

void TestOnnxImport::missingFile() {
  const Result<Network> r = importOnnxFile("/nonexistent/dir/net.onnx");
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics.size(), size_t{1});
  QCOMPARE(r.diagnostics[0].message, std::string("no such file"));
}

void TestOnnxImport::truncatedProtobuf() {
  const std::string bytes = readBytes(bundled("mlp_784_50_50_10.onnx"));
  QVERIFY(bytes.size() > 1000);
  QTemporaryDir dir;
  const std::string path = dir.filePath("half.onnx").toStdString();
  writeBytes(path, bytes.substr(0, bytes.size() / 2));
  const Result<Network> r = importOnnxFile(path);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics.size(), size_t{1});
  QVERIFY(r.diagnostics[0].message.find("not a valid ONNX model") != std::string::npos);
}

void TestOnnxImport::textFile() {
  QTemporaryDir dir;
  const std::string path = dir.filePath("notes.onnx").toStdString();
  writeBytes(path, "# Not a network\nThis file holds some notes about a network.\n");
  const Result<Network> r = importOnnxFile(path);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics.size(), size_t{1});
  QVERIFY(r.diagnostics[0].message.find("ONNX") != std::string::npos);
  QVERIFY(r.diagnostics[0].message.find('\n') == std::string::npos);
}

void TestOnnxImport::emptyFileAndEmptyGraph() {
  QTemporaryDir dir;
  const std::string path = dir.filePath("empty.onnx").toStdString();
  writeBytes(path, "");
  Result<Network> r = importOnnxFile(path);
  QVERIFY(!r.ok());
  QVERIFY(r.diagnostics[0].message.find("empty") != std::string::npos);

  OnnxBuilder b("nothing");
  b.addInput("x", {1, 4});
  b.addOutput("x", {1, 4});
  r = importModel(b);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics[0].message, std::string("the ONNX model has an empty graph"));
}

void TestOnnxImport::unsupportedOperator() {
  OnnxBuilder b("resize");
  b.addInput("x", {1, 1, 4, 4});
  b.addNode("Resize", {"x"}, {"r"}, "resize_1");
  b.addNode("Relu", {"r"}, {"y"});
  b.addOutput("y", {1, 1, 8, 8});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics.size(), size_t{1});  // the Relu after it adds no noise
  QCOMPARE(r.diagnostics[0].node, std::string("resize_1"));
  QCOMPARE(r.diagnostics[0].message, std::string("unsupported ONNX operator 'Resize'"));
  QCOMPARE(formatDiagnostic("net.onnx", r.diagnostics[0]),
           std::string("net.onnx: error: node 'resize_1': unsupported ONNX operator 'Resize'"));
}

void TestOnnxImport::everyUnsupportedNodeIsReported() {
  OnnxBuilder b("two");
  b.addInput("x", {1, 4});
  b.addNode("Erf", {"x"}, {"a"}, "erf_0");
  b.addNode("Relu", {"a"}, {"b"});
  b.addNode("Gelu", {"b"}, {"c"}, "gelu_0");  // after a failed node: still reported
  b.addNode("LpNormalization", {"x"}, {"d"}, "lp_0");  // on a dead branch: still reported
  b.addOutput("c", {1, 4});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics.size(), size_t{3});
  QCOMPARE(r.diagnostics[0].node, std::string("erf_0"));
  QCOMPARE(r.diagnostics[1].node, std::string("gelu_0"));
  QCOMPARE(r.diagnostics[1].message, std::string("unsupported ONNX operator 'Gelu'"));
  QCOMPARE(r.diagnostics[2].node, std::string("lp_0"));
}

void TestOnnxImport::shapeMismatch() {
  OnnxBuilder b("mismatch");
  b.addInput("x", {1, 784});
  b.addInitializer("w", {100, 50}, std::vector<float>(5000, 0.5f));
  b.addNode("Gemm", {"x", "w"}, {"y"}, "fc_bad");
  b.addOutput("y", {1, 50});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics.size(), size_t{1});
  QCOMPARE(r.diagnostics[0].node, std::string("fc_bad"));
  QVERIFY2(r.diagnostics[0].message.find("784") != std::string::npos &&
               r.diagnostics[0].message.find("[100, 50]") != std::string::npos,
           r.diagnostics[0].message.c_str());
}

void TestOnnxImport::convGroup2() {
  OnnxBuilder b("grouped");
  b.addInput("x", {1, 2, 4, 4});
  b.addInitializer("w", {2, 1, 3, 3}, testWeights(18, 2));
  b.addNode("Conv", {"x", "w"}, {"y"}, "depthwise").attr("group", int64_t{2});
  b.addOutput("y", {1, 2, 2, 2});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics.size(), size_t{1});
  QCOMPARE(r.diagnostics[0].node, std::string("depthwise"));
  QVERIFY(r.diagnostics[0].message.find("group=2") != std::string::npos);
}

void TestOnnxImport::initializerDataLengthChecked() {
  OnnxBuilder b("short");
  b.addInput("x", {1, 4});
  b.addInitializer("w", {3, 4}, testWeights(11, 3));  // 11 values for 12
  b.addNode("Gemm", {"x", "w"}, {"y"}).attr("transB", int64_t{1});
  b.addOutput("y", {1, 3});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics.size(), size_t{1});
  QCOMPARE(r.diagnostics[0].message,
           std::string("tensor 'w' has 44 bytes of data, expected 48 for dims [3, 4]"));
}

void TestOnnxImport::batchSizeAboveOne() {
  OnnxBuilder b("batch");
  b.addInput("x", {2, 4});
  b.addNode("Relu", {"x"}, {"y"});
  b.addOutput("y", {2, 4});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QVERIFY(r.diagnostics[0].message.find("batch size 2") != std::string::npos);
}

void TestOnnxImport::symbolicBatchDim() {
  OnnxBuilder b("symbolic");
  b.addInput("x", {0, 3, 2}, "batch_size");
  b.addNode("Flatten", {"x"}, {"f"});
  b.addNode("Relu", {"f"}, {"y"});
  b.addOutput("y", {1, 6});
  const Result<Network> r = importModel(b);
  QVERIFY(r.ok());
  QCOMPARE(r->inputShape, (std::vector<int64_t>{3, 2}));
  QCOMPARE(r->layers[0].shape, (std::vector<int64_t>{3, 2}));
  QCOMPARE(r->outputSize(), 6);
}

void TestOnnxImport::undefinedInput() {
  OnnxBuilder b("undefined");
  b.addInput("x", {1, 4});
  b.addNode("Add", {"x", "missing"}, {"y"}, "add_0");
  b.addOutput("y", {1, 4});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics[0].node, std::string("add_0"));
  QVERIFY(r.diagnostics[0].message.find("'missing'") != std::string::npos);
}

void TestOnnxImport::unsupportedUsesOfSupportedOps() {
  // Non-affine arithmetic (a Mul of two computed values is a Mul layer: tst_onnx_decomposed), ops
  // that need constants, and a Softmax that is not final.
  OnnxBuilder b("uses");
  b.addInput("x", {1, 4});
  b.addInitializer("c", {4}, {1, 2, 3, 4});
  b.addNode("Relu", {"x"}, {"r"});
  b.addNode("Div", {"c", "x"}, {"inv"}, "div_cx");
  b.addNode("Gather", {"c", "x"}, {"g"}, "gather_x").attr("axis", int64_t{0});  // computed indices
  b.addNode("Concat", {"x", "c"}, {"xc"}, "concat_xc").attr("axis", int64_t{0});
  b.addOutput("r", {1, 4});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QStringList nodes;
  for (const Diagnostic& d : r.diagnostics) nodes << QString::fromStdString(d.node);
  QCOMPARE(nodes, (QStringList{"div_cx", "gather_x", "concat_xc"}));
  QVERIFY(r.diagnostics[1].message.find("Gather: the data (input 0) must be computed") != std::string::npos);
}

void TestOnnxImport::corruptedBytesNeverCrash() {
  // Flipped bytes anywhere in a valid model: an import result (usually errors), never a crash.
  // A model with many kinds of nodes: Conv, pools, layout ops, a shape subgraph, BN, Concat.
  OnnxBuilder b("fuzz");
  b.addInput("x", {1, 1, 6, 6});
  b.addInitializer("cw", {2, 1, 3, 3}, testWeights(18, 4));
  b.addInitializer("cb", {2}, testWeights(2, 5));
  b.addInitializerInt64("zero", {1}, {0});
  b.addInitializerInt64("minus1", {1}, {-1});
  b.addInitializer("gw", {8, 3}, testWeights(24, 6));
  b.addInitializer("bn", {3}, {1.0f, 0.5f, 2.0f});
  b.addNode("Conv", {"x", "cw", "cb"}, {"c"}).attr("pads", std::vector<int64_t>{1, 1, 1, 1});
  b.addNode("Relu", {"c"}, {"r"});
  b.addNode("MaxPool", {"r"}, {"p"})
      .attr("kernel_shape", std::vector<int64_t>{2, 2})
      .attr("strides", std::vector<int64_t>{2, 2});
  b.addNode("AveragePool", {"p"}, {"a"})
      .attr("kernel_shape", std::vector<int64_t>{2, 2})
      .attr("strides", std::vector<int64_t>{1, 1});
  b.addNode("Transpose", {"a"}, {"t"}).attr("perm", std::vector<int64_t>{0, 2, 3, 1});
  b.addNode("Shape", {"t"}, {"s"});
  b.addNode("Gather", {"s", "zero"}, {"n"}).attr("axis", int64_t{0});
  b.addNode("Concat", {"n", "minus1"}, {"target"}).attr("axis", int64_t{0});
  b.addNode("Reshape", {"t", "target"}, {"flat"});
  b.addNode("MatMul", {"flat", "gw"}, {"g"});
  b.addNode("BatchNormalization", {"g", "bn", "bn", "bn", "bn"}, {"b"});
  b.addNode("Sigmoid", {"b"}, {"sg"});
  b.addNode("Concat", {"sg", "b"}, {"y"}).attr("axis", int64_t{1});
  b.addOutput("y", {1, 6});
  const std::string good = b.serialize();
  QVERIFY(importOnnxBytes(good, "fuzz").ok());
  std::mt19937 gen(42);
  int failures = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = good;
    const int flips = 1 + static_cast<int>(gen() % 4);
    for (int f = 0; f < flips; ++f) bytes[gen() % bytes.size()] = static_cast<char>(gen() & 0xff);
    if (gen() % 5 == 0) bytes.resize(gen() % bytes.size());
    const Result<Network> r = importOnnxBytes(bytes, "fuzz");
    if (!r.ok()) {
      ++failures;
      QVERIFY(!r.diagnostics.empty());
    } else {
      QVERIFY(!r->layers.empty());
      QCOMPARE(forward(*r, Eigen::VectorXd::Zero(r->inputSize())).size(), r->outputSize());
    }
  }
  QVERIFY(failures > 0);
}

QTEST_APPLESS_MAIN(TestOnnxImport)
#include "tst_onnx_import.moc"
