// The g-BCSR executor (Dense / Diagonal / Kernel coefficient blocks) against the dense executor
// (RunOptions::dense: every block Dense): every shipped spec on every bundled network over a few
// boxes, and on the random network zoos (conv, pooling, residual, concat, sigmoid/tanh, ...),
// gives the same layer bounds and margins to 1e-9 relative to max(1, |dense|). Also: the g-BCSR
// state never exceeds its all-neurons dense form, the bundled CNN's DeepPoly state is at most a
// third of the dense executor's, its conv layers' L are Kernel blocks and its ReLU layers' L
// Diagonal blocks, and the g-BCSR bounds of the bundled CNN contain sampled concrete values.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "runtime/executor.h"
#include "runtime/shared_weights.h"
#include "tests/support/bundled_inputs.h"
#include "tests/support/random_network.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

constexpr double kTol = 1e-9;

const std::vector<std::string>& specs() {
  static const std::vector<std::string> kSpecs = {"ibp", "deeppoly", "crown", "deepz", "deeppoly_deepz", "deeppoly_k", "deeppoly_eran"};
  return kSpecs;
}

/// Compiled once per spec.
const CompiledCertifier& spec(const std::string& name) {
  static std::map<std::string, CompiledCertifier> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, compiledSpec(name)).first;
  return it->second;
}


const Network& bundled(const std::string& name) {
  static std::map<std::string, Network> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    it = cache.emplace(name, bundledNetwork(name)).first;
  }
  return it->second;
}

/// The boxes of one bundled network: MNIST rows (eps in raw [0, 1] units) for 784-input
/// networks, else a seeded random point in [-1, 1]^n with the same radii (the paper example also
/// gets its own box [-1, 1]^2, row -1). The conv ResNet (about 19 s for one box, both executors,
/// every spec) gets one box; the others three.
struct BoxCase {
  std::string name;
  int row;
  double eps;
};

std::vector<BoxCase> boxesFor(const std::string& net) {
  if (net == "resnet_conv_small") return {{"row3_eps0.02", 3, 0.02}};
  if (net == "deeppoly_example")
    return {{"paper_box", -1, 1.0}, {"random0_r0.001", 0, 0.001}, {"random1_r0.01", 1, 0.01}, {"random2_r0.05", 2, 0.05}};
  return {{"row0_eps0.001", 0, 0.001}, {"row1_eps0.01", 1, 0.01}, {"row2_eps0.05", 2, 0.05}};
}

Property bundledProperty(const Network& net, const BoxCase& b) {
  if (net.inputSize() == 784) {
    return mnistRows(net, b.row, 1, b.eps);
  }
  Property p;
  PropertyItem item;
  item.box = b.row < 0 ? InputBox{Eigen::VectorXd::Constant(net.inputSize(), -1.0), Eigen::VectorXd::Constant(net.inputSize(), 1.0)}
                       : randomBox(net.inputSize(), b.eps, 1000 + uint64_t(b.row));
  item.center = (item.box.lower + item.box.upper) / 2;
  item.label = 0;
  p.items.push_back(item);
  return p;
}

/// One value pair: the same NaN-ness / infinity, else within kTol relative to max(1, |dense|).
bool sameValue(double g, double d) {
  if (std::isnan(d) || std::isnan(g)) return std::isnan(d) && std::isnan(g);
  if (std::isinf(d) || std::isinf(g)) return g == d;
  return std::abs(g - d) <= kTol * std::max(1.0, std::abs(d));
}

double relDiff(double g, double d) {
  if (!std::isfinite(g) || !std::isfinite(d)) return sameValue(g, d) ? 0.0 : INFINITY;
  return std::abs(g - d) / std::max(1.0, std::abs(d));
}

