// RunOptions::allLayerBounds false (certc run without --json): the Float members no later rule and
// no verdict reads are left out (runtime/interpreter/unread_members.h). Which layers that is on a
// residual network, spec by spec; that every shipped spec gives the same margins (the side the
// verdict reads), verdicts and computed bounds, bit for bit, as the full run on residual, conv and
// dense networks, labelled and VNN-LIB items, and leaves
// out what the analysis says (so nothing ran twice); that a left-out member is never read as
// absent (the lookup throws, which makes the driver run the item again in full).
#include <QtTest>

#include <set>
#include <string>
#include <vector>

#include "core/network/forward.h"
#include "runtime/batch_run.h"
#include "runtime/executor.h"
#include "runtime/interpreter/layer_state.h"
#include "runtime/interpreter/unread_members.h"
#include "tests/support/bundled_inputs.h"
#include "tests/support/random_network.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

struct Case {
  std::string name;
  Network net;
  Property property;
};

Property labelled(const Network& net, uint64_t seed, int items) {
  Property p;
  for (int k = 0; k < items; ++k) {
    PropertyItem item;
    item.index = k;
    item.box = randomBox(net.inputSize(), 0.02, seed + static_cast<uint64_t>(k));
    item.center = (item.box.lower + item.box.upper) / 2;
    item.label = k % 4;
    p.items.push_back(item);
  }
  return p;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> kCases = [] {
    std::vector<Case> out;
    for (uint64_t seed : {5u, 6u}) {
      Network net = residualConvRelu(seed);
      Property p = labelled(net, seed, 2);
      out.push_back({"residual_conv_relu@" + std::to_string(seed), std::move(net), std::move(p)});
    }
    {  // a layout permutation (a one-input Concat with an order) between conv layers, and a Concat
      RandomNetworkBuilder b({2, 6, 5}, 7);
      const int r1 = b.activation(b.conv(0, 3, 3, 1, 1), LayerOp::Relu);      // 1, 2: 3x6x5
      const int t = b.transposeHW(r1);                                          // 3: 3x5x6
      const int r2 = b.activation(b.conv(t, 2, 3, 1, 1), LayerOp::Relu);       // 4, 5: 2x5x6
      const int side = b.activation(b.affine(0, 6), LayerOp::Sigmoid);          // 6, 7
      const int cat = b.concat({side, b.transposeHW(r2)});                      // 8, 9
      b.affine(b.activation(b.affine(cat, 8), LayerOp::Relu), 4);               // 10, 11, 12
      Network net = b.build();
      Property p = labelled(net, 7, 2);
      out.push_back({"conv_permuted", std::move(net), std::move(p)});
    }
    for (const char* name : {"resnet_small", "cnn_small", "mlp_784_50_50_10"}) {
      Network net = bundledNetwork(name);
      Property prop = mnistRows(net, 0, 3, 0.02);
      out.push_back({name, std::move(net), std::move(prop)});
    }
    Network one = bundledNetwork("cnn_small");  // one item: IBP runs it alone, not in a batch frame
    Property row = mnistRows(one, 4, 1, 0.02);
    out.push_back({"cnn_small_one_item", std::move(one), std::move(row)});
    // VNN-LIB items (the verdict reads the margins' upper bounds): per j != the class the network
    // gives the row, one conjunction of the one atom y_j - y_class >= 0 (at eps 0.002, CROWN
    // refutes every conjunction of two of the rows, not of the other two).
    Network vnn = bundledNetwork("cnn_small");
    Property dnf = mnistRows(vnn, 0, 4, 0.002);
    for (PropertyItem& item : dnf.items) {
      Eigen::Index label = 0;
      forward(vnn, item.center).maxCoeff(&label);
      item.label.reset();
      for (int j = 0; j < vnn.outputSize(); ++j) {
        if (j == label) continue;
        OutputInequality atom;
        atom.coeffs = Eigen::VectorXd::Zero(vnn.outputSize());
        atom.coeffs[j] = 1;
        atom.coeffs[label] = -1;
        item.unsafe.push_back({atom});
      }
    }
    out.push_back({"cnn_small_vnnlib", std::move(vnn), std::move(dnf)});
    return out;
  }();
  return kCases;
}

/// The case named `name` (nullptr: none).
const Case* caseNamed(const std::string& name) {
  for (const Case& c : cases())
    if (c.name == name) return &c;
  return nullptr;
}

