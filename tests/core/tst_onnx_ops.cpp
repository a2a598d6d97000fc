// Each supported ONNX op on a tiny model built in the test: the imported layers, and the forward
// pass against a reference computed here from the same weights (to 1e-9).
#include <QtTest>

#include <cmath>
#include <limits>

#include "core/network/forward.h"
#include "core/network/network_printer.h"
#include "core/network/onnx_builder.h"
#include "tests/support/tiny_models.h"

using namespace cert;
using namespace cert::test;

namespace {

/// The network output for a raw input (normalization applied first).
Eigen::VectorXd run(const Network& net, const std::vector<double>& raw) {
  return forward(net, normalizeInput(net, toVector(raw)));
}

std::vector<LayerOp> opsOf(const Network& net) {
  std::vector<LayerOp> ops;
  for (const Layer& l : net.layers) ops.push_back(l.op);
  return ops;
}

#define IMPORT_OK(var, builder)                              \
  const Result<Network> var##Result = importModel(builder); \
  QVERIFY2(var##Result.ok(), errorsOf(var##Result).c_str()); \
  const Network& var = *var##Result

}  // namespace

class TestOnnxOps : public QObject {
  Q_OBJECT

 private slots:
  void gemm_data();
  void gemm();
  void matmulAdd_data();
  void matmulAdd();
  void conv_data();
  void conv();
  void pools_data();
  void pools();
  void transposeReshapeBeforeGemm();
  void inputTransposeFoldsIntoInputOrder();
  void transposeMaterialized();
  void transposeBetweenConvs_data();
  void transposeBetweenConvs();
  void transposedPools();
  void elementwiseOpsKeepACommonOrder();
  void transposeFoldsIntoItsProducer();
  void concatReadsPermutedInputs();
  void batchNorm_data();
  void batchNorm();
  void normalizationSubDiv();
  void normalizationMulAddAndConstantFirst();
  void normalizationLeadingConv1x1();
  void midNetworkScaling();
  void channelScalingAfterRelu();
  void scalingFoldsIntoItsReader();
  void noFoldIntoALayerAlreadyRead_data();
  void noFoldIntoALayerAlreadyRead();
  void clip_data();
  void clip();
  void activations_data();
  void activations();
  void concat();
  void concatInterleaved();
  void residualAdd();
  void softmaxDropped();
  void constantNodes();
  void shapeGatherConcatReshape();
  void int64AndDoubleInitializers();
  void sliceOnShape();
  void layoutPassThroughs();
  void mulFoldsIntoConvPerChannel();
};

void TestOnnxOps::gemm_data() {
  QTest::addColumn<bool>("transA");
  QTest::addColumn<bool>("transB");
  QTest::addColumn<double>("alpha");
  QTest::addColumn<double>("beta");
  QTest::addColumn<bool>("inputIsB");
  QTest::newRow("A=x") << false << false << 1.0 << 1.0 << false;
  QTest::newRow("A=x transB") << false << true << 1.0 << 1.0 << false;
  QTest::newRow("A=x transA transB alpha beta") << true << true << 0.5 << 2.0 << false;
  QTest::newRow("B=x") << false << false << 1.0 << 1.0 << true;
  QTest::newRow("B=x transA transB alpha beta") << true << true << -1.5 << 0.25 << true;
}

void TestOnnxOps::gemm() {
  QFETCH(bool, transA);
  QFETCH(bool, transB);
  QFETCH(double, alpha);
  QFETCH(double, beta);
  QFETCH(bool, inputIsB);
  // x @ W (x: 1x5, W: 5x3) or W @ x (W: 3x5, x: 5x1).
  const int m = inputIsB ? 3 : 1, k = 5, n = inputIsB ? 1 : 3;
  const std::vector<int64_t> aDims = transA ? std::vector<int64_t>{k, m} : std::vector<int64_t>{m, k};
  const std::vector<int64_t> bDims = transB ? std::vector<int64_t>{n, k} : std::vector<int64_t>{k, n};
  const std::vector<float> w = testWeights(15, 1), c = testWeights(3, 2);
  // The graph input is [1, 5]; a Reshape gives the computed operand its 2-D shape.
  OnnxBuilder b("gemm");
  b.addInput("in", {1, k});
  b.addInitializerInt64("xshape", {2}, inputIsB ? bDims : aDims);
  b.addNode("Reshape", {"in", "xshape"}, {"x"});
  b.addInitializer("w", inputIsB ? aDims : bDims, w);
  b.addInitializer("c", inputIsB ? std::vector<int64_t>{3, 1} : std::vector<int64_t>{3}, c);
  b.addNode("Gemm", inputIsB ? std::vector<std::string>{"w", "x", "c"}
                             : std::vector<std::string>{"x", "w", "c"},
            {"y"}, "gemm_0")
      .attr("transA", int64_t{transA})
      .attr("transB", int64_t{transB})
      .attr("alpha", alpha)
      .attr("beta", beta);
  b.addOutput("y", {m, n});
  IMPORT_OK(net, b);

  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Affine}));
  QCOMPARE(net.layers[1].shape, inputIsB ? (std::vector<int64_t>{3, 1}) : (std::vector<int64_t>{3}));
  QCOMPARE(net.layers[1].weight.rows(), 3);
  QCOMPARE(net.layers[1].weight.cols(), 5);
  QCOMPARE(net.layers[1].onnxNodes, (std::vector<std::string>{"x", "gemm_0"}));
  const std::vector<double> x = toDouble(testWeights(5, 3));
  const std::vector<double> want =
      inputIsB ? ref::gemm(toDouble(w), x, toDouble(c), m, k, n, transA, transB, alpha, beta)
               : ref::gemm(x, toDouble(w), toDouble(c), m, k, n, transA, transB, alpha, beta);
  CERT_COMPARE_VEC(run(net, x), want);
}

void TestOnnxOps::matmulAdd_data() {
  QTest::addColumn<int>("variant");
  QTest::newRow("x @ W + b") << 0;
  QTest::newRow("W @ x + b") << 1;
  QTest::newRow("rank-3 x @ W + b") << 2;
}

void TestOnnxOps::matmulAdd() {
  QFETCH(int, variant);
  const std::vector<float> w = testWeights(12, 4), bias = testWeights(3, 5);
  OnnxBuilder b("matmul");
  std::vector<int64_t> xDims, outDims;
  if (variant == 0) {
    xDims = {1, 4}, outDims = {1, 3};
    b.addInitializer("w", {4, 3}, w);
    b.addInitializer("b", {3}, bias);
    b.addNode("MatMul", {"x", "w"}, {"mm"});
  } else if (variant == 1) {
    xDims = {1, 4}, outDims = {3, 1};
    b.addInitializerInt64("column", {2}, {4, 1});
    b.addNode("Reshape", {"x", "column"}, {"xc"});
    b.addInitializer("w", {3, 4}, w);
    b.addInitializer("b", {3, 1}, bias);
    b.addNode("MatMul", {"w", "xc"}, {"mm"});
  } else {
    xDims = {1, 2, 4}, outDims = {1, 2, 3};
    b.addInitializer("w", {4, 3}, w);
    b.addInitializer("b", {3}, bias);
    b.addNode("MatMul", {"x", "w"}, {"mm"});
  }
  b.addInput("x", xDims);
  b.addNode("Add", {"mm", "b"}, {"y"});
  b.addOutput("y", outDims);
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Affine}));
  QCOMPARE(net.layers[1].onnxNodes, variant == 1 ? (std::vector<std::string>{"xc", "mm", "y"})
                                                 : (std::vector<std::string>{"mm", "y"}));

  const int rows = variant == 2 ? 2 : 1;
  const std::vector<double> x = toDouble(testWeights(static_cast<size_t>(4 * rows), 6));
  std::vector<double> want;
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < 3; ++j) {
      double s = bias[static_cast<size_t>(j)];
      for (int p = 0; p < 4; ++p)
        s += variant == 1 ? w[static_cast<size_t>(j * 4 + p)] * x[static_cast<size_t>(p)]
                          : x[static_cast<size_t>(r * 4 + p)] * w[static_cast<size_t>(p * 3 + j)];
      want.push_back(s);
    }
  CERT_COMPARE_VEC(run(net, x), want);
}

void TestOnnxOps::conv_data() {
  QTest::addColumn<QList<int>>("kernel");     // kH, kW
  QTest::addColumn<QList<int>>("strides");
  QTest::addColumn<QList<int>>("dilations");
  QTest::addColumn<QList<int>>("pads");       // attribute value (top, left, bottom, right)
  QTest::addColumn<QString>("autoPad");
  QTest::addColumn<QList<int>>("effectivePads");  // what the reference uses
  QTest::newRow("3x3") << QList<int>{3, 3} << QList<int>{1, 1} << QList<int>{1, 1}
                       << QList<int>{0, 0, 0, 0} << "NOTSET" << QList<int>{0, 0, 0, 0};
  QTest::newRow("pads and strides") << QList<int>{3, 2} << QList<int>{2, 1} << QList<int>{1, 1}
                                    << QList<int>{1, 0, 2, 1} << "NOTSET" << QList<int>{1, 0, 2, 1};
  QTest::newRow("dilations") << QList<int>{2, 2} << QList<int>{1, 1} << QList<int>{2, 3}
                             << QList<int>{1, 1, 1, 1} << "NOTSET" << QList<int>{1, 1, 1, 1};
  // in 5x6, stride 2, kernel 3: out 3x3, total pads 2 (rows) and 1 (cols), extra at the end.
  QTest::newRow("SAME_UPPER") << QList<int>{3, 3} << QList<int>{2, 2} << QList<int>{1, 1}
                              << QList<int>{0, 0, 0, 0} << "SAME_UPPER" << QList<int>{1, 0, 1, 1};
  QTest::newRow("SAME_LOWER") << QList<int>{3, 3} << QList<int>{2, 2} << QList<int>{1, 1}
                              << QList<int>{0, 0, 0, 0} << "SAME_LOWER" << QList<int>{1, 1, 1, 0};
  QTest::newRow("VALID") << QList<int>{2, 3} << QList<int>{1, 2} << QList<int>{1, 1}
                         << QList<int>{0, 0, 0, 0} << "VALID" << QList<int>{0, 0, 0, 0};
}

