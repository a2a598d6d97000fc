// The memory plan: receptive-field non-zeros computed by hand for small conv/pool/Affine stacks;
// runs over the limit refused before they allocate, naming the layer; the number of items run at
// once limited by the budget; byte sizes parsed and printed.
#include <QtTest>

#include <chrono>

#include "runtime/executor.h"
#include "runtime/layer_members.h"
#include "runtime/memory_plan.h"
#include "tests/support/random_network.h"
#include "tests/support/spec_references.h"

using namespace cert;
using namespace cert::runtime;

namespace {

Property oneBox(const Network& net, int items, std::optional<int> label, double radius = 0.01) {
  Property p;
  for (int k = 0; k < items; ++k) {
    PropertyItem it;
    it.index = k;
    it.label = label;
    it.box.lower = Eigen::VectorXd::Constant(net.inputSize(), -radius);
    it.box.upper = Eigen::VectorXd::Constant(net.inputSize(), radius);
    it.center = Eigen::VectorXd::Zero(net.inputSize());
    p.items.push_back(it);
  }
  return p;
}

}  // namespace

class TestMemoryPlan : public QObject {
  Q_OBJECT

 private slots:
  /// conv 3x3 s1 -> relu -> conv 3x3 s2 -> relu -> affine: a conv2 neuron reads 3x3 of relu1 (all
  /// 4 channels), 3x3 of conv1, and (3-1)*1 + 3 = 5 -> 5x5 of the input (2 channels).
  void receptiveFields() {
    test::RandomNetworkBuilder b({2, 12, 12}, 1);
    int x = b.conv(0, 4, 3, 1, 1);
    x = b.activation(x, LayerOp::Relu);
    const int conv2 = b.conv(x, 6, 3, 2, 1);
    x = b.activation(conv2, LayerOp::Relu);
    const int fc = b.affine(x, 10);
    const Network net = b.build();
    const CompiledCertifier cc = test::compiledSpec("deeppoly");
    const MemoryPlan plan = planMemory(cc, net, 9);
    QCOMPARE(plan.layers.size(), net.layers.size() + 1);
    const LayerMemory& c2 = plan.layers[static_cast<size_t>(conv2)];
    const int64_t n2 = net.layers[static_cast<size_t>(conv2)].size();
    // The widest row: 4 channels x 3 x 3 = 36 over relu1/conv1 vs 2 x 5 x 5 = 50 over the input.
    QCOMPARE(c2.cols, int64_t(50));
    QCOMPARE(c2.rows, n2);
    QCOMPARE(c2.workingBytes, int64_t(6) * 8 * n2 * 50);
    // Behind the Affine layer every earlier layer is read whole: the widest is conv1 (4x12x12).
    const LayerMemory& f = plan.layers[static_cast<size_t>(fc)];
    QCOMPARE(f.cols, int64_t(4 * 12 * 12));
    QCOMPARE(f.rows, int64_t(10));
    // The margins rows read everything.
    QCOMPARE(plan.layers.back().rows, int64_t(9));
    QCOMPARE(plan.layers.back().cols, int64_t(4 * 12 * 12));
    int64_t stored = 0, working = 0;
    for (const LayerMemory& m : plan.layers) stored += m.storedBytes, working = std::max(working, m.workingBytes);
    QCOMPARE(plan.peakBytesPerItem, stored + working);
  }

