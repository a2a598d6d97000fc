// `lp` in specs at run time, on seeded random networks, against the same LPs solved in test code
// by vertex enumeration (tests/support/reference_lp):
// - over a Ct member (tests/golden/ir/constructs/lp_refine.cf, as the published RefineZono): each
//   Affine neuron's l/u is the optimum of its affine form over the stored equalities c of the prev
//   neurons and the intervals of the neurons they mention; the reference keeps the same equalities
//   (Affine: y = W x + b; Relu: r = x when l >= 0, r = 0 when u <= 0, nothing otherwise);
// - over curr[equations] in a backward flow (as the published VeGaS): after DeepPoly forward, each
//   Affine layer's input x_i becomes [min, max] of x_i over y = W x + b and the intervals of x, y.
//   Sound forward bounds leave such an LP nothing to cut unless x's interval is looser than what
//   y's bounds allow; here the forward Relu rule widens its l/u by 1 (its L/U, which DeepPoly
//   back-substitutes, are DeepPoly's), so the LP has work to do.
// Bounds are on the safe side of the reference optimum and within 1e-7 of it, and contain sampled
// activations. Soundness sampling checks a Ct member's stored equality (`curr[c]` in the shape):
// lp_refine.cf's holds at every sample, a planted wrong one (Affine: curr == W x + b + 1) does not.
#include <QtTest>

#include <map>

#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "runtime/shape_constraints.h"
#include "runtime/soundness.h"
#include "tests/support/random_network.h"
#include "tests/support/reference_deeppoly.h"
#include "tests/support/reference_lp.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::test;

namespace {

using NeuronId = std::pair<int, int64_t>;

/// form(x) == 0 over neurons.
struct Equality {
  std::map<NeuronId, double> terms;
  double constant = 0;
};

/// min or max of objective (+ constant) over the equalities and the intervals of every neuron
/// they or the objective mention, by vertex enumeration.
double solve(const std::map<NeuronId, double>& objective, double constant, const std::vector<Equality>& rows,
             const std::vector<LayerBounds>& b, bool maximize) {
  std::map<NeuronId, int> var;
  const auto id = [&](const NeuronId& n) { return var.emplace(n, static_cast<int>(var.size())).first->second; };
  for (const auto& [n, a] : objective) id(n);
  std::vector<const Equality*> used;
  for (const Equality& e : rows)
    if (!e.terms.empty()) {
      used.push_back(&e);
      for (const auto& [n, a] : e.terms) id(n);
    }
  const int nv = static_cast<int>(var.size());
  Eigen::VectorXd c = Eigen::VectorXd::Zero(nv), lo(nv), hi(nv);
  for (const auto& [n, k] : var) {
    lo[k] = b[static_cast<size_t>(n.first)].lower[n.second];
    hi[k] = b[static_cast<size_t>(n.first)].upper[n.second];
  }
  for (const auto& [n, a] : objective) c[var.at(n)] += a;
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(used.size()), nv);
  Eigen::VectorXd rhs(static_cast<Eigen::Index>(used.size()));
  for (size_t r = 0; r < used.size(); ++r) {
    for (const auto& [n, a] : used[r]->terms) A(static_cast<Eigen::Index>(r), var.at(n)) += a;
    rhs[static_cast<Eigen::Index>(r)] = -used[r]->constant;
  }
  const auto v = vertexOptimum(c, A, rhs, lo, hi, maximize);
  if (!v) qFatal("reference LP infeasible");
  return *v + constant;
}

