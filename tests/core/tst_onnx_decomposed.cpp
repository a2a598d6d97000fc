// ONNX ops imported by exact decomposition (HardSigmoid, Max, Min) and as a product layer (Mul of two
// computed values, HardSwish = x * HardSigmoid(x)) on tiny models built here: the forward pass on
// random inputs against the ONNX formulas evaluated directly (to 1e-12), the node named on every
// layer it became; a Mul of two computed values that needs broadcasting refused naming the node.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/network/forward.h"
#include "core/network/network_printer.h"
#include "core/network/onnx_builder.h"
#include "tests/support/tiny_models.h"

using namespace cert;
using namespace cert::test;

namespace {

/// x (1 x k) @ w (k x n), w row-major, in double.
std::vector<double> matmul(const std::vector<double>& x, const std::vector<float>& w, int k,
                           int n) {
  std::vector<double> y(static_cast<size_t>(n), 0.0);
  for (int j = 0; j < n; ++j)
    for (int p = 0; p < k; ++p)
      y[static_cast<size_t>(j)] +=
          x[static_cast<size_t>(p)] * double(w[static_cast<size_t>(p * n + j)]);
  return y;
}

double refHardSigmoid(double x, double alpha, double beta) {
  return std::max(0.0, std::min(1.0, alpha * x + beta));
}

/// Random raw inputs in [-3, 3].
std::vector<std::vector<double>> randomInputs(int count, int size, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-3.0, 3.0);
  std::vector<std::vector<double>> xs(static_cast<size_t>(count));
  for (auto& x : xs) {
    x.resize(static_cast<size_t>(size));
    for (double& v : x) v = u(rng);
  }
  return xs;
}

/// Layers whose onnxNodes name `node`.
int layersNaming(const Network& net, const std::string& node) {
  int n = 0;
  for (const Layer& l : net.layers)
    if (std::find(l.onnxNodes.begin(), l.onnxNodes.end(), node) != l.onnxNodes.end()) ++n;
  return n;
}

#define IMPORT_OK(var, builder)                              \
  const Result<Network> var##Result = importModel(builder); \
  QVERIFY2(var##Result.ok(), errorsOf(var##Result).c_str()); \
  const Network& var = *var##Result

#define COMPARE_EXACT(got, want) CERT_COMPARE_VEC_TOL(got, want, 1e-12)
#define CERT_COMPARE_VEC_TOL(got, want, tol)                                 \
  do {                                                                       \
    const std::string certDiff = ::cert::test::compareVectors(got, want, tol); \
    QVERIFY2(certDiff.empty(), certDiff.c_str());                            \
  } while (0)

}  // namespace

class TestOnnxDecomposed : public QObject {
  Q_OBJECT

 private slots:
  void hardSigmoid_data();
  void hardSigmoid();
  void maxMinComputed_data();
  void maxMinComputed();
  void maxMinConstant_data();
  void maxMinConstant();
  void productComputed_data();
  void productComputed();
  void hardSwish_data();
  void hardSwish();
  void productBroadcastRefused();
};

void TestOnnxDecomposed::hardSigmoid_data() {
  QTest::addColumn<int>("producer");  // 0: MatMul (folded), 1: Relu (own layer), 2: the input
  QTest::addColumn<bool>("defaults");
  QTest::addColumn<double>("alpha");
  QTest::addColumn<double>("beta");
  QTest::newRow("after MatMul, default alpha beta") << 0 << true << 0.2 << 0.5;
  QTest::newRow("after MatMul, alpha 0.35 beta 0.4") << 0 << false << 0.35 << 0.4;
  QTest::newRow("after Relu, alpha 1/6 beta 0.5") << 1 << false << 1.0 / 6.0 << 0.5;
  QTest::newRow("on the input, alpha -0.5 beta 0.25") << 2 << false << -0.5 << 0.25;
}

