// VNN-LIB: boxes, output DNF coefficients, mixed disjunctions, numbers, errors with line:col.
#include <QtTest>

#include <fstream>

#include "core/network/network.h"
#include "core/property/vnnlib.h"
#include "tests/support/test_paths.h"

using namespace cert;

namespace {

Eigen::VectorXd vec(std::initializer_list<double> v) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double d : v) out[i++] = d;
  return out;
}

bool near(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return a.size() == b.size() && (a.size() == 0 || (a - b).cwiseAbs().maxCoeff() < 1e-12);
}

bool sameIneq(const OutputInequality& q, const Eigen::VectorXd& coeffs, double constant) {
  return near(q.coeffs, coeffs) && std::abs(q.constant - constant) < 1e-12;
}

std::string messages(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds) out += formatDiagnostic("f", d) + "\n";
  return out;
}

const char* kDecls =
    "(declare-const X_0 Real)\n"
    "(declare-const X_1 Real)\n"
    "(declare-const Y_0 Real)\n"
    "(declare-const Y_1 Real)\n";
const char* kBounds =
    "(assert (<= X_0 1))\n"
    "(assert (>= X_0 0))\n"
    "(assert (<= X_1 1))\n"
    "(assert (>= X_1 0))\n";

}  // namespace

class TestVnnlib : public QObject {
  Q_OBJECT

 private slots:
  void readsBoxAndOutputConstraint() {
    const std::string text = std::string(kDecls) +
                             "; a comment (with parentheses\n"
                             "(assert (<= X_0 0.5))   ; trailing comment\n"
                             "(assert (>= X_0 -0.5))\n"
                             "(assert (<= 0.25 X_1))\n"          // lower bound written backwards
                             "(assert (>= (* -2 X_1) -1.5))\n"   // -2 x + 1.5 >= 0: x <= 0.75
                             "(assert (<= Y_0 Y_1))\n";
    auto r = parseVnnlib(text, 2, 2, "dir/p.vnnlib");
    QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
    QCOMPARE(r->items.size(), size_t{1});
    const PropertyItem& it = r->items[0];
    QCOMPARE(it.name, std::string("p.vnnlib"));
    QVERIFY(near(it.box.lower, vec({-0.5, 0.25})));
    QVERIFY(near(it.box.upper, vec({0.5, 0.75})));
    QVERIFY(near(it.center, vec({0.0, 0.5})));
    QCOMPARE(it.unsafe.size(), size_t{1});
    QCOMPARE(it.unsafe[0].size(), size_t{1});
    QVERIFY(sameIneq(it.unsafe[0][0], vec({-1, 1}), 0));  // Y_1 - Y_0 >= 0
    QVERIFY(!it.label.has_value());
  }

  void convertsOutputDnf() {
    const std::string text = std::string(kDecls) + kBounds +
                             "(declare-const Y_2 Real)\n"
                             "(assert (or (and (<= Y_0 Y_1) (>= Y_2 0.3))\n"
                             "            (and (>= (+ Y_0 (* 2.0 Y_1)) (- Y_2 1e-1)))\n"
                             "            (< (- Y_0) 2.5E+1)\n"
                             "            (= Y_1 (/ Y_2 4))))\n";
    auto r = parseVnnlib(text, 2, 3);
    QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
    QCOMPARE(r->items.size(), size_t{1});
    const auto& dnf = r->items[0].unsafe;
    QCOMPARE(dnf.size(), size_t{4});
    QCOMPARE(dnf[0].size(), size_t{2});
    QVERIFY(sameIneq(dnf[0][0], vec({-1, 1, 0}), 0));    // Y_1 - Y_0 >= 0
    QVERIFY(sameIneq(dnf[0][1], vec({0, 0, 1}), -0.3));  // Y_2 - 0.3 >= 0
    QCOMPARE(dnf[1].size(), size_t{1});
    QVERIFY(sameIneq(dnf[1][0], vec({1, 2, -1}), 0.1));  // Y_0 + 2 Y_1 - Y_2 + 0.1 >= 0
    QCOMPARE(dnf[2].size(), size_t{1});
    QVERIFY(sameIneq(dnf[2][0], vec({1, 0, 0}), 25));    // strict < kept as <=: 25 + Y_0 >= 0
    QCOMPARE(dnf[3].size(), size_t{2});                  // = is two inequalities
    QVERIFY(sameIneq(dnf[3][0], vec({0, -1, 0.25}), 0));
    QVERIFY(sameIneq(dnf[3][1], vec({0, 1, -0.25}), 0));
  }