/// lp_refine.cf in test code; `intervalTighter` counts Affine bounds where the LP beats interval
/// arithmetic over the prev neurons' own l/u.
std::vector<LayerBounds> referenceLpRefine(const Network& net, const InputBox& box, int* intervalTighter) {
  std::vector<LayerBounds> b(net.layers.size());
  std::vector<std::vector<Equality>> c(net.layers.size());
  b[0] = {box.lower, box.upper};
  c[0].assign(static_cast<size_t>(box.lower.size()), {});
  for (size_t k = 1; k < net.layers.size(); ++k) {
    const Layer& L = net.layers[k];
    const int p = L.inputs[0];
    const LayerBounds& in = b[static_cast<size_t>(p)];
    const int64_t n = L.size();
    b[k].lower.resize(n);
    b[k].upper.resize(n);
    c[k].assign(static_cast<size_t>(n), {});
    for (int64_t i = 0; i < n; ++i) {
      if (L.op == LayerOp::Affine) {
        std::map<NeuronId, double> obj;
        double box_lo = L.bias[i], box_hi = L.bias[i];
        for (int64_t j = 0; j < L.weight.cols(); ++j) {
          const double w = L.weight(i, j);
          obj[{p, j}] = w;
          box_lo += w >= 0 ? w * in.lower[j] : w * in.upper[j];
          box_hi += w >= 0 ? w * in.upper[j] : w * in.lower[j];
        }
        b[k].lower[i] = solve(obj, L.bias[i], c[static_cast<size_t>(p)], b, false);
        b[k].upper[i] = solve(obj, L.bias[i], c[static_cast<size_t>(p)], b, true);
        if (b[k].lower[i] > box_lo + 1e-6 || b[k].upper[i] < box_hi - 1e-6) ++*intervalTighter;
        Equality e = {obj, L.bias[i]};
        e.terms[{static_cast<int>(k), i}] -= 1;
        c[k][static_cast<size_t>(i)] = e;
      } else if (L.op == LayerOp::Relu) {
        if (in.lower[i] >= 0) {
          b[k].lower[i] = in.lower[i] - 1;
          b[k].upper[i] = in.upper[i] + 1;
          c[k][static_cast<size_t>(i)].terms = {{{static_cast<int>(k), i}, 1.0}, {{p, i}, -1.0}};
        } else if (in.upper[i] <= 0) {
          b[k].lower[i] = -1;
          b[k].upper[i] = 1;
          c[k][static_cast<size_t>(i)].terms = {{{static_cast<int>(k), i}, 1.0}};
        } else {
          b[k].lower[i] = 0;
          b[k].upper[i] = in.upper[i];
        }
      } else {
        qFatal("lp_refine reference: unexpected layer");
      }
    }
  }
  return b;
}

/// The backward flow of kVegasBackward over DeepPoly's bounds, in test code.
void referenceVegasBackward(const Network& net, std::vector<LayerBounds>& b) {
  for (size_t k = net.layers.size(); k-- > 1;) {
    const Layer& L = net.layers[k];
    if (L.op != LayerOp::Affine) continue;
    const int p = L.inputs[0];
    std::vector<Equality> rows(static_cast<size_t>(L.size()));
    for (int64_t j = 0; j < L.size(); ++j) {
      for (int64_t i = 0; i < L.weight.cols(); ++i)
        if (L.weight(j, i) != 0) rows[static_cast<size_t>(j)].terms[{p, i}] = L.weight(j, i);
      rows[static_cast<size_t>(j)].terms[{static_cast<int>(k), j}] = -1;
      rows[static_cast<size_t>(j)].constant = L.bias[j];
    }
    LayerBounds refined = b[static_cast<size_t>(p)];
    for (int64_t i = 0; i < refined.lower.size(); ++i) {
      const std::map<NeuronId, double> obj = {{{p, i}, 1.0}};
      refined.lower[i] = solve(obj, 0, rows, b, false);
      refined.upper[i] = solve(obj, 0, rows, b, true);
    }
    b[static_cast<size_t>(p)] = refined;
  }
}

/// specs/deeppoly.cf with the Relu's l/u widened by 1 (L/U unchanged).
std::string widenedDeepPoly() {
  std::string spec = readTextFile(sourcePath("specs/deeppoly.cf"));
  const std::string rule = "    Relu -> (prev[l] >= 0) ? (prev[l], prev[u], prev, prev)\n"
                           "          : ((prev[u] <= 0) ? (0, 0, 0, 0)\n"
                           "          : (0, prev[u], relu_lower(prev), relu_upper(prev)));\n";
  const std::string widened = "    Relu -> (prev[l] >= 0) ? (prev[l] - 1, prev[u] + 1, prev, prev)\n"
                              "          : ((prev[u] <= 0) ? (-1, 1, 0, 0)\n"
                              "          : (-1, prev[u] + 1, relu_lower(prev), relu_upper(prev)));\n";
  const size_t at = spec.find(rule);
  if (at == std::string::npos) qFatal("specs/deeppoly.cf's Relu rule changed: update the test");
  return spec.replace(at, rule.size(), widened);
}

