// The float64 forward pass on networks built by hand (no importer): every LayerOp against a
// reference computed in the test.
#include <QtTest>

#include <cmath>

#include "core/network/forward.h"
#include "tests/support/tiny_models.h"

using namespace cert;
using namespace cert::test;

namespace {

Layer inputLayer(std::vector<int64_t> shape) {
  Layer l;
  l.name = "input";
  l.op = LayerOp::Input;
  l.shape = std::move(shape);
  return l;
}

Layer unary(LayerOp op, int input, std::vector<int64_t> shape) {
  Layer l;
  l.name = layerOpName(op);
  l.op = op;
  l.inputs = {input};
  l.shape = std::move(shape);
  return l;
}

Network networkOf(std::vector<Layer> layers) {
  Network net;
  net.layers = std::move(layers);
  assignNeuronRanges(net);
  return net;
}

}  // namespace

class TestForward : public QObject {
  Q_OBJECT

 private slots:
  void affine();
  void conv_data();
  void conv();
  void pool_data();
  void pool();
  void activations();
  void addAndConcat();
  void product();
  void forwardAllKeepsEveryLayer();
  void wrongInputSize();
};

void TestForward::affine() {
  Layer a = unary(LayerOp::Affine, 0, {2});
  a.weight.resize(2, 3);
  a.weight << 1, 2, 3, -1, 0.5, 0;
  a.bias = Eigen::Vector2d(0.25, -1);
  const Network net = networkOf({inputLayer({3}), a});
  // [1 2 3; -1 .5 0] [1 -1 2] + [.25 -1] = [5.25, -2.5]
  CERT_COMPARE_VEC(forward(net, Eigen::Vector3d(1, -1, 2)), (std::vector<double>{5.25, -2.5}));
}

void TestForward::conv_data() {
  QTest::addColumn<QList<int>>("g");  // kH kW sH sW dH dW top left bottom right
  QTest::newRow("3x3") << QList<int>{3, 3, 1, 1, 1, 1, 0, 0, 0, 0};
  QTest::newRow("strides and pads") << QList<int>{3, 2, 2, 1, 1, 1, 1, 0, 2, 1};
  QTest::newRow("dilations") << QList<int>{2, 2, 1, 2, 2, 3, 1, 1, 1, 1};
}

void TestForward::conv() {
  QFETCH(QList<int>, g);
  const int c = 2, h = 5, w = 6, m = 3;
  ref::Window win;
  win.kH = g[0], win.kW = g[1], win.sH = g[2], win.sW = g[3], win.dH = g[4], win.dW = g[5];
  for (int i = 0; i < 4; ++i) win.pads[i] = g[6 + i];
  const std::vector<double> kernel = toDouble(testWeights(static_cast<size_t>(m * c * g[0] * g[1]), 1));
  const std::vector<double> bias = toDouble(testWeights(3, 2));
  const std::vector<double> x = toDouble(testWeights(static_cast<size_t>(c * h * w), 3));
  int oh = 0, ow = 0;
  const std::vector<double> want = ref::conv2d(x, c, h, w, kernel, m, bias, win, &oh, &ow);

  Layer l = unary(LayerOp::Conv, 0, {m, oh, ow});
  l.conv = {c, h, w, m, oh, ow, g[0], g[1], g[2], g[3], g[6], g[7], g[8], g[9], g[4], g[5]};
  l.kernel = toVector(kernel);
  l.bias.resize(m * oh * ow);
  for (int i = 0; i < l.bias.size(); ++i) l.bias[i] = bias[static_cast<size_t>(i / (oh * ow))];
  const Network net = networkOf({inputLayer({c, h, w}), l});
  CERT_COMPARE_VEC(forward(net, toVector(x)), want);
  // The dense Toeplitz form agrees with the direct loop.
  const Eigen::VectorXd dense = denseWeight(net.layers[1]) * toVector(x) + denseBias(net.layers[1]);
  CERT_COMPARE_VEC(dense, want);
}

void TestForward::pool_data() {
  QTest::addColumn<bool>("isMax");
  QTest::addColumn<bool>("countIncludePad");
  QTest::addColumn<int>("k");
  QTest::addColumn<int>("s");
  QTest::addColumn<int>("pad");
  QTest::newRow("max k2 s2") << true << false << 2 << 2 << 0;
  QTest::newRow("max k3 s2 pad1") << true << false << 3 << 2 << 1;
  QTest::newRow("avg k3 s1 pad1") << false << false << 3 << 1 << 1;
  QTest::newRow("avg k3 s1 pad1 count_include_pad") << false << true << 3 << 1 << 1;
}