  /// keepMembers (soundness sampling): every layer's members kept dense. The plan's per-layer
  /// bytes equal what a run with keepMembers really keeps (ItemResult::members counted here:
  /// 8 bytes per value of every member vector, twice per block value: the sampling check keeps
  /// |block| beside each, runtime/member_check.cpp) wherever every block is present, and
  /// exceed it where a block was all zero and not kept; for a conv/Affine net with Relu and
  /// S-curves under interval, DeepPoly and DeepZ specs; the peak grows by exactly their sum.
  void keptMembersCounted_data() {
    QTest::addColumn<QString>("spec");
    for (const char* s : {"ibp", "deeppoly", "deepz", "deeppoly_deepz"}) QTest::newRow(s) << QString(s);
  }
  void keptMembersCounted() {
    QFETCH(QString, spec);
    test::RandomNetworkBuilder b({2, 8, 8}, 3);
    int x = b.conv(0, 3, 3, 1, 1);
    x = b.activation(x, LayerOp::Relu);
    x = b.conv(x, 4, 3, 2, 1);
    x = b.activation(x, LayerOp::Sigmoid);
    x = b.affine(x, 12);
    x = b.activation(x, LayerOp::Tanh);
    b.affine(x, 5);
    const Network net = b.build();
    const CompiledCertifier cc = test::compiledSpec(spec.toStdString());
    const int64_t rows = net.outputSize() - 1;  // labelled item: e_y - e_j margins rows
    const MemoryPlan plain = planMemory(cc, net, rows);
    const MemoryPlan kept = planMemory(cc, net, rows, true);
    QCOMPARE(plain.keptBytes, int64_t(0));
    QCOMPARE(kept.layers.size(), net.layers.size() + 1);
    RunOptions opt;
    opt.keepMembers = true;
    opt.threads = 1;
    const Result<RunResult> r = certify(cc, net, oneBox(net, 1, 0, 1.0), opt);  // wide: unstable neurons
    QVERIFY(r.ok());
    const std::vector<LayerMembers>& members = r->items.front().members;
    QCOMPARE(members.size(), net.layers.size() + 1);
    int noiseBlocks = 1;  // the input box's symbols; one more block per layer that adds noise
    int exact = 0;
    for (size_t k = 0; k < members.size(); ++k) {
      const bool margins = k == net.layers.size();
      if (!margins && k > 0 && (net.layers[k].op == LayerOp::Relu || net.layers[k].op == LayerOp::Sigmoid ||
                                net.layers[k].op == LayerOp::Tanh))
        ++noiseBlocks;
      const size_t polyBlocks = margins ? 1 : net.layers[k].inputs.size();
      int64_t bytes = 0;
      bool full = true;  // every member has every block the plan counts (none was all zero)
      for (const DenseMember& m : members[k].members) {
        bytes += 8 * m.values.size();
        for (const auto& [j, blk] : m.blocks) bytes += 2 * 8 * blk.size();  // + the checker's |block|
        if (m.kind == DenseMember::Kind::Poly) full = full && m.blocks.size() == polyBlocks;
        if (m.kind == DenseMember::Kind::Sym) full = full && m.blocks.size() == static_cast<size_t>(noiseBlocks);
      }
      const QString where = QStringLiteral("layer %1: planned %2, kept %3").arg(k).arg(kept.layers[k].keptBytes).arg(bytes);
      if (full) {
        QVERIFY2(kept.layers[k].keptBytes == bytes, qPrintable(where));
        ++exact;
      } else {
        QVERIFY2(kept.layers[k].keptBytes > bytes, qPrintable(where));  // an all-zero block is not kept
      }
    }
    QVERIFY2(exact >= static_cast<int>(members.size()) - 2, "most layers keep every block: compared exactly");
    int64_t planned = 0;
    for (const LayerMemory& m : kept.layers) planned += m.keptBytes;
    QCOMPARE(kept.keptBytes, planned);
    QCOMPARE(kept.peakBytesPerItem, plain.peakBytesPerItem + planned);
  }

  /// A limit that the run fits without kept members but not with them: `run` passes, soundness
  /// sampling (keepMembers) is refused before it allocates, the largest kept layer named.
  void keptMembersOverTheLimitRefused() {
    test::RandomNetworkBuilder b({3, 16, 16}, 4);
    int x = b.conv(0, 8, 3, 1, 1);
    x = b.activation(x, LayerOp::Relu);
    x = b.conv(x, 8, 3, 1, 1);
    x = b.activation(x, LayerOp::Relu);
    b.affine(x, 10);
    const Network net = b.build();
    const CompiledCertifier cc = test::compiledSpec("deeppoly");
    const MemoryPlan plain = planMemory(cc, net, 9);
    const MemoryPlan kept = planMemory(cc, net, 9, true);
    QVERIFY(kept.keptBytes > 0);
    // The largest kept layer: a Relu (dense [n x n] over its conv input) of 8 x 16 x 16 neurons.
    const int64_t n = 8 * 16 * 16;
    // l, u: n values each; L, U: n constants + an [n x n] block, twice (the check's |block|).
    QCOMPARE(kept.layers[static_cast<size_t>(kept.worstKeptLayer)].keptBytes, 2 * 8 * n * (1 + 2 * n) + 2 * 8 * n);
    QCOMPARE(net.layers[static_cast<size_t>(kept.worstKeptLayer)].op, LayerOp::Relu);
    RunOptions opt;
    opt.threads = 1;
    opt.memoryLimit = plain.peakBytesPerItem + kept.keptBytes / 2;
    QVERIFY(certify(cc, net, oneBox(net, 1, 0), opt).ok());
    opt.keepMembers = true;
    const Result<RunResult> r = certify(cc, net, oneBox(net, 1, 0), opt);
    QVERIFY(!r.ok());
    const std::string msg = r.diagnostics.at(0).message;
    const std::string layer = "layer " + std::to_string(kept.worstKeptLayer) + " '" +
                              net.layers[static_cast<size_t>(kept.worstKeptLayer)].name + "' (Relu)";
    QVERIFY2(msg.find("kept dense for sampling") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find(layer) != std::string::npos, msg.c_str());
  }

