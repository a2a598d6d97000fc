// Verdicts that never lie: non-finite or float32-overflowing parameters, NaN or inverted bounds
// give no "verified" for any shipped spec; a margin whose exact value is 0 never verifies.
#include <QtTest>

#include "core/network/margin_folding.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/network/finite_check.h"
#include "runtime/bounds_report_json.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "runtime/verdict.h"
#include "tests/support/random_network.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

/// Every shipped spec (specs/*.cf), sorted.
std::vector<std::string> shippedSpecs() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(test::sourcePath("specs")))
    if (e.path().extension() == ".cf") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// 4 inputs -> 6 (Relu) -> 3 outputs; one labelled item (label 0) around a fixed point.
Network mlp() { return test::randomMlp(4, {6}, {LayerOp::Relu}, 3, 5); }

/// x [2] -> fc = weight x + bias [2]: the margins of a label fold into fc.
/// [-1, 1] for every neuron of every layer of `net`.
std::vector<LayerBoundsResult> unitBoundsOf(const Network& net) {
  std::vector<LayerBoundsResult> layers;
  for (const Layer& l : net.layers)
    layers.push_back({Eigen::VectorXd::Constant(l.size(), -1), Eigen::VectorXd::Constant(l.size(), 1)});
  return layers;
}

Network twoByTwo(const Eigen::Matrix2d& weight, const Eigen::Vector2d& bias) {
  Network net;
  Layer in;
  in.name = "x";
  in.op = LayerOp::Input;
  in.shape = {2};
  Layer fc;
  fc.name = "fc";
  fc.op = LayerOp::Affine;
  fc.inputs = {0};
  fc.shape = {2};
  fc.weight = weight;
  fc.bias = bias;
  net.layers = {in, fc};
  assignNeuronRanges(net);
  return net;
}

Property labelled(const Network& net, double radius, int label = 0) {
  Property p;
  PropertyItem item;
  item.label = label;
  item.center = Eigen::VectorXd::Constant(net.inputSize(), 0.2);
  item.box = {item.center.array() - radius, item.center.array() + radius};
  p.items = {item};
  return p;
}

ItemResult certifyOne(const std::string& spec, const Network& net, const Property& p) {
  const auto cc = compileCertifier(test::readTextFile(test::sourcePath("specs/" + spec)));
  if (!cc.ok()) qFatal("%s does not compile", spec.c_str());
  const auto r = certify(*cc, net, p);
  if (!r.ok() || r->items.size() != 1) qFatal("%s does not run", spec.c_str());
  return r->items.front();
}

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

class TestVerdict : public QObject {
  Q_OBJECT

 private slots:
  void brokenParametersAreNeverVerified_data();
  void brokenParametersAreNeverVerified();
  void badParametersNameTheTensor();
  void inconsistentBoundsAreInvalid();
  void oneSideOfTheMarginsIsCheckedAlone();
  void oneSideOfALayerIsCheckedAlone();
  void equalLogitsNeverVerify();
  void foldedMarginsCarryTheFoldedRoundingError();
  void foldedMarginsCarryTheOutputsRoundingError();
  void foldedConvMarginsCarryTheFoldedRoundingError();
  void clearMarginsStillVerify();
  void jsonHasStatusAndReason();
  void withheldVerdictsAreInvalid();
};

void TestVerdict::brokenParametersAreNeverVerified_data() {
  QTest::addColumn<int>("kind");  // 0: +inf hidden bias, 1: NaN weight, 2: output biases +-3.4e38
  QTest::addColumn<QString>("tensor");
  for (const std::string& spec : shippedSpecs()) {
    QTest::newRow(("inf bias " + spec).c_str()) << 0 << "bias";
    QTest::newRow(("nan weight " + spec).c_str()) << 1 << "weight";
    QTest::newRow(("3.4e38 output biases " + spec).c_str()) << 2 << "bias";
  }
}

