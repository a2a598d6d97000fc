// Margins folded into the last affine layer (core/network/margin_folding.h): IBP's margins equal
// the folded form computed here, (W_label - W_j) over the penultimate layer's interval; the
// back-substituting specs' margins are unchanged (they compose the rows with W anyway).
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/network/margin_folding.h"
#include "runtime/executor.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_deeppoly.h"
#include "tests/support/reference_deepz.h"
#include "tests/support/reference_ibp.h"
#include "tests/support/spec_references.h"

using namespace cert;
using namespace cert::test;

namespace {

const LayerOp kActs[] = {LayerOp::Relu, LayerOp::Sigmoid, LayerOp::Tanh};

/// Network `k` of a small family ending in an Affine layer: 5 inputs, two hidden layers.
Network family(int k) {
  const LayerOp a = kActs[k % 3];
  return randomMlp(5, {7, 6}, {a, a}, 4, 100 + static_cast<uint64_t>(k));
}

PropertyItem labelledItem(const Network& net, int label, uint64_t seed) {
  PropertyItem item;
  item.label = label;
  item.box = randomBox(net.inputSize(), 0.4, seed);
  return item;
}

/// lower (upper) bound of w . x + b over the box [lo, hi]: exact for one affine map.
double affineLower(const Eigen::VectorXd& w, double b, const Eigen::VectorXd& lo, const Eigen::VectorXd& hi) {
  return b + w.cwiseMax(0.0).dot(lo) + w.cwiseMin(0.0).dot(hi);
}
double affineUpper(const Eigen::VectorXd& w, double b, const Eigen::VectorXd& lo, const Eigen::VectorXd& hi) {
  return b + w.cwiseMax(0.0).dot(hi) + w.cwiseMin(0.0).dot(lo);
}

/// `net` with an unfolded margins layer y_label - y_j reading the output (test code).
Network withPlainMargins(const Network& net, int label) {
  Network ext = net;
  const int64_t n = net.outputSize();
  Layer m;
  m.op = LayerOp::Affine;
  m.name = "plain margins";
  m.inputs = {static_cast<int>(net.layers.size()) - 1};
  m.shape = {n - 1};
  m.weight = Eigen::MatrixXd::Zero(n - 1, n);
  m.bias = Eigen::VectorXd::Zero(n - 1);
  for (int64_t j = 0, r = 0; j < n; ++j) {
    if (j == label) continue;
    m.weight(r, label) = 1;
    m.weight(r++, j) = -1;
  }
  ext.layers.push_back(m);
  assignNeuronRanges(ext);
  return ext;
}

}  // namespace

class TestMarginFolding : public QObject {
  Q_OBJECT

 private slots:
  void ibpMarginsAreTheFoldedForm();
  void vnnlibAtomsAreFolded();
  void backSubstitutionMarginsUnchanged_data();
  void backSubstitutionMarginsUnchanged();
  void notFoldedAfterANonAffineLayer();
};

void TestMarginFolding::ibpMarginsAreTheFoldedForm() {
  const CompiledCertifier cc = compiledSpec("ibp");
  int tighter = 0;
  for (int k = 0; k < 6; ++k) {
    const Network net = family(k);
    const int label = k % 4;
    Property p;
    p.items.push_back(labelledItem(net, label, 7 + static_cast<uint64_t>(k)));
    const auto r = certify(cc, net, p);
    QVERIFY(r.ok());
    const ItemResult& it = r.value->items.front();
    const auto ref = referenceIbp(net, p.items.front().box);
    QVERIFY(ref.ok());
    const Layer& last = net.layers.back();
    const LayerBounds& x = (*ref.value)[static_cast<size_t>(last.inputs.at(0))];
    const LayerBounds& y = ref.value->back();
    QCOMPARE(it.marginLower.size(), Eigen::Index(3));
    for (int j = 0, row = 0; j < 4; ++j) {
      if (j == label) continue;
      const Eigen::VectorXd w = last.weight.row(label) - last.weight.row(j);
      const double b = last.bias[label] - last.bias[j];
      const double lo = affineLower(w, b, x.lower, x.upper), hi = affineUpper(w, b, x.lower, x.upper);
      const std::string where = "net " + std::to_string(k) + " row " + std::to_string(row) + ": " +
                                std::to_string(it.marginLower[row]) + " vs " + std::to_string(lo);
      QVERIFY2(std::abs(it.marginLower[row] - lo) <= 1e-9 * (1 + std::abs(lo)), where.c_str());
      QVERIFY2(std::abs(it.marginUpper[row] - hi) <= 1e-9 * (1 + std::abs(hi)), where.c_str());
      // Never looser than subtracting the output intervals; usually tighter.
      const double subtracted = y.lower[label] - y.upper[j];
      QVERIFY2(lo >= subtracted - 1e-9, where.c_str());
      if (lo > subtracted + 1e-6) ++tighter;
      ++row;
    }
  }
  QVERIFY(tighter > 0);
}