  void splitsMixedDisjunctionsPerInputBox() {
    // ACAS Xu style: each disjunct carries its own box and its own output conjunction.
    const std::string text = std::string(kDecls) +
                             "(assert (or\n"
                             "  (and (>= X_0 0) (<= X_0 1) (>= X_1 -1) (<= X_1 1) (<= Y_0 Y_1))\n"
                             "  (and (>= X_0 2) (<= X_0 3) (>= X_1 -1) (<= X_1 1) (>= Y_0 5) (<= Y_1 -2e0))\n"
                             "  (and (<= X_1 1) (>= X_1 -1) (<= X_0 1) (>= X_0 0) (>= Y_1 7))))\n";
    auto r = parseVnnlib(text, 2, 2, "prop.vnnlib");
    QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
    QCOMPARE(r->items.size(), size_t{2});  // disjuncts 0 and 2 share a box
    const PropertyItem& a = r->items[0];
    const PropertyItem& b = r->items[1];
    QCOMPARE(a.name, std::string("disjunct 0 of prop.vnnlib"));
    QCOMPARE(b.index, 1);
    QVERIFY(near(a.box.lower, vec({0, -1})));
    QVERIFY(near(a.box.upper, vec({1, 1})));
    QVERIFY(near(b.box.lower, vec({2, -1})));
    QVERIFY(near(b.box.upper, vec({3, 1})));
    QCOMPARE(a.unsafe.size(), size_t{2});
    QVERIFY(sameIneq(a.unsafe[0][0], vec({-1, 1}), 0));
    QVERIFY(sameIneq(a.unsafe[1][0], vec({0, 1}), -7));
    QCOMPARE(b.unsafe.size(), size_t{1});
    QCOMPARE(b.unsafe[0].size(), size_t{2});
    QVERIFY(sameIneq(b.unsafe[0][0], vec({1, 0}), -5));
    QVERIFY(sameIneq(b.unsafe[0][1], vec({0, -1}), -2));
  }

  void intersectsTopLevelBoxWithDisjuncts() {
    const std::string text = std::string(kDecls) + kBounds +
                             "(assert (or (and (<= X_0 0.5) (>= Y_0 1)) (and (>= X_0 0.5) (>= Y_1 1))))\n"
                             "(assert (<= -1 X_1 0.5))\n";  // a chain: -1 <= X_1 <= 0.5
    auto r = parseVnnlib(text, 2, 2);
    QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
    QCOMPARE(r->items.size(), size_t{2});
    QVERIFY(near(r->items[0].box.lower, vec({0, 0})));
    QVERIFY(near(r->items[0].box.upper, vec({0.5, 0.5})));
    QVERIFY(near(r->items[1].box.lower, vec({0.5, 0})));
    QVERIFY(near(r->items[1].box.upper, vec({1, 0.5})));
  }

  void dropsEmptyDisjunctsWithWarning() {
    const std::string text = std::string(kDecls) + kBounds +
                             "(assert (or (and (>= X_0 2) (>= Y_0 1)) (>= Y_1 1)))\n";
    auto r = parseVnnlib(text, 2, 2);
    QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
    QCOMPARE(r->items.size(), size_t{1});
    QCOMPARE(r->items[0].unsafe.size(), size_t{1});
    QVERIFY(sameIneq(r->items[0].unsafe[0][0], vec({0, 1}), -1));
    QCOMPARE(r.diagnostics.size(), size_t{1});
    QCOMPARE(r.diagnostics[0].severity, Severity::Warning);
  }

  void infersSizesWithoutNetwork() {
    auto r = parseVnnlib(std::string(kDecls) + kBounds + "(assert (>= Y_1 0))\n", -1, -1);
    QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
    QCOMPARE(r->items[0].box.lower.size(), Eigen::Index{2});
    QCOMPARE(r->items[0].unsafe[0][0].coeffs.size(), Eigen::Index{2});
  }

