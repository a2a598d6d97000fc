// The batch frame (runtime/batch_run.h): items that go through the layers together give the same
// results as the same items run one by one (every layer's bounds and margins to 1e-12 relative,
// the same verdicts and reasons), match the independent IBP reference written in test code to
// 1e-9, and contain sampled concrete values. Covered: every network of the random zoo (conv,
// pooling, residual Add, Concat, Sigmoid/Tanh/Abs/clips, products), a batch mixing labelled items,
// VNN-LIB items of different atom counts and an item without output rows, chunks split across
// threads, 20 items (the Dense interval product's route from 16 items), an item with an infinite
// box that must not leak into its neighbours, and the refusals (linear members, per-item reports,
// batch size 1) that send a run item by item. The affine and conv layers' bounds are computed as
// interval products (the batch's profile lists them).
#include <QtTest>

#include <cmath>
#include <limits>
#include <set>

#include "core/network/onnx_import.h"
#include "core/property/dataset_csv.h"
#include "runtime/backend/cpu/dense_interval_times.h"
#include "runtime/batch_run.h"
#include "runtime/executor.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_ibp.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

const CompiledCertifier& ibp() {
  static const CompiledCertifier cc = compiledSpec("ibp");
  return cc;
}

/// Seven items over `net`: labelled (every label in turn), VNN-LIB items with one and with three
/// atoms in two conjunctions, and one item without output rows; boxes of growing radii.
Property mixedProperty(const Network& net, uint64_t seed) {
  Property p;
  const int64_t outputs = net.outputSize();
  for (int k = 0; k < 7; ++k) {
    PropertyItem item;
    item.index = k;
    item.box = randomBox(net.inputSize(), 0.002 * (k + 1) * (k + 1), seed + static_cast<uint64_t>(k));
    if (k < 4 && outputs >= 2) {
      item.label = k % static_cast<int>(outputs);
    } else if (k == 4 || k == 5) {
      OutputInequality a;
      a.coeffs = Eigen::VectorXd::Zero(outputs);
      a.coeffs[0] = 1;
      a.constant = -0.5;
      item.unsafe.push_back({a});
      if (k == 5) {
        OutputInequality b = a, c = a;
        b.coeffs[outputs - 1] = -1;
        c.constant = 3;
        item.unsafe.push_back({b, c});
      }
    }
    p.items.push_back(std::move(item));
  }
  return p;
}

/// Item k's bounds (`got`, over `box`) against the independent IBP reference (1e-9 relative) and
/// `uniformSamples` uniform samples plus 20 random vertices of the box run through the network.
void checkAgainstReferenceAndSamples(const Network& net, const InputBox& box, const ItemResult& got, size_t k,
                                     int uniformSamples, uint64_t seed) {
  const Result<std::vector<LayerBounds>> ref = referenceIbp(net, box);
  QVERIFY(ref.ok());
  std::string where;
  const double d = maxRelativeDifference(toLayerBounds(got.layers), *ref.value, &where);
  QVERIFY2(d >= 0 && d <= 1e-9, ("item " + std::to_string(k) + " vs reference: " + where).c_str());
  SamplingOptions sampling;
  sampling.uniformSamples = uniformSamples;
  sampling.randomVertices = 20;
  sampling.seed = seed;
  const SoundnessReport sound = checkSoundness(net, box, toLayerBounds(got.layers), sampling);
  QVERIFY2(sound.sound(), sound.describe().c_str());
}

RunResult run(const Network& net, const Property& p, int batchSize, int threads = 1) {
  RunOptions options;
  options.batchSize = batchSize;
  options.threads = threads;
  const Result<RunResult> r = certify(ibp(), net, p, options);
  if (!r.ok()) qFatal("certify failed: %s", r.diagnostics.empty() ? "?" : r.diagnostics.front().message.c_str());
  return *r.value;
}

double relativeDifference(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  double worst = 0;
  for (Eigen::Index i = 0; i < a.size(); ++i) {
    if (a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) continue;  // equal infinities, NaN for NaN
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) return std::numeric_limits<double>::infinity();
    worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1.0, std::abs(b[i])));
  }
  return worst;
}

