// Neuron_mult (a Mul layer: the product of two computed neurons) under every shipped spec against
// the hand-written references (interval product, McCormick planes, zonotope product) to 1e-9 on
// seeded random networks with products, and sound by sampling (0 violations).
#include <QtTest>

#include <string>
#include <vector>

#include "runtime/executor.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_bounds.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"

using namespace cert;
using namespace cert::test;

namespace {

/// Networks with Mul layers: two Affine branches multiplied; a product read by a Relu (its l, u
/// feed a relaxation); a square; HardSwish as the importer builds it (x * HardSigmoid(x)).
std::vector<NamedNetwork> productNetworks(uint64_t seed) {
  std::vector<NamedNetwork> out;
  {
    RandomNetworkBuilder b({4}, seed);
    const int a = b.affine(0, 6), c = b.affine(0, 6);
    b.affine(b.multiply(a, c), 3);
    out.push_back({"branches", b.build()});
  }
  {
    RandomNetworkBuilder b({4}, seed + 1);
    const int h = b.affine(0, 5), r = b.activation(h, LayerOp::Relu);
    const int m = b.multiply(r, h);
    const int h2 = b.affine(m, 5, 0.5);
    b.affine(b.activation(h2, LayerOp::Relu), 3);
    out.push_back({"relu_times_affine_then_relu", b.build()});
  }
  {
    RandomNetworkBuilder b({3}, seed + 2);
    const int h = b.affine(0, 4);
    const int s = b.multiply(h, h);
    b.affine(b.activation(b.affine(s, 4, 0.5), LayerOp::Tanh), 2);
    out.push_back({"square_then_tanh", b.build()});
  }
  {
    RandomNetworkBuilder b({4}, seed + 3);
    const int x = b.affine(0, 5, 2.0);
    Network net = b.build();
    // HardSigmoid(x) = (Clip(2 x / 6 + 2 * 0.5 - 1, -1, 1) + 1) / 2, then x * it.
    auto diagonal = [&](int from, double a, double c) {
      Layer l;
      l.op = LayerOp::Affine;
      l.inputs = {from};
      l.shape = {5};
      l.weight = Eigen::MatrixXd::Identity(5, 5) * a;
      l.bias = Eigen::VectorXd::Constant(5, c);
      net.layers.push_back(l);
      return static_cast<int>(net.layers.size()) - 1;
    };
    const int scaled = diagonal(x, 1.0 / 3.0, 0.0);
    Layer clip;
    clip.op = LayerOp::Clip;
    clip.clipMin = -1;
    clip.clipMax = 1;
    clip.inputs = {scaled};
    clip.shape = {5};
    net.layers.push_back(clip);
    const int hs = diagonal(static_cast<int>(net.layers.size()) - 1, 0.5, 0.5);
    Layer mul;
    mul.op = LayerOp::Mul;
    mul.inputs = {x, hs};
    mul.shape = {5};
    net.layers.push_back(mul);
    Layer last;
    last.op = LayerOp::Affine;
    last.inputs = {static_cast<int>(net.layers.size()) - 1};
    last.shape = {2};
    last.weight = Eigen::MatrixXd::Identity(2, 5) - Eigen::MatrixXd::Identity(2, 5).rowwise().reverse();
    last.bias = Eigen::VectorXd::Zero(2);
    net.layers.push_back(last);
    for (size_t i = 0; i < net.layers.size(); ++i) {
      net.layers[i].index = static_cast<int>(i);
      if (net.layers[i].name.empty()) net.layers[i].name = "layer" + std::to_string(i);
    }
    assignNeuronRanges(net);
    out.push_back({"hardswish", std::move(net)});
  }
  return out;
}

}  // namespace

class TestProductReferences : public QObject {
  Q_OBJECT

 private slots:
  void matchesReferenceAndIsSound_data();
  void matchesReferenceAndIsSound();
  void intervalProductOfASquare();
};