void TestOnnxDecomposed::hardSigmoid() {
  QFETCH(int, producer);
  QFETCH(bool, defaults);
  QFETCH(double, alpha);
  QFETCH(double, beta);
  const int k = 4, n = 6;
  const std::vector<float> w = testWeights(k * n, 11), w2 = testWeights(n * 3, 12);
  OnnxBuilder b("hardsigmoid");
  b.addInput("x", {1, producer == 2 ? n : k});
  b.addInitializer("w", {k, n}, w);
  b.addInitializer("w2", {n, 3}, w2);
  std::string in = "x";
  if (producer != 2) b.addNode("MatMul", {"x", "w"}, {"h"}), in = "h";
  if (producer == 1) b.addNode("Relu", {"h"}, {"r"}), in = "r";
  auto node = b.addNode("HardSigmoid", {in}, {"hs"}, "hsig_0");
  if (!defaults) {
    node.attr("alpha", alpha).attr("beta", beta);
    // ONNX float attributes are float32: the model holds alpha and beta rounded to float.
    alpha = double(float(alpha));
    beta = double(float(beta));
  }
  b.addNode("MatMul", {"hs", "w2"}, {"y"});
  b.addOutput("y", {1, 3});
  IMPORT_OK(net, b);
  // 2 alpha x + 2 beta - 1 folded into the MatMul or the input normalization, or its own layer
  // (after Relu); then Clip [-1, 1] (HardTanh) and the diagonal (t + 1) / 2.
  QCOMPARE(layersNaming(net, "hsig_0"), producer == 2 ? 2 : 3);
  int clips = 0;
  for (const Layer& l : net.layers)
    if (l.op == LayerOp::Clip) {
      ++clips;
      QCOMPARE(l.clipMin, -1.0);
      QCOMPARE(l.clipMax, 1.0);
      QVERIFY(std::find(l.onnxNodes.begin(), l.onnxNodes.end(), "hsig_0") != l.onnxNodes.end());
    }
  QCOMPARE(clips, 1);
  const auto seed = 100 + static_cast<uint32_t>(producer);
  for (const auto& x : randomInputs(50, producer == 2 ? n : k, seed)) {
    std::vector<double> h = producer == 2 ? x : matmul(x, w, k, n);
    if (producer == 1)
      for (double& v : h) v = std::max(v, 0.0);
    for (double& v : h) v = refHardSigmoid(v, alpha, beta);
    COMPARE_EXACT(forward(net, normalizeInput(net, toVector(x))), matmul(h, w2, n, 3));
  }
}

void TestOnnxDecomposed::maxMinComputed_data() {
  QTest::addColumn<QString>("op");
  QTest::addColumn<bool>("shared");      // Max(h1, Relu(h1)): both operands from one layer
  QTest::addColumn<bool>("transposed");  // operands [1, 6] -> [2, 3] -> [3, 2]: permutations
  QTest::newRow("Max") << "Max" << false << false;
  QTest::newRow("Min") << "Min" << false << false;
  QTest::newRow("Max shared") << "Max" << true << false;
  QTest::newRow("Min shared") << "Min" << true << false;
  QTest::newRow("Max transposed") << "Max" << false << true;
  QTest::newRow("Min transposed") << "Min" << false << true;
}

