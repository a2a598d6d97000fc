// Divisions by zero at run time (compiler/ir/scalar_ops.h): the value is poison (NaN) and every
// operator keeps it, comparisons and selects included, so a division by zero on the path a rule
// takes makes the bounds NaN and the verdict invalid, while one in a branch not taken is dropped.
// certc run proves its rules with divisors assumed non-zero (compiler/prove/run_proofs.h); this is
// the run-time half of that assumption.
#include <QtTest>

#include <cmath>
#include <limits>
#include <string>

#include "compiler/frontend.h"
#include "compiler/ir/scalar_ops.h"
#include "compiler/prove/run_proofs.h"
#include "core/network/network.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/prove/box_spec_parts.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

/// IBP whose Relu tests (u - l) / (u - l) > 0.5 (true wherever it is defined) and otherwise
/// claims [5, 5]: proved with divisors assumed non-zero, unsound where l = u (0 / 0).
const std::string kDividingRelu =
    test::kBoxShape + test::kBoxHelpers + "transformer t {\n" + test::kBoxAffine +
    "Relu -> ((prev[u] - prev[l]) / (prev[u] - prev[l]) > 0.5) ? "
    "((prev[l] >= 0) ? prev[l] : 0, (prev[u] >= 0) ? prev[u] : 0) : (5, 5);\n}\n" +
    test::kFlowOfT;

/// x [2] -> fc1 [2] (row 1 has no weights and bias 1: l = u = 1 for every input) -> Relu ->
/// fc2: y0 = r1, y1 = 2 r0 + 1.5. y1 > y0 for every input, so label 0 is never robust.
Network zeroRowNet() {
  Network net;
  Layer in;
  in.name = "x";
  in.op = LayerOp::Input;
  in.shape = {2};
  Layer fc1;
  fc1.name = "fc1";
  fc1.op = LayerOp::Affine;
  fc1.inputs = {0};
  fc1.shape = {2};
  fc1.weight = (Eigen::Matrix2d() << 1, -1, 0, 0).finished();
  fc1.bias = Eigen::Vector2d(0, 1);
  Layer relu;
  relu.name = "relu";
  relu.op = LayerOp::Relu;
  relu.inputs = {1};
  relu.shape = {2};
  Layer fc2 = fc1;
  fc2.name = "fc2";
  fc2.inputs = {2};
  fc2.weight = (Eigen::Matrix2d() << 0, 1, 2, 0).finished();
  fc2.bias = Eigen::Vector2d(0, 1.5);
  net.layers = {in, fc1, relu, fc2};
  assignNeuronRanges(net);
  return net;
}

Property labelZero() {
  Property p;
  PropertyItem item;
  item.label = 0;
  item.center = Eigen::Vector2d(0.3, 0.2);
  item.box = {item.center.array() - 0.05, item.center.array() + 0.05};
  p.items = {item};
  return p;
}

ItemResult certifyText(const std::string& spec, const Network& net) {
  const auto cc = compileCertifier(spec);
  if (!cc.ok()) qFatal("the spec does not compile: %s", cc.diagnostics.front().message.c_str());
  const auto r = certify(*cc, net, labelZero());
  if (!r.ok() || r->items.size() != 1) qFatal("the run fails");
  return r->items.front();
}

}  // namespace

class TestDivisionPoison : public QObject {
  Q_OBJECT

 private slots:
  void scalarOperatorsKeepPoison();
  void aDivisionByZeroOnTheTakenPathIsInvalid();
  void aDivisionByZeroInABranchNotTakenIsDropped();
};

void TestDivisionPoison::scalarOperatorsKeepPoison() {
  using ir::Op;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  QVERIFY(std::isnan(*ir::applyBinary(Op::Div, 1.0, 0.0)));  // not +inf
  QVERIFY(std::isnan(*ir::applyBinary(Op::Div, 0.0, 0.0)));
  QCOMPARE(*ir::applyBinary(Op::Div, 1.0, 4.0), 0.25);
  for (const Op op : {Op::Min, Op::Max, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Eq, Op::Ne, Op::And, Op::Or}) {
    QVERIFY(std::isnan(*ir::applyBinary(op, nan, 1.0)));
    QVERIFY(std::isnan(*ir::applyBinary(op, 1.0, nan)));
  }
  QVERIFY(std::isnan(*ir::applyUnary(Op::Not, nan)));
  QCOMPARE(*ir::applyBinary(Op::Gt, 2.0, 1.0), 1.0);
  QCOMPARE(*ir::applyBinary(Op::Max, -0.5, 1.0), 1.0);
  QCOMPARE(*ir::applyUnary(Op::Not, 0.0), 1.0);
}

void TestDivisionPoison::aDivisionByZeroOnTheTakenPathIsInvalid() {
  // The prover, with divisors assumed non-zero as a run proves, finds nothing wrong ...
  const FrontendResult fe = runFrontend(kDividingRelu);
  QVERIFY(fe.ok());
  prove::forgetRememberedProofs();
  const prove::RunProofs proofs = prove::proveRunRules(kDividingRelu, "t", {"Affine", "Relu"}, {});
  QCOMPARE(proofs.rules.size(), size_t(2));
  QVERIFY2(!proofs.refutation(), proofs.summary().c_str());
  // ... but fc1's neuron 1 has l = u = 1: 0 / 0 on the path the rule takes. IEEE's NaN > 0.5 is
  // false and would pick [5, 5] for a value that is 1, and verify label 0 (y0 in [5, 5], y1 about
  // 2): a lie. Poison keeps the comparison, the select and the bounds NaN: invalid.
  const Network net = zeroRowNet();
  const ItemResult r = certifyText(kDividingRelu, net);
  QVERIFY(!r.verified);
  QCOMPARE(r.verdict, Verdict::Invalid);
  QVERIFY2(r.reason.rfind("NaN in layer 2 'relu' neuron 1", 0) == 0, r.reason.c_str());
  QVERIFY(std::isnan(r.layers[2].lower[1]) && std::isnan(r.layers[2].upper[1]));
  // The neuron whose divisor is not zero keeps its interval bounds.
  QVERIFY(r.layers[2].lower[0] >= 0 && r.layers[2].upper[0] > r.layers[2].lower[0]);
}

void TestDivisionPoison::aDivisionByZeroInABranchNotTakenIsDropped() {
  // DeepPoly's and CROWN's Relu rules compute u / (u - l) for every neuron and keep it only where
  // l < 0 < u: fc1's neuron 1 (l = u = 1) divides by zero in the branch not taken, and its bounds
  // are exactly [1, 1]; the label is not verified (y1 > y0), and nothing is invalid.
  const Network net = zeroRowNet();
  for (const char* spec : {"deeppoly.cf", "crown.cf", "deeppoly_eran.cf", "deepz.cf", "ibp.cf"}) {
    const ItemResult r = certifyText(test::readTextFile(test::sourcePath(std::string("specs/") + spec)), net);
    QVERIFY2(r.verdict == Verdict::NotVerified, (std::string(spec) + ": " + r.reason).c_str());
    QCOMPARE(r.layers[2].lower[1], 1.0);
    QCOMPARE(r.layers[2].upper[1], 1.0);
  }
}

QTEST_APPLESS_MAIN(TestDivisionPoison)
#include "tst_division_poison.moc"