void TestProductReferences::matchesReferenceAndIsSound_data() {
  QTest::addColumn<QString>("spec");
  QTest::addColumn<int>("net");
  QTest::addColumn<double>("radius");
  const auto nets = productNetworks(41);
  for (const std::string& spec : specsWithReferences())
    for (size_t k = 0; k < nets.size(); ++k)
      for (double radius : {0.05, 0.5})
        QTest::newRow((spec + "/" + nets[k].name + "/r" + std::to_string(radius)).c_str())
            << QString::fromStdString(spec) << static_cast<int>(k) << radius;
}

void TestProductReferences::matchesReferenceAndIsSound() {
  QFETCH(QString, spec);
  QFETCH(int, net);
  QFETCH(double, radius);
  const NamedNetwork nn = productNetworks(41)[static_cast<size_t>(net)];
  int products = 0;
  for (const Layer& l : nn.net.layers) products += l.op == LayerOp::Mul;
  QCOMPARE(products, 1);
  const InputBox box = randomBox(nn.net.inputSize(), radius, 7 + static_cast<uint64_t>(net));
  const auto ref = referenceFor(spec.toStdString(), nn.net, box);
  QVERIFY2(ref.ok(), ref.diagnostics.empty() ? "?" : ref.diagnostics.front().message.c_str());
  const auto got = certifyBox(compiledSpec(spec.toStdString()), nn.net, box);
  QVERIFY2(got.ok(), got.diagnostics.empty() ? "?" : got.diagnostics.front().message.c_str());
  std::string where;
  const double diff = maxRelativeDifference(toLayerBounds(*got.value), *ref.value, &where);
  QVERIFY2(diff >= 0, "layer layout differs from the reference");
  QVERIFY2(diff <= 1e-9, (std::to_string(diff) + " at " + where).c_str());
  SamplingOptions so;
  so.uniformSamples = 300;
  so.randomVertices = 100;
  const SoundnessReport rep = checkSoundness(nn.net, box, toLayerBounds(*got.value), so);
  QVERIFY2(rep.sound(), rep.describe().c_str());
  QVERIFY(rep.samples >= 300);
}

// x * x (a Mul layer reading one layer twice) under IBP: the interval product of [l, u] with itself,
// computed here by hand, from the reference and from certc alike.
void TestProductReferences::intervalProductOfASquare() {
  RandomNetworkBuilder b({2}, 5);
  Network net = b.build();
  Layer mul;
  mul.op = LayerOp::Mul;
  mul.inputs = {0, 0};
  mul.shape = {2};
  mul.index = 1;
  mul.name = "square";
  net.layers.push_back(mul);
  assignNeuronRanges(net);
  const InputBox box{Eigen::Vector2d(-1.0, 0.5), Eigen::Vector2d(2.0, 3.0)};
  const auto ibp = referenceFor("ibp", net, box);
  QVERIFY(ibp.ok());
  // x * x with x in [-1, 2]: the interval product of [-1, 2] with itself is [-2, 4]; [0.5, 3]: [0.25, 9].
  QCOMPARE(ibp.value->back().lower[0], -1.0 * 2.0);
  QCOMPARE(ibp.value->back().upper[0], 2.0 * 2.0);
  QCOMPARE(ibp.value->back().lower[1], 0.5 * 0.5);
  QCOMPARE(ibp.value->back().upper[1], 3.0 * 3.0);
  const auto got = certifyBox(compiledSpec("ibp"), net, box);
  QVERIFY2(got.ok(), got.diagnostics.empty() ? "?" : got.diagnostics.front().message.c_str());
  for (int i = 0; i < 2; ++i) {
    QCOMPARE(got.value->back().lower[i], ibp.value->back().lower[i]);
    QCOMPARE(got.value->back().upper[i], ibp.value->back().upper[i]);
  }
}

QTEST_APPLESS_MAIN(TestProductReferences)
#include "tst_product_references.moc"