void TestOnnxOps::conv() {
  QFETCH(QList<int>, kernel);
  QFETCH(QList<int>, strides);
  QFETCH(QList<int>, dilations);
  QFETCH(QList<int>, pads);
  QFETCH(QString, autoPad);
  QFETCH(QList<int>, effectivePads);
  const int c = 2, h = 5, w = 6, m = 3;
  const std::vector<float> weight = testWeights(static_cast<size_t>(m * c * kernel[0] * kernel[1]), 7);
  const std::vector<float> bias = testWeights(3, 8);
  OnnxBuilder b("conv");
  b.addInput("x", {1, c, h, w});
  b.addInitializer("w", {m, c, kernel[0], kernel[1]}, weight);
  b.addInitializer("b", {m}, bias);
  auto node = b.addNode("Conv", {"x", "w", "b"}, {"y"}, "conv_0");
  node.attr("kernel_shape", std::vector<int64_t>{kernel[0], kernel[1]})
      .attr("strides", std::vector<int64_t>{strides[0], strides[1]})
      .attr("dilations", std::vector<int64_t>{dilations[0], dilations[1]});
  if (autoPad == "NOTSET") node.attr("pads", std::vector<int64_t>(pads.begin(), pads.end()));
  else node.attr("auto_pad", autoPad.toStdString());
  b.addOutput("y", {1, m, 0, 0});
  IMPORT_OK(net, b);

  ref::Window g;
  g.kH = kernel[0], g.kW = kernel[1], g.sH = strides[0], g.sW = strides[1];
  g.dH = dilations[0], g.dW = dilations[1];
  for (int i = 0; i < 4; ++i) g.pads[i] = effectivePads[i];
  const std::vector<double> x = toDouble(testWeights(static_cast<size_t>(c * h * w), 9));
  int oh = 0, ow = 0;
  const std::vector<double> want = ref::conv2d(x, c, h, w, toDouble(weight), m, toDouble(bias), g, &oh, &ow);

  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Conv}));
  const Layer& l = net.layers[1];
  QCOMPARE(l.shape, (std::vector<int64_t>{m, oh, ow}));
  QCOMPARE(l.conv.padTop, effectivePads[0]);
  QCOMPARE(l.conv.padLeft, effectivePads[1]);
  QCOMPARE(l.conv.padBottom, effectivePads[2]);
  QCOMPARE(l.conv.padRight, effectivePads[3]);
  QCOMPARE(l.bias.size(), static_cast<Eigen::Index>(m * oh * ow));  // expanded per neuron
  QCOMPARE(l.parameterCount(), static_cast<int64_t>(weight.size()) + m * oh * ow);
  CERT_COMPARE_VEC(run(net, x), want);
}

void TestOnnxOps::pools_data() {
  QTest::addColumn<QString>("op");
  QTest::addColumn<int>("k");
  QTest::addColumn<int>("s");
  QTest::addColumn<int>("pad");
  QTest::addColumn<bool>("countIncludePad");
  QTest::newRow("MaxPool k2 s2") << "MaxPool" << 2 << 2 << 0 << false;
  QTest::newRow("MaxPool k3 s2 pad1") << "MaxPool" << 3 << 2 << 1 << false;
  QTest::newRow("AveragePool k3 s1 pad1") << "AveragePool" << 3 << 1 << 1 << false;
  QTest::newRow("AveragePool k3 s1 pad1 count_include_pad") << "AveragePool" << 3 << 1 << 1 << true;
  QTest::newRow("GlobalAveragePool") << "GlobalAveragePool" << 5 << 1 << 0 << false;
}

void TestOnnxOps::pools() {
  QFETCH(QString, op);
  QFETCH(int, k);
  QFETCH(int, s);
  QFETCH(int, pad);
  QFETCH(bool, countIncludePad);
  const int c = 2, h = 5, w = 5;
  OnnxBuilder b("pool");
  b.addInput("x", {1, c, h, w});
  auto node = b.addNode(op.toStdString(), {"x"}, {"y"});
  if (op != "GlobalAveragePool") {
    node.attr("kernel_shape", std::vector<int64_t>{k, k})
        .attr("strides", std::vector<int64_t>{s, s})
        .attr("pads", std::vector<int64_t>{pad, pad, pad, pad});
    if (op == "AveragePool") node.attr("count_include_pad", int64_t{countIncludePad});
  }
  b.addOutput("y", {1, c, 0, 0});
  IMPORT_OK(net, b);

  ref::Window g;
  g.kH = g.kW = k, g.sH = g.sW = s;
  for (int& p : g.pads) p = pad;
  const std::vector<double> x = toDouble(testWeights(static_cast<size_t>(c * h * w), 10));
  int oh = 0, ow = 0;
  const std::vector<double> want = ref::pool2d(x, c, h, w, g, op == "MaxPool", countIncludePad, &oh, &ow);
  QCOMPARE(net.layers.size(), size_t{2});
  QCOMPARE(net.layers[1].shape, (std::vector<int64_t>{c, oh, ow}));
  if (countIncludePad && pad > 0) {
    // Windows that divide by their full size at the borders too: a convolution (the specs' avg
    // divides by the positions inside the input), weights 1 / (k k) from each channel to itself.
    QCOMPARE(net.layers[1].op, LayerOp::Conv);
    QCOMPARE(net.layers[1].kernel.maxCoeff(), 1.0 / (k * k));
  } else {
    QCOMPARE(net.layers[1].op, op == "MaxPool" ? LayerOp::MaxPool : LayerOp::AvgPool);
    QCOMPARE(net.layers[1].pool.countIncludePad, countIncludePad);
  }
  CERT_COMPARE_VEC(run(net, x), want);
}

void TestOnnxOps::transposeReshapeBeforeGemm() {
  // Conv -> Relu -> Transpose(0,2,3,1) -> Reshape -> Gemm, as ERAN's ConvSmall exports it.
  const std::vector<float> cw = testWeights(8, 11), cb = testWeights(2, 12);
  const std::vector<float> gw = testWeights(24, 13), gb = testWeights(3, 14);
  OnnxBuilder b("nhwc");
  b.addInput("x", {1, 1, 3, 3});
  b.addInitializer("cw", {2, 1, 2, 2}, cw);
  b.addInitializer("cb", {2}, cb);
  b.addInitializerInt64("target", {2}, {1, -1});
  b.addInitializer("gw", {3, 8}, gw);
  b.addInitializer("gb", {3}, gb);
  b.addNode("Conv", {"x", "cw", "cb"}, {"c"}).attr("kernel_shape", std::vector<int64_t>{2, 2});
  b.addNode("Relu", {"c"}, {"r"});
  b.addNode("Transpose", {"r"}, {"t"}).attr("perm", std::vector<int64_t>{0, 2, 3, 1});
  b.addNode("Reshape", {"t", "target"}, {"flat"});
  b.addNode("Gemm", {"flat", "gw", "gb"}, {"y"}).attr("transB", int64_t{1});
  b.addOutput("y", {1, 3});
  IMPORT_OK(net, b);

  // The permutation folds into the Gemm columns: no extra layer.
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Conv, LayerOp::Relu,
                                             LayerOp::Affine}));
  QCOMPARE(net.layers[3].onnxNodes, (std::vector<std::string>{"t", "flat", "y"}));
  const std::vector<double> x = toDouble(testWeights(9, 15));
  ref::Window g;
  g.kH = g.kW = 2;
  int oh = 0, ow = 0;
  std::vector<double> conv = ref::conv2d(x, 1, 3, 3, toDouble(cw), 2, toDouble(cb), g, &oh, &ow);
  for (double& v : conv) v = std::max(v, 0.0);
  std::vector<double> nhwc;  // [h][w][c]
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int ch = 0; ch < 2; ++ch) nhwc.push_back(conv[static_cast<size_t>((ch * 2 + i) * 2 + j)]);
  CERT_COMPARE_VEC(run(net, x), ref::gemm(nhwc, toDouble(gw), toDouble(gb), 1, 8, 3, false, true, 1, 1));
}