/// Every item of `a` equals the same item of `b`: bounds and margins to `tol`, verdicts, reasons.
void compareRuns(const RunResult& a, const RunResult& b, double tol, const std::string& what) {
  QCOMPARE(a.items.size(), b.items.size());
  for (size_t k = 0; k < a.items.size(); ++k) {
    const ItemResult& x = a.items[k];
    const ItemResult& y = b.items[k];
    const std::string at = what + " item " + std::to_string(k);
    QCOMPARE(x.index, y.index);
    QCOMPARE(x.label, y.label);
    QVERIFY2(x.verdict == y.verdict, at.c_str());
    QCOMPARE(QString::fromStdString(x.reason), QString::fromStdString(y.reason));
    QCOMPARE(x.layers.size(), y.layers.size());
    for (size_t li = 0; li < x.layers.size(); ++li) {
      const double d = std::max(relativeDifference(x.layers[li].lower, y.layers[li].lower),
                                relativeDifference(x.layers[li].upper, y.layers[li].upper));
      QVERIFY2(d <= tol, (at + " layer " + std::to_string(li) + ": " + std::to_string(d)).c_str());
    }
    QVERIFY2(relativeDifference(x.marginLower, y.marginLower) <= tol, (at + " margin lower").c_str());
    QVERIFY2(relativeDifference(x.marginUpper, y.marginUpper) <= tol, (at + " margin upper").c_str());
    QCOMPARE(x.stateBytes, y.stateBytes);
  }
}

}  // namespace

class TestBatchFrame : public QObject {
  Q_OBJECT

 private slots:
  void zooMatchesItemByItemAndTheReference_data() {
    QTest::addColumn<int>("which");
    const std::vector<NamedNetwork> zoo = randomNetworkZoo(71);
    for (size_t i = 0; i < zoo.size(); ++i) QTest::newRow(zoo[i].name.c_str()) << static_cast<int>(i);
  }
  void zooMatchesItemByItemAndTheReference() {
    QFETCH(int, which);
    const Network net = randomNetworkZoo(71)[static_cast<size_t>(which)].net;
    const Property p = mixedProperty(net, 900 + static_cast<uint64_t>(which));
    if (const auto why = runtime::batchFrameRefusal(ibp(), net, RunOptions{})) {
      // Only a layer IBP has no rule for (a general clip) keeps a zoo network out of the batch
      // frame; the run then fails item by item, naming the layer.
      QVERIFY2(why->find("has no rule") != std::string::npos, why->c_str());
      const Result<RunResult> r = certify(ibp(), net, p, RunOptions{});
      QVERIFY(!r.ok());
      QVERIFY(r.diagnostics.front().message.find("the spec has no rule") != std::string::npos);
      return;
    }
    const RunResult batch = run(net, p, 0), single = run(net, p, 1);
    compareRuns(batch, single, 1e-12, "batch vs item by item");
    bool sawMargins = false, sawNone = false;
    for (size_t k = 0; k < p.items.size(); ++k) {
      checkAgainstReferenceAndSamples(net, p.items[k].box, batch.items[k], k, 60, 5 + k);
      if (QTest::currentTestFailed()) return;
      sawMargins = sawMargins || batch.items[k].marginLower.size() > 0;
      sawNone = sawNone || batch.items[k].marginLower.size() == 0;
    }
    QVERIFY(sawMargins);
    QVERIFY(sawNone);
    // VNN-LIB items: one row per atom.
    QCOMPARE(batch.items[5].marginUpper.size(), Eigen::Index(3));
  }