void TestVerdict::brokenParametersAreNeverVerified() {
  QFETCH(int, kind);
  QFETCH(QString, tensor);
  const std::string spec = QString(QTest::currentDataTag()).section(' ', -1).toStdString();
  Network net = mlp();
  // The output layer made decisive for label 0, so that only the broken value can stop a verdict.
  Layer& out = net.layers.back();
  out.bias = Eigen::Vector3d(50, -50, -50);
  const Property p = labelled(net, 0.01);
  QVERIFY2(certifyOne(spec, net, p).verified, "the healthy network verifies");
  int broken = 0;
  if (kind == 0) net.layers[1].bias[2] = kInf, broken = 1;
  if (kind == 1) net.layers[3].weight(1, 4) = std::nan(""), broken = 3;
  if (kind == 2) out.bias = Eigen::Vector3d(3.4e38, -3.4e38, -3.4e38), broken = 3;
  const ItemResult r = certifyOne(spec, net, p);
  QVERIFY(!r.verified);
  QCOMPARE(r.verdict, Verdict::Invalid);
  const std::string where = "layer " + std::to_string(broken) + " '" + net.layers[static_cast<size_t>(broken)].name +
                            "' " + tensor.toStdString();
  QVERIFY2(r.reason.find(where) != std::string::npos, r.reason.c_str());
  if (kind == 2) {  // the old rule (every margin lower bound > 0) said "verified" here
    QVERIFY2(r.marginLower.size() == 2 && (r.marginLower.array() > 0).all(), "margins of 6.8e38 are positive");
    QVERIFY2(r.reason.find("float32-overflowing") != std::string::npos, r.reason.c_str());
  }
}

void TestVerdict::badParametersNameTheTensor() {
  Network net = mlp();
  QVERIFY(badParameters(net).empty());
  net.layers[1].bias[2] = -kInf;
  net.layers[3].weight(2, 5) = 4e38;
  net.layers[3].weight(0, 1) = std::nan("");
  const std::vector<BadParameter> bad = badParameters(net);
  QCOMPARE(bad.size(), size_t{2});
  QCOMPARE(bad[0].layer, 1);
  QCOMPARE(bad[0].tensor, std::string("bias"));
  QCOMPARE(bad[0].index, int64_t{2});
  QCOMPARE(bad[0].count, int64_t{1});
  QCOMPARE(bad[1].layer, 3);
  QCOMPARE(bad[1].tensor, std::string("weight"));
  QCOMPARE(bad[1].count, int64_t{2});
  QCOMPARE(bad[1].index, int64_t{1});  // row-major: (0, 1) comes before (2, 5)
  QVERIFY(std::isnan(bad[1].value));
  QVERIFY2(bad[0].describe().find("non-finite values in layer 1 '" + net.layers[1].name + "' bias") == 0,
           bad[0].describe().c_str());
  QVERIFY(isBadParameterValue(3.4e38) && isBadParameterValue(-3.5e38) && isBadParameterValue(double(3.4e38f)));
  QVERIFY(!isBadParameterValue(9e37) && !isBadParameterValue(-1e30));
}