void TestOnnxOps::inputTransposeFoldsIntoInputOrder() {
  // NHWC input, normalized, then Transpose(0,3,1,2) -> Conv (cifar10_medium's layout): the
  // permutation becomes the input's neuron order, not a dense permutation layer.
  const std::vector<float> cw = testWeights(2 * 3 * 2 * 2, 21), cb = testWeights(2, 22);
  OnnxBuilder b("nhwc_input");
  b.addInput("x", {1, 3, 3, 3});  // [h][w][c]
  b.addInitializer("mean", {1}, {0.25f});
  b.addInitializer("std", {1}, {2.0f});
  b.addInitializer("cw", {2, 3, 2, 2}, cw);
  b.addInitializer("cb", {2}, cb);
  b.addNode("Sub", {"x", "mean"}, {"s"});
  b.addNode("Div", {"s", "std"}, {"d"});
  b.addNode("Transpose", {"d"}, {"t"}).attr("perm", std::vector<int64_t>{0, 3, 1, 2});
  b.addNode("Conv", {"t", "cw", "cb"}, {"y"}).attr("kernel_shape", std::vector<int64_t>{2, 2});
  b.addOutput("y", {1, 2, 2, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Conv}));
  QCOMPARE(net.layers[0].shape, (std::vector<int64_t>{3, 3, 3}));
  QCOMPARE(net.inputShape, (std::vector<int64_t>{3, 3, 3}));
  QCOMPARE(net.normalization.order.size(), size_t{27});
  QVERIFY(!net.normalization.isIdentity());
  const std::vector<double> x = toDouble(testWeights(27, 23));
  std::vector<double> chw(27);  // the reference: normalize, then [c][h][w]
  for (int h = 0; h < 3; ++h)
    for (int w = 0; w < 3; ++w)
      for (int c = 0; c < 3; ++c)
        chw[static_cast<size_t>((c * 3 + h) * 3 + w)] = (x[static_cast<size_t>((h * 3 + w) * 3 + c)] - 0.25) / 2.0;
  ref::Window g;
  g.kH = g.kW = 2;
  int oh = 0, ow = 0;
  CERT_COMPARE_VEC(run(net, x), ref::conv2d(chw, 3, 3, 3, toDouble(cw), 2, toDouble(cb), g, &oh, &ow));
}

void TestOnnxOps::transposeMaterialized() {
  // A transposed value that reaches the graph output needs its real order: an index map (a
  // one-input Concat layer with an order), never a permutation matrix.
  OnnxBuilder b("transpose");
  b.addInput("x", {1, 2, 3});
  b.addNode("Relu", {"x"}, {"r"});
  b.addNode("Transpose", {"r"}, {"t"}).attr("perm", std::vector<int64_t>{0, 2, 1});
  b.addOutput("t", {1, 3, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Relu, LayerOp::Concat}));
  QCOMPARE(net.layers[2].shape, (std::vector<int64_t>{3, 2}));
  QCOMPARE(net.layers[2].inputs, (std::vector<int>{1}));
  QCOMPARE(net.layers[2].order, (std::vector<int64_t>{0, 3, 1, 4, 2, 5}));
  QCOMPARE(net.layers[2].parameterCount(), int64_t{0});
  QCOMPARE(net.layers[2].onnxNodes, (std::vector<std::string>{"t"}));
  QVERIFY(printNetwork(net).find("Concat (reordered)") != std::string::npos);
  const std::vector<double> x = {1, -2, 3, -4, 5, 6};  // [[1,-2,3],[-4,5,6]]
  CERT_COMPARE_VEC(run(net, x), (std::vector<double>{1, 0, 0, 5, 3, 6}));
}

void TestOnnxOps::transposeBetweenConvs_data() {
  QTest::addColumn<QList<int>>("perm");
  QTest::addColumn<bool>("indexMap");  // a Concat layer reads the permuted neurons
  // Rows and columns swapped: the second Conv reads the planes with its window's axes swapped,
  // and its output's pending permutation folds into the Gemm's columns: no layer at all.
  QTest::newRow("planes swapped") << QList<int>{0, 1, 3, 2} << false;
  // Channels and rows swapped: an index map of 12,288 neurons (as a dense permutation matrix,
  // 151M values, it was refused).
  QTest::newRow("channels and rows swapped") << QList<int>{0, 2, 1, 3} << true;
}

void TestOnnxOps::transposeBetweenConvs() {
  QFETCH(QList<int>, perm);
  QFETCH(bool, indexMap);
  // Conv -> Relu -> Transpose(perm) -> Conv -> Relu -> Flatten -> Gemm on an 8 x 16 x 96 layer.
  const int64_t c = 8, h = 16, w = 96;
  const std::vector<int64_t> p(perm.begin(), perm.end());
  const std::vector<int64_t> dims = {1, c, h, w};
  const int64_t tc = dims[size_t(p[1])], th = dims[size_t(p[2])], tw = dims[size_t(p[3])];
  const int64_t oh = (th - 2) / 2 + 1, ow = (tw - 3) / 2 + 1;  // the second Conv: 2 x 3, stride 2
  const std::vector<float> w1 = testWeights(c * 1 * 3 * 3, 41), b1 = testWeights(c, 42);
  const std::vector<float> w2 = testWeights(2 * tc * 2 * 3, 43), b2 = testWeights(2, 44);
  const std::vector<float> gw = testWeights(3 * 2 * oh * ow, 46), gb = testWeights(3, 47);
  OnnxBuilder b("transposed_conv");
  b.addInput("x", {1, 1, h, w});
  b.addInitializer("w1", {c, 1, 3, 3}, w1);
  b.addInitializer("b1", {c}, b1);
  b.addInitializer("w2", {2, tc, 2, 3}, w2);
  b.addInitializer("b2", {2}, b2);
  b.addInitializer("gw", {3, 2 * oh * ow}, gw);
  b.addInitializer("gb", {3}, gb);
  b.addNode("Conv", {"x", "w1", "b1"}, {"c1"}).attr("pads", std::vector<int64_t>{1, 1, 1, 1});
  b.addNode("Relu", {"c1"}, {"r"});
  b.addNode("Transpose", {"r"}, {"t"}).attr("perm", p);
  b.addNode("Conv", {"t", "w2", "b2"}, {"c2"}).attr("strides", std::vector<int64_t>{2, 2});
  b.addNode("Relu", {"c2"}, {"r2"});
  b.addNode("Flatten", {"r2"}, {"f"});
  b.addNode("Gemm", {"f", "gw", "gb"}, {"y"}).attr("transB", int64_t{1});
  b.addOutput("y", {1, 3});
  IMPORT_OK(net, b);
  std::vector<LayerOp> ops = {LayerOp::Input, LayerOp::Conv, LayerOp::Relu, LayerOp::Conv, LayerOp::Relu, LayerOp::Affine};
  if (indexMap) ops.insert(ops.begin() + 3, LayerOp::Concat);
  QCOMPARE(opsOf(net), ops);
  if (indexMap) {
    QCOMPARE(net.layers[3].parameterCount(), int64_t{0});
    QCOMPARE(net.layers[3].order.size(), size_t(c * h * w));
  } else {
    QCOMPARE(net.layers[3].shape, (std::vector<int64_t>{2, ow, oh}));  // the stored planes: transposed
  }
  const std::vector<double> x = toDouble(testWeights(h * w, 45));
  ref::Window g1;
  g1.kH = g1.kW = 3;
  for (int& pad : g1.pads) pad = 1;
  int oh1 = 0, ow1 = 0;
  std::vector<double> r = ref::conv2d(x, 1, int(h), int(w), toDouble(w1), int(c), toDouble(b1), g1, &oh1, &ow1);
  for (double& v : r) v = std::max(v, 0.0);
  std::vector<double> t(r.size());  // r transposed: element (i0, i1, i2) of t is r at the permuted index
  const int64_t rd[3] = {c, h, w}, td[3] = {tc, th, tw};
  for (int64_t i0 = 0; i0 < td[0]; ++i0)
    for (int64_t i1 = 0; i1 < td[1]; ++i1)
      for (int64_t i2 = 0; i2 < td[2]; ++i2) {
        int64_t src[3] = {0, 0, 0};
        const int64_t at[3] = {i0, i1, i2};
        for (int a = 0; a < 3; ++a) src[p[size_t(a + 1)] - 1] = at[a];
        t[size_t((i0 * td[1] + i1) * td[2] + i2)] = r[size_t((src[0] * rd[1] + src[1]) * rd[2] + src[2])];
      }
  ref::Window g2;
  g2.kH = 2;
  g2.kW = 3;
  g2.sH = g2.sW = 2;
  std::vector<double> r2 = ref::conv2d(t, int(tc), int(th), int(tw), toDouble(w2), 2, toDouble(b2), g2, &oh1, &ow1);
  QCOMPARE(int64_t(oh1), oh);
  QCOMPARE(int64_t(ow1), ow);
  for (double& v : r2) v = std::max(v, 0.0);
  CERT_COMPARE_VEC(run(net, x), ref::gemm(r2, toDouble(gw), toDouble(gb), 1, int(2 * oh * ow), 3, false, true, 1, 1));
}