  void bundledCnnBatchesAcrossThreadsAndChunks() {
    const auto net = importOnnxFile(sourcePath("resources/networks/trained/convSmallRELU__Point.onnx"));
    QVERIFY(net.ok());
    const auto p = datasetProperty(*net.value, sourcePath("resources/inputs/mnist_10.csv"), 0, 10, 0.02);
    QVERIFY(p.ok());
    const RunResult single = run(*net.value, *p.value, 1);
    compareRuns(run(*net.value, *p.value, 0), single, 1e-12, "one batch");
    compareRuns(run(*net.value, *p.value, 3), single, 1e-12, "chunks of 3");
    compareRuns(run(*net.value, *p.value, 0, 2), single, 1e-12, "two threads");
    // Every Affine and Conv layer (and the margins layer) computed its IBP bounds as an interval
    // product (W @ c -/+ |W| @ r), once for the whole batch: the batch's profile is item 0's.
    RunOptions profiled;
    profiled.profile = true;
    profiled.threads = 1;
    const Result<RunResult> withProfile = certify(ibp(), *net.value, *p.value, profiled);
    QVERIFY(withProfile.ok());
    compareRuns(*withProfile.value, single, 1e-12, "profiled");
    std::set<int> fused;
    for (const InstrTime& t : withProfile.value->items[0].profile)
      if (t.what == "interval product") fused.insert(t.layer);
    std::set<int> linear;
    for (const Layer& layer : net.value->layers)
      if (layer.op == LayerOp::Affine || layer.op == LayerOp::Conv) linear.insert(layer.index);
    linear.insert(static_cast<int>(net.value->layers.size()));  // the margins layer
    QCOMPARE(fused, linear);
    QVERIFY(withProfile.value->items[1].profile.empty());
    int verified = 0;
    for (const ItemResult& r : single.items) verified += r.verified ? 1 : 0;
    QVERIFY2(verified > 0 && verified < 10, "eps 0.02 proves some rows and not others");
    for (size_t k = 0; k < p.value->items.size(); ++k) {
      SamplingOptions sampling;
      sampling.uniformSamples = 40;
      sampling.randomVertices = 20;
      const SoundnessReport sound =
          checkSoundness(*net.value, p.value->items[k].box, toLayerBounds(run(*net.value, *p.value, 0).items[k].layers), sampling);
      QVERIFY2(sound.sound(), sound.describe().c_str());
    }
  }

  /// Sixteen items and more: the Affine layers' interval products take the Dense route over
  /// chunks of 16 items (cpu::denseIntervalTimes), which skips the inputs a ReLU leaves at [0, 0]
  /// in every item of a chunk. Against the same items one by one (GEMMs over one column), the
  /// independent IBP reference, and sampled concrete values; 20 items (a chunk of 16 and one of
  /// 4), as one batch and in chunks of 17 (16 + 1, then 3).
  void denseLayersOverSixteenItemsAndMore() {
    const auto net = importOnnxFile(sourcePath("resources/networks/trained/convSmallRELU__Point.onnx"));
    QVERIFY(net.ok());
    auto p = datasetProperty(*net.value, sourcePath("resources/inputs/mnist_10.csv"), 0, 10, 0.02);
    const auto tight = datasetProperty(*net.value, sourcePath("resources/inputs/mnist_10.csv"), 0, 10, 0.004);
    QVERIFY(p.ok() && tight.ok());
    for (PropertyItem item : tight.value->items) {
      item.index += 10;
      p.value->items.push_back(std::move(item));
    }
    QCOMPARE(p.value->items.size(), size_t(20));
    static_assert(runtime::cpu::kDenseIntervalMinColumns <= 16);
    const RunResult single = run(*net.value, *p.value, 1);
    const RunResult batch = run(*net.value, *p.value, 0);
    compareRuns(batch, single, 1e-12, "one batch of 20");
    compareRuns(run(*net.value, *p.value, 17), single, 1e-12, "chunks of 17");
    int verified = 0;
    for (size_t k = 0; k < p.value->items.size(); ++k) {
      checkAgainstReferenceAndSamples(*net.value, p.value->items[k].box, batch.items[k], k, 40, 31 + k);
      if (QTest::currentTestFailed()) return;
      verified += batch.items[k].verified ? 1 : 0;
    }
    QVERIFY2(verified > 0 && verified < 20, "some items proved and some not");
  }

  void anInfiniteBoxStaysInItsItem() {
    const Network net = randomMlp(6, {8, 8}, {LayerOp::Relu, LayerOp::Relu}, 3, 17);
    Property p;
    for (int k = 0; k < 4; ++k) {
      PropertyItem item;
      item.index = k;
      item.label = k % 3;
      item.box = randomBox(6, 0.01, 40 + static_cast<uint64_t>(k));
      if (k == 1) item.box.upper[2] = std::numeric_limits<double>::infinity();
      if (k == 2) item.box.lower[0] = std::numeric_limits<double>::quiet_NaN();
      p.items.push_back(std::move(item));
    }
    const RunResult batch = run(net, p, 0), single = run(net, p, 1);
    compareRuns(batch, single, 1e-12, "non-finite boxes");
    QVERIFY(batch.items[1].verdict != Verdict::Verified);
    QVERIFY(batch.items[2].verdict == Verdict::Invalid);
    for (int k : {0, 3}) QVERIFY(std::isfinite(batch.items[static_cast<size_t>(k)].marginLower.minCoeff()));
  }