void TestVerdict::inconsistentBoundsAreInvalid() {
  const Network net = mlp();
  PropertyItem item = labelled(net, 0.01).items[0];
  std::vector<LayerBoundsResult> layers = unitBoundsOf(net);
  const Eigen::Vector2d lo(0.5, 0.25), hi(1, 1);
  QCOMPARE(decideVerdict(net, item, layers, lo, hi).verdict, Verdict::Verified);

  auto inverted = layers;
  inverted[2].lower.writable()[1] = 0.31, inverted[2].upper.writable()[1] = 0.29;
  VerdictDecision d = decideVerdict(net, item, inverted, lo, hi);
  QCOMPARE(d.verdict, Verdict::Invalid);
  QCOMPARE(d.reason, "unsound bounds: layer 2 '" + net.layers[2].name + "' neuron 1 has lower 0.31 > upper 0.29");

  auto rounding = layers;  // an inversion by rounding (1e-13 relative) is tolerated
  rounding[2].lower.writable()[1] = 0.3 + 1e-14, rounding[2].upper.writable()[1] = 0.3;
  QCOMPARE(decideVerdict(net, item, rounding, lo, hi).verdict, Verdict::Verified);

  auto nan = layers;
  nan[1].upper.writable()[4] = std::nan("");
  d = decideVerdict(net, item, nan, lo, hi);
  QCOMPARE(d.verdict, Verdict::Invalid);
  QVERIFY2(d.reason.rfind("NaN in layer 1 '" + net.layers[1].name + "' neuron 4", 0) == 0, d.reason.c_str());

  auto empty = layers;
  empty[3].lower.writable()[0] = kInf;
  QCOMPARE(decideVerdict(net, item, empty, lo, hi).verdict, Verdict::Invalid);
  QCOMPARE(decideVerdict(net, item, layers, Eigen::Vector2d(0.5, std::nan("")), hi).verdict, Verdict::Invalid);
  QCOMPARE(decideVerdict(net, item, layers, Eigen::Vector2d(0.5, 2), hi).verdict, Verdict::Invalid);  // 2 > 1
  // Infinite bounds on the layer the margins are folded over (mlp's last layer is affine): sound
  // but nothing is proved, the folded row's rounding slack is infinite.
  QVERIFY(marginFoldingLayer(net) == &net.layers.back());
  auto loose = layers;
  loose[static_cast<size_t>(net.layers.back().inputs[0])].upper.writable()[1] = kInf;
  d = decideVerdict(net, item, loose, lo, hi);
  QCOMPARE(d.verdict, Verdict::NotVerified);
  QVERIFY2(d.reason.find("within its rounding error inf") != std::string::npos, d.reason.c_str());
  // The outputs' own bounds are not read then (the margins are computed from that layer's):
  // an infinite one changes nothing, nor does an output layer left out of the run.
  auto looseOutput = layers;
  looseOutput.back().upper.writable()[1] = kInf;
  QCOMPARE(decideVerdict(net, item, looseOutput, lo, hi).verdict, Verdict::Verified);
  auto leftOut = layers;
  leftOut.back() = LayerBoundsResult{};
  leftOut.back().computed = false;
  QCOMPARE(decideVerdict(net, item, leftOut, lo, hi).verdict, Verdict::Verified);
}

/// A run that reports only verdicts computes the side of the margins its verdict reads (lower for
/// a label, upper for a VNN-LIB item): that side alone is checked, and its absence proves nothing.
void TestVerdict::oneSideOfTheMarginsIsCheckedAlone() {
  const Network net = mlp();
  PropertyItem item = labelled(net, 0.01).items[0];
  std::vector<LayerBoundsResult> layers = unitBoundsOf(net);
  const Eigen::VectorXd none;
  QCOMPARE(decideVerdict(net, item, layers, Eigen::Vector2d(0.5, 0.25), none).verdict, Verdict::Verified);
  VerdictDecision d = decideVerdict(net, item, layers, Eigen::Vector2d(0.5, std::nan("")), none);
  QCOMPARE(d.verdict, Verdict::Invalid);
  QVERIFY2(d.reason.rfind("NaN in margins neuron 1", 0) == 0, d.reason.c_str());
  d = decideVerdict(net, item, layers, Eigen::Vector2d(kInf, 0.25), none);
  QCOMPARE(d.verdict, Verdict::Invalid);
  QVERIFY2(d.reason.rfind("unsound bounds: an empty interval in margins neuron 0", 0) == 0, d.reason.c_str());
  d = decideVerdict(net, item, layers, Eigen::VectorXd::Constant(1, 0.5), none);  // a row missing
  QCOMPARE(d.verdict, Verdict::Invalid);
  QCOMPARE(d.reason, std::string("margins: 1 rows for a label over 3 outputs"));
  d = decideVerdict(net, item, layers, none, Eigen::Vector2d(1, 1));  // the side a label does not read
  QCOMPARE(d.verdict, Verdict::NotVerified);
  QVERIFY2(d.reason.rfind("no margins", 0) == 0, d.reason.c_str());

  // VNN-LIB: two conjunctions of one atom each; refuted when every atom's upper bound is < 0.
  PropertyItem vnn = item;
  vnn.label.reset();
  for (int j : {1, 2}) {
    OutputInequality atom;
    atom.coeffs = Eigen::Vector3d::Zero();
    atom.coeffs[j] = 1;
    atom.coeffs[0] = -1;
    vnn.unsafe.push_back({atom});
  }
  QCOMPARE(decideVerdict(net, vnn, layers, none, Eigen::Vector2d(-0.5, -0.25)).verdict, Verdict::Verified);
  QCOMPARE(decideVerdict(net, vnn, layers, none, Eigen::Vector2d(-0.5, 0.25)).verdict, Verdict::NotVerified);
  d = decideVerdict(net, vnn, layers, none, Eigen::Vector2d(-kInf, -0.25));
  QCOMPARE(d.verdict, Verdict::Invalid);
  QVERIFY2(d.reason.rfind("unsound bounds: an empty interval in margins neuron 0", 0) == 0, d.reason.c_str());
  QCOMPARE(decideVerdict(net, vnn, layers, Eigen::Vector2d(1, 1), none).verdict, Verdict::NotVerified);
  // Both sides given: still checked against each other.
  QCOMPARE(decideVerdict(net, vnn, layers, Eigen::Vector2d(0, 0), Eigen::Vector2d(-0.5, -0.25)).verdict,
           Verdict::Invalid);
}