  void readsFileAndNormalizes() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("n.vnnlib").toStdString();
    std::ofstream(path) << kDecls << "(assert (<= X_0 0.5))\n(assert (>= X_0 0.25))\n"
                        << "(assert (<= X_1 1))\n(assert (>= X_1 0))\n(assert (>= Y_0 Y_1))\n";
    Network net;
    net.inputShape = {2};
    Layer in;
    in.shape = {2};
    net.layers.push_back(in);
    Layer out;
    out.op = LayerOp::Affine;
    out.shape = {2};
    net.layers.push_back(out);
    assignNeuronRanges(net);
    net.normalization.scale = vec({-2, 3});
    net.normalization.shift = vec({1, -1});
    auto r = readVnnlib(path, net);
    QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
    QCOMPARE(r->source, path);
    const PropertyItem& it = r->items[0];
    QVERIFY(near(it.box.lower, vec({0.0, -1})));  // -2 * 0.5 + 1, 3 * 0 - 1
    QVERIFY(near(it.box.upper, vec({0.5, 2})));   // -2 * 0.25 + 1, 3 * 1 - 1
    QVERIFY(near(it.center, vec({0.25, 0.5})));   // raw midpoint (0.375, 0.5) normalized
    QVERIFY(sameIneq(it.unsafe[0][0], vec({1, -1}), 0));