void TestOnnxDecomposed::maxMinComputed() {
  QFETCH(QString, op);
  QFETCH(bool, shared);
  QFETCH(bool, transposed);
  const bool isMax = op == "Max";
  const int k = 4, n = 6;
  const std::vector<float> w1 = testWeights(k * n, 21), w2 = testWeights(k * n, 22),
                           w3 = testWeights(n * 2, 23);
  OnnxBuilder b("maxmin");
  b.addInput("x", {1, k});
  b.addInitializer("w1", {k, n}, w1);
  b.addInitializer("w2", {k, n}, w2);
  b.addInitializer("w3", {n, 2}, w3);
  b.addNode("MatMul", {"x", "w1"}, {"h1"});
  if (shared) b.addNode("Relu", {"h1"}, {"h2"});
  else b.addNode("MatMul", {"x", "w2"}, {"h2"});
  if (transposed) {
    b.addInitializerInt64("s23", {2}, {2, 3});
    b.addInitializerInt64("s16", {2}, {1, 6});
    for (const char* h : {"h1", "h2"}) {
      b.addNode("Reshape", {h, "s23"}, {std::string(h) + "r"});
      b.addNode("Transpose", {std::string(h) + "r"}, {std::string(h) + "t"})
          .attr("perm", std::vector<int64_t>{1, 0});
    }
    b.addNode(op.toStdString(), {"h1t", "h2t"}, {"mt"}, "mm_0");
    b.addNode("Transpose", {"mt"}, {"mr"}).attr("perm", std::vector<int64_t>{1, 0});
    b.addNode("Reshape", {"mr", "s16"}, {"m"});
  } else {
    b.addNode(op.toStdString(), {"h1", "h2"}, {"m"}, "mm_0");
  }
  b.addNode("MatMul", {"m", "w3"}, {"y"});
  b.addOutput("y", {1, 2});
  IMPORT_OK(net, b);
  // Max: -a, b + (-a), Relu, a + Relu. Min: -b, a + (-b), Relu, -Relu, a + (-Relu).
  if (!transposed) QCOMPARE(layersNaming(net, "mm_0"), isMax ? 4 : 5);
  // Input, h1, h2, the decomposition, y; transposed: each operand's permutation is folded into the
  // rows of its MatMul (read by nothing else), the result's into y's weight columns: no layer.
  QCOMPARE(net.layers.size(), size_t(isMax ? 8 : 9));
  for (const auto& x : randomInputs(50, k, 200)) {
    const std::vector<double> h1 = matmul(x, w1, k, n);
    std::vector<double> h2 = shared ? h1 : matmul(x, w2, k, n);
    if (shared)
      for (double& v : h2) v = std::max(v, 0.0);
    std::vector<double> m(static_cast<size_t>(n));
    for (size_t i = 0; i < m.size(); ++i)
      m[i] = isMax ? std::max(h1[i], h2[i]) : std::min(h1[i], h2[i]);
    COMPARE_EXACT(forward(net, normalizeInput(net, toVector(x))), matmul(m, w3, n, 2));
  }
}

void TestOnnxDecomposed::maxMinConstant_data() {
  QTest::addColumn<QString>("op");
  QTest::addColumn<bool>("constantFirst");
  QTest::newRow("Max(h, c)") << "Max" << false;
  QTest::newRow("Min(c, h)") << "Min" << true;
}

void TestOnnxDecomposed::maxMinConstant() {
  QFETCH(QString, op);
  QFETCH(bool, constantFirst);
  const bool isMax = op == "Max";
  const int k = 3, n = 4;
  const std::vector<float> w = testWeights(k * n, 31), c = testWeights(n, 32);
  OnnxBuilder b("maxminc");
  b.addInput("x", {1, k});
  b.addInitializer("w", {k, n}, w);
  b.addInitializer("c", {n}, c);
  b.addNode("MatMul", {"x", "w"}, {"h"});
  b.addNode(op.toStdString(), constantFirst ? std::vector<std::string>{"c", "h"}
                                            : std::vector<std::string>{"h", "c"},
            {"y"}, "mmc_0");
  b.addOutput("y", {1, n});
  IMPORT_OK(net, b);
  QCOMPARE(net.layers.back().op, LayerOp::Affine);
  QCOMPARE(layersNaming(net, "mmc_0"), 3);  // the folded MatMul, Relu, the shift back
  for (const auto& x : randomInputs(50, k, 300)) {
    std::vector<double> y = matmul(x, w, k, n);
    for (size_t i = 0; i < y.size(); ++i)
      y[i] = isMax ? std::max(y[i], double(c[i])) : std::min(y[i], double(c[i]));
    COMPARE_EXACT(forward(net, normalizeInput(net, toVector(x))), y);
  }
}

