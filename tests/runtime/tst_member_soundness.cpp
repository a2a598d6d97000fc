// Soundness sampling of what `run` computes: every member of every layer, the margins included.
// Planted bugs (a ReLU lower bound of u, a wrong-sign back-substitution, a rule that breaks only on
// the margins layer) are found, and each violation's input, re-run by an independent forward pass
// written here, really leaves the bound the certifier proved; the shipped specs are sound.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "runtime/shape_constraints.h"
#include "runtime/soundness.h"
#include "tests/support/random_network.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) qFatal("'%s' is not in the spec", from.c_str());
  return text.replace(at, from.size(), to);
}

/// An independent forward pass for Input / Affine / Relu networks: every layer's values.
std::vector<Eigen::VectorXd> referenceForward(const Network& net, const Eigen::VectorXd& x) {
  std::vector<Eigen::VectorXd> v;
  for (const Layer& l : net.layers) {
    if (l.op == LayerOp::Input) {
      v.push_back(x);
      continue;
    }
    const Eigen::VectorXd& in = v[static_cast<size_t>(l.inputs.at(0))];
    Eigen::VectorXd out(l.size());
    for (int64_t i = 0; i < l.size(); ++i) {
      if (l.op == LayerOp::Relu) {
        out[i] = in[i] > 0 ? in[i] : 0;
        continue;
      }
      double s = l.bias[i];
      for (int64_t j = 0; j < in.size(); ++j) s += l.weight(i, j) * in[j];
      out[i] = s;
    }
    v.push_back(out);
  }
  return v;
}

Network mlp(uint64_t seed) { return test::randomMlp(5, {8, 8}, {LayerOp::Relu, LayerOp::Relu}, 3, seed); }

Property labelled(const Network& net, double radius) {
  Property p;
  PropertyItem item;
  item.label = 1;
  item.center = Eigen::VectorXd::LinSpaced(net.inputSize(), -0.5, 0.5);
  item.box = {item.center.array() - radius, item.center.array() + radius};
  p.items = {item};
  return p;
}

struct Checked {
  SoundnessSummary summary;
  ItemResult run;  ///< what certify() proved for the item
};

Checked check(const std::string& specText, const Network& net, const Property& p, int samples = 60) {
  const auto cc = compileCertifier(specText);
  if (!cc.ok()) qFatal("the spec does not compile: %s", cc.diagnostics.front().message.c_str());
  SoundnessOptions o;
  o.samples = samples;
  o.constraints = shapeConstraints(specText, *cc);
  const auto sum = checkSoundnessBySampling(*cc, net, p, o);
  if (!sum.ok()) qFatal("the check failed: %s", sum.diagnostics.front().message.c_str());
  const auto run = certify(*cc, net, p);
  if (!run.ok()) qFatal("the run failed");
  return {*sum, run->items.front()};
}

/// The violation's input, re-run here: the neuron's value matches and is outside the range.
/// For an [l, u] violation the range is the one certify() proved (margins: the margin bounds).
QString confirm(const Checked& c, const Network& net, const SoundnessViolation& v) {
  if (v.input < 0 || static_cast<size_t>(v.input) >= c.summary.inputs.size()) return "no input";
  const Eigen::VectorXd& x = c.summary.inputs[static_cast<size_t>(v.input)];
  const std::vector<Eigen::VectorXd> values = referenceForward(net, x);
  double value = 0;
  if (static_cast<size_t>(v.layer) < net.layers.size()) {
    value = values[static_cast<size_t>(v.layer)][v.neuron];
  } else {  // margins: y_label - y_j, j != label
    const Eigen::VectorXd& y = values.back();
    const int64_t j = v.neuron < 1 ? v.neuron : v.neuron + 1;
    value = y[1] - y[j];
  }
  if (std::abs(value - v.value) > 1e-9 * (1 + std::abs(value))) return QString("value %1 vs %2").arg(value).arg(v.value);
  if (v.member.empty()) {
    const bool margin = static_cast<size_t>(v.layer) == net.layers.size();
    const double lo = margin ? c.run.marginLower[v.neuron] : c.run.layers[static_cast<size_t>(v.layer)].lower[v.neuron];
    const double hi = margin ? c.run.marginUpper[v.neuron] : c.run.layers[static_cast<size_t>(v.layer)].upper[v.neuron];
    if (lo != v.lower || hi != v.upper) return "not the proved bounds";
    if (value >= lo - 1e-9 && value <= hi + 1e-9) return QString("%1 is inside [%2, %3]").arg(value).arg(lo).arg(hi);
  } else if (value >= v.lower - 1e-9 && value <= v.upper + 1e-9) {
    return QString("%1 is inside the member's [%2, %3]").arg(value).arg(v.lower).arg(v.upper);
  }
  return {};
}

std::vector<std::string> shippedSpecs() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(test::sourcePath("specs")))
    if (e.path().extension() == ".cf") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

class TestMemberSoundness : public QObject {
  Q_OBJECT