void TestOnnxOps::transposedPools() {
  // Relu -> Transpose(0, 1, 3, 2) -> MaxPool (2 x 3, strides 1 x 2, padded) -> AveragePool -> Flatten
  // -> Gemm: both pools read the stored planes with their windows' axes swapped; no layer is added.
  const int64_t c = 2, h = 5, w = 7;  // transposed: 2 x 7 x 5
  OnnxBuilder b("transposed_pools");
  const std::vector<float> gw = testWeights(2 * 12, 71), gb = testWeights(2, 72);
  b.addInput("x", {1, c, h, w});
  b.addInitializer("gw", {2, 12}, gw);
  b.addInitializer("gb", {2}, gb);
  b.addNode("Relu", {"x"}, {"r"});
  b.addNode("Transpose", {"r"}, {"t"}).attr("perm", std::vector<int64_t>{0, 1, 3, 2});
  b.addNode("MaxPool", {"t"}, {"m"})
      .attr("kernel_shape", std::vector<int64_t>{2, 3})
      .attr("strides", std::vector<int64_t>{1, 2})
      .attr("pads", std::vector<int64_t>{1, 0, 0, 1});  // [1, 2, 7, 2]
  b.addNode("AveragePool", {"m"}, {"a"})
      .attr("kernel_shape", std::vector<int64_t>{2, 2})
      .attr("strides", std::vector<int64_t>{1, 1});  // [1, 2, 6, 1]
  b.addNode("Flatten", {"a"}, {"f"});
  b.addNode("Gemm", {"f", "gw", "gb"}, {"y"}).attr("transB", int64_t{1});
  b.addOutput("y", {1, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Relu, LayerOp::MaxPool, LayerOp::AvgPool,
                                             LayerOp::Affine}));
  QCOMPARE(net.layers[2].shape, (std::vector<int64_t>{2, 2, 7}));  // the stored planes: transposed
  const std::vector<double> x = toDouble(testWeights(c * h * w, 73));
  std::vector<double> t(x.size());  // Relu(x) transposed: [2][7][5]
  for (int64_t k = 0; k < c; ++k)
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) t[size_t((k * w + j) * h + i)] = std::max(x[size_t((k * h + i) * w + j)], 0.0);
  ref::Window mw;
  mw.kH = 2;
  mw.kW = 3;
  mw.sH = 1;
  mw.sW = 2;
  mw.pads[0] = 1;
  mw.pads[3] = 1;
  int oh = 0, ow = 0;
  const std::vector<double> m = ref::pool2d(t, 2, 7, 5, mw, true, false, &oh, &ow);
  QCOMPARE(oh, 7);
  QCOMPARE(ow, 2);
  ref::Window aw;
  aw.kH = aw.kW = 2;
  const std::vector<double> a = ref::pool2d(m, 2, 7, 2, aw, false, false, &oh, &ow);
  CERT_COMPARE_VEC(run(net, x), ref::gemm(a, toDouble(gw), toDouble(gb), 1, 12, 2, false, true, 1, 1));
}

void TestOnnxOps::elementwiseOpsKeepACommonOrder() {
  // Add, Mul and Max of values that read their producers through one Transpose commute with it:
  // their layers are built in the producers' order and the permutation stays pending until the
  // Gemm takes it into its columns. No permutation layer.
  OnnxBuilder b("common_order");
  const std::vector<float> gw = testWeights(2 * 24, 81), gb = testWeights(2, 82);
  b.addInput("x", {1, 2, 3, 4});
  b.addInitializer("gw", {2, 24}, gw);
  b.addInitializer("gb", {2}, gb);
  b.addNode("Sigmoid", {"x"}, {"s"});
  b.addNode("Tanh", {"x"}, {"h"});
  b.addNode("Transpose", {"s"}, {"st"}).attr("perm", std::vector<int64_t>{0, 3, 1, 2});
  b.addNode("Transpose", {"h"}, {"ht"}).attr("perm", std::vector<int64_t>{0, 3, 1, 2});
  b.addNode("Relu", {"ht"}, {"r"});
  b.addNode("Add", {"st", "r"}, {"sum"});
  b.addNode("Mul", {"sum", "ht"}, {"prod"});
  b.addNode("Max", {"prod", "st"}, {"m"});
  b.addNode("Flatten", {"m"}, {"f"});
  b.addNode("Gemm", {"f", "gw", "gb"}, {"y"}).attr("transB", int64_t{1});
  b.addOutput("y", {1, 2});
  IMPORT_OK(net, b);
  for (const Layer& l : net.layers) {
    QVERIFY2(l.op != LayerOp::Concat, l.name.c_str());
    QVERIFY2(l.op != LayerOp::Affine || l.index == static_cast<int>(net.layers.size()) - 1 || l.weight.rows() == 0 ||
                 (l.weight - Eigen::MatrixXd(l.weight.diagonal().asDiagonal())).norm() == 0,
             ("layer " + l.name + " is not element-wise").c_str());
  }
  const std::vector<double> x = toDouble(testWeights(24, 83));
  std::vector<double> m(24);  // [4][2][3] from x's [2][3][4]
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 4; ++j) {
        const double v = x[size_t((c * 3 + i) * 4 + j)];
        const double sv = 1.0 / (1.0 + std::exp(-v)), hv = std::tanh(v);
        m[size_t((j * 2 + c) * 3 + i)] = std::max((sv + std::max(hv, 0.0)) * hv, sv);
      }
  CERT_COMPARE_VEC(run(net, x), ref::gemm(m, toDouble(gw), toDouble(gb), 1, 24, 2, false, true, 1, 1));
}

void TestOnnxOps::transposeFoldsIntoItsProducer() {
  // Gemm -> Reshape [1, 2, 3, 4] -> Transpose(0, 2, 1, 3) -> Conv: the Gemm (read by nothing else)
  // computes its rows in the transposed order; no layer is added.
  const std::vector<float> gw = testWeights(5 * 24, 51), gb = testWeights(24, 52);
  const std::vector<float> cw = testWeights(3 * 2 * 2, 53), cb = testWeights(1, 54);
  OnnxBuilder b("transposed_gemm");
  b.addInput("x", {1, 5});
  b.addInitializer("gw", {5, 24}, gw);
  b.addInitializer("gb", {24}, gb);
  b.addInitializerInt64("s", {4}, {1, 2, 3, 4});
  b.addInitializer("cw", {1, 3, 2, 2}, cw);
  b.addInitializer("cb", {1}, cb);
  b.addNode("Gemm", {"x", "gw", "gb"}, {"g"});
  b.addNode("Reshape", {"g", "s"}, {"gr"});
  b.addNode("Transpose", {"gr"}, {"t"}).attr("perm", std::vector<int64_t>{0, 2, 1, 3});  // [1, 3, 2, 4]
  b.addNode("Conv", {"t", "cw", "cb"}, {"y"}).attr("kernel_shape", std::vector<int64_t>{2, 2});
  b.addOutput("y", {1, 1, 1, 3});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Affine, LayerOp::Conv}));
  QCOMPARE(net.layers[1].shape, (std::vector<int64_t>{3, 2, 4}));
  QCOMPARE(net.layers[1].name, std::string("t"));
  const std::vector<double> x = toDouble(testWeights(5, 55));
  const std::vector<double> g = ref::gemm(x, toDouble(gw), toDouble(gb), 1, 5, 24, false, false, 1, 1);
  std::vector<double> t(24);  // [3][2][4] from g's [2][3][4]
  for (int k = 0; k < 2; ++k)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 4; ++j) t[static_cast<size_t>((i * 2 + k) * 4 + j)] = g[static_cast<size_t>((k * 3 + i) * 4 + j)];
  ref::Window w2;
  w2.kH = w2.kW = 2;
  int oh = 0, ow = 0;
  CERT_COMPARE_VEC(run(net, x), ref::conv2d(t, 3, 2, 4, toDouble(cw), 1, toDouble(cb), w2, &oh, &ow));
}

void TestOnnxOps::concatReadsPermutedInputs() {
  // Relu(transposed) and Abs(transposed) concatenated along the channels, the result transposed
  // again and read by a Conv: the Concat reads its inputs' permutations through its order and
  // takes the second Transpose into it too: one Concat layer, no permutation layer.
  const std::vector<float> cw = testWeights(4 * 2 * 2, 61), cb = testWeights(1, 62);
  OnnxBuilder b("concat_permuted");
  b.addInput("x", {1, 2, 3, 4});
  b.addInitializer("cw", {1, 4, 2, 2}, cw);
  b.addInitializer("cb", {1}, cb);
  b.addNode("Transpose", {"x"}, {"t"}).attr("perm", std::vector<int64_t>{0, 1, 3, 2});  // [1, 2, 4, 3]
  b.addNode("Sigmoid", {"t"}, {"s"});  // the input's order stays: t is read twice
  b.addNode("Relu", {"t"}, {"r"});
  b.addNode("Abs", {"s"}, {"a"});
  b.addNode("Concat", {"r", "a"}, {"cat"}).attr("axis", int64_t{1});  // [1, 4, 4, 3]
  b.addNode("Transpose", {"cat"}, {"ct"}).attr("perm", std::vector<int64_t>{0, 2, 1, 3});  // [1, 4, 4, 3]
  b.addNode("Conv", {"ct", "cw", "cb"}, {"y"}).attr("kernel_shape", std::vector<int64_t>{2, 2});
  b.addOutput("y", {1, 1, 3, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Sigmoid, LayerOp::Relu, LayerOp::Abs,
                                             LayerOp::Concat, LayerOp::Conv}));
  QCOMPARE(net.layers[4].order.size(), size_t{48});
  QCOMPARE(net.layers[4].onnxNodes, (std::vector<std::string>{"t", "t", "cat", "ct"}));
  const std::vector<double> x = toDouble(testWeights(24, 63));
  std::vector<double> t(24);  // [2][4][3] from x's [2][3][4]
  for (int k = 0; k < 2; ++k)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 4; ++j) t[static_cast<size_t>((k * 4 + j) * 3 + i)] = x[static_cast<size_t>((k * 3 + i) * 4 + j)];
  std::vector<double> cat;  // [4][4][3]: Relu(t) then Abs(Sigmoid(t)) along the channels
  for (double v : t) cat.push_back(std::max(v, 0.0));
  for (double v : t) cat.push_back(std::abs(1.0 / (1.0 + std::exp(-v))));
  std::vector<double> ct(48);  // [4][4][3] with the first two axes swapped
  for (int a = 0; a < 4; ++a)
    for (int c = 0; c < 4; ++c)
      for (int e = 0; e < 3; ++e) ct[static_cast<size_t>((c * 4 + a) * 3 + e)] = cat[static_cast<size_t>((a * 4 + c) * 3 + e)];
  ref::Window w2;
  w2.kH = w2.kW = 2;
  int oh = 0, ow = 0;
  CERT_COMPARE_VEC(run(net, x), ref::conv2d(ct, 4, 4, 3, toDouble(cw), 1, toDouble(cb), w2, &oh, &ow));
}