/// DeepPoly's bounds with every Relu layer's l/u widened by 1, as widenedDeepPoly() computes.
void widenRelus(const Network& net, std::vector<LayerBounds>& b) {
  for (size_t k = 0; k < net.layers.size(); ++k)
    if (net.layers[k].op == LayerOp::Relu) {
      b[k].lower.array() -= 1;
      b[k].upper.array() += 1;
    }
}

const char* const kVegasBackward = R"(
func create_c(Neuron n, PolyExp e) = n == e;
transformer vegas{
    rev_Affine -> (lp(minimize, curr, curr[equations].map_list(create_c curr)),
                   lp(maximize, curr, curr[equations].map_list(create_c curr)), curr[L], curr[U]);
}
flow(backward, priority, true, vegas);
)";

std::vector<NamedNetwork> smallNetworks() {
  std::vector<NamedNetwork> out;
  for (uint64_t seed = 1; seed <= 3; ++seed)
    out.push_back({"mlp@" + std::to_string(seed), randomMlp(3, {4, 3}, {LayerOp::Relu, LayerOp::Relu}, 2, seed)});
  for (uint64_t seed = 4; seed <= 6; ++seed)  // deeper: loose intermediate bounds the LP can cut
    out.push_back({"mlp3@" + std::to_string(seed),
                   randomMlp(3, {4, 4, 3}, {LayerOp::Relu, LayerOp::Relu, LayerOp::Relu}, 2, seed)});
  RandomNetworkBuilder bld({3}, 7);  // two Affine layers in a row: the LP sees y = W x + b
  int x = bld.affine(0, 3);
  x = bld.affine(x, 3);
  x = bld.activation(x, LayerOp::Relu);
  bld.affine(x, 2);
  out.push_back({"affine2@7", bld.build()});
  return out;
}

void compareSafe(const std::vector<LayerBounds>& got, const std::vector<LayerBounds>& ref, const std::string& what) {
  QCOMPARE(got.size(), ref.size());
  for (size_t k = 0; k < got.size(); ++k)
    for (Eigen::Index i = 0; i < got[k].lower.size(); ++i) {
      const double gl = got[k].lower[i], gu = got[k].upper[i], rl = ref[k].lower[i], ru = ref[k].upper[i];
      const QString at = QString::fromStdString(what) + QString(" layer %1 neuron %2: [%3, %4] vs [%5, %6]")
                                                            .arg(k).arg(i).arg(gl, 0, 'g', 17).arg(gu, 0, 'g', 17)
                                                            .arg(rl, 0, 'g', 17).arg(ru, 0, 'g', 17);
      QVERIFY2(gl <= rl + 1e-12 * std::max(1.0, std::abs(rl)) && gu >= ru - 1e-12 * std::max(1.0, std::abs(ru)),
               qPrintable("not on the safe side: " + at));
      QVERIFY2(std::abs(gl - rl) <= 1e-7 * std::max(1.0, std::abs(rl)) &&
                   std::abs(gu - ru) <= 1e-7 * std::max(1.0, std::abs(ru)),
               qPrintable("differs: " + at));
    }
}

}  // namespace

class TestLpConstructs : public QObject {
  Q_OBJECT

 private slots:
  void lpOverCtMembersEqualsReference() {
    auto cc = compileCertifier(readTextFile(sourcePath("tests/golden/ir/constructs/lp_refine.cf")));
    QVERIFY2(cc.ok(), cc.diagnostics.empty() ? "?" : cc.diagnostics.front().message.c_str());
    int tighter = 0;
    for (const NamedNetwork& nn : smallNetworks())
      for (uint64_t seed : {3u, 4u}) {
        const InputBox box = randomBox(3, seed == 3 ? 0.1 : 0.5, seed);
        auto got = certifyBox(*cc.value, nn.net, box);
        QVERIFY2(got.ok(), got.diagnostics.empty() ? "?" : got.diagnostics.front().message.c_str());
        const std::vector<LayerBounds> ref = referenceLpRefine(nn.net, box, &tighter);
        compareSafe(toLayerBounds(*got.value), ref, nn.name);
        SamplingOptions sampling;
        sampling.uniformSamples = 200;
        const SoundnessReport report = checkSoundness(nn.net, box, toLayerBounds(*got.value), sampling);
        QVERIFY2(report.sound(), report.describe().c_str());
      }
    QVERIFY2(tighter > 0, "the LP never did better than interval arithmetic: the equalities were not used");
  }

