// A traverse whose priority picks the *earliest* layer first (-n[layer], as the published
// ConstraintFlow crown.cf writes it) over forms that span several layers (a ReLU whose L is over
// the layer before it and whose U reaches, through a map, two layers further back). In one step
// every row replaces the terms of its own earliest layer, so a layer's block is chosen by some of
// its rows only: those rows step (as a row view of the block), the others keep it. Against an
// independent back-substitution written here over dense forms in the global neuron numbering,
// the rows of a layer stepped together as the spec's traverse steps them (each row its earliest
// layer), on seeded MLPs and conv networks, narrow and wide boxes: every layer's bounds to 1e-9,
// sampled activations inside them, and the reference counts the steps in which a block was
// chosen by some of its rows only (the test fails when none of its cases has one).
#include <QtTest>

#include <Eigen/Dense>

#include <cmath>
#include <vector>

#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/conv_toeplitz.h"
#include "tests/support/random_network.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"

using namespace cert;
using namespace cert::test;

namespace {

/// DeepPoly/CROWN-style forms with the earliest layer substituted first; the unstable ReLU's U is
/// its input's U with every term replaced once by its neuron's U or L (by the sign).
const char* const kEarliestFirst = R"(
def Shape as (Float l, Float u, PolyExp L, PolyExp U){[(curr[l]<=curr),(curr[u]>=curr),(curr[L]<=curr),(curr[U]>=curr)]};

func concreteLower(Neuron n, Float c) = (c >= 0.0) ? (c * n[l]) : (c * n[u]);
func concreteUpper(Neuron n, Float c) = (c >= 0.0) ? (c * n[u]) : (c * n[l]);
func formLower(Neuron n, Float c) = (c >= 0.0) ? (c * n[L]) : (c * n[U]);
func formUpper(Neuron n, Float c) = (c >= 0.0) ? (c * n[U]) : (c * n[L]);

func byLayer(Neuron n) = n[layer];
func earliest(Neuron n, Float c) = 0.0 - n[layer];
func never(Neuron n, Float c) = false;

func lowerOf(PolyExp e, Neuron n) = (e.traverse(backward, earliest, never, formLower){e <= n}).map(concreteLower);
func upperOf(PolyExp e, Neuron n) = (e.traverse(backward, earliest, never, formUpper){e >= n}).map(concreteUpper);

transformer earliestFirst{
    Affine -> (lowerOf(prev.dot(curr[weight]) + curr[bias], curr), upperOf(prev.dot(curr[weight]) + curr[bias], curr),
               prev.dot(curr[weight]) + curr[bias], prev.dot(curr[weight]) + curr[bias]);
    Relu -> (prev[l] >= 0.0) ? (prev[l], prev[u], prev[L], prev[U])
          : ((prev[u] <= 0.0) ? (0.0, 0.0, 0.0, 0.0)
          : (((0.0 - prev[l]) > prev[u] ? 0.0 : prev[l]), prev[u], ((0.0 - prev[l]) > prev[u] ? 0.0 : prev),
             (prev[u] / (prev[u] - prev[l])) * (prev[U].map(formUpper)) + ((0.0 - prev[u]) * prev[l]) / (prev[u] - prev[l])));
}

flow(forward, byLayer, false, earliestFirst);
)";

/// Forms over the global neuron numbering: row i is sum_j coef(i, j) x_j + constant(i).
struct Forms {
  Eigen::MatrixXd coef;
  Eigen::VectorXd constant;
};

/// The spec's semantics written out: per neuron its l, u and its forms L, U (the input's are its
/// box ends as constants), layer by layer.
class EarliestFirstReference {
 public:
  EarliestFirstReference(const Network& net, const InputBox& box) : net_(net) {
    const int64_t total = net.layers.back().end;
    layerOf_.resize(static_cast<size_t>(total));
    for (const Layer& layer : net.layers)
      for (int64_t j = layer.start; j < layer.end; ++j) layerOf_[static_cast<size_t>(j)] = layer.index;
    lower_ = Eigen::VectorXd::Zero(total);
    upper_ = Eigen::VectorXd::Zero(total);
    formLower_ = {Eigen::MatrixXd::Zero(total, total), Eigen::VectorXd::Zero(total)};
    formUpper_ = formLower_;
    const Layer& input = net.layers.front();
    for (int64_t i = 0; i < input.size(); ++i) {
      lower_[input.start + i] = box.lower[i];
      upper_[input.start + i] = box.upper[i];
      formLower_.constant[input.start + i] = box.lower[i];
      formUpper_.constant[input.start + i] = box.upper[i];
    }
  }

