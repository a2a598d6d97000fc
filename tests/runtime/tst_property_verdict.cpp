// VNN-LIB verdicts: an item is verified when every conjunction of its unsafe DNF has an atom whose
// certified upper bound is negative (the atoms are certified as an appended Affine layer).
#include <QtTest>

#include <fstream>
#include <sstream>

#include "core/network/onnx_import.h"
#include "core/property/vnnlib.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

const char* kHeader =
    "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n"
    "(assert (>= X_0 -1.0))\n(assert (<= X_0 1.0))\n(assert (>= X_1 -1.0))\n(assert (<= X_1 1.0))\n";

}  // namespace

class TestPropertyVerdict : public QObject {
  Q_OBJECT

  Network net_;

  ItemResult run(const std::string& spec, const std::string& outputAssertions) {
    auto cc = compileCertifier(test::readTextFile(test::sourcePath("specs/" + spec)));
    if (!cc.ok()) qFatal("spec does not compile");
    auto prop = parseVnnlib(std::string(kHeader) + outputAssertions, 2, 2, "t.vnnlib");
    if (!prop.ok()) qFatal("vnnlib does not parse");
    auto r = certify(*cc, net_, *prop);
    if (!r.ok()) qFatal("certify failed");
    return r->items.front();
  }

 private slots:
  void initTestCase() {
    auto net = importOnnxFile(test::sourcePath("resources/networks/deeppoly_example.onnx"));
    QVERIFY(net.ok());
    net_ = *net;
  }

  // The DeepPoly paper's example: x11 - x12 >= 1 by DeepPoly; intervals give x11 in [1, 7] and
  // x12 in [0, 2].
  void deepPolyProvesThePaperProperty() {
    const ItemResult r = run("deeppoly.cf", "(assert (<= Y_0 Y_1))\n");
    QVERIFY(r.verified);
    QCOMPARE(r.marginUpper.size(), Eigen::Index{1});
    QVERIFY(std::abs(r.marginUpper[0] - (-1.0)) < 1e-9);  // upper bound of y1 - y0 is -1
  }

  // The output intervals alone cannot refute it (u_x12 - l_x11 = 2 - 1 = 1 > 0), but the atom
  // x12 - x11 is folded into the last affine layer (core/network/margin_folding.h):
  // x10 - (x9 + x10 + 1) = -x9 - 1 <= -1, since x9 = relu(x7) >= 0. IBP proves it since issue 15.
  void ibpProvesItFolded() {
    const ItemResult r = run("ibp.cf", "(assert (<= Y_0 Y_1))\n");
    const LayerBoundsResult& y = r.layers.back();
    QVERIFY(std::abs((y.upper[1] - y.lower[0]) - 1.0) < 1e-9);
    QVERIFY(r.verified);
    QVERIFY(std::abs(r.marginUpper[0] - (-1.0)) < 1e-9);
  }

  // A disjunction is refuted only when each disjunct is: y0 >= 100 is refuted (y0 <= 5.5), but
  // y1 >= 0 holds somewhere (x12 in [0, 2]).
  void everyDisjunctMustBeRefuted() {
    const ItemResult refutedBoth = run("deeppoly.cf", "(assert (or (and (>= Y_0 100.0)) (and (<= Y_0 Y_1))))\n");
    QVERIFY(refutedBoth.verified);
    const ItemResult oneHolds = run("deeppoly.cf", "(assert (or (and (>= Y_0 100.0)) (and (>= Y_1 0.0))))\n");
    QVERIFY(!oneHolds.verified);
    // Inside one conjunction, refuting a single atom is enough.
    const ItemResult conj = run("deeppoly.cf", "(assert (and (>= Y_1 0.0) (>= Y_0 100.0)))\n");
    QVERIFY(conj.verified);
  }
};

QTEST_APPLESS_MAIN(TestPropertyVerdict)
#include "tst_property_verdict.moc"