void TestForward::pool() {
  QFETCH(bool, isMax);
  QFETCH(bool, countIncludePad);
  QFETCH(int, k);
  QFETCH(int, s);
  QFETCH(int, pad);
  const int c = 2, h = 5, w = 5;
  ref::Window win;
  win.kH = win.kW = k, win.sH = win.sW = s;
  for (int& p : win.pads) p = pad;
  const std::vector<double> x = toDouble(testWeights(static_cast<size_t>(c * h * w), 4));
  int oh = 0, ow = 0;
  const std::vector<double> want = ref::pool2d(x, c, h, w, win, isMax, countIncludePad, &oh, &ow);
  Layer l = unary(isMax ? LayerOp::MaxPool : LayerOp::AvgPool, 0, {c, oh, ow});
  l.pool = {c, h, w, oh, ow, k, k, s, s, pad, pad, pad, pad, countIncludePad};
  const Network net = networkOf({inputLayer({c, h, w}), l});
  CERT_COMPARE_VEC(forward(net, toVector(x)), want);
}

void TestForward::activations() {
  const std::vector<double> x = {-3, -0.5, 0, 0.25, 8};
  Layer leaky = unary(LayerOp::LeakyRelu, 0, {5});
  leaky.alpha = 0.125;
  Layer clip = unary(LayerOp::Clip, 0, {5});
  clip.clipMin = -1;
  clip.clipMax = 0.5;
  const Network net = networkOf({inputLayer({5}), unary(LayerOp::Relu, 0, {5}), leaky,
                                 unary(LayerOp::Sigmoid, 0, {5}), unary(LayerOp::Tanh, 0, {5}),
                                 unary(LayerOp::Abs, 0, {5}), clip});
  const std::vector<Eigen::VectorXd> outs = forwardAll(net, toVector(x));
  QCOMPARE(outs.size(), size_t{7});
  std::vector<double> relu, lk, sig, th, ab, cl;
  for (double v : x) {
    relu.push_back(v > 0 ? v : 0);
    lk.push_back(v > 0 ? v : 0.125 * v);
    sig.push_back(1 / (1 + std::exp(-v)));
    th.push_back(std::tanh(v));
    ab.push_back(std::fabs(v));
    cl.push_back(std::min(std::max(v, -1.0), 0.5));
  }
  CERT_COMPARE_VEC(outs[1], relu);
  CERT_COMPARE_VEC(outs[2], lk);
  CERT_COMPARE_VEC(outs[3], sig);
  CERT_COMPARE_VEC(outs[4], th);
  CERT_COMPARE_VEC(outs[5], ab);
  CERT_COMPARE_VEC(outs[6], cl);
}

void TestForward::addAndConcat() {
  Layer add = unary(LayerOp::Add, 1, {3});
  add.inputs = {1, 0};
  Layer cat = unary(LayerOp::Concat, 0, {9});
  cat.inputs = {0, 1, 2};
  const Network net = networkOf({inputLayer({3}), unary(LayerOp::Abs, 0, {3}), add, cat});
  CERT_COMPARE_VEC(forward(net, Eigen::Vector3d(-1, 2, -3)),
              (std::vector<double>{-1, 2, -3, 1, 2, 3, 0, 4, 0}));
}

void TestForward::product() {
  Layer mul = unary(LayerOp::Mul, 1, {3});
  mul.inputs = {1, 0};  // Abs(x) * x
  Layer square = unary(LayerOp::Mul, 0, {3});
  square.inputs = {0, 0};  // x * x
  const Network net = networkOf({inputLayer({3}), unary(LayerOp::Abs, 0, {3}), mul, square});
  const std::vector<Eigen::VectorXd> outs = forwardAll(net, Eigen::Vector3d(-1.5, 2, -3));
  CERT_COMPARE_VEC(outs[2], (std::vector<double>{-2.25, 4, -9}));
  CERT_COMPARE_VEC(outs[3], (std::vector<double>{2.25, 4, 9}));
}

void TestForward::forwardAllKeepsEveryLayer() {
  Layer a = unary(LayerOp::Affine, 0, {2});
  a.weight = Eigen::MatrixXd::Identity(2, 2) * 2;
  a.bias = Eigen::Vector2d(1, -5);
  const Network net = networkOf({inputLayer({2}), a, unary(LayerOp::Relu, 1, {2})});
  const std::vector<Eigen::VectorXd> outs = forwardAll(net, Eigen::Vector2d(1, 1));
  QCOMPARE(outs.size(), size_t{3});
  CERT_COMPARE_VEC(outs[0], (std::vector<double>{1, 1}));
  CERT_COMPARE_VEC(outs[1], (std::vector<double>{3, -3}));
  CERT_COMPARE_VEC(outs[2], (std::vector<double>{3, 0}));
  CERT_COMPARE_VEC(forward(net, Eigen::Vector2d(1, 1)), (std::vector<double>{3, 0}));
}

void TestForward::wrongInputSize() {
  const Network net = networkOf({inputLayer({3}), unary(LayerOp::Relu, 0, {3})});
  QVERIFY(forwardAll(net, Eigen::Vector2d(1, 2)).empty());
  QCOMPARE(forward(net, Eigen::Vector2d(1, 2)).size(), 0);
}

QTEST_APPLESS_MAIN(TestForward)
#include "tst_forward.moc"
