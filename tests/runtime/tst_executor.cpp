// The dense executor against the hand-written references: every shipped spec on every zoo
// network (and the DeepPoly paper example) to 1e-9, soundness by sampling, and error cases.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/network/onnx_import.h"
#include "core/property/dataset_csv.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_deeppoly.h"
#include "tests/support/reference_deepz.h"
#include "tests/support/reference_ibp.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

Layer layerOf(LayerOp op, std::vector<int> inputs, int64_t n) {
  Layer l;
  l.op = op;
  l.inputs = std::move(inputs);
  l.shape = {n};
  l.name = layerOpName(op);
  return l;
}

/// DeepPoly paper (Singh et al., POPL 2019, Fig. 2): x3 = x1 + x2, x4 = x1 - x2, relu; x7 = x5 + x6,
/// x8 = x5 - x6, relu; x11 = x9 + x10 + 1, x12 = x10; x1, x2 in [-1, 1].
Result<Network> paperNetwork() {
  Network net;
  net.name = "deeppoly_paper";
  Eigen::MatrixXd sumDiff(2, 2), last(2, 2);
  sumDiff << 1, 1, 1, -1;
  last << 1, 1, 0, 1;
  auto affine = [](int from, const Eigen::MatrixXd& w, const Eigen::VectorXd& b) {
    Layer l = layerOf(LayerOp::Affine, {from}, 2);
    l.weight = w;
    l.bias = b;
    return l;
  };
  net.layers = {layerOf(LayerOp::Input, {}, 2), affine(0, sumDiff, Eigen::VectorXd::Zero(2)),
                layerOf(LayerOp::Relu, {1}, 2),   affine(2, sumDiff, Eigen::VectorXd::Zero(2)),
                layerOf(LayerOp::Relu, {3}, 2),   affine(4, last, Eigen::Vector2d(1, 0))};
  assignNeuronRanges(net);
  Result<Network> r;
  r.value = std::move(net);
  return r;
}

}  // namespace

class TestExecutor : public QObject {
  Q_OBJECT

 private slots:
  void matchesReference_data();
  void matchesReference();
  void paperExample_data();
  void paperExample();
  void missingRuleNamesTheLayer();
  void unliftablePriorityIsADiagnostic();
  void marginsAndVerified();
  void layoutsOfDeepPolyMembers();
};

void TestExecutor::matchesReference_data() {
  QTest::addColumn<QString>("spec");
  QTest::addColumn<int>("net");
  const auto zoo = randomNetworkZoo(17);
  for (const std::string& spec : specsWithReferences())
    for (size_t k = 0; k < zoo.size(); ++k)
      QTest::newRow((std::string(spec) + "/" + zoo[k].name).c_str()) << QString::fromStdString(spec) << static_cast<int>(k);
}

void TestExecutor::matchesReference() {
  QFETCH(QString, spec);
  QFETCH(int, net);
  const NamedNetwork nn = randomNetworkZoo(17)[static_cast<size_t>(net)];
  const CompiledCertifier cc = compiledSpec(spec.toStdString());
  const InputBox box = randomBox(nn.net.inputSize(), 0.1, 3);
  const auto ref = referenceFor(spec.toStdString(), nn.net, box);
  const auto got = certifyBox(cc, nn.net, box);
  if (!ref.ok()) {
    QVERIFY2(!got.ok(), "the reference rejects this network but the executor accepts it");
    return;
  }
  if (nn.name == "mlp_clip") {  // a general clip: the specs have rules for [0,6] and [-1,1] only
    QVERIFY(!got.ok());
    QVERIFY(got.diagnostics.front().message.find("Clip") != std::string::npos);
    return;
  }
  QVERIFY2(got.ok(), got.diagnostics.empty() ? "?" : got.diagnostics.front().message.c_str());
  std::string where;
  const double diff = maxRelativeDifference(toLayerBounds(*got.value), *ref.value, &where);
  QVERIFY2(diff >= 0, "layer layout differs from the reference");
  QVERIFY2(diff <= 1e-9, (std::to_string(diff) + " at " + where).c_str());
  SamplingOptions so;
  so.uniformSamples = 100;
  so.randomVertices = 50;
  const SoundnessReport rep = checkSoundness(nn.net, box, toLayerBounds(*got.value), so);
  QVERIFY2(rep.sound(), rep.describe().c_str());
}