/// A layer whose one side no rule reads (a spec whose Relu reads only prev[l]) keeps only the
/// other side (RunOptions::allLayerBounds false): that side is checked alone, the missing one is
/// not a mismatch (it made such items "invalid: 50 lower bounds, 0 upper"); both sides missing
/// (the layer left out) is checked by nothing, as before.
void TestVerdict::oneSideOfALayerIsCheckedAlone() {
  const Network net = mlp();
  const PropertyItem item = labelled(net, 0.01).items[0];
  const Eigen::Vector2d margins(0.5, 0.25);
  const Eigen::VectorXd none;
  for (const bool lowerKept : {true, false}) {
    std::vector<LayerBoundsResult> layers = unitBoundsOf(net);
    LayerBoundsResult& half = layers[1];
    half.computed = false;
    (lowerKept ? half.upper : half.lower) = SharedVector();
    QCOMPARE(decideVerdict(net, item, layers, margins, none).verdict, Verdict::Verified);
    Eigen::VectorXd side = Eigen::VectorXd::Constant(net.layers[1].size(), lowerKept ? -1 : 1);
    side[2] = std::nan("");
    (lowerKept ? half.lower : half.upper) = SharedVector(side);
    VerdictDecision d = decideVerdict(net, item, layers, margins, none);
    QCOMPARE(d.verdict, Verdict::Invalid);
    QVERIFY2(d.reason.rfind("NaN in layer 1 'Affine_1' neuron 2", 0) == 0, d.reason.c_str());
    side[2] = lowerKept ? kInf : -kInf;
    (lowerKept ? half.lower : half.upper) = SharedVector(side);
    d = decideVerdict(net, item, layers, margins, none);
    QCOMPARE(d.verdict, Verdict::Invalid);
    QVERIFY2(d.reason.rfind("unsound bounds: an empty interval in layer 1 'Affine_1' neuron 2", 0) == 0, d.reason.c_str());
  }
  // Computed layers with a side missing are still a mismatch.
  std::vector<LayerBoundsResult> layers = unitBoundsOf(net);
  layers[1].upper = SharedVector();
  const VerdictDecision d = decideVerdict(net, item, layers, margins, none);
  QCOMPARE(d.verdict, Verdict::Invalid);
  QVERIFY2(d.reason.find("lower bounds, 0 upper") != std::string::npos, d.reason.c_str());
}