  // An unbounded input end reaching a conv layer: the outputs that do not read that input keep
  // finite bounds, the spec's terms (w l or w u by the sign of w over the taps each output reads);
  // an output that reads it has the infinite end of those sums, or NaN where an end meets
  // inf * 0 or -inf + inf, and no item with such an output is verified. Item by item and in the
  // batch frame, against the sums written here.
  void anUnboundedEndMeetsAConvLayer() {
    RandomNetworkBuilder builder({1, 5, 5}, 29);
    builder.affine(builder.activation(builder.conv(0, 2, 3, 1, 1), LayerOp::Relu), 3);
    const Network net = builder.build();
    const Layer& conv = net.layers[1];
    QCOMPARE(conv.op, LayerOp::Conv);
    const Eigen::MatrixXd w = denseWeight(conv);
    const Eigen::VectorXd bias = denseBias(conv);
    Property p;
    for (int k = 0; k < 3; ++k) {
      PropertyItem item;
      item.index = k;
      item.label = 0;
      item.box = randomBox(25, 0.05, 60 + static_cast<uint64_t>(k));
      if (k != 1) item.box.lower[12] = -std::numeric_limits<double>::infinity();  // the center pixel
      p.items.push_back(std::move(item));
    }
    for (int batchSize : {1, 0}) {
      const RunResult r = run(net, p, batchSize);
      for (size_t k = 0; k < p.items.size(); ++k) {
        const InputBox& box = p.items[k].box;
        const LayerBoundsResult& got = r.items[k].layers[1];
        int finite = 0, unbounded = 0;
        for (Eigen::Index i = 0; i < w.rows(); ++i) {
          double lo = bias[i], hi = bias[i];
          for (Eigen::Index j = 0; j < w.cols(); ++j) {
            if (w(i, j) == 0) continue;  // not a tap of output i
            lo += w(i, j) * (w(i, j) > 0 ? box.lower[j] : box.upper[j]);
            hi += w(i, j) * (w(i, j) > 0 ? box.upper[j] : box.lower[j]);
          }
          const std::string at = "batch size " + std::to_string(batchSize) + " item " + std::to_string(k) +
                                 " neuron " + std::to_string(i);
          const bool readsIt = std::isinf(lo) || std::isinf(hi);
          for (const auto& [g, want] : {std::pair{got.lower[i], lo}, {got.upper[i], hi}}) {
            if (readsIt && std::isnan(g)) continue;
            if (std::isinf(want)) QVERIFY2(g == want, (at + ": " + std::to_string(g)).c_str());
            else QVERIFY2(std::abs(g - want) <= 1e-12 * (1 + std::abs(want)), (at + ": " + std::to_string(g)).c_str());
          }
          finite += std::isfinite(lo) && std::isfinite(hi);
          unbounded += std::isinf(lo) || std::isinf(hi);
        }
        if (k != 1) QVERIFY(finite > 0 && unbounded > 0);  // not vacuous: both kinds of output
        if (k != 1) QVERIFY(r.items[k].verdict != Verdict::Verified);
      }
    }
  }

  void refusalsSendTheRunItemByItem() {
    const Network net = randomMlp(4, {5}, {LayerOp::Relu}, 2, 3);
    QVERIFY(!runtime::batchFrameRefusal(ibp(), net, RunOptions{}));
    const auto deeppoly = runtime::batchFrameRefusal(compiledSpec("deeppoly"), net, RunOptions{});
    QVERIFY(deeppoly && deeppoly->find("'L' is not a Float") != std::string::npos);
    RunOptions options;
    options.batchSize = 1;
    QVERIFY(runtime::batchFrameRefusal(ibp(), net, options));
    options = RunOptions{};
    options.trace = std::make_pair(1, int64_t(0));
    QVERIFY(runtime::batchFrameRefusal(ibp(), net, options));
    options = RunOptions{};
    options.profile = true;  // profiles the batch's instructions
    QVERIFY(!runtime::batchFrameRefusal(ibp(), net, options));
    options = RunOptions{};
    options.dense = true;
    QVERIFY(runtime::batchFrameRefusal(ibp(), net, options));
  }
};

QTEST_GUILESS_MAIN(TestBatchFrame)
#include "tst_batch_frame.moc"
