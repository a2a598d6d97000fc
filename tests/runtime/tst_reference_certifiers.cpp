// The hand-written reference certifiers: published bounds, exactness on linear networks,
// hand-derived relaxations, soundness by sampling, and errors for ops no spec covers.
#include <QtTest>

#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/network/forward.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_deeppoly.h"
#include "tests/support/reference_deepz.h"
#include "tests/support/reference_ibp.h"
#include "tests/support/soundness_sampler.h"

using namespace cert;
using namespace cert::test;

namespace {

using Bounds = std::vector<LayerBounds>;

const char* const kDomains[] = {"ibp", "deeppoly", "crown", "deeppoly_k", "deepz", "deeppoly_deepz", "deeppoly_eran"};

Result<Bounds> analyze(const std::string& domain, const Network& net, const InputBox& box) {
  if (domain == "ibp") return referenceIbp(net, box);
  if (domain == "deeppoly") return referenceDeepPoly(net, box, DeepPolyOptions::deepPoly());
  if (domain == "crown") return referenceDeepPoly(net, box, DeepPolyOptions::crown());
  if (domain == "deeppoly_k") return referenceDeepPoly(net, box, DeepPolyOptions::limited(4));
  if (domain == "deeppoly_eran") return referenceDeepPoly(net, box, DeepPolyOptions::eran());
  if (domain == "deeppoly_k2") return referenceDeepPoly(net, box, DeepPolyOptions::limited(2));
  if (domain == "deepz") return referenceDeepZ(net, box);
  if (domain == "deeppoly_deepz") return referenceDeepPolyDeepZ(net, box);
  return Result<Bounds>::failure(Diagnostic::error("unknown domain " + domain));
}

std::string firstError(const Result<Bounds>& r) {
  return r.diagnostics.empty() ? std::string() : r.diagnostics.front().message;
}

InputBox box(std::vector<double> lo, std::vector<double> hi) {
  return {Eigen::Map<Eigen::VectorXd>(lo.data(), static_cast<int64_t>(lo.size())),
          Eigen::Map<Eigen::VectorXd>(hi.data(), static_cast<int64_t>(hi.size()))};
}

Layer affineLayer(int from, int64_t n, const Eigen::MatrixXd& w, const Eigen::VectorXd& b) {
  Layer l;
  l.op = LayerOp::Affine;
  l.inputs = {from};
  l.shape = {n};
  l.weight = w;
  l.bias = b;
  return l;
}

Layer opLayer(LayerOp op, std::vector<int> inputs, int64_t n) {
  Layer l;
  l.op = op;
  l.inputs = std::move(inputs);
  l.shape = {n};
  return l;
}

/// DeepPoly paper (Singh et al., POPL 2019, Fig. 2): x3 = x1 + x2, x4 = x1 - x2, x5,6 = relu;
/// x7 = x5 + x6, x8 = x5 - x6, x9,10 = relu; x11 = x9 + x10 + 1, x12 = x10; x1, x2 in [-1, 1].
Network paperNetwork() {
  Network net;
  net.name = "deeppoly_paper";
  Eigen::MatrixXd sumDiff(2, 2), last(2, 2);
  sumDiff << 1, 1, 1, -1;
  last << 1, 1, 0, 1;
  Layer in = opLayer(LayerOp::Input, {}, 2);
  net.layers = {in,
                affineLayer(0, 2, sumDiff, Eigen::VectorXd::Zero(2)), opLayer(LayerOp::Relu, {1}, 2),
                affineLayer(2, 2, sumDiff, Eigen::VectorXd::Zero(2)), opLayer(LayerOp::Relu, {3}, 2),
                affineLayer(4, 2, last, Eigen::Vector2d(1, 0))};
  assignNeuronRanges(net);
  return net;
}

/// y = f(x) - x for one input x: input, x1 = x, f(x1), -x1, Add. Layer 4 holds y.
Network selfDifference(LayerOp op, double clipMin = 0, double clipMax = 6) {
  Network net;
  Layer act = opLayer(op, {1}, 1);
  act.clipMin = clipMin;
  act.clipMax = clipMax;
  net.layers = {opLayer(LayerOp::Input, {}, 1), affineLayer(0, 1, Eigen::MatrixXd::Ones(1, 1), Eigen::VectorXd::Zero(1)),
                act, affineLayer(1, 1, -Eigen::MatrixXd::Ones(1, 1), Eigen::VectorXd::Zero(1)),
                opLayer(LayerOp::Add, {2, 3}, 1)};
  assignNeuronRanges(net);
  return net;
}

/// The exact range of every neuron of a network whose layers are all linear: min and max over
/// the box's vertices.
Bounds vertexRange(const Network& net, const InputBox& b) {
  SamplingOptions corners;
  corners.uniformSamples = 0;
  corners.maxVertexDims = 20;
  Bounds out;
  for (const Eigen::VectorXd& x : sampleBox(b, corners)) {
    const auto values = forwardAll(net, x);
    if (out.empty())
      for (const auto& v : values) out.push_back({v, v});
    for (size_t k = 0; k < values.size(); ++k) {
      out[k].lower = out[k].lower.cwiseMin(values[k]);
      out[k].upper = out[k].upper.cwiseMax(values[k]);
    }
  }
  return out;
}

double sig(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double dsig(double x) { return sig(x) * (1.0 - sig(x)); }
double dtanhStd(double x) { return 1.0 - std::tanh(x) * std::tanh(x); }

/// CROWN on l < 0 < u for y = g(x) - x (the selfDifference network), by the paper's rule with
/// auto_LiRPA's tables: the tangent points dL <= 0 through (G, g(G)) for the grid point
/// G = 0.01 (trunc(u / 0.01) + 1) above u, and dU >= 0 through (-G', g(-G')) for the one above -l,
/// by bisection of g(d) + g'(d)(end - d) = g(end); L = tangent at m if dL >= m, else the chord if its slope is below
/// g'(l), else the tangent at dL (U mirrored). L, U have slopes below 1, so y's lower bound is
/// L(u) - u and its upper bound U(l) - l.
std::pair<double, double> crownMixedByHand(double (*g)(double), double (*dg)(double), double l, double u) {
  auto point = [&](double end, double lo, double hi) {  // the root lies in [lo, hi]
    auto f = [&](double d) { return g(d) + dg(d) * (end - d) - g(end); };
    for (int i = 0; i < 300; ++i) {
      const double mid = 0.5 * (lo + hi);
      ((f(mid) > 0) == (f(lo) > 0) ? lo : hi) = mid;
    }
    return end > 0 ? lo : hi;  // the side whose tangent is a bound
  };
  auto gridAbove = [](double x) { return 0.01 * (std::trunc(x / 0.01) + 1); };  // x > 0 here
  const double dL = point(gridAbove(u), -60, 0), dU = point(-gridAbove(-l), 0, 60), m = 0.5 * (l + u);
  const double k = (g(u) - g(l)) / (u - l);
  auto tangentAt = [&](double p, double x) { return g(p) + dg(p) * (x - p); };
  const double lowerAtU = dL >= m ? tangentAt(m, u) : (k < dg(l) ? g(u) : tangentAt(dL, u));
  const double upperAtL = dU < m ? tangentAt(m, l) : (k < dg(u) ? g(l) : tangentAt(dU, l));
  return {lowerAtU - u, upperAtL - l};
}

/// Compares bounds to expected ones within tol * (1 + |expected|); reports the first mismatch.
bool sameBounds(const Bounds& got, const Bounds& want, double tol, std::string& why) {
  if (got.size() != want.size()) { why = "layer count differs"; return false; }
  for (size_t k = 0; k < got.size(); ++k)
    for (int64_t i = 0; i < want[k].lower.size(); ++i)
      for (bool low : {true, false}) {
        const double g = low ? got[k].lower[i] : got[k].upper[i], w = low ? want[k].lower[i] : want[k].upper[i];
        if (!(std::abs(g - w) <= tol * (1.0 + std::abs(w)))) {
          why = "layer " + std::to_string(k) + " neuron " + std::to_string(i) + (low ? " lower " : " upper ") +
                std::to_string(g) + " != " + std::to_string(w);
          return false;
        }
      }
  return true;
}

}  // namespace

class TestReferenceCertifiers : public QObject {
  Q_OBJECT