  /// Every layer's bounds; false when a layer is neither Affine, Conv nor Relu.
  bool run(std::vector<LayerBounds>& out) {
    for (size_t k = 1; k < net_.layers.size(); ++k) {
      const Layer& layer = net_.layers[k];
      if (layer.op == LayerOp::Affine || layer.op == LayerOp::Conv) affine(layer);
      else if (layer.op == LayerOp::Relu) relu(layer);
      else return false;
    }
    out.clear();
    for (const Layer& layer : net_.layers)
      out.push_back({lower_.segment(layer.start, layer.size()), upper_.segment(layer.start, layer.size())});
    return true;
  }

  /// Steps in which some rows chose a layer's terms while other rows with terms in that layer
  /// chose an earlier one.
  int partialSteps() const { return partialSteps_; }

 private:
  void affine(const Layer& layer) {
    const Layer& in = net_.layers[static_cast<size_t>(layer.inputs.at(0))];
    const Eigen::MatrixXd w = layer.op == LayerOp::Conv ? convToeplitz(layer.conv, layer.kernel) : layer.weight;
    const int64_t total = lower_.size(), n = layer.size();
    Forms e{Eigen::MatrixXd::Zero(n, total), layer.bias};
    e.coef.middleCols(in.start, in.size()) = w;
    const Eigen::VectorXd lo = substituted(e, false), hi = substituted(e, true);
    for (int64_t i = 0; i < n; ++i) {
      lower_[layer.start + i] = lo[i];
      upper_[layer.start + i] = hi[i];
      formLower_.coef.row(layer.start + i) = e.coef.row(i);
      formLower_.constant[layer.start + i] = e.constant[i];
    }
    formUpper_.coef.middleRows(layer.start, n) = formLower_.coef.middleRows(layer.start, n);
    formUpper_.constant.segment(layer.start, n) = formLower_.constant.segment(layer.start, n);
  }

  void relu(const Layer& layer) {
    const Layer& in = net_.layers[static_cast<size_t>(layer.inputs.at(0))];
    for (int64_t i = 0; i < layer.size(); ++i) {
      const int64_t p = in.start + i, q = layer.start + i;
      const double l = lower_[p], u = upper_[p];
      formLower_.coef.row(q).setZero();
      formUpper_.coef.row(q).setZero();
      formLower_.constant[q] = formUpper_.constant[q] = 0;
      if (l >= 0) {
        lower_[q] = l;
        upper_[q] = u;
        formLower_.coef.row(q) = formLower_.coef.row(p);
        formLower_.constant[q] = formLower_.constant[p];
        formUpper_.coef.row(q) = formUpper_.coef.row(p);
        formUpper_.constant[q] = formUpper_.constant[p];
        continue;
      }
      if (u <= 0) {
        lower_[q] = upper_[q] = 0;
        continue;
      }
      const bool dropped = -l > u;
      lower_[q] = dropped ? 0.0 : l;
      upper_[q] = u;
      if (!dropped) formLower_.coef(q, p) = 1.0;
      // U: u / (u - l) times the input's U with each term replaced once (formUpper), plus -u l / (u - l).
      const double slope = u / (u - l);
      Eigen::RowVectorXd mapped = Eigen::RowVectorXd::Zero(lower_.size());
      double constant = formUpper_.constant[p];
      for (int64_t j = 0; j < lower_.size(); ++j) {
        const double c = formUpper_.coef(p, j);
        if (c == 0) continue;
        const Forms& by = c >= 0 ? formUpper_ : formLower_;
        mapped += c * by.coef.row(j);
        constant += c * by.constant[j];
      }
      formUpper_.coef.row(q) = slope * mapped;
      formUpper_.constant[q] = slope * constant + (-u * l) / (u - l);
    }
  }

  /// Each row's bound: its earliest layer's terms replaced by their neurons' forms (L where the
  /// coefficient is >= 0 for a lower bound, U otherwise; the other way for an upper bound), all
  /// rows stepping together, until only constants are left.
  Eigen::VectorXd substituted(Forms e, bool upper) {
    const int64_t n = e.coef.rows(), total = e.coef.cols();
    for (;;) {
      std::vector<int> earliestOf(static_cast<size_t>(n), -1);
      for (int64_t r = 0; r < n; ++r)
        for (int64_t j = 0; j < total && earliestOf[static_cast<size_t>(r)] < 0; ++j)
          if (e.coef(r, j) != 0) earliestOf[static_cast<size_t>(r)] = layerOf_[static_cast<size_t>(j)];
      bool any = false;
      for (int k : earliestOf) any = any || k >= 0;
      if (!any) return e.constant;
      countPartial(e, earliestOf);
      Forms next{Eigen::MatrixXd::Zero(n, total), e.constant};
      for (int64_t r = 0; r < n; ++r)
        for (int64_t j = 0; j < total; ++j) {
          const double c = e.coef(r, j);
          if (c == 0) continue;
          if (layerOf_[static_cast<size_t>(j)] != earliestOf[static_cast<size_t>(r)]) {
            next.coef(r, j) += c;
            continue;
          }
          const Forms& by = (c >= 0) != upper ? formLower_ : formUpper_;
          next.coef.row(r) += c * by.coef.row(j);
          next.constant[r] += c * by.constant[j];
        }
      e = std::move(next);
    }
  }