RunOptions runOptions(bool allLayerBounds) {
  RunOptions options;
  options.threads = 1;
  options.allLayerBounds = allLayerBounds;
  return options;
}

/// Whether the items of c run together in a batch frame (IBP), which leaves nothing out.
bool batched(const std::string& spec, const Case& c) {
  return c.property.items.size() >= 2 && !runtime::batchFrameRefusal(compiledSpec(spec), c.net, runOptions(false));
}

RunResult certified(const std::string& spec, const Case& c, bool allLayerBounds) {
  const Result<RunResult> r = certify(compiledSpec(spec), c.net, c.property, runOptions(allLayerBounds));
  if (!r.ok()) qFatal("%s on %s: %s", spec.c_str(), c.name.c_str(), r.diagnostics.front().message.c_str());
  return *r.value;
}

/// The layers (of the network) whose l and u unreadFloatMembers leaves out for the item's run.
std::set<size_t> unreadLayers(const std::string& spec, const Case& c, const PropertyItem& item) {
  const std::optional<Network> withMarginsNet = withMargins(c.net, item);
  if (!withMarginsNet) qFatal("no margins for %s", c.name.c_str());
  const interp::LayerSequence layers(c.net, &withMarginsNet->layers.back());
  const std::vector<std::set<std::string>> unread = interp::unreadFloatMembers(compiledSpec(spec), layers);
  std::set<size_t> out;
  for (size_t k = 0; k < c.net.layers.size(); ++k)
    if (unread[k].count("l") && unread[k].count("u")) out.insert(k);
  return out;
}

/// The shipped specs whose traverses run to the input (a constant false stop).
constexpr const char* kLeavingOut[] = {"crown", "deeppoly", "deepz", "deeppoly_deepz"};

bool bitEqual(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  if (a.size() != b.size()) return false;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i]) && !(std::isnan(a[i]) && std::isnan(b[i]))) return false;
  return true;
}

bool bitEqual(const SharedVector& a, const SharedVector& b) {
  if (a.size() != b.size()) return false;
  for (int64_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i]) && !(std::isnan(a[i]) && std::isnan(b[i]))) return false;
  return true;
}

}  // namespace

class TestUnreadMembers : public QObject {
  Q_OBJECT

 private slots:
  /// A left-out member is never "absent": at() and find() throw, the others are as stored.
  void leftOutMembersThrowOnLookup() {
    interp::Members m;
    m["l"] = runtime::Tensor::scalar(1);
    m["u"] = runtime::Tensor::scalar(2);
    m.leaveOut("l");
    QVERIFY(m.leftOut("l"));
    QVERIFY(!m.leftOut("u"));
    QVERIFY_THROWS_EXCEPTION(interp::UnreadMemberRead, m.at("l"));
    QVERIFY_THROWS_EXCEPTION(interp::UnreadMemberRead, (void)m.find("l"));
    const interp::Members& constM = m;
    QVERIFY_THROWS_EXCEPTION(interp::UnreadMemberRead, constM.at("l"));
    QCOMPARE(std::get<runtime::Tensor>(m.at("u")).v[0], 2.0);
    QVERIFY(m.find("z") == m.end());
    int stored = 0;
    for (const auto& [name, v] : m) stored += name == "u" ? 1 : 100;
    QCOMPARE(stored, 1);
  }