void TestOnnxDecomposed::productComputed_data() {
  QTest::addColumn<int>("second");  // 0: another MatMul, 1: Relu(h1), 2: h1 itself, 3: the input
  QTest::addColumn<bool>("transposed");  // operands [1, 6] -> [2, 3] -> [3, 2]: permutations
  QTest::newRow("two MatMul branches") << 0 << false;
  QTest::newRow("h * Relu(h)") << 1 << false;
  QTest::newRow("h * h") << 2 << false;
  QTest::newRow("h * x") << 3 << false;
  QTest::newRow("two branches transposed") << 0 << true;
}

void TestOnnxDecomposed::productComputed() {
  QFETCH(int, second);
  QFETCH(bool, transposed);
  const int n = 6, k = second == 3 ? n : 4;
  const std::vector<float> w1 = testWeights(k * n, 51), w2 = testWeights(k * n, 52),
                           w3 = testWeights(n * 2, 53);
  OnnxBuilder b("mul2");
  b.addInput("x", {1, k});
  b.addInitializer("w1", {k, n}, w1);
  b.addInitializer("w2", {k, n}, w2);
  b.addInitializer("w3", {n, 2}, w3);
  b.addNode("MatMul", {"x", "w1"}, {"h1"});
  std::string other = "h2";
  if (second == 0) b.addNode("MatMul", {"x", "w2"}, {"h2"});
  if (second == 1) b.addNode("Relu", {"h1"}, {"h2"});
  if (second == 2) other = "h1";
  if (second == 3) other = "x";
  if (transposed) {
    b.addInitializerInt64("s23", {2}, {2, 3});
    b.addInitializerInt64("s16", {2}, {1, 6});
    for (const std::string& h : {std::string("h1"), other}) {
      b.addNode("Reshape", {h, "s23"}, {h + "r"});
      b.addNode("Transpose", {h + "r"}, {h + "t"}).attr("perm", std::vector<int64_t>{1, 0});
    }
    b.addNode("Mul", {"h1t", other + "t"}, {"mt"}, "mul_0");
    b.addNode("Transpose", {"mt"}, {"mr"}).attr("perm", std::vector<int64_t>{1, 0});
    b.addNode("Reshape", {"mr", "s16"}, {"m"});
  } else {
    b.addNode("Mul", {"h1", other}, {"m"}, "mul_0");
  }
  b.addNode("MatMul", {"m", "w3"}, {"y"});
  b.addOutput("y", {1, 2});
  IMPORT_OK(net, b);
  int products = 0;
  for (const Layer& l : net.layers)
    if (l.op == LayerOp::Mul) {
      ++products;
      QCOMPARE(l.inputs.size(), size_t{2});
      QCOMPARE(l.size(), int64_t{n});
      for (int in : l.inputs) QCOMPARE(net.layers[static_cast<size_t>(in)].size(), int64_t{n});
      QVERIFY(std::find(l.onnxNodes.begin(), l.onnxNodes.end(), "mul_0") != l.onnxNodes.end());
      if (second == 2 && !transposed) QCOMPARE(l.inputs[0], l.inputs[1]);
    }
  QCOMPARE(products, 1);
  QVERIFY(printNetwork(net).find("Mul") != std::string::npos);
  for (const auto& x : randomInputs(50, k, 400 + static_cast<uint32_t>(second))) {
    const std::vector<double> h1 = matmul(x, w1, k, n);
    std::vector<double> h2 = second == 0 ? matmul(x, w2, k, n) : second == 3 ? x : h1;
    if (second == 1)
      for (double& v : h2) v = std::max(v, 0.0);
    std::vector<double> m(static_cast<size_t>(n));
    for (size_t i = 0; i < m.size(); ++i) m[i] = h1[i] * h2[i];
    COMPARE_EXACT(forward(net, normalizeInput(net, toVector(x))), matmul(m, w3, n, 2));
  }
}