void TestOnnxOps::batchNorm_data() {
  QTest::addColumn<QString>("after");
  QTest::addColumn<QList<int>>("ops");  // expected LayerOps
  QTest::addColumn<bool>("intoNormalization");
  QTest::newRow("Conv") << "Conv" << QList<int>{int(LayerOp::Input), int(LayerOp::Conv)} << false;
  QTest::newRow("Gemm") << "Gemm" << QList<int>{int(LayerOp::Input), int(LayerOp::Affine)} << false;
  QTest::newRow("input") << "input"
                         << QList<int>{int(LayerOp::Input), int(LayerOp::Relu)} << true;
  // After a Relu the per-channel scaling is a layer of its own: a 1x1 Conv with a diagonal kernel.
  QTest::newRow("Relu") << "Relu"
                        << QList<int>{int(LayerOp::Input), int(LayerOp::Relu), int(LayerOp::Conv)}
                        << false;
}

void TestOnnxOps::batchNorm() {
  QFETCH(QString, after);
  QFETCH(QList<int>, ops);
  QFETCH(bool, intoNormalization);
  // Input [1, 2, 2, 2]; for Gemm the BN sees [1, 2] (channels = features).
  const bool gemm = after == "Gemm";
  const std::vector<float> scale = {0.5f, -2.0f}, shift = {0.25f, 1.0f}, mean = {0.125f, -0.5f},
                           var = {3.0f, 0.75f};
  const double eps = 0.25;
  OnnxBuilder b("bn");
  b.addInput("x", gemm ? std::vector<int64_t>{1, 3} : std::vector<int64_t>{1, 2, 2, 2});
  const std::vector<float> cw = testWeights(gemm ? 6 : 8, 16), cb = testWeights(2, 17);
  std::string bnIn = "x";
  if (after == "Conv") {
    b.addInitializer("cw", {2, 2, 1, 1}, std::vector<float>(cw.begin(), cw.begin() + 4));
    b.addInitializer("cb", {2}, cb);
    b.addNode("Conv", {"x", "cw", "cb"}, {"pre"});
    bnIn = "pre";
  } else if (gemm) {
    b.addInitializer("cw", {2, 3}, cw);
    b.addInitializer("cb", {2}, cb);
    b.addNode("Gemm", {"x", "cw", "cb"}, {"pre"}).attr("transB", int64_t{1});
    bnIn = "pre";
  } else if (after == "Relu") {
    b.addNode("Relu", {"x"}, {"pre"});
    bnIn = "pre";
  }
  b.addInitializer("s", {2}, scale);
  b.addInitializer("t", {2}, shift);
  b.addInitializer("m", {2}, mean);
  b.addInitializer("v", {2}, var);
  b.addNode("BatchNormalization", {bnIn, "s", "t", "m", "v"}, {"bn"}).attr("epsilon", eps);
  std::string out = "bn";
  if (after == "input") b.addNode("Relu", {"bn"}, {"out"}), out = "out";
  b.addOutput(out, {1, 2});
  IMPORT_OK(net, b);

  std::vector<int> got;
  for (LayerOp op : opsOf(net)) got.push_back(int(op));
  QCOMPARE(QList<int>(got.begin(), got.end()), ops);
  QCOMPARE(!net.normalization.origin.empty(), intoNormalization);

  const int n = gemm ? 3 : 8;
  const std::vector<double> x = toDouble(testWeights(static_cast<size_t>(n), 18));
  std::vector<double> pre;  // [2 channels][plane]
  if (after == "Conv") {
    for (int ch = 0; ch < 2; ++ch)
      for (int p = 0; p < 4; ++p)
        pre.push_back(cb[ch] + cw[ch * 2] * x[static_cast<size_t>(p)] + cw[ch * 2 + 1] * x[static_cast<size_t>(4 + p)]);
  } else if (gemm) {
    pre = ref::gemm(x, toDouble(cw), toDouble(cb), 1, 3, 2, false, true, 1, 1);
  } else {
    pre = x;
    if (after == "Relu") for (double& v : pre) v = std::max(v, 0.0);
  }
  const size_t plane = pre.size() / 2;
  std::vector<double> want;
  for (size_t i = 0; i < pre.size(); ++i) {
    const size_t ch = i / plane;
    double v = scale[ch] * (pre[i] - mean[ch]) / std::sqrt(double(var[ch]) + eps) + shift[ch];
    want.push_back(after == "input" ? std::max(v, 0.0) : v);
  }
  CERT_COMPARE_VEC(run(net, x), want);
}

void TestOnnxOps::normalizationSubDiv() {
  OnnxBuilder b("norm");
  b.addInput("x", {1, 4});
  b.addInitializer("mean", {4}, {0.5f, 0.25f, 0.0f, -1.0f});
  b.addInitializer("std", {1}, {0.25f});
  b.addInitializer("w", {2, 4}, testWeights(8, 19));
  b.addNode("Sub", {"x", "mean"}, {"sub"}, "sub_0");
  b.addNode("Div", {"sub", "std"}, {"div"}, "div_0");
  b.addNode("Gemm", {"div", "w"}, {"y"}).attr("transB", int64_t{1});
  b.addOutput("y", {1, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Affine}));
  CERT_COMPARE_VEC(net.normalization.scale, (std::vector<double>{4, 4, 4, 4}));
  CERT_COMPARE_VEC(net.normalization.shift, (std::vector<double>{-2, -1, 0, 4}));
  QCOMPARE(net.normalization.origin,
           (std::vector<std::string>{"Sub 'sub_0' (constant)", "Div 'div_0' (constant)"}));
  const std::vector<double> raw = {1, 0.5, -0.25, 0.75};
  std::vector<double> z;
  const double mean[] = {0.5, 0.25, 0.0, -1.0};
  for (int i = 0; i < 4; ++i) z.push_back((raw[i] - mean[i]) / 0.25);
  CERT_COMPARE_VEC(run(net, raw), ref::gemm(z, toDouble(testWeights(8, 19)), {}, 1, 4, 2, false, true, 1, 0));
}

void TestOnnxOps::normalizationMulAddAndConstantFirst() {
  // y = relu(0.5 - 3 * (x * 2 + 1)): Mul, Add, Mul, then Sub with the constant first.
  OnnxBuilder b("norm2");
  b.addInput("x", {1, 3});
  b.addInitializer("two", {}, {2.0f});
  b.addInitializer("one", {1, 3}, {1.0f, 1.0f, 1.0f});
  b.addInitializer("three", {1}, {3.0f});
  b.addInitializer("half", {1}, {0.5f});
  b.addNode("Mul", {"x", "two"}, {"a"});
  b.addNode("Add", {"one", "a"}, {"c"});
  b.addNode("Mul", {"three", "c"}, {"d"});
  b.addNode("Sub", {"half", "d"}, {"e"});
  b.addNode("Relu", {"e"}, {"y"});
  b.addOutput("y", {1, 3});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Relu}));
  QCOMPARE(net.normalization.origin.size(), size_t{4});
  CERT_COMPARE_VEC(net.normalization.scale, (std::vector<double>{-6, -6, -6}));
  CERT_COMPARE_VEC(net.normalization.shift, (std::vector<double>{-2.5, -2.5, -2.5}));
  CERT_COMPARE_VEC(run(net, {-1, 0, -0.25}), (std::vector<double>{3.5, 0, 0}));
}

void TestOnnxOps::normalizationLeadingConv1x1() {
  OnnxBuilder b("conv1x1");
  b.addInput("x", {1, 1, 2, 2});
  b.addInitializer("w", {1, 1, 1, 1}, {4.0f});
  b.addInitializer("b", {1}, {-0.5f});
  b.addNode("Conv", {"x", "w", "b"}, {"n"}, "norm_conv");
  b.addNode("Relu", {"n"}, {"y"});
  b.addOutput("y", {1, 1, 2, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Relu}));
  QCOMPARE(net.normalization.origin, std::vector<std::string>{"Conv 'norm_conv' (1x1, 1 channel)"});
  CERT_COMPARE_VEC(net.normalization.scale, (std::vector<double>{4, 4, 4, 4}));
  CERT_COMPARE_VEC(net.normalization.shift, (std::vector<double>{-0.5, -0.5, -0.5, -0.5}));
  CERT_COMPARE_VEC(run(net, {0, 0.25, 0.5, 1}), (std::vector<double>{0, 0.5, 1.5, 3.5}));
}

void TestOnnxOps::midNetworkScaling() {
  // Gemm -> Mul (folds into the Gemm) -> Relu -> Add (a diagonal Affine layer) -> output.
  const std::vector<float> w = testWeights(6, 20), bias = testWeights(2, 21);
  OnnxBuilder b("mid");
  b.addInput("x", {1, 3});
  b.addInitializer("w", {2, 3}, w);
  b.addInitializer("b", {2}, bias);
  b.addInitializer("s", {2}, {2.0f, -0.5f});
  b.addInitializer("t", {2}, {0.25f, 1.0f});
  b.addNode("Gemm", {"x", "w", "b"}, {"g"}).attr("transB", int64_t{1});
  b.addNode("Mul", {"g", "s"}, {"m"});
  b.addNode("Relu", {"m"}, {"r"});
  b.addNode("Add", {"r", "t"}, {"y"});
  b.addOutput("y", {1, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Affine, LayerOp::Relu,
                                             LayerOp::Affine}));
  QCOMPARE(net.layers[1].onnxNodes, (std::vector<std::string>{"g", "m"}));
  QCOMPARE(net.layers[1].name, std::string("m"));
  QVERIFY(net.normalization.origin.empty());
  const std::vector<double> x = {0.5, -1, 0.25};
  std::vector<double> g = ref::gemm(x, toDouble(w), toDouble(bias), 1, 3, 2, false, true, 1, 1);
  const std::vector<double> want = {std::max(2.0 * g[0], 0.0) + 0.25, std::max(-0.5 * g[1], 0.0) + 1.0};
  CERT_COMPARE_VEC(run(net, x), want);
}