  /// IBP keeps only l and u: no working set, 16 bytes a neuron.
  void intervalsOnly() {
    const Network net = test::randomMlp(20, {30, 30}, {LayerOp::Relu, LayerOp::Relu}, 5, 3);
    const MemoryPlan plan = planMemory(test::compiledSpec("ibp"), net, 4);
    int64_t neurons = 0;
    for (const Layer& l : net.layers) neurons += l.size();
    QCOMPARE(plan.peakBytesPerItem, 16 * (neurons + 4));
  }

  /// A 3x512x512 conv net under DeepPoly is refused at once, naming a layer, with nothing run.
  void hopelessRunRefusedBeforeAllocating() {
    test::RandomNetworkBuilder b({3, 512, 512}, 2);
    int x = b.conv(0, 16, 3, 1, 1);
    x = b.activation(x, LayerOp::Relu);
    x = b.conv(x, 16, 3, 1, 1);
    x = b.activation(x, LayerOp::Relu);
    x = b.affine(x, 10);
    const Network net = b.build();
    const auto start = std::chrono::steady_clock::now();
    RunOptions opt;
    opt.memoryLimit = int64_t(8) << 30;
    const Result<RunResult> r = certify(test::compiledSpec("deeppoly"), net, oneBox(net, 1, 0), opt);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    QVERIFY(!r.ok());
    const std::string msg = r.diagnostics.at(0).message;
    QVERIFY2(msg.find("over the memory limit of 8.6 GB") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("layer ") != std::string::npos && msg.find("coefficient matrices of") != std::string::npos, msg.c_str());
    QVERIFY2(ms < 5000, "the refusal must come from the plan, not from running");
  }

  /// The same spec on a small network runs; with a budget for one item only, items run one at a
  /// time (results unchanged).
  void budgetLimitsParallelItems() {
    const Network net = test::randomMlp(16, {24, 24}, {LayerOp::Relu, LayerOp::Relu}, 4, 5);
    const CompiledCertifier cc = test::compiledSpec("deeppoly");
    const MemoryPlan plan = planMemory(cc, net, 3);
    const Result<int> two = itemsWithinBudget(plan, net, 2, plan.peakBytesPerItem * 2);
    QVERIFY(two.ok());
    QCOMPARE(*two.value, 2);
    const Result<int> one = itemsWithinBudget(plan, net, 2, plan.peakBytesPerItem + 1);
    QVERIFY(one.ok());
    QCOMPARE(*one.value, 1);
    QVERIFY(!itemsWithinBudget(plan, net, 2, plan.peakBytesPerItem - 1).ok());
    RunOptions opt;
    opt.memoryLimit = plan.peakBytesPerItem + 1;
    opt.threads = 2;
    const Result<RunResult> tight = certify(cc, net, oneBox(net, 3, 1), opt);
    opt.memoryLimit = 0;
    const Result<RunResult> free = certify(cc, net, oneBox(net, 3, 1), opt);
    QVERIFY(tight.ok() && free.ok());
    for (size_t k = 0; k < 3; ++k)
      QCOMPARE((tight->items[k].marginLower - free->items[k].marginLower).cwiseAbs().maxCoeff(), 0.0);
  }

  void bytes() {
    QCOMPARE(parseBytes("8G").value_or(-1), int64_t(8000000000));
    QCOMPARE(parseBytes("512M").value_or(-1), int64_t(512000000));
    QCOMPARE(parseBytes("1.5GB").value_or(-1), int64_t(1500000000));
    QCOMPARE(parseBytes("2000").value_or(-1), int64_t(2000));
    for (const char* bad : {"", "x", "-1G", "0", "1Q", "nan", "1e30G"}) QVERIFY2(!parseBytes(bad), bad);
    QCOMPARE(formatBytes(1500000000), std::string("1.5 GB"));
    QCOMPARE(formatBytes(312000000), std::string("312 MB"));
    QCOMPARE(formatBytes(4000), std::string("4.0 kB"));
    QVERIFY(defaultMemoryLimit() > 0);
  }
};

QTEST_GUILESS_MAIN(TestMemoryPlan)
#include "tst_memory_plan.moc"