void TestExecutor::paperExample_data() {
  QTest::addColumn<QString>("spec");
  for (const std::string& spec : specsWithReferences()) QTest::newRow(spec.c_str()) << QString::fromStdString(spec);
}

void TestExecutor::paperExample() {
  QFETCH(QString, spec);
  const Result<Network> net = paperNetwork();
  InputBox box{Eigen::VectorXd::Constant(net->inputSize(), -1), Eigen::VectorXd::Constant(net->inputSize(), 1)};
  const auto ref = referenceFor(spec.toStdString(), *net.value, box);
  const auto got = certifyBox(compiledSpec(spec.toStdString()), *net.value, box);
  QVERIFY(ref.ok());
  QVERIFY2(got.ok(), got.diagnostics.empty() ? "?" : got.diagnostics.front().message.c_str());
  std::string where;
  const double diff = maxRelativeDifference(toLayerBounds(*got.value), *ref.value, &where);
  QVERIFY2(diff >= 0 && diff <= 1e-9, (std::to_string(diff) + " at " + where).c_str());
  if (spec == "deeppoly") {  // Fig. 2 of the paper: x11 in [1, 5.5]
    QCOMPARE(got.value->back().lower[0], 1.0);
    QCOMPARE(got.value->back().upper[0], 5.5);
  }
}

void TestExecutor::missingRuleNamesTheLayer() {
  const auto cc = compileCertifier(
      "def Shape as (Float l, Float u){[(curr[l]<=curr),(curr[u]>=curr)]};\n"
      "func lo(Neuron n, Float c) = (c >= 0) ? (c * n[l]) : (c * n[u]);\n"
      "func hi(Neuron n, Float c) = (c >= 0) ? (c * n[u]) : (c * n[l]);\n"
      "transformer t{ Affine -> ((prev.dot(curr[weight]) + curr[bias]).map(lo), "
      "(prev.dot(curr[weight]) + curr[bias]).map(hi)); }\n"
      "func priority(Neuron n) = n[layer];\nflow(forward, priority, false, t);\n");
  QVERIFY2(cc.ok(), cc.diagnostics.empty() ? "?" : cc.diagnostics.front().message.c_str());
  const Network net = randomMlp(3, {4}, {LayerOp::Relu}, 2, 5);
  const auto got = certifyBox(*cc.value, net, randomBox(3, 0.1, 1));
  QVERIFY(!got.ok());
  const std::string msg = got.diagnostics.front().message;
  QVERIFY2(msg.find("layer 2") != std::string::npos && msg.find("Relu") != std::string::npos, msg.c_str());
}

void TestExecutor::unliftablePriorityIsADiagnostic() {
  const auto cc = compileCertifier(
      "def Shape as (Float l, Float u, PolyExp L, PolyExp U){[(curr[l]<=curr),(curr[u]>=curr),"
      "(curr[L]<=curr),(curr[U]>=curr)]};\n"
      "func lo(Neuron n, Float c) = (c >= 0) ? (c * n[l]) : (c * n[u]);\n"
      "func rl(Neuron n, Float c) = (c >= 0) ? (c * n[L]) : (c * n[U]);\n"
      "func bad(Neuron n, Float c) = c;\n"
      "transformer t{ Affine -> ((prev.dot(curr[weight]) + curr[bias]).traverse(backward, bad, false, rl){true}.map(lo),"
      " (prev.dot(curr[weight]) + curr[bias]).map(lo), prev.dot(curr[weight]) + curr[bias],"
      " prev.dot(curr[weight]) + curr[bias]); }\n"
      "func priority(Neuron n) = n[layer];\nflow(forward, priority, false, t);\n");
  QVERIFY(!cc.ok());
  bool found = false;
  for (const auto& d : cc.diagnostics)
    if (d.message.find("priority") != std::string::npos && d.range.valid() && d.range.begin.line == 5) found = true;
  QVERIFY2(found, cc.diagnostics.empty() ? "no diagnostic" : cc.diagnostics.front().message.c_str());
}