/// Compares every layer's l/u and the margins; describes the worst neuron.
bool sameResults(const ItemResult& g, const ItemResult& d, const Network& net, std::string* why) {
  if (g.layers.size() != d.layers.size()) {
    *why = "layer counts differ";
    return false;
  }
  double worst = 0;
  std::string where;
  auto check = [&](const Eigen::VectorXd& a, const Eigen::VectorXd& b, const std::string& what) {
    if (a.size() != b.size()) {
      worst = INFINITY;
      where = what + ": sizes differ";
      return;
    }
    for (Eigen::Index i = 0; i < a.size(); ++i) {
      const double r = relDiff(a[i], b[i]);
      if (r > worst || (std::isnan(r))) {
        worst = std::isnan(r) ? INFINITY : r;
        char buf[160];
        std::snprintf(buf, sizeof buf, " neuron %lld: g-BCSR %.17g vs dense %.17g", static_cast<long long>(i), a[i], b[i]);
        where = what + buf;
      }
    }
  };
  for (size_t k = 0; k < g.layers.size(); ++k) {
    const std::string name = k < net.layers.size() ? net.layers[k].name : "?";
    check(g.layers[k].lower, d.layers[k].lower, "layer " + std::to_string(k) + " '" + name + "' l");
    check(g.layers[k].upper, d.layers[k].upper, "layer " + std::to_string(k) + " '" + name + "' u");
  }
  check(g.marginLower, d.marginLower, "margin lower");
  check(g.marginUpper, d.marginUpper, "margin upper");
  if (worst > kTol) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "relative difference %.3g at ", worst);
    *why = buf + where;
    return false;
  }
  // verified follows the margins; compare it unless a margin is within the tolerance of 0.
  bool nearZero = false;
  for (Eigen::Index j = 0; j < d.marginLower.size(); ++j) nearZero = nearZero || std::abs(d.marginLower[j]) <= kTol;
  for (Eigen::Index j = 0; j < d.marginUpper.size(); ++j) nearZero = nearZero || std::abs(d.marginUpper[j]) <= kTol;
  if (!nearZero && g.verified != d.verified) {
    *why = "verified differs";
    return false;
  }
  return true;
}

struct Pair {
  Result<RunResult> gbcsr, dense;
};

Pair runBoth(const std::string& specName, const Network& net, const Property& prop, bool keepLayouts = false) {
  RunOptions o;
  o.keepLayouts = keepLayouts;
  Pair p{certify(spec(specName), net, prop, o), {}};
  o.dense = true;
  p.dense = certify(spec(specName), net, prop, o);
  return p;
}

const char* firstMessage(const Result<RunResult>& r) {
  return r.diagnostics.empty() ? "?" : r.diagnostics.front().message.c_str();
}

/// Both runs succeed with the same results, or both fail with the same first message; the
/// state sizes are consistent. Returns false (after a failed QVERIFY) on a mismatch.
#define COMPARE_RUNS(pair, net)                                                                              \
  do {                                                                                                       \
    QCOMPARE((pair).gbcsr.ok(), (pair).dense.ok());                                                          \
    if (!(pair).gbcsr.ok()) {                                                                                \
      QCOMPARE(QString(firstMessage((pair).gbcsr)), QString(firstMessage((pair).dense)));                    \
      break;                                                                                                 \
    }                                                                                                        \
    QCOMPARE((pair).gbcsr.value->items.size(), (pair).dense.value->items.size());                            \
    for (size_t i_ = 0; i_ < (pair).gbcsr.value->items.size(); ++i_) {                                       \
      const ItemResult& g_ = (pair).gbcsr.value->items[i_];                                                  \
      const ItemResult& d_ = (pair).dense.value->items[i_];                                                  \
      std::string why_;                                                                                      \
      QVERIFY2(sameResults(g_, d_, (net), &why_), why_.c_str());                                             \
      QVERIFY2(g_.stateBytes <= g_.denseStateBytes,                                                          \
               qPrintable(QString("g-BCSR state %1 B > its dense form %2 B").arg(g_.stateBytes).arg(g_.denseStateBytes))); \
      QVERIFY2(d_.stateBytes <= d_.denseStateBytes,                                                          \
               qPrintable(QString("dense executor state %1 B > its dense form %2 B").arg(d_.stateBytes).arg(d_.denseStateBytes))); \
      QCOMPARE(g_.denseStateBytes, d_.denseStateBytes);                                                      \
      QVERIFY(g_.stateBytes > 0);                                                                            \
    }                                                                                                        \
  } while (0)

struct ZooCase {
  std::string name;
  Network net;
};

