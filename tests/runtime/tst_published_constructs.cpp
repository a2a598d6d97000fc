// The published-language constructs at run time, on seeded random networks, against the
// independent dense IBP of tests/support: a Ct-valued shape member (RefineZono's `Ct c`) leaves
// the interval members exactly as IBP computes them, list literals with min/max/sum/len/avg
// compute what their binary forms do, `.map` on a Float keeps the number, and a SymExp
// parameter times a PolyExp runs when every call passes a Float. A backward flow's rev_ rules refine, from the output to the input, the
// layers each layer reads: against IBP followed by the same refinements written in test code.
// Each run's bounds also contain sampled activations.
#include <QtTest>

#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_ibp.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

/// Networks of Affine, Conv and Relu layers only (what the construct specs cover).
std::vector<NamedNetwork> affineReluNetworks() {
  std::vector<NamedNetwork> out;
  for (uint64_t seed = 1; seed <= 4; ++seed)
    out.push_back({"mlp@" + std::to_string(seed),
                   randomMlp(6, {12, 9, 7}, {LayerOp::Relu, LayerOp::Relu, LayerOp::Relu}, 4, seed)});
  RandomNetworkBuilder b({1, 6, 6}, 11);
  int x = b.conv(0, 3, 3, 1, 1);
  x = b.activation(x, LayerOp::Relu);
  x = b.affine(x, 10);
  x = b.activation(x, LayerOp::Relu);
  b.affine(x, 3);
  out.push_back({"conv@11", b.build()});
  return out;
}

/// Affine -> Relu -> Affine -> Relu, added to the first Relu, then two more layers.
Network residualNetwork(uint64_t seed) {
  RandomNetworkBuilder b({5}, seed);
  int x = b.affine(0, 8);
  const int r1 = b.activation(x, LayerOp::Relu);
  x = b.affine(r1, 8);
  const int r2 = b.activation(x, LayerOp::Relu);
  x = b.add(r2, r1);
  x = b.affine(x, 6);
  x = b.activation(x, LayerOp::Relu);
  b.affine(x, 3);
  return b.build();
}

/// IBP forward, then a backward flow whose rev_Relu widens the Relu's input by 1 on both sides,
/// whose rev_Neuron_add sets input k to [y_l - other_u, y_u - other_l] (inputs in order) and
/// whose rev_Maxpool lowers an input's l by the number of windows holding it and raises its u to
/// the largest u of those windows' outputs.
const char* const kLooseBackward = R"(
def Shape as (Float l, Float u){[(curr[l]<=curr),(curr[u]>=curr)]};
func lo(Neuron n, Float w) = (w >= 0) ? (w * n[l]) : (w * n[u]);
func hi(Neuron n, Float w) = (w >= 0) ? (w * n[u]) : (w * n[l]);
func priority(Neuron n) = n[layer];
transformer ibp{
    Affine -> ((prev.dot(curr[weight]) + curr[bias]).map(lo), (prev.dot(curr[weight]) + curr[bias]).map(hi));
    Relu -> (max(prev[l], 0), max(prev[u], 0));
    Neuron_add -> (prev_0[l] + prev_1[l], prev_0[u] + prev_1[u]);
    Maxpool -> (max(prev[l]), max(prev[u]));
}
transformer loosen{
    rev_Relu -> (curr[l] - 1, curr[u] + 1);
    rev_Neuron_add -> (prev_0[l] - prev_1[u], prev_0[u] - prev_1[l]);
    rev_Maxpool -> (curr[l] - len(prev[l]), max(curr[u], max(prev[u])));
}
flow(forward, priority, true, ibp);
flow(backward, priority, true, loosen);
)";

/// The same backward flow over reference bounds, in test code.
void loosenBackward(const Network& net, std::vector<LayerBounds>& b) {
  for (int k = static_cast<int>(net.layers.size()) - 1; k > 0; --k) {
    const Layer& l = net.layers[static_cast<size_t>(k)];
    if (l.op == LayerOp::Relu) {
      LayerBounds& in = b[static_cast<size_t>(l.inputs[0])];
      in.lower.array() -= 1;
      in.upper.array() += 1;
    } else if (l.op == LayerOp::MaxPool) {
      LayerBounds& in = b[static_cast<size_t>(l.inputs[0])];
      const LayerBounds& y = b[static_cast<size_t>(k)];
      const PoolGeometry& g = l.pool;
      int64_t out = 0;
      Eigen::VectorXd count = Eigen::VectorXd::Zero(in.lower.size());
      Eigen::VectorXd top = in.upper;
      for (int c = 0; c < g.channels; ++c)
        for (int oh = 0; oh < g.outHeight; ++oh)
          for (int ow = 0; ow < g.outWidth; ++ow, ++out)
            for (int64_t j : g.window(c, oh, ow)) {
              count[j] += 1;
              top[j] = std::max(top[j], y.upper[out]);
            }
      in.lower -= count;
      in.upper = top;
    } else if (l.op == LayerOp::Add) {
      for (int i = 0; i < 2; ++i) {
        const LayerBounds y = b[static_cast<size_t>(k)];
        const LayerBounds other = b[static_cast<size_t>(l.inputs[static_cast<size_t>(1 - i)])];
        LayerBounds& in = b[static_cast<size_t>(l.inputs[static_cast<size_t>(i)])];
        in.lower = y.lower - other.upper;
        in.upper = y.upper - other.lower;
      }
    }
  }
}