  void ctEqualityIsSampled() {
    const std::string good = readTextFile(sourcePath("tests/golden/ir/constructs/lp_refine.cf"));
    const std::string from = "(prev.dot(curr[weight]) + curr[bias]) == curr);";
    std::string bad = good;
    const size_t at = bad.find(from);
    QVERIFY(at != std::string::npos);
    bad.replace(at, from.size(), "(prev.dot(curr[weight]) + curr[bias] + 1) == curr);");
    const Network net = randomMlp(4, {6, 5}, {LayerOp::Relu, LayerOp::Relu}, 3, 12);
    Property p;
    PropertyItem item;
    item.label = 0;
    item.center = Eigen::VectorXd::LinSpaced(4, -0.5, 0.5);
    item.box = {item.center.array() - 0.2, item.center.array() + 0.2};
    p.items = {item};
    for (const std::string* spec : std::vector<const std::string*>{&good, &bad}) {
      const auto cc = compileCertifier(*spec);
      QVERIFY2(cc.ok(), cc.diagnostics.empty() ? "?" : cc.diagnostics.front().message.c_str());
      SoundnessOptions o;
      o.samples = 50;
      o.constraints = shapeConstraints(*spec, *cc);
      const auto sum = checkSoundnessBySampling(*cc, net, p, o);
      QVERIFY2(sum.ok(), sum.diagnostics.empty() ? "?" : sum.diagnostics.front().message.c_str());
      QVERIFY(std::find(sum.value->checkedConstraints.begin(), sum.value->checkedConstraints.end(), "curr[c]") !=
              sum.value->checkedConstraints.end());
      int cViolations = 0;
      for (const auto& v : sum.value->violations)
        if (v.member == "c") {
          ++cViolations;
          QCOMPARE(v.lower, 0.0);
          QVERIFY(std::abs(v.value - 1.0) < 1e-9);  // e = (W x + b + 1) - y at the sample: 1
        }
      if (spec == &good) QCOMPARE(cViolations, 0);
      else QVERIFY2(cViolations > 0, "a wrong stored equality passed the sampled check");
    }
  }

  void lpOverEquationsEqualsReference() {
    const std::string spec = widenedDeepPoly() + kVegasBackward;
    auto cc = compileCertifier(spec);
    QVERIFY2(cc.ok(), cc.diagnostics.empty() ? "?" : cc.diagnostics.front().message.c_str());
    QCOMPARE(cc.value->reverseRules.count("rev_Affine"), size_t(1));
    int changed = 0;
    for (const NamedNetwork& nn : smallNetworks())
      for (uint64_t seed : {3u, 4u}) {
        const InputBox box = randomBox(3, seed == 3 ? 0.1 : 1.0, seed);
        auto got = certifyBox(*cc.value, nn.net, box);
        QVERIFY2(got.ok(), got.diagnostics.empty() ? "?" : got.diagnostics.front().message.c_str());
        auto ref = referenceDeepPoly(nn.net, box);
        QVERIFY(ref.ok());
        widenRelus(nn.net, *ref.value);
        const std::vector<LayerBounds> forward = *ref.value;
        referenceVegasBackward(nn.net, *ref.value);
        compareSafe(toLayerBounds(*got.value), *ref.value, nn.name);
        std::string where;
        if (maxRelativeDifference(*ref.value, forward, &where) > 1e-6) ++changed;
        SamplingOptions sampling;
        sampling.uniformSamples = 200;
        const SoundnessReport report = checkSoundness(nn.net, box, toLayerBounds(*got.value), sampling);
        QVERIFY2(report.sound(), report.describe().c_str());
      }
    QVERIFY2(changed > 0, "the backward LPs never tightened the forward bounds");
  }
};

QTEST_APPLESS_MAIN(TestLpConstructs)
#include "tst_lp_constructs.moc"