void TestOnnxOps::channelScalingAfterRelu() {
  // Conv -> Relu -> BatchNormalization -> Max(bn, Relu) -> Conv over 32 x 32 x 32 values: the
  // BatchNormalization and the Max's negation are 1x1 Convs with diagonal kernels (as diagonal
  // Affine layers their 32,768 x 32,768 weights were refused).
  const int64_t c = 32, h = 32, w = 32;
  const std::vector<float> w1 = testWeights(c * 3 * 3, 91), b1 = testWeights(c, 92);
  const std::vector<float> scale = testWeights(c, 93), shift = testWeights(c, 94), mean = testWeights(c, 95);
  std::vector<float> var = testWeights(c, 96);
  for (float& v : var) v = std::abs(v) + 0.5f;
  const std::vector<float> w2 = testWeights(2 * c * 2 * 2, 97), b2 = testWeights(2, 98);
  OnnxBuilder b("bn_after_relu");
  b.addInput("x", {1, 1, h, w});
  b.addInitializer("w1", {c, 1, 3, 3}, w1);
  b.addInitializer("b1", {c}, b1);
  b.addInitializer("s", {c}, scale);
  b.addInitializer("t", {c}, shift);
  b.addInitializer("m", {c}, mean);
  b.addInitializer("v", {c}, var);
  b.addInitializer("w2", {2, c, 2, 2}, w2);
  b.addInitializer("b2", {2}, b2);
  b.addNode("Conv", {"x", "w1", "b1"}, {"c1"}).attr("pads", std::vector<int64_t>{1, 1, 1, 1});
  b.addNode("Relu", {"c1"}, {"r"});
  b.addNode("BatchNormalization", {"r", "s", "t", "m", "v"}, {"bn"}).attr("epsilon", 0.25f);
  b.addNode("Max", {"bn", "r"}, {"mx"});
  b.addNode("Conv", {"mx", "w2", "b2"}, {"y"}).attr("strides", std::vector<int64_t>{2, 2});
  b.addOutput("y", {1, 2, 16, 16});
  IMPORT_OK(net, b);
  int scalings = 0;
  for (const Layer& l : net.layers) {
    QVERIFY2(l.op != LayerOp::Affine, l.name.c_str());
    if (l.op == LayerOp::Conv && l.conv.kernelH == 1 && l.conv.kernelW == 1) {
      ++scalings;
      QCOMPARE(l.kernel.size(), Eigen::Index(c * c));
      for (int64_t o = 0; o < c; ++o)
        for (int64_t i = 0; i < c; ++i)
          if (o != i) QCOMPARE(l.kernel[o * c + i], 0.0);  // channel o reads only channel o
    }
  }
  QCOMPARE(scalings, 2);  // the BatchNormalization, the Max's negation
  const std::vector<double> x = toDouble(testWeights(h * w, 99));
  ref::Window g1;
  g1.kH = g1.kW = 3;
  for (int& p : g1.pads) p = 1;
  int oh = 0, ow = 0;
  std::vector<double> r = ref::conv2d(x, 1, int(h), int(w), toDouble(w1), int(c), toDouble(b1), g1, &oh, &ow);
  std::vector<double> mx(r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    const size_t k = i / size_t(h * w);
    const double relu = std::max(r[i], 0.0);
    const double bn = scale[k] * (relu - mean[k]) / std::sqrt(double(var[k]) + double(0.25f)) + shift[k];
    mx[i] = std::max(bn, relu);
  }
  ref::Window g2;
  g2.kH = g2.kW = 2;
  g2.sH = g2.sW = 2;
  CERT_COMPARE_VEC(run(net, x), ref::conv2d(mx, int(c), int(h), int(w), toDouble(w2), 2, toDouble(b2), g2, &oh, &ow));
}

void TestOnnxOps::scalingFoldsIntoItsReader() {
  // Conv -> Relu -> BatchNormalization -> Conv (padded) -> Relu -> BatchNormalization -> Flatten ->
  // Gemm: each BatchNormalization is folded into the layer that reads it (the Conv's input channels
  // scaled and the shift convolved into a bias per output neuron, where the padding reads no shift;
  // the Gemm's columns scaled and W b added to its bias). No scaling layer is left.
  const int64_t c = 3, h = 6, w = 5;
  const std::vector<float> w1 = testWeights(c * 3 * 3, 101), b1 = testWeights(c, 102);
  const std::vector<float> s1 = testWeights(c, 103), t1 = testWeights(c, 104), m1 = testWeights(c, 105);
  const std::vector<float> w2 = testWeights(2 * c * 3 * 3, 106), b2 = testWeights(2, 107);
  const std::vector<float> s2 = testWeights(2, 108), t2 = testWeights(2, 109), m2 = testWeights(2, 110);
  const std::vector<float> ones3(c, 1.0f), ones2(2, 1.0f);
  const std::vector<float> gw = testWeights(4 * 2 * 3 * 2, 111), gb = testWeights(4, 112);
  OnnxBuilder b("bn_folds");
  b.addInput("x", {1, 1, h, w});
  b.addInitializer("w1", {c, 1, 3, 3}, w1);
  b.addInitializer("b1", {c}, b1);
  b.addInitializer("s1", {c}, s1);
  b.addInitializer("t1", {c}, t1);
  b.addInitializer("m1", {c}, m1);
  b.addInitializer("v1", {c}, ones3);
  b.addInitializer("w2", {2, c, 3, 3}, w2);
  b.addInitializer("b2", {2}, b2);
  b.addInitializer("s2", {2}, s2);
  b.addInitializer("t2", {2}, t2);
  b.addInitializer("m2", {2}, m2);
  b.addInitializer("v2", {2}, ones2);
  b.addInitializer("gw", {4, 12}, gw);
  b.addInitializer("gb", {4}, gb);
  b.addNode("Conv", {"x", "w1", "b1"}, {"c1"}).attr("pads", std::vector<int64_t>{1, 1, 1, 1});
  b.addNode("Relu", {"c1"}, {"r1"});
  b.addNode("BatchNormalization", {"r1", "s1", "t1", "m1", "v1"}, {"n1"}).attr("epsilon", 0.0f);
  b.addNode("Conv", {"n1", "w2", "b2"}, {"c2"})
      .attr("pads", std::vector<int64_t>{1, 0, 0, 1})
      .attr("strides", std::vector<int64_t>{2, 2});
  b.addNode("Relu", {"c2"}, {"r2"});
  b.addNode("BatchNormalization", {"r2", "s2", "t2", "m2", "v2"}, {"n2"}).attr("epsilon", 0.0f);
  b.addNode("Flatten", {"n2"}, {"f"});
  b.addNode("Gemm", {"f", "gw", "gb"}, {"y"}).attr("transB", int64_t{1});
  b.addOutput("y", {1, 4});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Conv, LayerOp::Relu, LayerOp::Conv, LayerOp::Relu,
                                             LayerOp::Affine}));
  QCOMPARE(net.layers[3].onnxNodes, (std::vector<std::string>{"n1", "c2"}));
  QCOMPARE(net.layers[5].onnxNodes, (std::vector<std::string>{"n2", "f", "y"}));
  const std::vector<double> x = toDouble(testWeights(h * w, 113));
  ref::Window g1;
  g1.kH = g1.kW = 3;
  for (int& p : g1.pads) p = 1;
  int oh = 0, ow = 0;
  std::vector<double> r = ref::conv2d(x, 1, int(h), int(w), toDouble(w1), int(c), toDouble(b1), g1, &oh, &ow);
  for (size_t i = 0; i < r.size(); ++i) {
    const size_t k = i / size_t(h * w);
    r[i] = double(s1[k]) * (std::max(r[i], 0.0) - double(m1[k])) + double(t1[k]);
  }
  ref::Window g2;
  g2.kH = g2.kW = 3;
  g2.sH = g2.sW = 2;
  g2.pads[0] = 1;
  g2.pads[3] = 1;
  std::vector<double> r2 = ref::conv2d(r, int(c), int(h), int(w), toDouble(w2), 2, toDouble(b2), g2, &oh, &ow);
  QCOMPARE(oh * ow, 6);
  for (size_t i = 0; i < r2.size(); ++i) {
    const size_t k = i / 6;
    r2[i] = double(s2[k]) * (std::max(r2[i], 0.0) - double(m2[k])) + double(t2[k]);
  }
  CERT_COMPARE_VEC(run(net, x), ref::gemm(r2, toDouble(gw), toDouble(gb), 1, 12, 4, false, true, 1, 1));
}

void TestOnnxOps::noFoldIntoALayerAlreadyRead_data() {
  QTest::addColumn<bool>("fromInput");  // the shared value is the network input, else a Gemm
  QTest::newRow("Gemm read by a Relu, then scaled") << false;
  QTest::newRow("input read by a Relu, then scaled") << true;
}