 private slots:
  void reluLowerOfUIsFound();
  void wrongSignBacksubstitutionIsFound();
  void marginsOnlyBugIsFound();
  void shippedSpecsAreSound();
  void declaredConstraintsAreRead();
  void inputMembersStartWhereTheirConstraintsSay();
  void memberBoundingCurrBothWaysIsRefused();
};

void TestMemberSoundness::reluLowerOfUIsFound() {
  const std::string spec = replaced(test::readTextFile(test::sourcePath("specs/deeppoly.cf")),
                                    "func relu_lower(Neuron n) = (n[u] > -n[l]) ? n : 0;",
                                    "func relu_lower(Neuron n) = n[u];");
  const Network net = mlp(3);
  const Checked c = check(spec, net, labelled(net, 0.4));
  QVERIFY(!c.summary.violations.empty());
  bool memberL = false;
  for (const SoundnessViolation& v : c.summary.violations) {
    const QString why = confirm(c, net, v);
    QVERIFY2(why.isEmpty(), qPrintable(QString::fromStdString(describeViolation(v)) + ": " + why));
    if (v.member == "L" && net.layers[static_cast<size_t>(v.layer)].op == LayerOp::Relu) {
      // L = u (a constant): the value must be >= the neuron's own proven upper bound.
      QCOMPARE(v.lower, c.run.layers[static_cast<size_t>(v.layer)].upper[v.neuron]);
      QVERIFY(v.value < v.lower);
      memberL = true;
    }
  }
  QVERIFY2(memberL, "the L member of a Relu layer is named");
}

void TestMemberSoundness::wrongSignBacksubstitutionIsFound() {
  const std::string spec = replaced(test::readTextFile(test::sourcePath("specs/deeppoly.cf")),
                                    "func replace_lower(Neuron n, Float c) = (c >= 0) ? (c * n[L]) : (c * n[U]);",
                                    "func replace_lower(Neuron n, Float c) = (c >= 0) ? (c * n[U]) : (c * n[L]);");
  const Network net = mlp(8);
  const Checked c = check(spec, net, labelled(net, 0.4));
  QVERIFY(!c.summary.violations.empty());
  int bounds = 0;
  for (const SoundnessViolation& v : c.summary.violations) {
    const QString why = confirm(c, net, v);
    QVERIFY2(why.isEmpty(), qPrintable(QString::fromStdString(describeViolation(v)) + ": " + why));
    bounds += v.member.empty();
  }
  QVERIFY2(bounds > 0, "some value leaves its proven [l, u]");
}

void TestMemberSoundness::marginsOnlyBugIsFound() {
  // IBP whose Affine rule is wrong on the last layer only: `run` appends the
  // margins layer, so only the margins are wrong; checking the network without them saw nothing.
  std::string spec = test::readTextFile(test::sourcePath("specs/ibp.cf"));
  const Network net = mlp(4);
  const Property p = labelled(net, 0.3);
  const Checked sound = check(spec, net, p);
  QCOMPARE(sound.summary.violations.size(), size_t{0});
  QCOMPARE(sound.summary.marginRows, int64_t{2});
  // The bad branch on the last layer: l = u = the upper bound, which every value below it leaves.
  const std::string rule = "Affine -> ((prev.dot(curr[weight]) + curr[bias]).map(simplify_lower),";
  const std::string upper = "(prev.dot(curr[weight]) + curr[bias]).map(simplify_upper)";
  const std::string bad = "Affine -> (curr[last_layer] == 1) ? (" + upper + ", " + upper + ") : ((prev.dot(curr[weight]) + curr[bias]).map(simplify_lower),";
  spec = replaced(spec, rule, bad);
  const Checked c = check(spec, net, p);
  QVERIFY2(!c.summary.violations.empty(), bad.c_str());
  for (const SoundnessViolation& v : c.summary.violations) {
    QCOMPARE(v.layer, static_cast<int>(net.layers.size()));
    QCOMPARE(v.layerName, std::string("margins"));
    const QString why = confirm(c, net, v);
    QVERIFY2(why.isEmpty(), qPrintable(QString::fromStdString(describeViolation(v)) + ": " + why));
  }
}

void TestMemberSoundness::shippedSpecsAreSound() {
  for (uint64_t seed : {1u, 2u})
    for (const std::string& name : shippedSpecs()) {
      const std::string spec = test::readTextFile(test::sourcePath("specs/" + name));
      const Network net = mlp(seed);
      const Checked c = check(spec, net, labelled(net, 0.3), 80);
      const std::string first = c.summary.violations.empty() ? "" : describeViolation(c.summary.violations.front());
      QVERIFY2(c.summary.violations.empty(), (name + ": " + first).c_str());
      QCOMPARE(c.summary.samples, int64_t{80});
      // The PolyExp and SymExp members were checked, not only [l, u].
      const auto& checked = c.summary.checkedConstraints;
      const std::string text = std::accumulate(checked.begin(), checked.end(), std::string(),
                                               [](std::string a, const std::string& b) { return a + b + ";"; });
      if (spec.find("PolyExp L") != std::string::npos)
        QVERIFY2(text.find("curr[L]") != std::string::npos && text.find("curr[U]") != std::string::npos, text.c_str());
      if (spec.find("SymExp z") != std::string::npos) QVERIFY2(text.find("curr In curr[z]") != std::string::npos, text.c_str());
    }
}