  /// On the residual network: CROWN, DeepPoly and DeepZ read l and u only in their Relu rules (the
  /// relaxation's case split) and in maps after a traverse to the input, which leaves no term;
  /// the margins and the layer they are folded over are the verdict's, and the network's output
  /// (13), into which the margins are folded, is read by nothing. DeepPoly-k's and the ERAN
  /// variant's traverses stop at a depth, and their maps then read l and u of whatever layer the
  /// remaining terms are over, the output's included: nothing is left out. IBP's Affine rule maps
  /// over prev's terms: it reads every earlier layer's, and only the output is left out.
  void unreadLayersOfAResidualNetwork_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("expected");
    const QString relaxedByRelu = "2 4 5 6 8 10 13";  // 1, 3, 7, 9, 11 feed Relus; 12 the verdict
    for (const char* spec : kLeavingOut) QTest::newRow(spec) << spec << relaxedByRelu;
    for (const char* spec : {"deeppoly_k", "deeppoly_eran"}) QTest::newRow(spec) << spec << "";
    QTest::newRow("ibp") << "ibp" << "13";
  }

  void unreadLayersOfAResidualNetwork() {
    QFETCH(QString, spec);
    QFETCH(QString, expected);
    const Case& c = cases().front();
    QCOMPARE(c.net.layers.size(), size_t(14));
    QString got;
    for (size_t k : unreadLayers(spec.toStdString(), c, c.property.items.front()))
      got += (got.isEmpty() ? "" : " ") + QString::number(k);
    QCOMPARE(got, expected);
  }

  /// A Concat (a permutation or a concatenation) copies the members its readers read, and only
  /// those: under CROWN nothing reads a ReLU's or a Concat's bounds (back-substitution reads their
  /// linear members), so the ReLUs behind the permutations, the Sigmoid the Concat reads and the
  /// Concats are left out; the layers feeding ReLUs and the Sigmoid are kept, and the output (12,
  /// the margins folded into it) is read by nothing. IBP's maps read every layer's bounds.
  void aConcatCopiesOnlyWhatIsRead_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("expected");
    QTest::newRow("crown") << "crown" << "2 3 5 7 8 9 12";
    QTest::newRow("ibp") << "ibp" << "12";
  }

  void aConcatCopiesOnlyWhatIsRead() {
    QFETCH(QString, spec);
    QFETCH(QString, expected);
    const Case* c = caseNamed("conv_permuted");
    QVERIFY(c);
    QCOMPARE(c->net.layers[3].op, LayerOp::Concat);
    QCOMPARE(c->net.layers[9].inputs, (std::vector<int>{7, 8}));
    QString got;
    for (size_t k : unreadLayers(spec.toStdString(), *c, c->property.items.front()))
      got += (got.isEmpty() ? "" : " ") + QString::number(k);
    QCOMPARE(got, expected);
  }

  /// The margins layer keeps only the member its verdict reads: l for a label, u for a VNN-LIB
  /// item, both when the caller names neither; the network's layers are left out as before.
  void marginsKeepTheSideTheVerdictReads_data() {
    QTest::addColumn<QString>("spec");
    for (const char* spec : {"crown", "deeppoly", "deepz", "ibp"}) QTest::newRow(spec) << spec;
  }

  void marginsKeepTheSideTheVerdictReads() {
    QFETCH(QString, spec);
    const Case& c = cases().front();
    const std::optional<Network> withMarginsNet = withMargins(c.net, c.property.items.front());
    QVERIFY(withMarginsNet);
    const interp::LayerSequence layers(c.net, &withMarginsNet->layers.back());
    const CompiledCertifier cc = compiledSpec(spec.toStdString());
    const auto both = interp::unreadFloatMembers(cc, layers), lower = interp::unreadFloatMembers(cc, layers, "l"),
               upper = interp::unreadFloatMembers(cc, layers, "u");
    const size_t margins = layers.size() - 1;
    QCOMPARE(margins, c.net.layers.size());
    QVERIFY(both[margins].empty());
    QVERIFY(lower[margins].count("u") && !lower[margins].count("l"));
    QVERIFY(upper[margins].count("l") && !upper[margins].count("u"));
    for (size_t k = 0; k < margins; ++k) {
      QCOMPARE(lower[k], both[k]);
      QCOMPARE(upper[k], both[k]);
    }
  }

  /// With relu-unstable intermediate bounds (whose row refinement reads the layers' bounds) only
  /// the margins' unread side is left out: every layer computed and bit-equal to the full run, the
  /// margins' read side too, verdicts and reasons the same.
  void reluUnstableLeavesOutOnlyTheMarginsOtherSide_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("net");
    for (const char* spec : {"crown", "deeppoly"})
      for (const char* net : {"cnn_small", "resnet_small", "cnn_small_vnnlib"})
        QTest::newRow((std::string(spec) + "/" + net).c_str()) << spec << net;
  }

  void reluUnstableLeavesOutOnlyTheMarginsOtherSide() {
    QFETCH(QString, spec);
    QFETCH(QString, net);
    const Case* c = caseNamed(net.toStdString());
    QVERIFY(c);
    RunOptions full = runOptions(true), thin = runOptions(false);
    full.intermediate = thin.intermediate = IntermediateBounds::ReluUnstable;
    const CompiledCertifier cc = compiledSpec(spec.toStdString());
    const Result<RunResult> a = certify(cc, c->net, c->property, full), b = certify(cc, c->net, c->property, thin);
    QVERIFY(a.ok() && b.ok());
    for (size_t i = 0; i < a.value->items.size(); ++i) {
      const ItemResult& x = a.value->items[i];
      const ItemResult& y = b.value->items[i];
      const bool label = c->property.items[i].label.has_value();
      QVERIFY(bitEqual(label ? x.marginLower : x.marginUpper, label ? y.marginLower : y.marginUpper));
      QCOMPARE((label ? y.marginUpper : y.marginLower).size(), Eigen::Index(0));
      QCOMPARE(y.verdict, x.verdict);
      QCOMPARE(y.reason, x.reason);
      QCOMPARE(y.layers.size(), x.layers.size());
      for (size_t k = 0; k < x.layers.size(); ++k) {
        QVERIFY(y.layers[k].computed);
        QVERIFY(bitEqual(x.layers[k].lower, y.layers[k].lower) && bitEqual(x.layers[k].upper, y.layers[k].upper));
      }
    }
  }

  /// Every shipped spec: the same margins, verdicts, reasons and computed bounds, bit for bit; the
  /// layers left out are the analysis's (had a run read one, the item would have run again in
  /// full and left nothing out), none where the items run in a batch frame (IBP).
  void sameResultsAsTheFullRun_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("net");
    for (const char* spec : {"crown", "deeppoly", "deeppoly_k", "deeppoly_eran", "deepz", "deeppoly_deepz", "ibp"})
      for (const Case& c : cases()) QTest::newRow((std::string(spec) + "/" + c.name).c_str()) << spec << QString::fromStdString(c.name);
  }

  void sameResultsAsTheFullRun() {
    QFETCH(QString, spec);
    QFETCH(QString, net);
    const Case* found = caseNamed(net.toStdString());
    QVERIFY(found);
    const Case& c = *found;
    const RunResult full = certified(spec.toStdString(), c, true);
    const RunResult thin = certified(spec.toStdString(), c, false);
    QCOMPARE(thin.items.size(), full.items.size());
    for (size_t i = 0; i < full.items.size(); ++i) {
      const ItemResult& a = full.items[i];
      const ItemResult& b = thin.items[i];
      // The side of the margins the verdict reads, bit for bit; the other side only where the items
      // ran in a batch frame (which computes everything), else left out.
      const bool label = c.property.items[i].label.has_value();
      QVERIFY2(bitEqual(label ? a.marginLower : a.marginUpper, label ? b.marginLower : b.marginUpper), "margins differ");
      const Eigen::VectorXd& otherSide = label ? b.marginUpper : b.marginLower;
      if (batched(spec.toStdString(), c))
        QVERIFY2(bitEqual(label ? a.marginUpper : a.marginLower, otherSide), "the margins' other side differs");
      else
        QVERIFY2(otherSide.size() == 0, "the margins' other side was computed");
      QCOMPARE(b.verdict, a.verdict);
      QCOMPARE(b.reason, a.reason);
      QCOMPARE(b.layers.size(), a.layers.size());
      const std::set<size_t> unread =
          batched(spec.toStdString(), c) ? std::set<size_t>{} : unreadLayers(spec.toStdString(), c, c.property.items[i]);
      for (size_t k = 0; k < a.layers.size(); ++k) {
        QVERIFY(a.layers[k].computed);
        QCOMPARE(!b.layers[k].computed, unread.count(k) == 1);
        if (b.layers[k].computed)
          QVERIFY2(bitEqual(a.layers[k].lower, b.layers[k].lower) && bitEqual(a.layers[k].upper, b.layers[k].upper),
                   qPrintable(QString("layer %1 differs").arg(k)));
        else
          QVERIFY(b.layers[k].lower.size() == 0 && b.layers[k].upper.size() == 0);
      }
    }
    // The specs that back-substitute to the input leave layers out on every one of these networks.
    const std::set<size_t> unread = unreadLayers(spec.toStdString(), c, c.property.items.front());
    for (const char* s : kLeavingOut)
      if (spec == s) QVERIFY2(!unread.empty(), "nothing left out");
  }
};

QTEST_GUILESS_MAIN(TestUnreadMembers)
#include "tst_unread_members.moc"
