// RunOptions::intermediate == ReluUnstable (certc --intermediate relu-unstable): every polyhedral
// spec with a reference equals the reference computing auto_LiRPA's sparse intermediate bounds
// (reference_deeppoly's reluUnstableOnly) to 1e-9 on the random zoo, residual conv networks and
// the bundled networks; sampled activations stay inside the bounds; the mode leaves neurons
// out and refines others (it is not the full run under another name); which layers it thins.
#include <QtTest>

#include <string>
#include <vector>

#include "runtime/executor.h"
#include "runtime/layer_rule.h"
#include "runtime/interpreter/item_run.h"
#include "tests/support/bundled_inputs.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_deeppoly.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

struct Case {
  std::string name;
  Network net;
  InputBox box;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> kCases = [] {
    std::vector<Case> out;
    const CompiledCertifier crown = compiledSpec("crown");
    // The zoo's networks the polyhedral specs cover (a general Clip has no rule in them).
    auto covered = [&](const Network& net) {
      for (const Layer& l : net.layers)
        if (l.op != LayerOp::Input && l.op != LayerOp::Concat && !crown.rules.count(ruleOperatorFor(l))) return false;
      return true;
    };
    for (uint64_t seed : {23u, 57u})
      for (NamedNetwork& n : randomNetworkZoo(seed)) {
        if (!covered(n.net)) continue;
        InputBox box = randomBox(n.net.inputSize(), 0.1, seed + 7);
        out.push_back({n.name + "@" + std::to_string(seed), std::move(n.net), std::move(box)});
      }
    for (uint64_t seed : {5u, 6u}) {
      Network net = residualConvRelu(seed);
      InputBox box = randomBox(net.inputSize(), 0.05, seed);
      out.push_back({"residual_conv_relu@" + std::to_string(seed), std::move(net), std::move(box)});
    }
    for (const char* name : {"cnn_small", "resnet_small", "mlp_784_50_50_10"}) {
      Network net = bundledNetwork(name);
      InputBox box = mnistRows(net, 0, 1, 0.02).items.front().box;
      out.push_back({name, std::move(net), std::move(box)});
    }
    if (out.size() < 14) qFatal("the zoo shrank to %zu networks", out.size());
    return out;
  }();
  return kCases;
}

const Case& caseNamed(const std::string& name) {
  for (const Case& c : cases())
    if (c.name == name) return c;
  qFatal("no case %s", name.c_str());
}

DeepPolyOptions referenceOptions(const std::string& spec) {
  DeepPolyOptions o = spec == "crown"          ? DeepPolyOptions::crown()
                      : spec == "deeppoly_k"   ? DeepPolyOptions::limited(4)
                      : spec == "deeppoly_eran" ? DeepPolyOptions::eran()
                                               : DeepPolyOptions::deepPoly();
  o.reluUnstableOnly = true;
  o.lastLayerIntervalOnly = true;  // the runs below have margins
  return o;
}

/// The network layers' bounds of one labelled run (margins layer appended) under `mode`.
std::vector<LayerBounds> run(const std::string& spec, const Case& c, IntermediateBounds mode) {
  Property p;
  PropertyItem item;
  item.box = c.box;
  item.center = (c.box.lower + c.box.upper) / 2;
  item.label = 0;
  p.items.push_back(item);
  RunOptions options;
  options.threads = 1;
  options.intermediate = mode;
  const Result<RunResult> r = certify(compiledSpec(spec), c.net, p, options);
  if (!r.ok()) qFatal("%s on %s: %s", spec.c_str(), c.name.c_str(), r.diagnostics.front().message.c_str());
  return toLayerBounds(r->items.front().layers);
}

}  // namespace

class TestIntermediateBounds : public QObject {
  Q_OBJECT