void TestOnnxOps::noFoldIntoALayerAlreadyRead() {
  QFETCH(bool, fromInput);
  // g -> Relu -> r; g * 2 -> m; y = r + m. When the Mul is imported the Relu has released its use
  // of g, but its layer reads g: scaling g's layer (or the input normalization) in place would make
  // the Relu read 2 g. The Mul must become a layer of its own.
  const std::vector<float> w = testWeights(12, 121), bias = testWeights(3, 122);
  OnnxBuilder b("shared_producer");
  b.addInput("x", {1, fromInput ? 3 : 4});
  b.addInitializer("w", {3, 4}, w);
  b.addInitializer("b", {3}, bias);
  b.addInitializer("two", {1}, {2.0f});
  if (!fromInput) b.addNode("Gemm", {"x", "w", "b"}, {"g"}).attr("transB", int64_t{1});
  const std::string g = fromInput ? "x" : "g";
  b.addNode("Relu", {g}, {"r"});
  b.addNode("Mul", {g, "two"}, {"m"});
  b.addNode("Add", {"r", "m"}, {"y"});
  b.addOutput("y", {1, 3});
  IMPORT_OK(net, b);
  QVERIFY(net.normalization.isIdentity() || net.normalization.scale.size() == 0);
  const std::vector<double> x = fromInput ? std::vector<double>{0.5, -1.0, 0.25} : std::vector<double>{0.5, -1.0, 0.25, 2.0};
  const std::vector<double> gv = fromInput ? x : ref::gemm(x, toDouble(w), toDouble(bias), 1, 4, 3, false, true, 1, 1);
  std::vector<double> y(3);
  for (size_t i = 0; i < 3; ++i) y[i] = std::max(gv[i], 0.0) + 2.0 * gv[i];
  CERT_COMPARE_VEC(run(net, x), y);
}

void TestOnnxOps::clip_data() {
  QTest::addColumn<int>("opset");
  QTest::addColumn<QString>("form");
  QTest::addColumn<double>("lo");
  QTest::addColumn<double>("hi");
  const double inf = std::numeric_limits<double>::infinity();
  QTest::newRow("opset 10 attributes") << 10 << "attrs" << -0.5 << 0.25;
  QTest::newRow("opset 10 no attributes") << 10 << "none" << -inf << inf;
  QTest::newRow("opset 13 inputs") << 13 << "both" << -0.5 << 0.25;
  QTest::newRow("opset 13 max only") << 13 << "max" << -inf << 0.25;
  QTest::newRow("opset 13 min only") << 13 << "min" << -0.5 << inf;
}

void TestOnnxOps::clip() {
  QFETCH(int, opset);
  QFETCH(QString, form);
  QFETCH(double, lo);
  QFETCH(double, hi);
  OnnxBuilder b("clip", opset);
  b.addInput("x", {1, 4});
  b.addInitializer("lo", {}, {-0.5f});
  b.addInitializer("hi", {}, {0.25f});
  std::vector<std::string> inputs = {"x"};
  if (form == "both") inputs = {"x", "lo", "hi"};
  if (form == "max") inputs = {"x", "", "hi"};
  if (form == "min") inputs = {"x", "lo"};
  auto node = b.addNode("Clip", inputs, {"y"});
  if (form == "attrs") node.attr("min", -0.5).attr("max", 0.25);
  b.addOutput("y", {1, 4});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Clip}));
  QCOMPARE(net.layers[1].clipMin, lo);
  QCOMPARE(net.layers[1].clipMax, hi);
  const std::vector<double> x = {-3, -0.25, 0.125, 7};
  std::vector<double> want;
  for (double v : x) want.push_back(std::min(std::max(v, lo), hi));
  CERT_COMPARE_VEC(run(net, x), want);
}

void TestOnnxOps::activations_data() {
  QTest::addColumn<QString>("op");
  QTest::addColumn<int>("layerOp");
  QTest::newRow("Relu") << "Relu" << int(LayerOp::Relu);
  QTest::newRow("LeakyRelu") << "LeakyRelu" << int(LayerOp::LeakyRelu);
  QTest::newRow("Sigmoid") << "Sigmoid" << int(LayerOp::Sigmoid);
  QTest::newRow("Tanh") << "Tanh" << int(LayerOp::Tanh);
  QTest::newRow("Abs") << "Abs" << int(LayerOp::Abs);
}

void TestOnnxOps::activations() {
  QFETCH(QString, op);
  QFETCH(int, layerOp);
  OnnxBuilder b("act");
  b.addInput("x", {1, 5});
  auto node = b.addNode(op.toStdString(), {"x"}, {"y"});
  if (op == "LeakyRelu") node.attr("alpha", 0.25);
  b.addOutput("y", {1, 5});
  IMPORT_OK(net, b);
  QCOMPARE(net.layers.size(), size_t{2});
  QCOMPARE(int(net.layers[1].op), layerOp);
  const std::vector<double> x = {-2, -0.5, 0, 0.75, 3};
  std::vector<double> want;
  for (double v : x) {
    if (op == "Relu") want.push_back(v > 0 ? v : 0);
    if (op == "LeakyRelu") want.push_back(v > 0 ? v : 0.25 * v);
    if (op == "Sigmoid") want.push_back(1 / (1 + std::exp(-v)));
    if (op == "Tanh") want.push_back(std::tanh(v));
    if (op == "Abs") want.push_back(std::fabs(v));
  }
  CERT_COMPARE_VEC(run(net, x), want);
}

void TestOnnxOps::concat() {
  const std::vector<float> w1 = testWeights(6, 22), w2 = testWeights(9, 23), w3 = testWeights(10, 24);
  OnnxBuilder b("concat");
  b.addInput("x", {1, 3});
  b.addInitializer("w1", {2, 3}, w1);
  b.addInitializer("w2", {3, 3}, w2);
  b.addInitializer("w3", {2, 5}, w3);
  b.addNode("Gemm", {"x", "w1"}, {"a"}).attr("transB", int64_t{1});
  b.addNode("Gemm", {"x", "w2"}, {"b"}).attr("transB", int64_t{1});
  b.addNode("Concat", {"a", "b"}, {"ab"}).attr("axis", int64_t{1});
  b.addNode("Gemm", {"ab", "w3"}, {"y"}).attr("transB", int64_t{1});
  b.addOutput("y", {1, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Affine, LayerOp::Affine,
                                             LayerOp::Concat, LayerOp::Affine}));
  QCOMPARE(net.layers[3].inputs, (std::vector<int>{1, 2}));
  QCOMPARE(net.layers[3].shape, (std::vector<int64_t>{5}));
  const std::vector<double> x = {0.5, -0.25, 1};
  std::vector<double> ab = ref::gemm(x, toDouble(w1), {}, 1, 3, 2, false, true, 1, 0);
  const std::vector<double> bb = ref::gemm(x, toDouble(w2), {}, 1, 3, 3, false, true, 1, 0);
  ab.insert(ab.end(), bb.begin(), bb.end());
  CERT_COMPARE_VEC(run(net, x), ref::gemm(ab, toDouble(w3), {}, 1, 5, 2, false, true, 1, 0));
}

void TestOnnxOps::concatInterleaved() {
  // Concat along the last axis of [1, 2, 2] values interleaves rows: [a0 a1 b0 b1; a2 a3 b2 b3].
  OnnxBuilder b("concat2");
  b.addInput("x", {1, 2, 2});
  b.addNode("Relu", {"x"}, {"a"});
  b.addNode("Abs", {"x"}, {"b"});
  b.addNode("Concat", {"a", "b"}, {"y"}).attr("axis", int64_t{-1});
  b.addOutput("y", {1, 2, 4});
  IMPORT_OK(net, b);
  // One Concat layer whose order interleaves its inputs (no permutation layer after it).
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Relu, LayerOp::Abs, LayerOp::Concat}));
  QCOMPARE(net.layers[3].order, (std::vector<int64_t>{0, 1, 4, 5, 2, 3, 6, 7}));
  CERT_COMPARE_VEC(run(net, {1, -2, -3, 4}), (std::vector<double>{1, 0, 1, 2, 0, 4, 3, 4}));
}

void TestOnnxOps::residualAdd() {
  const std::vector<float> w1 = testWeights(12, 25), w2 = testWeights(16, 26);
  OnnxBuilder b("res");
  b.addInput("x", {1, 3});
  b.addInitializer("w1", {3, 4}, w1);
  b.addInitializer("w2", {4, 4}, w2);
  b.addNode("MatMul", {"x", "w1"}, {"h1"});
  b.addNode("Relu", {"h1"}, {"r1"});
  b.addNode("MatMul", {"r1", "w2"}, {"h2"});
  b.addNode("Relu", {"h2"}, {"r2"});
  b.addNode("Add", {"r2", "r1"}, {"y"});
  b.addOutput("y", {1, 4});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Affine, LayerOp::Relu,
                                             LayerOp::Affine, LayerOp::Relu, LayerOp::Add}));
  QCOMPARE(net.layers[5].inputs, (std::vector<int>{4, 2}));
  const std::vector<double> x = {1, -0.5, 0.25};
  std::vector<double> r1 = ref::gemm(x, toDouble(w1), {}, 1, 3, 4, false, false, 1, 0);
  for (double& v : r1) v = std::max(v, 0.0);
  std::vector<double> r2 = ref::gemm(r1, toDouble(w2), {}, 1, 4, 4, false, false, 1, 0);
  for (size_t i = 0; i < r2.size(); ++i) r2[i] = std::max(r2[i], 0.0) + r1[i];
  CERT_COMPARE_VEC(run(net, x), r2);
}