void TestMarginFolding::vnnlibAtomsAreFolded() {
  const Network net = family(1);
  PropertyItem item;
  item.box = randomBox(net.inputSize(), 0.3, 4);
  OutputInequality atom;
  atom.coeffs = Eigen::Vector4d(0.5, -1.0, 0.0, 2.0);
  atom.constant = -0.25;
  item.unsafe = {{atom}};
  Property p;
  p.items.push_back(item);
  const auto r = certify(compiledSpec("ibp"), net, p);
  QVERIFY(r.ok());
  const auto ref = referenceIbp(net, item.box);
  QVERIFY(ref.ok());
  const Layer& last = net.layers.back();
  const LayerBounds& x = (*ref.value)[static_cast<size_t>(last.inputs.at(0))];
  const Eigen::VectorXd w = last.weight.transpose() * atom.coeffs;
  const double b = atom.coeffs.dot(last.bias) + atom.constant;
  QCOMPARE(r.value->items.front().marginUpper.size(), Eigen::Index(1));
  const double hi = affineUpper(w, b, x.lower, x.upper);
  QVERIFY(std::abs(r.value->items.front().marginUpper[0] - hi) <= 1e-9 * (1 + std::abs(hi)));
}

void TestMarginFolding::backSubstitutionMarginsUnchanged_data() {
  QTest::addColumn<QString>("spec");
  QTest::addColumn<int>("net");
  for (const char* s : {"deeppoly", "crown", "deepz"})
    for (int k = 0; k < 6; ++k) QTest::newRow((std::string(s) + " " + std::to_string(k)).c_str()) << s << k;
}

void TestMarginFolding::backSubstitutionMarginsUnchanged() {
  QFETCH(QString, spec);
  QFETCH(int, net);
  const Network n = family(net);
  const int label = (net + 1) % 4;
  Property p;
  p.items.push_back(labelledItem(n, label, 30 + static_cast<uint64_t>(net)));
  const auto r = certify(compiledSpec(spec.toStdString()), n, p);
  QVERIFY(r.ok());
  // The reference on the network with the margins as a separate layer on the output.
  const Network plain = withPlainMargins(n, label);
  const InputBox& box = p.items.front().box;
  const auto ref = spec == "deepz" ? referenceDeepZ(plain, box)
                                   : referenceDeepPoly(plain, box, spec == "crown" ? DeepPolyOptions::crown()
                                                                                   : DeepPolyOptions::deepPoly());
  QVERIFY(ref.ok());
  const LayerBounds& m = ref.value->back();
  const ItemResult& it = r.value->items.front();
  QCOMPARE(it.marginLower.size(), m.lower.size());
  for (Eigen::Index i = 0; i < m.lower.size(); ++i) {
    const std::string where = std::to_string(it.marginLower[i]) + " vs " + std::to_string(m.lower[i]);
    QVERIFY2(std::abs(it.marginLower[i] - m.lower[i]) <= 1e-9 * (1 + std::abs(m.lower[i])), where.c_str());
    QVERIFY(std::abs(it.marginUpper[i] - m.upper[i]) <= 1e-9 * (1 + std::abs(m.upper[i])));
  }
}

void TestMarginFolding::notFoldedAfterANonAffineLayer() {
  RandomNetworkBuilder b({3}, 5);
  const int h = b.affine(0, 4);
  b.activation(h, LayerOp::Relu);
  const Network endsInRelu = b.build();
  const Layer m = marginsLayer(endsInRelu, Eigen::MatrixXd::Identity(4, 4), Eigen::VectorXd::Zero(4));
  QCOMPARE(m.inputs, std::vector<int>{static_cast<int>(endsInRelu.layers.size()) - 1});
  QVERIFY(marginFoldingNote(endsInRelu).find("not affine") != std::string::npos);
  const Network endsInAffine = family(0);
  const Layer f = marginsLayer(endsInAffine, Eigen::MatrixXd::Identity(4, 4), Eigen::VectorXd::Zero(4));
  QCOMPARE(f.inputs, endsInAffine.layers.back().inputs);
  QVERIFY(marginFoldingNote(endsInAffine).find("folded into") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestMarginFolding)
#include "tst_margin_folding.moc"