 private slots:
  void paperExample_data();
  void paperExample();
  void relaxationsByHand_data();
  void relaxationsByHand();
  void ibpSingleAffineIsExact();
  void linearNetworksAreExact_data();
  void linearNetworksAreExact();
  void soundness_data();
  void soundness();
  void pointBoxGivesForwardValues_data();
  void pointBoxGivesForwardValues();
  void activationRangesHold_data();
  void activationRangesHold();
  void samplerDetectsViolations();
  void unsupportedOpsAreErrors();
};

void TestReferenceCertifiers::paperExample_data() {
  QTest::addColumn<QString>("domain");
  QTest::addColumn<QVector<double>>("expected");  // lower, upper of x3..x12 (layers 1..5)
  // DeepPoly, derived with the paper's rules (the paper's Fig. 2 result: x11 in [1, 5.5], x12 in
  // [0, 2]): x5, x6 in [0, 2], u = -l so the lower bound is 0, U = 0.5 x + 1; x7 = x5 + x6 >= 0,
  // <= x1 + 2 <= 3; x8 in [-2, 2]; x9 = x7 (l7 = 0); x10 <= 0.5 x8 + 1; x11 >= x7 + 1 >= 1,
  // x11 <= x1 + 0.5 x2 + 4 <= 5.5; x12 <= 0.25 x1 + 0.25 x2 + 1.5 <= 2.
  const QVector<double> deeppoly{-2, 2, -2, 2, 0, 2, 0, 2, 0, 3, -2, 2, 0, 3, 0, 2, 1, 5.5, 0, 2};
  QTest::newRow("deeppoly") << "deeppoly" << deeppoly;
  // K = 4 reaches the input from every layer of this 5-layer network: same as DeepPoly.
  QTest::newRow("deeppoly_k") << "deeppoly_k" << deeppoly;
  // K = 2: layer 5 substitutes layers 4 and 3 only, then concretizes x5, x6 with [0, 2]:
  // x11 <= 1.5 x5 + 0.5 x6 + 2 <= 6 (instead of 5.5); every other bound is unchanged.
  QVector<double> k2 = deeppoly;
  k2[17] = 6;
  QTest::newRow("deeppoly_k2") << "deeppoly_k2" << k2;
  // The product: DeepZ's bounds never beat DeepPoly's here, so it equals DeepPoly.
  QTest::newRow("deeppoly_deepz") << "deeppoly_deepz" << deeppoly;
  // CROWN: the ties u = -l pick slope 1: x5 >= x3, x6 >= x4; x7 >= 2 x1 >= -2; x8 in [-3, 3]
  // (0.5 x1 + 1.5 x2 - 1 <= x8 <= -0.5 x1 + 1.5 x2 + 1); x9: l = -2, u = 3, L = x7,
  // U = 0.6 x7 + 1.2; x10: L = x8, U = 0.5 x8 + 1.5; x11 >= 2 x5 + 1 >= 2 x1 + 2 x2 + 1 >= -3,
  // x11 <= 0.6 x1 + 0.5 x2 + 4.9 <= 6; x12 >= x8 >= -3, x12 <= -0.25 x1 + 0.75 x2 + 2 <= 3.
  QTest::newRow("crown") << "crown"
                         << QVector<double>{-2, 2, -2, 2, 0, 2, 0, 2, -2, 3, -3, 3, 0, 3, 0, 3, -3, 6, -3, 3};
  // IBP: x7 in [0, 4], x11 in [1, 7].
  QTest::newRow("ibp") << "ibp" << QVector<double>{-2, 2, -2, 2, 0, 2, 0, 2, 0, 4, -2, 2, 0, 4, 0, 2, 1, 7, 0, 2};
  // DeepZ: x5 = 0.5 e1 + 0.5 e2 + 0.5 + 0.5 e3, x6 = 0.5 e1 - 0.5 e2 + 0.5 + 0.5 e4;
  // x7 = e1 + 1 + 0.5 e3 + 0.5 e4 in [-1, 3]; x8 = e2 + 0.5 e3 - 0.5 e4; x9: lambda 3/4, mu 3/8;
  // x10: lambda 1/2, mu 1/2; x11 = 2.625 +- 2.875; x12 = 0.5 +- 1.5.
  QTest::newRow("deepz") << "deepz"
                         << QVector<double>{-2, 2, -2, 2, 0, 2, 0, 2, -1, 3, -2, 2, 0, 3, 0, 2, -0.25, 5.5, -1, 2};
}

void TestReferenceCertifiers::paperExample() {
  QFETCH(QString, domain);
  QFETCH(QVector<double>, expected);
  const Network net = paperNetwork();
  const auto r = analyze(domain.toStdString(), net, box({-1, -1}, {1, 1}));
  QVERIFY2(r.ok(), firstError(r).c_str());
  for (int k = 1; k <= 5; ++k)
    for (int i = 0; i < 2; ++i) {
      const int at = 4 * (k - 1) + 2 * i;
      const LayerBounds& b = (*r)[static_cast<size_t>(k)];
      const std::string where = "x" + std::to_string(2 * k + 1 + i) + " = [" + std::to_string(b.lower[i]) +
                                ", " + std::to_string(b.upper[i]) + "]";
      QVERIFY2(std::abs(b.lower[i] - expected[at]) <= 1e-12 && std::abs(b.upper[i] - expected[at + 1]) <= 1e-12,
               where.c_str());
    }
}

void TestReferenceCertifiers::relaxationsByHand_data() {
  QTest::addColumn<QString>("domain");
  QTest::addColumn<int>("op");
  QTest::addColumn<double>("l");
  QTest::addColumn<double>("u");
  QTest::addColumn<double>("lower");  // of y = f(x) - x
  QTest::addColumn<double>("upper");
  const int S = static_cast<int>(LayerOp::Sigmoid), T = static_cast<int>(LayerOp::Tanh);
  // DeepPoly, mixed: lambda' = min(g'(l), g'(u)); y >= g(l) + lambda'(u - l) - u, y <= g(u) - lambda'(u - l) - l.
  double p = std::min(dsig(-1), dsig(2));
  QTest::newRow("deeppoly sigmoid mixed") << "deeppoly" << S << -1.0 << 2.0 << sig(-1) + 3 * p - 2 << sig(2) - 3 * p + 1;
  // CROWN, mixed (issue 15: tangents through an end point; before, DeepPoly's lines as above):
  // [-1, 2]: L the tangent at dL = -0.920 (through G = 2.01), U the tangent at m = 0.5 (dU = 0.493 < m);
  // [-3, 0.5]: L the tangent at m = -1.25 (dL = -0.253 >= m), U the chord (slope 0.164 < g'(0.5)).
  for (const auto& [l, u] : {std::pair{-1.0, 2.0}, std::pair{-3.0, 0.5}, std::pair{-2.0, 1.0}}) {
    const auto [lo, hi] = crownMixedByHand(sig, dsig, l, u);
    QTest::newRow(("crown sigmoid mixed [" + std::to_string(l) + "," + std::to_string(u) + "]").c_str())
        << "crown" << S << l << u << lo << hi;
  }
  {
    const auto [lo, hi] = crownMixedByHand([](double x) { return std::tanh(x); }, dtanhStd, -1.0, 2.0);
    QTest::newRow("crown tanh mixed") << "crown" << T << -1.0 << 2.0 << lo << hi;
  }
  p = std::min(dtanhStd(-1), dtanhStd(2));
  QTest::newRow("deeppoly tanh mixed") << "deeppoly" << T << -1.0 << 2.0 << std::tanh(-1) + 3 * p - 2
                                       << std::tanh(2) - 3 * p + 1;
  // Convex [-3, -1]: the chord above gives y <= g(l) - l; DeepPoly's lower is lambda' = g'(l)
  // at l; CROWN's is the tangent at m = -2: y >= g(m) + g'(m)(u - m) - u.
  p = dsig(-3);
  QTest::newRow("deeppoly sigmoid convex") << "deeppoly" << S << -3.0 << -1.0 << sig(-3) + 2 * p + 1 << sig(-3) + 3;
  QTest::newRow("crown sigmoid convex") << "crown" << S << -3.0 << -1.0 << sig(-2) + dsig(-2) + 1 << sig(-3) + 3;
  // Concave [1, 3]: the chord below gives y >= g(u) - u; DeepPoly's upper is lambda' = g'(u)
  // at u: y <= g(u) - 2 g'(u) - 1; CROWN's is the tangent at m = 2: y <= g(2) - g'(2) - 1.
  QTest::newRow("deeppoly sigmoid concave") << "deeppoly" << S << 1.0 << 3.0 << sig(3) - 3 << sig(3) - 2 * dsig(3) - 1;
  QTest::newRow("crown sigmoid concave") << "crown" << S << 1.0 << 3.0 << sig(3) - 3 << sig(2) - dsig(2) - 1;
  // DeepZ, mixed: y = (lambda - 1)(c + r e0) + mu1 + mu2 e with lambda = min(g'(l), g'(u)).
  p = std::min(dsig(-1), dsig(2));
  const double mu1 = (sig(2) + sig(-1) - p * 1) / 2, mu2 = (sig(2) - sig(-1) - p * 3) / 2;
  QTest::newRow("deepz sigmoid mixed") << "deepz" << S << -1.0 << 2.0 << (p - 1) * 0.5 + mu1 - ((1 - p) * 1.5 + mu2)
                                       << (p - 1) * 0.5 + mu1 + ((1 - p) * 1.5 + mu2);
  // HardTanh on [-3, 4], both knees inside: L = -1 + 0.4 (x + 1), U = 0.5 x + 0.5, so
  // y in [-0.6 - 0.6 * 4, 0.5 + 1.5] = [-3, 2] (exact); DeepZ: e - (0.5 + 3.5 e0) = [-5, 4].
  const int C = static_cast<int>(LayerOp::Clip) + 100;  // + 100: HardTanh [-1, 1]
  QTest::newRow("deeppoly hardtanh") << "deeppoly" << C << -3.0 << 4.0 << -3.0 << 2.0;
  QTest::newRow("deepz hardtanh") << "deepz" << C << -3.0 << 4.0 << -5.0 << 4.0;
  QTest::newRow("ibp hardtanh") << "ibp" << C << -3.0 << 4.0 << -5.0 << 4.0;
  // Relu6 on [-2, 9]: L = (2/3) x, U = 0.75 x + 1.5: y in [-3, 2] (exact).
  QTest::newRow("deeppoly relu6") << "deeppoly" << static_cast<int>(LayerOp::Clip) << -2.0 << 9.0 << -3.0 << 2.0;
  // Abs: U is the chord; L = x if u > -l, -x if u < -l, tie 0 (DeepPoly) / x (CROWN).
  const int A = static_cast<int>(LayerOp::Abs);
  QTest::newRow("deeppoly abs [-1,3]") << "deeppoly" << A << -1.0 << 3.0 << 0.0 << 2.0;
  QTest::newRow("deeppoly abs [-3,1]") << "deeppoly" << A << -3.0 << 1.0 << -2.0 << 6.0;
  QTest::newRow("deeppoly abs tie") << "deeppoly" << A << -2.0 << 2.0 << -2.0 << 4.0;
  QTest::newRow("crown abs tie") << "crown" << A << -2.0 << 2.0 << 0.0 << 4.0;
  // DeepZ Abs [-3, 1]: lambda = -0.5, mu = 0.75: -1.5 (-1 + 2 e0) + 0.75 + 0.75 e = 2.25 +- 3.75.
  QTest::newRow("deepz abs [-3,1]") << "deepz" << A << -3.0 << 1.0 << -1.5 << 6.0;
}

void TestReferenceCertifiers::relaxationsByHand() {
  QFETCH(QString, domain);
  QFETCH(int, op);
  QFETCH(double, l);
  QFETCH(double, u);
  QFETCH(double, lower);
  QFETCH(double, upper);
  const Network net = op >= 100 ? selfDifference(static_cast<LayerOp>(op - 100), -1, 1)
                                : selfDifference(static_cast<LayerOp>(op));
  const auto r = analyze(domain.toStdString(), net, box({l}, {u}));
  QVERIFY2(r.ok(), firstError(r).c_str());
  QVERIFY2(std::abs((*r)[4].lower[0] - lower) < 1e-12, std::to_string((*r)[4].lower[0]).c_str());
  QVERIFY2(std::abs((*r)[4].upper[0] - upper) < 1e-12, std::to_string((*r)[4].upper[0]).c_str());
}

void TestReferenceCertifiers::ibpSingleAffineIsExact() {
  RandomNetworkBuilder b({4}, 11);
  b.affine(0, 5, 2.0);
  const Network net = b.build();
  const InputBox in = randomBox(4, 0.7, 3);
  const auto r = referenceIbp(net, in);
  QVERIFY2(r.ok(), firstError(r).c_str());
  // Independently: an affine function's extremes over a box lie on its 16 vertices.
  const Eigen::MatrixXd& w = net.layers[1].weight;
  for (int64_t i = 0; i < 5; ++i) {
    double lo = INFINITY, hi = -INFINITY;
    for (int mask = 0; mask < 16; ++mask) {
      double v = net.layers[1].bias[i];
      for (int j = 0; j < 4; ++j) v += w(i, j) * (((mask >> j) & 1) ? in.upper[j] : in.lower[j]);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    QVERIFY(std::abs((*r)[1].lower[i] - lo) <= 1e-12 * (1 + std::abs(lo)));
    QVERIFY(std::abs((*r)[1].upper[i] - hi) <= 1e-12 * (1 + std::abs(hi)));
  }
}

void TestReferenceCertifiers::linearNetworksAreExact_data() {
  QTest::addColumn<QString>("domain");
  QTest::addColumn<int>("net");
  const auto zoo = linearNetworkZoo(5);
  for (int n = 0; n < static_cast<int>(zoo.size()); ++n)
    for (const char* d : {"deeppoly", "crown", "deepz", "deeppoly_deepz"})
      QTest::newRow((zoo[static_cast<size_t>(n)].name + " " + d).c_str()) << d << n;
}

void TestReferenceCertifiers::linearNetworksAreExact() {
  QFETCH(QString, domain);
  QFETCH(int, net);
  const NamedNetwork nn = linearNetworkZoo(5)[static_cast<size_t>(net)];
  const InputBox in = randomBox(nn.net.inputSize(), 0.5, 9);
  const auto r = analyze(domain.toStdString(), nn.net, in);
  QVERIFY2(r.ok(), firstError(r).c_str());
  std::string why;
  QVERIFY2(sameBounds(*r, vertexRange(nn.net, in), 1e-9, why), why.c_str());
}

void TestReferenceCertifiers::soundness_data() {
  QTest::addColumn<QString>("domain");
  QTest::addColumn<int>("net");
  QTest::addColumn<double>("radius");
  const auto zoo = randomNetworkZoo(17);
  for (int n = 0; n < static_cast<int>(zoo.size()); ++n)
    for (const char* d : kDomains)
      for (double radius : {0.05, 0.5, 2.0})
        QTest::newRow((zoo[static_cast<size_t>(n)].name + " " + d + " r=" + std::to_string(radius)).c_str())
            << d << n << radius;
}

void TestReferenceCertifiers::soundness() {
  QFETCH(QString, domain);
  QFETCH(int, net);
  QFETCH(double, radius);
  const NamedNetwork nn = randomNetworkZoo(17)[static_cast<size_t>(net)];
  const InputBox in = randomBox(nn.net.inputSize(), radius, 100 + static_cast<uint64_t>(net));
  const auto r = analyze(domain.toStdString(), nn.net, in);
  QVERIFY2(r.ok(), firstError(r).c_str());
  const SoundnessReport report = checkSoundness(nn.net, in, *r);
  QVERIFY2(report.samples > 0, report.describe().c_str());
  QVERIFY2(report.sound(), report.describe().c_str());
}

void TestReferenceCertifiers::pointBoxGivesForwardValues_data() { soundness_data(); }

void TestReferenceCertifiers::pointBoxGivesForwardValues() {
  QFETCH(QString, domain);
  QFETCH(int, net);
  const NamedNetwork nn = randomNetworkZoo(17)[static_cast<size_t>(net)];
  InputBox in = randomBox(nn.net.inputSize(), 0.0, 7);
  const auto r = analyze(domain.toStdString(), nn.net, in);
  QVERIFY2(r.ok(), firstError(r).c_str());
  const auto values = forwardAll(nn.net, in.lower);
  Bounds exact;
  for (const auto& v : values) exact.push_back({v, v});
  std::string why;
  QVERIFY2(sameBounds(*r, exact, 1e-9, why), why.c_str());
}

void TestReferenceCertifiers::activationRangesHold_data() { soundness_data(); }

void TestReferenceCertifiers::activationRangesHold() {
  QFETCH(QString, domain);
  QFETCH(int, net);
  QFETCH(double, radius);
  const NamedNetwork nn = randomNetworkZoo(17)[static_cast<size_t>(net)];
  const auto r = analyze(domain.toStdString(), nn.net, randomBox(nn.net.inputSize(), radius, 5));
  QVERIFY2(r.ok(), firstError(r).c_str());
  for (const Layer& layer : nn.net.layers) {
    const LayerBounds& b = (*r)[static_cast<size_t>(layer.index)];
    double lo = -INFINITY, hi = INFINITY;
    if (layer.op == LayerOp::Relu || layer.op == LayerOp::Abs) lo = 0;
    if (layer.op == LayerOp::Sigmoid) { lo = 0; hi = 1; }
    if (layer.op == LayerOp::Tanh) { lo = -1; hi = 1; }
    if (layer.op == LayerOp::Clip) { lo = layer.clipMin; hi = layer.clipMax; }
    QVERIFY2(b.lower.minCoeff() >= lo && b.upper.maxCoeff() <= hi, layer.name.c_str());
    QVERIFY2((b.lower.array() <= b.upper.array()).all(), layer.name.c_str());
  }
}

void TestReferenceCertifiers::samplerDetectsViolations() {
  const NamedNetwork nn = randomNetworkZoo(17).front();
  const InputBox in = randomBox(nn.net.inputSize(), 0.5, 1);
  auto r = referenceIbp(nn.net, in);
  QVERIFY(r.ok());
  QVERIFY(checkSoundness(nn.net, in, *r).sound());
  Bounds emptyOutput = *r;  // an empty interval: every sample violates it
  emptyOutput.back().upper[0] = emptyOutput.back().lower[0] - 1.0;
  const SoundnessReport all = checkSoundness(nn.net, in, emptyOutput);
  QCOMPARE(static_cast<int>(all.violations.size()), all.samples);
  QCOMPARE(all.violations.front().layer, static_cast<int>(nn.net.layers.size()) - 1);
  Bounds pinned = *r;  // a hidden neuron pinned to its value at the center: the corners leave it
  const double atCenter = forwardAll(nn.net, (in.lower + in.upper) / 2)[1][0];
  pinned[1].lower[0] = pinned[1].upper[0] = atCenter;
  const SoundnessReport some = checkSoundness(nn.net, in, pinned);
  QVERIFY(!some.violations.empty());
  for (const SoundnessViolation& v : some.violations) QVERIFY(v.layer == 1 && v.neuron == 0);
  pinned.pop_back();
  QVERIFY(!checkSoundness(nn.net, in, pinned).error.empty());
}

void TestReferenceCertifiers::unsupportedOpsAreErrors() {
  RandomNetworkBuilder leaky({3}, 2);
  leaky.affine(leaky.activation(leaky.affine(0, 4), LayerOp::LeakyRelu), 2);
  RandomNetworkBuilder padded({1, 4, 4}, 2);
  padded.avgPool(0, 3, 1, 1, /*countIncludePad=*/true);
  for (const char* d : kDomains) {
    const auto a = analyze(d, leaky.build(), randomBox(3, 0.1, 1));
    QVERIFY2(!a.ok() && firstError(a).find("LeakyRelu") != std::string::npos, d);
    const auto b = analyze(d, padded.build(), randomBox(16, 0.1, 1));
    QVERIFY2(!b.ok() && firstError(b).find("countIncludePad") != std::string::npos, d);
    const auto c = analyze(d, padded.build(), randomBox(15, 0.1, 1));
    QVERIFY2(!c.ok(), d);
  }
}

QTEST_APPLESS_MAIN(TestReferenceCertifiers)
#include "tst_reference_certifiers.moc"