CompiledCertifier compileConstruct(const std::string& name) {
  auto cc = compileCertifier(readTextFile(sourcePath("tests/golden/ir/constructs/" + name + ".cf")));
  if (!cc.ok()) qFatal("%s does not compile: %s", name.c_str(), cc.diagnostics.front().message.c_str());
  return std::move(*cc.value);
}

}  // namespace

class TestPublishedConstructs : public QObject {
  Q_OBJECT

 private slots:
  void equalsIbp_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("net");
    const size_t nets = affineReluNetworks().size();
    for (const char* spec : {"ct_member", "list_literal", "symexp_param", "backward_flow", "map_float"})
      for (size_t n = 0; n < nets; ++n)
        QTest::newRow((std::string(spec) + "/" + affineReluNetworks()[n].name).c_str()) << spec << static_cast<int>(n);
  }

  void equalsIbp() {
    QFETCH(QString, spec);
    QFETCH(int, net);
    const NamedNetwork nn = std::move(affineReluNetworks()[static_cast<size_t>(net)]);
    const CompiledCertifier cc = compileConstruct(spec.toStdString());
    for (uint64_t seed : {3u, 4u}) {
      const InputBox box = randomBox(nn.net.layers.front().size(), seed == 3 ? 0.05 : 0.4, seed);
      auto got = certifyBox(cc, nn.net, box);
      QVERIFY2(got.ok(), got.diagnostics.empty() ? "?" : got.diagnostics.front().message.c_str());
      auto ref = referenceIbp(nn.net, box);
      QVERIFY(ref.ok());
      std::string where;
      const double diff = maxRelativeDifference(toLayerBounds(*got.value), *ref.value, &where);
      QVERIFY2(diff >= 0, "layouts differ");
      QVERIFY2(diff <= 1e-9, qPrintable(QString("difference %1 at %2").arg(diff).arg(QString::fromStdString(where))));
      SamplingOptions sampling;
      sampling.uniformSamples = 100;
      sampling.randomVertices = 50;
      const SoundnessReport report = checkSoundness(nn.net, box, toLayerBounds(*got.value), sampling);
      QVERIFY2(report.sound(), report.describe().c_str());
    }
  }

  void backwardFlowEqualsReference() {
    auto cc = compileCertifier(kLooseBackward);
    QVERIFY2(cc.ok(), cc.diagnostics.empty() ? "?" : cc.diagnostics.front().message.c_str());
    QCOMPARE(cc.value->reverseRules.size(), size_t(3));
    std::vector<NamedNetwork> nets;
    for (uint64_t seed = 21; seed <= 23; ++seed) nets.push_back({"residual@" + std::to_string(seed), residualNetwork(seed)});
    nets.push_back({"mlp@5", randomMlp(6, {9, 7}, {LayerOp::Relu, LayerOp::Relu}, 3, 5)});
    for (uint64_t seed : {31u, 32u}) {  // overlapping pooling windows (stride 1) and disjoint ones
      RandomNetworkBuilder b({1, 6, 6}, seed);
      int x = b.conv(0, 2, 3, 1, 1);
      x = b.activation(x, LayerOp::Relu);
      x = seed == 31 ? b.maxPool(x, 2, 1) : b.maxPool(x, 2, 2);
      x = b.affine(x, 5);
      x = b.activation(x, LayerOp::Relu);
      b.affine(x, 3);
      nets.push_back({"pool@" + std::to_string(seed), b.build()});
    }
    for (const NamedNetwork& nn : nets) {
      const InputBox box = randomBox(nn.net.layers.front().size(), 0.2, 9);
      auto got = certifyBox(*cc.value, nn.net, box);
      QVERIFY2(got.ok(), got.diagnostics.empty() ? "?" : got.diagnostics.front().message.c_str());
      auto ref = referenceIbp(nn.net, box);
      QVERIFY(ref.ok());
      const std::vector<LayerBounds> forward = *ref.value;
      loosenBackward(nn.net, *ref.value);
      std::string where;
      const double diff = maxRelativeDifference(toLayerBounds(*got.value), *ref.value, &where);
      QVERIFY2(diff >= 0 && diff <= 1e-9, qPrintable(QString::fromStdString(nn.name + ": difference at " + where)));
      // the backward flow changed something (the Relu inputs are wider than IBP's)
      QVERIFY(maxRelativeDifference(toLayerBounds(*got.value), forward, &where) > 0.1);
      SamplingOptions sampling;
      sampling.uniformSamples = 100;
      sampling.randomVertices = 50;
      const SoundnessReport report = checkSoundness(nn.net, box, toLayerBounds(*got.value), sampling);
      QVERIFY2(report.sound(), report.describe().c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestPublishedConstructs)
#include "tst_published_constructs.moc"