void TestExecutor::marginsAndVerified() {
  const Network net = randomMlp(4, {6}, {LayerOp::Relu}, 3, 9);
  Property p;
  PropertyItem item;
  item.label = 1;
  item.box = randomBox(4, 0.0, 2);  // a point: the margins are exact
  p.items.push_back(item);
  const auto r = certify(compiledSpec("deeppoly"), net, p);
  QVERIFY(r.ok());
  const ItemResult& it = r.value->items.front();
  QCOMPARE(it.marginLower.size(), Eigen::Index(2));
  const Eigen::VectorXd& y = it.layers.back().lower;
  QVERIFY(std::abs(it.marginLower[0] - (y[1] - y[0])) < 1e-9);
  QVERIFY(std::abs(it.marginLower[1] - (y[1] - y[2])) < 1e-9);
  QCOMPARE(it.verified, (it.marginLower.array() > 0).all());
}

void TestExecutor::layoutsOfDeepPolyMembers() {
  const auto net = importOnnxFile(sourcePath("resources/networks/mlp_784_50_50_10.onnx"));
  QVERIFY(net.ok());
  const auto prop = datasetProperty(*net.value, sourcePath("resources/inputs/mnist_10.csv"), 0, 1, 0.01);
  QVERIFY(prop.ok());
  RunOptions plain;
  const auto without = certify(compiledSpec("deeppoly"), *net.value, *prop.value, plain);
  QVERIFY(without.ok());
  QVERIFY(without.value->items.front().layouts.empty());
  RunOptions opts;
  opts.keepLayouts = true;
  const auto r = certify(compiledSpec("deeppoly"), *net.value, *prop.value, opts);
  QVERIFY(r.ok());
  const ItemResult& it = r.value->items.front();
  const auto& layers = net.value->layers;
  QCOMPARE(it.layouts.size(), layers.size());
  auto memberOf = [&](size_t layer, const std::string& name) -> const MemberLayout* {
    for (const MemberLayout& m : it.layouts[layer].members)
      if (m.member == name) return &m;
    return nullptr;
  };
  int relus = 0, affines = 0;
  for (size_t k = 1; k < layers.size(); ++k) {
    const Layer& layer = layers[k];
    const Layer& prev = layers[static_cast<size_t>(layer.inputs.at(0))];
    const MemberLayout* L = memberOf(k, "L");
    QVERIFY(L);
    if (layer.op != LayerOp::Relu && layer.op != LayerOp::Affine) continue;
    QCOMPARE(L->blocks.size(), size_t(1));
    const gbcsr::BlockInfo& b = L->blocks.front();
    QCOMPARE(b.kind, layer.op == LayerOp::Relu ? gbcsr::Kind::Diagonal : gbcsr::Kind::Dense);
    QCOMPARE(b.box, gbcsr::Box::of(0, 1, layer.start, layer.size(), prev.start, prev.size()));
    QVERIFY(b.density > 0 && b.density <= 1);
    (layer.op == LayerOp::Relu ? relus : affines)++;
    // Float members: one Dense [1 x n] block over the layer's neurons.
    const MemberLayout* l = memberOf(k, "l");
    QVERIFY(l);
    QCOMPARE(l->blocks.size(), size_t(1));
    QCOMPARE(l->blocks.front().kind, gbcsr::Kind::Dense);
    QCOMPARE(l->blocks.front().box, gbcsr::Box::of(0, 1, 0, 1, layer.start, layer.size()));
  }
  QVERIFY(relus >= 1);
  QVERIFY(affines >= 2);
  const std::string text = layoutsText(it.layouts, *net.value);
  QVERIFY2(text.find("L: Diagonal") != std::string::npos, text.c_str());
  QVERIFY2(text.find("L: Dense") != std::string::npos, text.c_str());
}

QTEST_APPLESS_MAIN(TestExecutor)
#include "tst_executor.moc"