void TestVerdict::equalLogitsNeverVerify() {
  // x = (1, 2^-53, 2^-53) (a flat box). Layer 1: a = x0 + x1, b = x2, c = x1 + x2, d = x0.
  // Outputs: y0 = a + b, y1 = d + c. Exactly, y0 = y1 = 1 + 2^-52: the margin y1 - y0 is 0. In
  // float64, a = 1 (1 + 2^-53 rounds to even) so y0 = 1, while c = 2^-52 and y1 = 1 + 2^-52: IBP's
  // margin lower bound is 2^-52 > 0, which the old rule (lower > 0) called verified.
  Network net;
  Layer in;
  in.name = "x", in.op = LayerOp::Input, in.shape = {3};
  Layer h;
  h.name = "h", h.op = LayerOp::Affine, h.inputs = {0}, h.shape = {4};
  h.weight = Eigen::MatrixXd::Zero(4, 3);
  h.weight(0, 0) = h.weight(0, 1) = 1;
  h.weight(1, 2) = 1;
  h.weight(2, 1) = h.weight(2, 2) = 1;
  h.weight(3, 0) = 1;
  h.bias = Eigen::VectorXd::Zero(4);
  Layer y;
  y.name = "y", y.op = LayerOp::Affine, y.inputs = {1}, y.shape = {2};
  y.weight = Eigen::MatrixXd::Zero(2, 4);
  y.weight(0, 0) = y.weight(0, 1) = 1;
  y.weight(1, 3) = y.weight(1, 2) = 1;
  y.bias = Eigen::VectorXd::Zero(2);
  net.layers = {in, h, y};
  assignNeuronRanges(net);
  Property p;
  PropertyItem item;
  item.label = 1;
  const Eigen::Vector3d x(1, std::ldexp(1.0, -53), std::ldexp(1.0, -53));
  item.box = {x, x};
  p.items = {item};
  for (const std::string& spec : shippedSpecs()) {
    const ItemResult r = certifyOne(spec, net, p);
    QVERIFY2(!r.verified, spec.c_str());
    QCOMPARE(r.verdict, Verdict::NotVerified);
    if (spec == "ibp.cf") {
      QCOMPARE(r.marginLower[0], std::ldexp(1.0, -52));  // the computed margin is positive ...
      QVERIFY2(r.reason.find("within its rounding error") != std::string::npos, r.reason.c_str());  // ... not enough
    }
  }
  // The slack itself: (n + 2) eps (S + |bound|) with n = 3 (two outputs and the constant).
  LayerBoundsResult outBounds{Eigen::Vector2d(1, 1), Eigen::Vector2d(1, 1)};
  QCOMPARE(marginRoundingSlack(item, outBounds, 0, 0.0), 5 * std::numeric_limits<double>::epsilon() * 2);
}

void TestVerdict::foldedMarginsCarryTheFoldedRoundingError() {
  // y = W x with rows [1, -1] and [-1, 1] at x = (1e6, 1e6): the outputs are 0, but the margins,
  // folded into the last layer, are computed as 2 x0 - 2 x1: a float error up to ~ eps * 4e6.
  const Network net = twoByTwo((Eigen::Matrix2d() << 1, -1, -1, 1).finished(), Eigen::Vector2d::Zero());
  PropertyItem item;
  item.label = 0;
  const std::vector<LayerBoundsResult> layers = {{Eigen::Vector2d(1e6, 1e6), Eigen::Vector2d(1e6, 1e6)},
                                                 {Eigen::Vector2d::Zero(), Eigen::Vector2d::Zero()}};
  const double eps = std::numeric_limits<double>::epsilon();
  // The output step alone allows a margin of 1e-12 (5 eps (0 + 0 + 1e-12) is far below it) ...
  QVERIFY(1e-12 - marginRoundingSlack(item, layers.back(), 0, 1e-12) > 0);
  // ... the folded step does not: 2 terms + constant, (3 + 2) eps (4e6 + 1e-12).
  const Eigen::VectorXd tiny = Eigen::VectorXd::Constant(1, 1e-12);
  const VerdictDecision d = decideVerdict(net, item, layers, tiny, tiny);
  QCOMPARE(d.verdict, Verdict::NotVerified);
  QVERIFY2(d.reason.find("within its rounding error") != std::string::npos, d.reason.c_str());
  const double foldedSlack = 5 * eps * (4e6 + 1e-12);
  const Eigen::VectorXd above = Eigen::VectorXd::Constant(1, 1.01 * foldedSlack);
  QCOMPARE(decideVerdict(net, item, layers, above, above).verdict, Verdict::Verified);
  const Eigen::VectorXd below = Eigen::VectorXd::Constant(1, 0.99 * foldedSlack);
  QCOMPARE(decideVerdict(net, item, layers, below, below).verdict, Verdict::NotVerified);
}