    auto missing = readVnnlib(dir.filePath("none.vnnlib").toStdString(), net);
    QVERIFY(!missing.ok());
    QVERIFY(missing.diagnostics[0].message.find("cannot read") != std::string::npos);
  }

  void readsAcasXuStyleFile() {
    Network net;  // 5 inputs, 5 outputs, identity normalization
    Layer in;
    in.shape = {5};
    net.layers.push_back(in);
    Layer out;
    out.op = LayerOp::Affine;
    out.shape = {5};
    net.layers.push_back(out);
    assignNeuronRanges(net);
    auto r = readVnnlib(test::sourcePath("tests/golden/vnnlib/acasxu_prop_6.vnnlib"), net);
    QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
    QCOMPARE(r->items.size(), size_t{2});
    QVERIFY(near(r->items[0].box.lower, vec({-0.129289109, -0.499999896, -0.499999896, -0.5, -0.5})));
    QVERIFY(near(r->items[0].box.upper, vec({0.700434925, -0.111408931, -0.499204121, 0.5, 0.5})));
    QVERIFY(near(r->items[1].box.lower, vec({-0.129289109, 0.111408931, -0.499999896, -0.5, -0.5})));
    for (const PropertyItem& it : r->items) {
      QCOMPARE(it.unsafe.size(), size_t{4});
      for (int j = 1; j <= 4; ++j) {  // Y_0 - Y_j >= 0
        Eigen::VectorXd c = Eigen::VectorXd::Zero(5);
        c[0] = 1;
        c[j] = -1;
        QCOMPARE(it.unsafe[size_t(j - 1)].size(), size_t{1});
        QVERIFY(sameIneq(it.unsafe[size_t(j - 1)][0], c, 0));
      }
    }
  }

  void reportsErrors_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("col");
    QTest::addColumn<QString>("fragment");
    const QString pre = QString(kDecls) + kBounds;  // lines 1-8; the bad line is line 9
    QTest::newRow("non-linear") << pre + "(assert (<= (* Y_0 Y_1) 0))\n" << 9 << 13 << "non-linear term";
    QTest::newRow("division by variable") << pre + "(assert (<= Y_0 (/ Y_1 Y_0)))\n" << 9 << 17
                                          << "non-linear term: division";
    QTest::newRow("unknown function") << pre + "(assert (foo X_0 1))\n" << 9 << 10 << "unknown function 'foo'";
    QTest::newRow("unknown term function") << pre + "(assert (<= (max Y_0 Y_1) 0))\n" << 9 << 14
                                           << "unknown function 'max'";
    QTest::newRow("undeclared") << pre + "(assert (<= Z 1))\n" << 9 << 13 << "undeclared name 'Z'";
    QTest::newRow("undeclared X") << pre + "(assert (<= X_3 1))\n" << 9 << 13 << "undeclared name 'X_3'";
    QTest::newRow("mixed atom") << pre + "(assert (<= X_0 Y_0))\n" << 9 << 9 << "mixing inputs and outputs";
    QTest::newRow("two inputs") << pre + "(assert (<= X_0 X_1))\n" << 9 << 9 << "several inputs";
    QTest::newRow("bad number") << pre + "(assert (<= Y_0 1e))\n" << 9 << 17 << "invalid number '1e'";
    QTest::newRow("unclosed") << pre + "(assert (<= Y_0 1)\n(assert (<= Y_1 1))\n" << 9 << 1 << "never closed";
    QTest::newRow("extra paren") << pre + "(assert (<= Y_0 1)))\n" << 9 << 20 << "without a matching '('";
    QTest::newRow("unknown command") << pre + "(define-fun f () Real 1)\n" << 9 << 2
                                     << "unknown command 'define-fun'";
    QTest::newRow("input out of range") << pre + "(declare-const X_9 Real)\n" << 9 << 16
                                        << "X_9 is out of range: the network has 2 inputs (X_0..X_1)";
    QTest::newRow("output out of range") << pre + "(declare-const Y_3 Real)\n" << 9 << 16
                                         << "Y_3 is out of range: the network has 3 outputs";
    QTest::newRow("bad name") << pre + "(declare-const foo Real)\n" << 9 << 16 << "unsupported variable name 'foo'";
    QTest::newRow("bad index") << pre + "(declare-const X_a Real)\n" << 9 << 16 << "unsupported variable name 'X_a'";
    QTest::newRow("leading zero") << pre + "(declare-const X_01 Real)\n" << 9 << 16
                                  << "unsupported variable name 'X_01'";
    QTest::newRow("bad sort") << pre + "(declare-const Y_2 Int)\n" << 9 << 20 << "unsupported sort 'Int'";
    QTest::newRow("declared twice") << pre + "(declare-const X_1 Real)\n" << 9 << 16 << "X_1 is declared twice";
    QTest::newRow("no upper bound") << QString(kDecls) + "(assert (<= X_0 1))\n(assert (>= X_0 0))\n"
                                           "(assert (>= X_1 0))\n"
                                    << 2 << 16 << "X_1 has no upper bound";
    QTest::newRow("unbounded") << QString(kDecls) + "(assert (<= X_1 1))\n(assert (>= X_1 0))\n" << 1 << 16
                               << "X_0 has no bounds";
    QTest::newRow("unbounded in a disjunct")
        << QString(kDecls) + "(assert (<= X_1 1))\n(assert (>= X_1 0))\n"
                             "(assert (or (and (>= X_0 0) (<= X_0 1)) (>= X_0 0)))\n(assert (>= Y_0 0))\n"
        << 1 << 16 << "X_0 has no upper bound in disjunct 1";
    QTest::newRow("network input not declared")
        << "(declare-const X_0 Real)\n(assert (<= X_0 1))\n(assert (>= X_0 0))\n" << 0 << 0
        << "X_1 is not declared; the network has 2 inputs";
  }

  void reportsErrors() {
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(int, col);
    QFETCH(QString, fragment);
    auto r = parseVnnlib(text.toStdString(), 2, 3);
    QVERIFY(!r.ok());
    QVERIFY(!r.value.has_value());
    QCOMPARE(r.diagnostics.size(), size_t{1});
    const Diagnostic& d = r.diagnostics[0];
    QCOMPARE(d.severity, Severity::Error);
    QVERIFY2(d.message.find(fragment.toStdString()) != std::string::npos, d.message.c_str());
    QCOMPARE(d.range.begin.line, line);
    QCOMPARE(d.range.begin.col, col);
  }

  void reportsSeveralIndependentErrors() {
    const std::string text =
        "(declare-const X_0 Real)\n"
        "(declare-const X_7 Real)\n"
        "(assert (<= X_0 (foo 1)))\n"
        "(assert (>= X_0 Q))\n"
        "(assert (<= X_7 1))\n";  // X_7 was rejected: no second report for it
    auto r = parseVnnlib(text, 1, 1);
    QCOMPARE(r.diagnostics.size(), size_t{3});
    QCOMPARE(r.diagnostics[0].range.begin, (SourcePos{2, 16, 40}));
    QCOMPARE(r.diagnostics[1].range.begin.line, 3);
    QCOMPARE(r.diagnostics[1].range.begin.col, 18);
    QCOMPARE(r.diagnostics[2].range.begin.line, 4);
    QCOMPARE(r.diagnostics[2].range.begin.col, 17);
  }
};

QTEST_APPLESS_MAIN(TestVnnlib)
#include "tst_vnnlib.moc"