 private slots:
  void matchesReference_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("net");
    for (const char* spec : {"crown", "deeppoly", "deeppoly_k", "deeppoly_eran"})
      for (const Case& c : cases()) QTest::newRow((std::string(spec) + "/" + c.name).c_str()) << spec << QString::fromStdString(c.name);
  }

  void matchesReference() {
    QFETCH(QString, spec);
    QFETCH(QString, net);
    const Case& c = caseNamed(net.toStdString());
    const std::vector<LayerBounds> got = run(spec.toStdString(), c, IntermediateBounds::ReluUnstable);
    const auto ref = referenceDeepPoly(c.net, c.box, referenceOptions(spec.toStdString()));
    QVERIFY2(ref.ok(), ref.diagnostics.empty() ? "?" : ref.diagnostics.front().message.c_str());
    std::string where;
    const double diff = maxRelativeDifference(got, *ref.value, &where);
    QVERIFY2(diff >= 0, "layouts differ");
    QVERIFY2(diff <= 1e-9, qPrintable(QString("difference %1 at %2").arg(diff).arg(QString::fromStdString(where))));

    SamplingOptions sampling;
    sampling.uniformSamples = 30;
    sampling.randomVertices = 30;
    const SoundnessReport report = checkSoundness(c.net, c.box, got, sampling);
    QVERIFY2(report.sound(), report.describe().c_str());
  }

  /// On conv networks the mode both leaves neurons with their interval (looser than the full
  /// run's bounds) and back-substitutes others (equal to the full run's up to the relaxations
  /// it changes): a mode that did everything, or nothing, fails here.
  void thinsAndRefines_data() {
    QTest::addColumn<QString>("net");
    QTest::newRow("cnn_small") << "cnn_small";
    QTest::newRow("residual_conv_relu@5") << "residual_conv_relu@5";
    QTest::newRow("residual_conv_relu@6") << "residual_conv_relu@6";
  }

  void thinsAndRefines() {
    QFETCH(QString, net);
    const Case& c = caseNamed(net.toStdString());
    const std::vector<LayerBounds> thin = run("crown", c, IntermediateBounds::ReluUnstable);
    const std::vector<LayerBounds> full = run("crown", c, IntermediateBounds::All);
    int64_t looser = 0, refinedUnstable = 0;
    // From layer 3 on: the first linear layer's interval is its back-substitution.
    for (size_t k = 3; k + 1 < thin.size(); ++k)
      for (Eigen::Index i = 0; i < thin[k].lower.size(); ++i) {
        // Both are sound; neither mode's bounds are tighter everywhere by construction, but a
        // neuron left with its interval is seldom tighter than the back-substitution.
        if (thin[k].lower[i] < full[k].lower[i] - 1e-9 || thin[k].upper[i] > full[k].upper[i] + 1e-9) ++looser;
        if (thin[k].lower[i] < 0 && thin[k].upper[i] > 0 && std::abs(thin[k].lower[i] - full[k].lower[i]) <= 1e-9 &&
            std::abs(thin[k].upper[i] - full[k].upper[i]) <= 1e-9)
          ++refinedUnstable;
      }
    QVERIFY2(looser > 0, "no neuron was left with its interval");
    QVERIFY2(refinedUnstable > 0, "no unstable neuron was back-substituted");
  }

  void layersItThins() {
    using interp::RowRefinement;
    const Network net = residualConvRelu(5);
    // 0 input, 1 conv, 2 relu, 3 conv, 4 relu, 5 conv (into the Add), 6 shortcut conv (into the
    // Add), 7 add, 8 relu, 9 conv, 10 relu, 11 affine, 12 relu, 13 affine (last).
    const interp::LayerSequence layers(net);
    QCOMPARE(net.layers.size(), size_t(14));
    QVERIFY(interp::rowRefinementOf(layers, 1) == RowRefinement::Unstable);
    QVERIFY(interp::rowRefinementOf(layers, 2) == RowRefinement::None);  // read by convs only
    QVERIFY(interp::rowRefinementOf(layers, 5) == RowRefinement::None);
    QVERIFY(interp::rowRefinementOf(layers, 6) == RowRefinement::None);
    QVERIFY(interp::rowRefinementOf(layers, 9) == RowRefinement::Unstable);
    QVERIFY(interp::rowRefinementOf(layers, 11) == RowRefinement::Unstable);
    QVERIFY(interp::rowRefinementOf(layers, 7) == RowRefinement::Unstable);
    QVERIFY(interp::rowRefinementOf(layers, 13) == RowRefinement::All);
    // With margins appended (reading the last layer, or folded into it as they are here): the
    // last layer's interval only, the margins in full.
    Layer margins = net.layers.back();
    margins.index = 14;
    margins.inputs = {12};
    const interp::LayerSequence withMargins(net, &margins);
    QVERIFY(interp::rowRefinementOf(withMargins, 13) == RowRefinement::None);
    QVERIFY(interp::rowRefinementOf(withMargins, 14) == RowRefinement::All);
    QVERIFY(interp::rowRefinementOf(withMargins, 12) == RowRefinement::None);  // read by Affine layers
    // A layer a Sigmoid reads keeps every row; one read by a Relu and an Add is refined.
    RandomNetworkBuilder b({6}, 3);
    const int a = b.affine(0, 6);
    const int s = b.activation(a, LayerOp::Sigmoid);
    const int r = b.activation(a, LayerOp::Relu);
    b.affine(b.add(s, r), 2);
    const Network mixed = b.build();
    QVERIFY(interp::rowRefinementOf(interp::LayerSequence(mixed), size_t(a)) == RowRefinement::All);
    RandomNetworkBuilder b2({6}, 4);
    const int a2 = b2.affine(0, 6);
    b2.affine(b2.add(b2.activation(a2, LayerOp::Relu), a2), 2);
    const Network both = b2.build();
    QVERIFY(interp::rowRefinementOf(interp::LayerSequence(both), size_t(a2)) == RowRefinement::Unstable);
  }

  void namesRoundTrip() {
    QCOMPARE(std::string(intermediateBoundsName(IntermediateBounds::All)), std::string("all"));
    QVERIFY(intermediateBoundsNamed("relu-unstable") == IntermediateBounds::ReluUnstable);
    QVERIFY(intermediateBoundsNamed("all") == IntermediateBounds::All);
    QVERIFY(!intermediateBoundsNamed("unstable").has_value());
  }
};

QTEST_APPLESS_MAIN(TestIntermediateBounds)
#include "tst_intermediate_bounds.moc"