void TestVerdict::foldedMarginsCarryTheOutputsRoundingError() {
  // y = x + b with b = (1e6, 1e6): the folded margin y0 - y1 = x0 - x1 + (b0 - b1) adds the biases
  // exactly (0) over x in [0, 1]^2, but the outputs the unfolded row reads are 1e6 each: its
  // rounding, (3 + 2) eps (|y0| + |y1| + bound) with |y_j| <= |b_j| + max(|l|, |u|) of x, counts.
  // The outputs' own bounds (given here as 0, a wrong value) are not read.
  const Network net = twoByTwo(Eigen::Matrix2d::Identity(), Eigen::Vector2d::Constant(1e6));
  PropertyItem item;
  item.label = 0;
  const std::vector<LayerBoundsResult> layers = {{Eigen::Vector2d::Zero(), Eigen::Vector2d::Ones()},
                                                 {Eigen::Vector2d::Zero(), Eigen::Vector2d::Zero()}};
  const double eps = std::numeric_limits<double>::epsilon();
  const double unfoldedSlack = 5 * eps * 2 * (1e6 + 1);  // the folded row's: 5 eps (1 + 1 + bound)
  const Eigen::VectorXd above = Eigen::VectorXd::Constant(1, 1.01 * unfoldedSlack);
  QCOMPARE(decideVerdict(net, item, layers, above, above).verdict, Verdict::Verified);
  const Eigen::VectorXd below = Eigen::VectorXd::Constant(1, 0.99 * unfoldedSlack);
  const VerdictDecision d = decideVerdict(net, item, layers, below, below);
  QCOMPARE(d.verdict, Verdict::NotVerified);
  QVERIFY2(d.reason.find("within its rounding error") != std::string::npos, d.reason.c_str());
}

void TestVerdict::foldedConvMarginsCarryTheFoldedRoundingError() {
  // The same map as a last 1x1 convolution over 2 channels of 1x2 pixels (input neurons c0p0,
  // c0p1, c1p0, c1p1): output channel 0 is x_c0 - x_c1, channel 1 is x_c1 - x_c0. At x = 1e6 the
  // outputs are 0; the folded margin y_(0,0) - y_(0,1) = (x_c0p0 - x_c1p0) - (x_c0p1 - x_c1p1) has
  // four terms of 1e6 in the folded step, so (4 + 1 + 2) eps (4e6 + bound).
  Network net;
  Layer in;
  in.name = "x";
  in.op = LayerOp::Input;
  in.shape = {2, 1, 2};
  Layer conv;
  conv.name = "conv";
  conv.op = LayerOp::Conv;
  conv.inputs = {0};
  conv.shape = {2, 1, 2};
  conv.conv.inChannels = 2, conv.conv.inHeight = 1, conv.conv.inWidth = 2;
  conv.conv.outChannels = 2, conv.conv.outHeight = 1, conv.conv.outWidth = 2;
  conv.kernel = (Eigen::Vector4d() << 1, -1, -1, 1).finished();  // [outC][inC]
  conv.bias = Eigen::Vector4d::Zero();
  net.layers = {in, conv};
  assignNeuronRanges(net);
  PropertyItem item;
  item.label = 0;
  const Eigen::Vector4d x = Eigen::Vector4d::Constant(1e6);
  const std::vector<LayerBoundsResult> layers = {{x, x}, {Eigen::Vector4d::Zero(), Eigen::Vector4d::Zero()}};
  const double eps = std::numeric_limits<double>::epsilon();
  const double foldedSlack = 7 * eps * 4e6;
  const Eigen::VectorXd above = Eigen::VectorXd::Constant(3, 1.01 * foldedSlack);
  QCOMPARE(decideVerdict(net, item, layers, above, above).verdict, Verdict::Verified);
  Eigen::VectorXd below = above;
  below[0] = 0.99 * foldedSlack;  // margin y0 - y1
  const VerdictDecision d = decideVerdict(net, item, layers, below, below);
  QCOMPARE(d.verdict, Verdict::NotVerified);
  QVERIFY2(d.reason.find("y0 - y1") != std::string::npos && d.reason.find("within its rounding error") != std::string::npos,
           d.reason.c_str());
  // A folded layer whose input does not match the bounds it reads gives no slack to lean on.
  std::vector<LayerBoundsResult> mismatched = layers;
  mismatched[0] = {Eigen::Vector3d::Constant(1e6), Eigen::Vector3d::Constant(1e6)};
  QCOMPARE(decideVerdict(net, item, mismatched, above, above).verdict, Verdict::NotVerified);
}