void TestMemberSoundness::declaredConstraintsAreRead() {
  const std::string spec = test::readTextFile(test::sourcePath("specs/deeppoly_deepz.cf"));
  const auto cc = compileCertifier(spec);
  QVERIFY(cc.ok());
  const ShapeConstraints s = shapeConstraints(spec, *cc);
  QVERIFY(s.declared);
  QCOMPARE(s.checkable.size(), size_t{5});
  QCOMPARE(s.checkable[2].member, std::string("L"));
  QCOMPARE(s.checkable[2].relation, MemberConstraint::Relation::Lower);
  QCOMPARE(s.checkable[3].relation, MemberConstraint::Relation::Upper);
  QCOMPARE(s.checkable[4].member, std::string("z"));
  QCOMPARE(s.checkable[4].relation, MemberConstraint::Relation::Contains);
  QCOMPARE(s.checkable[4].text, std::string("curr In curr[z]"));
  QVERIFY(s.unchecked.empty());
  // A constraint between two members is not checkable neuron by neuron on a sample.
  const std::string other = replaced(spec, "(curr In curr[z])]", "(curr In curr[z]),(curr[l]<=curr[u])]");
  const ShapeConstraints t = shapeConstraints(other, *cc);
  QCOMPARE(t.unchecked.size(), size_t{1});
  QCOMPARE(t.unchecked[0], std::string("curr[l]<=curr[u]"));
}

// The input layer starts each member at the box end its shape constraint needs, whatever its
// name: here a PolyExp `hi` above curr and a PolyExp `U` below it (named as an upper bound). The
// input used to take u and U from the upper end and every other member from the lower one: both
// members left curr at the input and, through the Affine rule, at every later layer (found by
// sampling the published reuse_cert.cf, whose Uc started at the lower end).
void TestMemberSoundness::inputMembersStartWhereTheirConstraintsSay() {
  const std::string spec =
      "def Shape as (Float l, Float u, PolyExp hi, PolyExp U){[(curr[l]<=curr),(curr[u]>=curr),(curr[hi]>=curr),"
      "(curr[U]<=curr)]};\n"
      "func lo(Neuron n, Float c) = c >= 0 ? c * n[l] : c * n[u];\n"
      "func up(Neuron n, Float c) = c >= 0 ? c * n[u] : c * n[l];\n"
      "func above(Neuron n, Float c) = c >= 0 ? c * n[hi] : c * n[U];\n"
      "func below(Neuron n, Float c) = c >= 0 ? c * n[U] : c * n[hi];\n"
      "func priority(Neuron n) = n[layer];\n"
      "transformer t {\n"
      "  Affine -> ((prev.dot(curr[weight]) + curr[bias]).map(lo), (prev.dot(curr[weight]) + curr[bias]).map(up),\n"
      "             (prev.dot(curr[weight]) + curr[bias]).map(above), (prev.dot(curr[weight]) + curr[bias]).map(below));\n"
      "  Relu -> (prev[l] >= 0) ? (prev[l], prev[u], prev[hi], prev[U]) :\n"
      "          ((prev[u] <= 0) ? (0, 0, 0, 0) : (0, prev[u], prev[u], 0));\n"
      "}\n"
      "flow(forward, priority, false, t);\n";
  const auto cc = compileCertifier(spec);
  QVERIFY(cc.ok());
  QCOMPARE(cc->inputUpper, (std::vector<bool>{false, true, true, false}));
  const ShapeConstraints declared = shapeConstraints(spec, *cc);
  int checked = 0;  // hi and U are among the members the sampling checks
  for (const MemberConstraint& k : declared.checkable) checked += k.member == "hi" || k.member == "U";
  QCOMPARE(checked, 2);
  const Network net = mlp(5);
  const Checked c = check(spec, net, labelled(net, 0.3), 80);
  const std::string first = c.summary.violations.empty() ? "" : describeViolation(c.summary.violations.front());
  QVERIFY2(c.summary.violations.empty(), first.c_str());
  QCOMPARE(c.summary.samples, int64_t{80});
}

// A member the shape puts both below and above curr cannot start at either end of the input box:
// the spec is refused when it is compiled, the member named.
void TestMemberSoundness::memberBoundingCurrBothWaysIsRefused() {
  const std::string spec =
      "def Shape as (Float l, Float u, Float m){[(curr[l]<=curr),(curr[u]>=curr),(curr[m]<=curr),(curr[m]>=curr)]};\n"
      "func priority(Neuron n) = n[layer];\n"
      "transformer t { Relu -> (0, prev[u], 0); }\n"
      "flow(forward, priority, false, t);\n";
  const auto cc = compileCertifier(spec);
  QVERIFY(!cc.ok());
  QVERIFY2(cc.diagnostics.back().message.find("member 'm' from below and from above") != std::string::npos,
           cc.diagnostics.back().message.c_str());
}

QTEST_APPLESS_MAIN(TestMemberSoundness)
#include "tst_member_soundness.moc"