/// The random zoos at two seeds, plus wider conv networks (strided / padded convolutions, several
/// channels, a residual over convolutions, pooling) whose Kernel blocks are not tiny.
const std::vector<ZooCase>& zoo() {
  static const std::vector<ZooCase> kZoo = [] {
    std::vector<ZooCase> z;
    for (uint64_t seed : {17u, 41u}) {
      for (NamedNetwork& n : randomNetworkZoo(seed)) z.push_back({n.name + "@" + std::to_string(seed), std::move(n.net)});
      for (NamedNetwork& n : linearNetworkZoo(seed)) z.push_back({n.name + "@" + std::to_string(seed), std::move(n.net)});
    }
    {
      RandomNetworkBuilder b({2, 10, 10}, 501);
      int x = b.activation(b.conv(0, 4, 3, 2, 1), LayerOp::Relu);        // 4x5x5
      x = b.activation(b.conv(x, 6, 2, 1, 0), LayerOp::Relu);            // 6x4x4
      x = b.maxPool(x, 2, 2);                                            // 6x2x2
      b.affine(b.activation(b.affine(x, 12), LayerOp::Relu), 5);
      z.push_back({"conv_strided_padded_relu", b.build()});
    }
    {
      RandomNetworkBuilder b({3, 8, 8}, 502);
      const int a = b.activation(b.conv(0, 4, 3, 1, 1), LayerOp::Relu);  // 4x8x8
      const int c = b.activation(b.conv(a, 4, 3, 1, 1), LayerOp::Relu);  // 4x8x8
      int x = b.add(c, a);
      x = b.activation(b.conv(x, 2, 4, 2, 1), LayerOp::Sigmoid);         // 2x4x4
      x = b.avgPool(x, 2, 2);
      b.affine(x, 4);
      z.push_back({"conv_residual_sigmoid", b.build()});
    }
    {
      RandomNetworkBuilder b({1, 9, 9}, 503);
      const int a = b.activation(b.conv(0, 3, 3, 2, 0), LayerOp::Tanh);  // 3x4x4
      const int c = b.activation(b.conv(0, 2, 5, 2, 1), LayerOp::Relu);  // 2x4x4
      int x = b.concat({a, c});
      x = b.activation(b.affine(x, 10), LayerOp::Relu);
      b.affine(x, 3);
      z.push_back({"conv_concat_tanh", b.build()});
    }
    {
      // A sparse Affine layer mid-network (a signed, scaled permutation, as a layout Transpose or
      // an interleaving Concat imports): the g-BCSR executor keeps its weight as a Csr block.
      RandomNetworkBuilder b({2, 6, 6}, 504);
      int x = b.activation(b.conv(0, 4, 3, 1, 1), LayerOp::Relu);  // 4x6x6 = 144
      const int perm = b.affine(x, 144);
      x = b.activation(perm, LayerOp::Relu);
      b.affine(b.activation(b.affine(x, 12), LayerOp::Relu), 4);
      Network net = b.build();
      Layer& p = net.layers[size_t(perm)];
      p.weight.setZero();
      uint64_t state = 77;
      for (int64_t j = 0; j < 144; ++j) {
        const int64_t src = (j * 37 + 5) % 144;  // 37 is coprime to 144: a permutation
        const double scale = 0.5 + double(splitmix64(state) % 1000) / 666.0;
        p.weight(j, src) = (splitmix64(state) & 1) ? scale : -scale;
      }
      p.bias.setZero();
      z.push_back({"conv_sparse_affine", std::move(net)});
    }
    return z;
  }();
  return kZoo;
}

Property zooProperty(const Network& net, double radius, uint64_t seed) {
  Property p;
  PropertyItem item;
  item.box = randomBox(net.inputSize(), radius, seed);
  item.center = (item.box.lower + item.box.upper) / 2;
  item.label = 0;  // margins y_0 - y_j
  p.items.push_back(item);
  return p;
}

}  // namespace

class TestGbcsrExecutor : public QObject {
  Q_OBJECT

 private slots:
  void everyBundledNetworkIsCovered() { QVERIFY(bundledNetworkNames().size() >= 8); }