void TestVerdict::clearMarginsStillVerify() {
  Network net = mlp();
  net.layers.back().bias = Eigen::Vector3d(50, -50, -50);
  for (const std::string& spec : shippedSpecs()) {
    const ItemResult r = certifyOne(spec, net, labelled(net, 0.01));
    QVERIFY2(r.verified && r.verdict == Verdict::Verified && r.reason.empty(), spec.c_str());
    const ItemResult other = certifyOne(spec, net, labelled(net, 0.01, 1));
    QCOMPARE(other.verdict, Verdict::NotVerified);
    QVERIFY2(other.reason.find("margin y1 - y0 has lower bound") == 0, other.reason.c_str());
  }
}

void TestVerdict::jsonHasStatusAndReason() {
  Network net = mlp();
  net.layers[1].bias[0] = kInf;
  RunResult run;
  run.items = {certifyOne("ibp.cf", net, labelled(net, 0.01))};
  ReportInfo info;
  info.spec = "ibp.cf";
  info.network = "n.onnx";
  info.eps = 0.01;
  const std::string json = boundsReportJson(info, net, run);
  QVERIFY2(json.find("\"verified\": false, \"status\": \"invalid\", \"reason\": \"non-finite values in layer 1") !=
               std::string::npos,
           json.substr(0, 600).c_str());
  QVERIFY2(json.find("\"rules\": null") != std::string::npos, json.substr(0, 600).c_str());  // not proved
}

/// A refuted rule withholds the verdict of an item whose margins are clear (certc run proves the
/// rules first: compiler/prove/run_proofs.h); the bounds stay as they were.
void TestVerdict::withheldVerdictsAreInvalid() {
  Network net = mlp();
  net.layers.back().bias = Eigen::Vector3d(50, -50, -50);
  RunResult run;
  run.items = {certifyOne("ibp.cf", net, labelled(net, 0.01))};
  QVERIFY(run.items[0].verified);
  const Eigen::VectorXd margins = run.items[0].marginLower;
  withholdVerdicts(run, "the rule for Relu (transformer ibp, line 9) is unsound: curr[u] >= curr fails (certc prove)");
  const ItemResult& r = run.items[0];
  QVERIFY(!r.verified);
  QCOMPARE(r.verdict, Verdict::Invalid);
  QCOMPARE(r.reason, std::string("verdict withheld: the rule for Relu (transformer ibp, line 9) is unsound: "
                                 "curr[u] >= curr fails (certc prove)"));
  QCOMPARE(r.marginLower, margins);
  ReportInfo info;
  info.rules = std::vector<RuleProofEntry>{{"ibp", "Affine", "proved", "", true},
                                           {"ibp", "Relu", "unsound", "unsound: curr[u] >= curr fails at curr = 2", false}};
  const std::string json = boundsReportJson(info, net, run);
  QVERIFY2(json.find("\"rules\": [{\"transformer\": \"ibp\", \"op\": \"Affine\", \"verdict\": \"proved\", "
                     "\"reason\": \"\", \"cached\": true}, {\"transformer\": \"ibp\", \"op\": \"Relu\", "
                     "\"verdict\": \"unsound\", \"reason\": \"unsound: curr[u] >= curr fails at curr = 2\", "
                     "\"cached\": false}]") != std::string::npos,
           json.substr(0, 800).c_str());
  QVERIFY2(json.find("\"status\": \"invalid\", \"reason\": \"verdict withheld: the rule for Relu") != std::string::npos,
           json.substr(0, 800).c_str());
}

QTEST_APPLESS_MAIN(TestVerdict)
#include "tst_verdict.moc"