  void countPartial(const Forms& e, const std::vector<int>& earliestOf) {
    for (const Layer& layer : net_.layers) {
      bool chosen = false, kept = false;
      for (int64_t r = 0; r < e.coef.rows(); ++r) {
        if (e.coef.row(r).segment(layer.start, layer.size()).cwiseAbs().maxCoeff() == 0) continue;
        (earliestOf[static_cast<size_t>(r)] == layer.index ? chosen : kept) = true;
      }
      if (chosen && kept) ++partialSteps_;
    }
  }

  const Network& net_;
  std::vector<int> layerOf_;
  Eigen::VectorXd lower_, upper_;
  Forms formLower_, formUpper_;
  int partialSteps_ = 0;
};

std::vector<NamedNetwork> networks() {
  std::vector<NamedNetwork> out;
  for (uint64_t seed = 1; seed <= 4; ++seed)
    out.push_back({"mlp@" + std::to_string(seed),
                   randomMlp(6, {12, 10, 9, 7}, {LayerOp::Relu, LayerOp::Relu, LayerOp::Relu, LayerOp::Relu}, 4, seed)});
  for (uint64_t seed = 11; seed <= 12; ++seed) {
    RandomNetworkBuilder b({1, 7, 7}, seed);
    int x = b.conv(0, 3, 3, 1, 1);
    x = b.activation(x, LayerOp::Relu);
    x = b.conv(x, 4, 3, 2, 1);
    x = b.activation(x, LayerOp::Relu);
    x = b.affine(x, 10);
    x = b.activation(x, LayerOp::Relu);
    b.affine(x, 3);
    out.push_back({"conv@" + std::to_string(seed), b.build()});
  }
  return out;
}

}  // namespace

class TestEarliestFirstTraverse : public QObject {
  Q_OBJECT

  int partialSteps_ = 0;

 private slots:
  void equalsReference_data() {
    QTest::addColumn<int>("net");
    QTest::addColumn<double>("radius");
    const std::vector<NamedNetwork> nets = networks();
    for (size_t n = 0; n < nets.size(); ++n)
      for (double radius : {0.05, 0.3})
        QTest::newRow((nets[n].name + " r=" + std::to_string(radius)).c_str()) << static_cast<int>(n) << radius;
  }

  void equalsReference() {
    QFETCH(int, net);
    QFETCH(double, radius);
    static const CompiledCertifier cc = [] {
      auto compiled = compileCertifier(kEarliestFirst);
      if (!compiled.ok()) qFatal("%s", compiled.diagnostics.empty() ? "?" : compiled.diagnostics.front().message.c_str());
      return std::move(*compiled.value);
    }();
    const NamedNetwork nn = std::move(networks()[static_cast<size_t>(net)]);
    const InputBox box = randomBox(nn.net.layers.front().size(), radius, 7 + static_cast<uint64_t>(net));
    auto got = certifyBox(cc, nn.net, box);
    QVERIFY2(got.ok(), got.diagnostics.empty() ? "?" : got.diagnostics.front().message.c_str());
    EarliestFirstReference reference(nn.net, box);
    std::vector<LayerBounds> expected;
    QVERIFY(reference.run(expected));
    partialSteps_ += reference.partialSteps();
    std::string where;
    const double diff = maxRelativeDifference(toLayerBounds(*got.value), expected, &where);
    QVERIFY2(diff >= 0, "layouts differ");
    QVERIFY2(diff <= 1e-9, qPrintable(QString("difference %1 at %2").arg(diff).arg(QString::fromStdString(where))));
    SamplingOptions sampling;
    sampling.uniformSamples = 200;
    sampling.randomVertices = 100;
    const SoundnessReport report = checkSoundness(nn.net, box, toLayerBounds(*got.value), sampling);
    QVERIFY2(report.sound(), report.describe().c_str());
  }

  /// The cases above step some blocks for part of their rows (else they would not test it).
  void casesChooseBlocksForSomeRows() {
    qInfo("steps in which a block was chosen by some of its rows only: %d", partialSteps_);
    QVERIFY(partialSteps_ > 0);
  }
};

QTEST_APPLESS_MAIN(TestEarliestFirstTraverse)
#include "tst_earliest_first_traverse.moc"