void TestOnnxOps::softmaxDropped() {
  OnnxBuilder b("softmax");
  b.addInput("x", {1, 3});
  b.addInitializer("w", {3, 2}, {1, 0, 0, 1, 1, 1});
  b.addNode("MatMul", {"x", "w"}, {"logits"});
  b.addNode("Softmax", {"logits"}, {"probs"}, "final_softmax").attr("axis", int64_t{1});
  b.addOutput("probs", {1, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Affine}));
  QCOMPARE(net.warnings.size(), size_t{1});
  QCOMPARE(net.warnings[0].node, std::string("final_softmax"));
  QVERIFY(net.warnings[0].message.find("Softmax") != std::string::npos);
  CERT_COMPARE_VEC(run(net, {1, 2, 3}), (std::vector<double>{4, 5}));

  // A Softmax in the middle is an error naming it.
  OnnxBuilder mid("softmax_mid");
  mid.addInput("x", {1, 3});
  mid.addNode("Softmax", {"x"}, {"p"}, "mid_softmax");
  mid.addNode("Relu", {"p"}, {"y"});
  mid.addOutput("y", {1, 3});
  const Result<Network> r = importModel(mid);
  QVERIFY(!r.ok());
  QCOMPARE(r.diagnostics.size(), size_t{1});
  QCOMPARE(r.diagnostics[0].node, std::string("mid_softmax"));
}

void TestOnnxOps::constantNodes() {
  // Weights and the Reshape target come from Constant nodes (typed float / int64 fields).
  const std::vector<float> w = testWeights(12, 27);
  OnnxBuilder b("constants");
  b.addInput("x", {1, 2, 2});
  b.addNode("Constant", {}, {"w"}).tensorAttr("value", {3, 4}, w);
  b.addNode("Constant", {}, {"target"}).tensorAttrInt64("value", {2}, {1, 4});
  b.addNode("Reshape", {"x", "target"}, {"flat"});
  b.addNode("Gemm", {"flat", "w"}, {"y"}).attr("transB", int64_t{1});
  b.addOutput("y", {1, 3});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Affine}));
  const std::vector<double> x = {0.5, 1, -1, 0.25};
  CERT_COMPARE_VEC(run(net, x), ref::gemm(x, toDouble(w), {}, 1, 4, 3, false, true, 1, 0));
}

void TestOnnxOps::shapeGatherConcatReshape() {
  // The PyTorch flatten idiom: Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])),
  // with a Cast on the way and the Gemm bias from ConstantOfShape.
  const std::vector<float> w = testWeights(12, 28);
  OnnxBuilder b("shape_subgraph");
  b.addInput("x", {1, 2, 3});
  b.addInitializerInt64("zero", {}, {0});
  b.addInitializerInt64("axes0", {1}, {0});
  b.addInitializerInt64("minus1", {1}, {-1});
  b.addInitializerInt64("two", {1}, {2});
  b.addInitializer("w", {2, 6}, w);
  b.addNode("Shape", {"x"}, {"shape"});
  b.addNode("Gather", {"shape", "zero"}, {"batch"}).attr("axis", int64_t{0});
  b.addNode("Unsqueeze", {"batch", "axes0"}, {"batch1"});
  b.addNode("Concat", {"batch1", "minus1"}, {"target_f"}).attr("axis", int64_t{0});
  b.addNode("Cast", {"target_f"}, {"target"}).attr("to", int64_t{7});
  b.addNode("Reshape", {"x", "target"}, {"flat"});
  b.addNode("ConstantOfShape", {"two"}, {"bias"}).tensorAttr("value", {1}, {0.5f});
  b.addNode("Gemm", {"flat", "w", "bias"}, {"y"}).attr("transB", int64_t{1});
  b.addOutput("y", {1, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Affine}));
  const std::vector<double> x = {1, 2, 3, -1, -2, 0.5};
  CERT_COMPARE_VEC(run(net, x), ref::gemm(x, toDouble(w), {0.5, 0.5}, 1, 6, 2, false, true, 1, 1));
}

void TestOnnxOps::int64AndDoubleInitializers() {
  const std::vector<double> w = {0.1, -0.2, 0.3, 1e-3, 2.5, -7.0};  // not float-representable
  OnnxBuilder b("double");
  b.addInput("x", {1, 3, 1});
  b.addInitializerInt64("target", {2}, {1, 3});
  b.addInitializerDouble("w", {3, 2}, w);
  b.addInitializerDouble("b", {2}, {0.125, -1.0 / 3.0});
  b.addNode("Reshape", {"x", "target"}, {"flat"});
  b.addNode("MatMul", {"flat", "w"}, {"mm"});
  b.addNode("Add", {"mm", "b"}, {"y"});
  b.addOutput("y", {1, 2});
  IMPORT_OK(net, b);
  QCOMPARE(net.layers[1].weight(0, 0), 0.1);  // kept in double precision
  const std::vector<double> x = {1, -2, 0.5};
  CERT_COMPARE_VEC(run(net, x), ref::gemm(x, w, {0.125, -1.0 / 3.0}, 1, 3, 2, false, false, 1, 1));
}

void TestOnnxOps::sliceOnShape() {
  // Reshape(x, Concat(Slice(Shape(x), 0, 1), [-1])) on a [1, 2, 3] input: [1, 6].
  OnnxBuilder b("slice");
  b.addInput("x", {1, 2, 3});
  b.addInitializerInt64("starts", {1}, {0});
  b.addInitializerInt64("ends", {1}, {1});
  b.addInitializerInt64("minus1", {1}, {-1});
  b.addInitializerInt64("reverse_starts", {1}, {-1});
  b.addInitializerInt64("reverse_ends", {1}, {std::numeric_limits<int64_t>::min()});
  b.addInitializerInt64("reverse_steps", {1}, {-2});
  b.addInitializerInt64("axes", {1}, {0});
  b.addNode("Shape", {"x"}, {"shape"});
  b.addNode("Slice", {"shape", "starts", "ends"}, {"batch"});
  // Shape [1, 2, 3] sliced backwards with step -2: [3, 1]; only its size is used below.
  b.addNode("Slice", {"shape", "reverse_starts", "reverse_ends", "axes", "reverse_steps"}, {"rev"});
  b.addNode("Shape", {"rev"}, {"rev_len"});  // [2]
  b.addNode("Concat", {"batch", "minus1"}, {"target"}).attr("axis", int64_t{0});
  b.addNode("Reshape", {"x", "target"}, {"flat"});
  b.addNode("ConstantOfShape", {"rev_len"}, {"bias"}).tensorAttr("value", {1}, {0.25f});
  b.addInitializer("w", {6, 2}, testWeights(12, 29));
  b.addNode("Gemm", {"flat", "w", "bias"}, {"y"});
  b.addOutput("y", {1, 2});
  IMPORT_OK(net, b);
  QCOMPARE(net.layers[1].shape, (std::vector<int64_t>{2}));
  const std::vector<double> x = {1, 0.5, -1, 2, 0, -0.25};
  CERT_COMPARE_VEC(run(net, x), ref::gemm(x, toDouble(testWeights(12, 29)), {0.25, 0.25}, 1, 6, 2,
                                     false, false, 1, 1));
}

void TestOnnxOps::layoutPassThroughs() {
  // Unsqueeze, Identity, Dropout, Cast and Squeeze on a computed value add no layers.
  OnnxBuilder b("passthrough", 11);  // Squeeze/Unsqueeze axes as attributes
  b.addInput("x", {1, 4});
  b.addNode("Unsqueeze", {"x"}, {"u"}).attr("axes", std::vector<int64_t>{2});
  b.addNode("Identity", {"u"}, {"i"});
  b.addNode("Dropout", {"i"}, {"d"});
  b.addNode("Cast", {"d"}, {"c"}).attr("to", int64_t{1});
  b.addNode("Squeeze", {"c"}, {"s"}).attr("axes", std::vector<int64_t>{2});
  b.addNode("LeakyRelu", {"s"}, {"y"});
  b.addOutput("y", {1, 4});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::LeakyRelu}));
  QCOMPARE(net.layers[1].onnxNodes, (std::vector<std::string>{"u", "s", "y"}));
  CERT_COMPARE_VEC(run(net, {1, -1, 0.5, -100}), (std::vector<double>{1, -0.01, 0.5, -1}));
}

void TestOnnxOps::mulFoldsIntoConvPerChannel() {
  // A per-channel Mul and an Add after a Conv fold into its kernel and bias.
  const std::vector<float> w = testWeights(8, 30);
  OnnxBuilder b("convmul");
  b.addInput("x", {1, 1, 3, 3});
  b.addInitializer("w", {2, 1, 2, 2}, w);
  b.addInitializer("s", {1, 2, 1, 1}, {2.0f, -0.5f});
  b.addInitializer("t", {1, 2, 2, 2}, testWeights(8, 31));
  b.addNode("Conv", {"x", "w"}, {"c"});
  b.addNode("Mul", {"c", "s"}, {"m"});
  b.addNode("Add", {"m", "t"}, {"y"});
  b.addOutput("y", {1, 2, 2, 2});
  IMPORT_OK(net, b);
  QCOMPARE(opsOf(net), (std::vector<LayerOp>{LayerOp::Input, LayerOp::Conv}));
  QCOMPARE(net.layers[1].onnxNodes, (std::vector<std::string>{"c", "m", "y"}));
  const std::vector<double> x = toDouble(testWeights(9, 32));
  ref::Window g;
  g.kH = g.kW = 2;
  int oh = 0, ow = 0;
  std::vector<double> want = ref::conv2d(x, 1, 3, 3, toDouble(w), 2, {}, g, &oh, &ow);
  const std::vector<float> t = testWeights(8, 31);
  for (size_t i = 0; i < want.size(); ++i) want[i] = want[i] * (i < 4 ? 2.0 : -0.5) + t[i];
  CERT_COMPARE_VEC(run(net, x), want);
}

QTEST_APPLESS_MAIN(TestOnnxOps)
#include "tst_onnx_ops.moc"
