// Teaching mode's runtime side (RunOptions::trace): one neuron's symbolic forms and the steps of
// its back-substitution, checked on the DeepPoly paper's network against the reported bounds.
#include <QtTest>

#include "core/network/onnx_import.h"
#include "runtime/executor.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

/// min (lower) or max (upper) of a form over the box, when every term is an input neuron.
double concretize(const SymbolicForm& f, const InputBox& box, bool upper) {
  double v = f.constant;
  for (const SymbolicTerm& t : f.terms) {
    const double lo = box.lower[t.index], hi = box.upper[t.index];
    v += (upper ? t.coeff > 0 : t.coeff < 0) ? t.coeff * hi : t.coeff * lo;
  }
  return v;
}

}  // namespace

class TestNeuronTrace : public QObject {
  Q_OBJECT

  Network net_;
  Property property_;

  ItemResult run(const std::string& spec, int layer, int64_t neuron, bool dense = false) {
    RunOptions o;
    o.margins = false;
    o.trace = std::make_pair(layer, neuron);
    o.dense = dense;
    auto r = certify(test::compiledSpec(spec), net_, property_, o);
    if (!r.ok()) qFatal("certify failed");
    return r->items.front();
  }

 private slots:
  void initTestCase() {
    auto net = importOnnxFile(test::sourcePath("resources/networks/deeppoly_example.onnx"));
    QVERIFY(net.ok());
    net_ = *net;
    PropertyItem item;
    item.box.lower = Eigen::VectorXd::Constant(2, -1.0);
    item.box.upper = Eigen::VectorXd::Constant(2, 1.0);
    property_.items.push_back(item);
  }

  // Every neuron of every Affine layer: the L traversal ends on input terms at most (DeepPoly
  // replaces input neurons by their box bounds, leaving a constant), and its
  // concretization is the reported lower bound (the U traversal: the upper bound); each step
  // replaced at least one layer, and the forms are one more than the steps.
  void traversalsEndOnTheInputAndGiveTheBounds() {
    for (const Layer& layer : net_.layers) {
      if (layer.op != LayerOp::Affine) continue;
      for (int64_t n = 0; n < layer.size(); ++n) {
        const ItemResult r = run("deeppoly", layer.index, n);
        QVERIFY(r.trace.has_value());
        const NeuronTrace& t = *r.trace;
        QCOMPARE(t.layer, layer.index);
        QCOMPARE(t.traversals.size(), size_t(2));  // L, then U
        for (size_t k = 0; k < 2; ++k) {
          const TraversalTrace& tr = t.traversals[k];
          QCOMPARE(tr.forms.size(), tr.replaced.size() + 1);
          QVERIFY(tr.line > 0);
          for (const auto& step : tr.replaced) QVERIFY(!step.empty());
          for (const SymbolicTerm& term : tr.forms.back().terms) QCOMPARE(term.block, 0);
          const double bound = concretize(tr.forms.back(), property_.items[0].box, k == 1);
          const double reported = k == 0 ? r.layers[static_cast<size_t>(layer.index)].lower[n]
                                         : r.layers[static_cast<size_t>(layer.index)].upper[n];
          QVERIFY2(std::abs(bound - reported) < 1e-9,
                   qPrintable(QString("layer %1 neuron %2: %3 vs %4").arg(layer.index).arg(n).arg(bound).arg(reported)));
        }
        // The members: L and U forms, l and u values equal to the reported bounds.
        bool sawL = false;
        for (const auto& [name, form] : t.members) sawL = sawL || name == "L";
        QVERIFY(sawL);
        for (const auto& [name, value] : t.values)
          if (name == "l") QCOMPARE(value, r.layers[static_cast<size_t>(layer.index)].lower[n]);
      }
    }
  }

  // The paper's x11 (the last layer's first neuron): its L form starts over the previous layer
  // and the first step replaces that layer.
  void firstStepReplacesThePreviousLayer() {
    const int last = static_cast<int>(net_.layers.size()) - 1;
    const ItemResult r = run("deeppoly", last, 0);
    const TraversalTrace& tr = r.trace->traversals.front();
    QVERIFY(!tr.forms.front().terms.empty());
    for (const SymbolicTerm& term : tr.forms.front().terms) QCOMPARE(term.block, net_.layers.back().inputs[0]);
    QCOMPARE(tr.replaced.front(), std::vector<int>{net_.layers.back().inputs[0]});
  }

  // The dense executor records the same forms.
  void denseExecutorRecordsTheSameForms() {
    const int last = static_cast<int>(net_.layers.size()) - 1;
    const ItemResult a = run("deeppoly", last, 1), b = run("deeppoly", last, 1, true);
    QCOMPARE(a.trace->traversals.size(), b.trace->traversals.size());
    for (size_t k = 0; k < a.trace->traversals.size(); ++k) {
      const auto& fa = a.trace->traversals[k].forms;
      const auto& fb = b.trace->traversals[k].forms;
      QCOMPARE(fa.size(), fb.size());
      for (size_t s = 0; s < fa.size(); ++s) {
        QCOMPARE(fa[s].terms.size(), fb[s].terms.size());
        for (size_t j = 0; j < fa[s].terms.size(); ++j) QVERIFY(std::abs(fa[s].terms[j].coeff - fb[s].terms[j].coeff) < 1e-12);
      }
    }
  }

  // A neuron outside the network's layers records nothing (and the run still succeeds).
  void outOfRangeTraceRecordsNothing() {
    RunOptions o;
    o.margins = false;
    o.trace = std::make_pair(99, int64_t{0});
    auto r = certify(test::compiledSpec("deeppoly"), net_, property_, o);
    QVERIFY(r.ok());
    QVERIFY(!r->items.front().trace.has_value());
  }
};

QTEST_APPLESS_MAIN(TestNeuronTrace)
#include "tst_neuron_trace.moc"