void TestOnnxDecomposed::hardSwish_data() {
  QTest::addColumn<int>("producer");  // 0: MatMul, 1: Relu (own layer), 2: the input
  QTest::newRow("after MatMul") << 0;
  QTest::newRow("after Relu") << 1;
  QTest::newRow("on the input") << 2;
}

void TestOnnxDecomposed::hardSwish() {
  QFETCH(int, producer);
  const int k = 4, n = 6;
  const std::vector<float> w = testWeights(k * n, 61), w2 = testWeights(n * 3, 62);
  OnnxBuilder b("hardswish", 14);
  b.addInput("x", {1, producer == 2 ? n : k});
  b.addInitializer("w", {k, n}, w);
  b.addInitializer("w2", {n, 3}, w2);
  std::string in = "x";
  if (producer != 2) b.addNode("MatMul", {"x", "w"}, {"h"}), in = "h";
  if (producer == 1) b.addNode("Relu", {"h"}, {"r"}), in = "r";
  b.addNode("HardSwish", {in}, {"hs"}, "hswish_0");
  b.addNode("MatMul", {"hs", "w2"}, {"y"});
  b.addOutput("y", {1, 3});
  IMPORT_OK(net, b);
  // 2 alpha x + 2 beta - 1 (its own layer: x is read again), Clip [-1, 1], (t + 1) / 2, Mul.
  QCOMPARE(layersNaming(net, "hswish_0"), 4);
  int products = 0;
  for (const Layer& l : net.layers)
    if (l.op == LayerOp::Mul) {
      ++products;
      QCOMPARE(l.name, std::string("hs"));
      // One operand is x itself (the layer HardSwish reads), the other the HardSigmoid.
      const Layer& first = net.layers[static_cast<size_t>(l.inputs[0])];
      QCOMPARE(first.op, producer == 0 ? LayerOp::Affine : producer == 1 ? LayerOp::Relu : LayerOp::Input);
      QCOMPARE(net.layers[static_cast<size_t>(l.inputs[1])].name, std::string("hs/hardsigmoid"));
    }
  QCOMPARE(products, 1);
  QVERIFY(net.normalization.isIdentity());  // the HardSigmoid's scaling did not fold into x
  for (const auto& x : randomInputs(50, producer == 2 ? n : k, 500 + static_cast<uint32_t>(producer))) {
    std::vector<double> h = producer == 2 ? x : matmul(x, w, k, n);
    if (producer == 1)
      for (double& v : h) v = std::max(v, 0.0);
    // ONNX HardSwish: x * max(0, min(1, x / 6 + 1/2)).
    for (double& v : h) v = v * std::max(0.0, std::min(1.0, v / 6.0 + 0.5));
    COMPARE_EXACT(forward(net, normalizeInput(net, toVector(x))), matmul(h, w2, n, 3));
  }
}

void TestOnnxDecomposed::productBroadcastRefused() {
  OnnxBuilder b("mulbroadcast");
  b.addInput("x", {1, 3});
  b.addInitializer("w", {3, 3}, testWeights(9, 42));
  b.addInitializer("v", {3, 1}, testWeights(3, 43));
  b.addNode("MatMul", {"x", "w"}, {"h"});
  b.addNode("MatMul", {"x", "v"}, {"s"});  // [1, 1]: Mul would broadcast it over h's 3 elements
  b.addNode("Mul", {"h", "s"}, {"y"}, "mul_0");
  b.addOutput("y", {1, 3});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics.size(), size_t{1});
  QCOMPARE(r.diagnostics[0].node, std::string("mul_0"));
  const std::string& m = r.diagnostics[0].message;
  QVERIFY2(m.find("Mul of computed values with shapes [1, 3] and [1, 1] needs broadcasting, which "
                  "is not supported") != std::string::npos,
           m.c_str());
}

QTEST_APPLESS_MAIN(TestOnnxDecomposed)
#include "tst_onnx_decomposed.moc"