  // Every spec x every bundled network x its boxes: the same bounds and margins.
  void bundledMatchesDense_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("net");
    QTest::addColumn<int>("row");
    QTest::addColumn<double>("eps");
    for (const std::string& net : bundledNetworkNames())
      for (const BoxCase& b : boxesFor(net))
        for (const std::string& s : specs())
          QTest::newRow((s + "/" + net + "/" + b.name).c_str())
              << QString::fromStdString(s) << QString::fromStdString(net) << b.row << b.eps;
  }
  void bundledMatchesDense() {
    QFETCH(QString, spec);
    QFETCH(QString, net);
    QFETCH(int, row);
    QFETCH(double, eps);
    const Network& n = bundled(net.toStdString());
    const Property prop = bundledProperty(n, {"", row, eps});
    const Pair p = runBoth(spec.toStdString(), n, prop);
    QVERIFY2(p.gbcsr.ok(), firstMessage(p.gbcsr));
    COMPARE_RUNS(p, n);
  }

  // The random zoos (two seeds) and wider conv networks x every spec x three radii.
  void zooMatchesDense_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("net");
    QTest::addColumn<double>("radius");
    for (size_t k = 0; k < zoo().size(); ++k)
      for (const std::string& s : specs())
        for (double radius : {0.01, 0.1, 1.0})
          QTest::newRow((s + "/" + zoo()[k].name + "/r" + std::to_string(radius).substr(0, 4)).c_str())
              << QString::fromStdString(s) << int(k) << radius;
  }
  void zooMatchesDense() {
    QFETCH(QString, spec);
    QFETCH(int, net);
    QFETCH(double, radius);
    const ZooCase& z = zoo()[size_t(net)];
    const Property prop = zooProperty(z.net, radius, 7 + uint64_t(net));
    const Pair p = runBoth(spec.toStdString(), z.net, prop);
    COMPARE_RUNS(p, z.net);
  }

  // A sparse Affine weight (the zoo's signed permutation) is kept as a Csr block: DeepPoly's L of
  // that layer is one Csr block over its input, whose density is the permutation's (1 / 144).
  void sparseAffineWeightIsCsr() {
    const ZooCase* z = nullptr;
    for (const ZooCase& c : zoo())
      if (c.name == "conv_sparse_affine") z = &c;
    QVERIFY(z);
    const Pair p = runBoth("deeppoly", z->net, zooProperty(z->net, 0.1, 3), /*keepLayouts=*/true);
    QVERIFY2(p.gbcsr.ok(), firstMessage(p.gbcsr));
    COMPARE_RUNS(p, z->net);
    const ItemResult& g = p.gbcsr.value->items.front();
    const size_t k = 3;  // input, conv, relu, the permutation
    QCOMPARE(z->net.layers[k].op, LayerOp::Affine);
    const MemberLayout* L = nullptr;
    for (const MemberLayout& m : g.layouts.at(k).members)
      if (m.member == "L") L = &m;
    QVERIFY(L);
    QCOMPARE(L->blocks.size(), size_t(1));
    QVERIFY2(L->blocks.front().kind == gbcsr::Kind::Csr, gbcsr::kindName(L->blocks.front().kind));
    QVERIFY(std::abs(L->blocks.front().density - 1.0 / 144) < 1e-12);
  }

  // The bundled CNN with DeepPoly: the g-BCSR state is at most a third of the dense executor's;
  // conv layers' L are Kernel blocks, ReLU layers' L Diagonal blocks (the dense executor: Dense).
  void cnnStateAndLayouts() {
    const Network& n = bundled("cnn_small");
    const Property prop = bundledProperty(n, {"", 0, 0.01});
    const Pair p = runBoth("deeppoly", n, prop, /*keepLayouts=*/true);
    QVERIFY2(p.gbcsr.ok(), firstMessage(p.gbcsr));
    QVERIFY2(p.dense.ok(), firstMessage(p.dense));
    const ItemResult& g = p.gbcsr.value->items.front();
    const ItemResult& d = p.dense.value->items.front();
    qInfo("cnn_small deeppoly: g-BCSR state %lld B, dense executor %lld B, all-neurons dense form %lld B",
          static_cast<long long>(g.stateBytes), static_cast<long long>(d.stateBytes),
          static_cast<long long>(g.denseStateBytes));
    QVERIFY2(3 * g.stateBytes <= d.stateBytes,
             qPrintable(QString("g-BCSR %1 B vs dense executor %2 B").arg(g.stateBytes).arg(d.stateBytes)));

    QCOMPARE(g.layouts.size(), n.layers.size());
    QCOMPARE(d.layouts.size(), n.layers.size());
    int convs = 0, relus = 0;
    for (size_t k = 0; k < n.layers.size(); ++k) {
      const Layer& layer = n.layers[k];
      if (layer.op != LayerOp::Conv && layer.op != LayerOp::Relu) continue;
      const gbcsr::Kind want = layer.op == LayerOp::Conv ? gbcsr::Kind::Kernel : gbcsr::Kind::Diagonal;
      for (const auto* layouts : {&g.layouts, &d.layouts}) {
        const MemberLayout* L = nullptr;
        for (const MemberLayout& m : (*layouts)[k].members)
          if (m.member == "L") L = &m;
        QVERIFY2(L, qPrintable(QString("layer %1 has no L").arg(k)));
        QVERIFY2(!L->blocks.empty(), qPrintable(QString("layer %1: L has no blocks").arg(k)));
        const Layer& prev = n.layers[size_t(layer.inputs.at(0))];
        QCOMPARE(L->blocks.size(), size_t(1));
        const gbcsr::BlockInfo& b = L->blocks.front();
        QCOMPARE(b.box, gbcsr::Box::of(0, 1, layer.start, layer.size(), prev.start, prev.size()));
        if (layouts == &g.layouts)
          QVERIFY2(b.kind == want, qPrintable(QString("layer %1 '%2' L: %3, expected %4")
                                                  .arg(k)
                                                  .arg(QString::fromStdString(layer.name))
                                                  .arg(gbcsr::kindName(b.kind))
                                                  .arg(gbcsr::kindName(want))));
        else
          QVERIFY2(b.kind == gbcsr::Kind::Dense || b.kind == gbcsr::Kind::Diagonal,  // the dense executor
                   qPrintable(QString("dense executor layer %1 L: %2").arg(k).arg(gbcsr::kindName(b.kind))));
      }
      (layer.op == LayerOp::Conv ? convs : relus)++;
    }
    QCOMPARE(convs, 2);
    QCOMPARE(relus, 3);
  }

  // Weights prepared by earlier runs over the same network (certc run --repeat) give every later
  // run, with other specs and boxes, the bounds and verdicts of a fresh run; weights prepared for
  // another network (even an equal copy) are refused.
  void preparedWeightsServeLaterRuns() {
    const Network& n = bundled("cnn_small");
    runtime::SharedWeights prepared(n);
    for (int round = 0; round < 2; ++round)
      for (const std::string& s : specs())
        for (const BoxCase& b : boxesFor("cnn_small")) {
          const Property prop = bundledProperty(n, b);
          const auto fresh = certify(spec(s), n, prop, RunOptions{});
          const auto kept = certify(spec(s), n, prop, RunOptions{}, prepared);
          QVERIFY2(fresh.ok() && kept.ok(), firstMessage(fresh.ok() ? kept : fresh));
          const ItemResult& f = fresh.value->items.front();
          const ItemResult& k = kept.value->items.front();
          const QString where = QString::fromStdString(s + " " + b.name);
          QCOMPARE(k.verdict, f.verdict);
          QVERIFY2(k.marginLower == f.marginLower && k.marginUpper == f.marginUpper, qPrintable(where));
          QCOMPARE(k.layers.size(), f.layers.size());
          for (size_t l = 0; l < f.layers.size(); ++l)
            QVERIFY2(k.layers[l].lower == f.layers[l].lower && k.layers[l].upper == f.layers[l].upper,
                     qPrintable(where + QString(", layer %1").arg(l)));
        }
    const Network copy = n;
    const auto refused = certify(spec("crown"), copy, bundledProperty(copy, boxesFor("cnn_small").front()), RunOptions{}, prepared);
    QVERIFY(!refused.ok());
    QVERIFY2(std::string(firstMessage(refused)).find("another network") != std::string::npos, firstMessage(refused));
  }

  // The g-BCSR bounds of the bundled CNN (every spec) contain sampled concrete activations.
  void cnnSoundness_data() {
    QTest::addColumn<QString>("spec");
    for (const std::string& s : specs()) QTest::newRow(s.c_str()) << QString::fromStdString(s);
  }
  void cnnSoundness() {
    QFETCH(QString, spec);
    const Network& n = bundled("cnn_small");
    for (const BoxCase& b : boxesFor("cnn_small")) {
      const Property prop = bundledProperty(n, b);
      RunOptions o;
      const auto r = certify(::spec(spec.toStdString()), n, prop, o);
      QVERIFY2(r.ok(), firstMessage(r));
      SamplingOptions sampling;
      sampling.uniformSamples = 40;
      sampling.randomVertices = 40;
      sampling.seed = 3 + uint64_t(b.row);
      const SoundnessReport report =
          checkSoundness(n, prop.items.front().box, toLayerBounds(r.value->items.front().layers), sampling);
      QVERIFY2(report.sound(), (b.name + ": " + report.describe()).c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestGbcsrExecutor)
#include "tst_gbcsr_executor.moc"
