// Bounds on every property input path: VNN-LIB nesting depth and non-finite numbers, dataset
// labels against the network's outputs, 64-bit row indices and counts, the pixel scale's range.
#include <QtTest>

#include <cstdint>
#include <limits>

#include "core/network/onnx_builder.h"
#include "core/property/dataset_csv.h"
#include "core/property/sexpr.h"
#include "core/property/vnnlib.h"
#include "tests/support/tiny_models.h"

using namespace cert;
using namespace cert::test;

namespace {

const char* const kDecls =
    "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n"
    "(assert (>= X_0 0))\n(assert (<= X_0 1))\n";

/// kDecls and an output assert whose formula sits inside `depth` (and ...) wrappers.
std::string nested(int depth) {
  std::string s = kDecls;
  s += "(assert ";
  for (int i = 0; i < depth; ++i) s += "(and ";
  s += "(>= Y_0 Y_1)";
  s += std::string(static_cast<size_t>(depth), ')');
  s += ")\n";
  return s;
}

bool anyMessage(const Diagnostics& diags, const std::string& text) {
  for (const Diagnostic& d : diags)
    if (d.message.find(text) != std::string::npos) return true;
  return false;
}

/// A 4-input, 3-output network named "test" (labels 0..2).
Network tinyNetwork() {
  OnnxBuilder b("tiny", 13);
  b.addInput("x", {1, 4});
  b.addInitializer("w", {4, 3}, testWeights(12, 11));
  b.addNode("MatMul", {"x", "w"}, {"y"});
  b.addOutput("y", {1, 3});
  Result<Network> r = importModel(b);
  return r ? *r : Network{};
}

std::vector<DatasetRow> rows(std::initializer_list<int> labels) {
  std::vector<DatasetRow> out;
  for (int l : labels) out.push_back(DatasetRow{l, {0, 64, 128, 255}, {1, 1, 0}});
  return out;
}

}  // namespace

class TestInputLimits : public QObject {
  Q_OBJECT

 private slots:
  void vnnlibNesting_data();
  void vnnlibNesting();
  void vnnlibNonFiniteNumbers_data();
  void vnnlibNonFiniteNumbers();
  void labelBeyondTheOutputs();
  void rowIndexAndCountAre64Bit();
  void pixelScaleRange_data();
  void pixelScaleRange();
};

void TestInputLimits::vnnlibNesting_data() {
  QTest::addColumn<int>("depth");
  QTest::addColumn<bool>("accepted");
  QTest::newRow("10") << 10 << true;
  QTest::newRow("just inside the limit") << kMaxSExprDepth - 2 << true;
  QTest::newRow("one past") << kMaxSExprDepth << false;
  QTest::newRow("20000 (crashed before)") << 20000 << false;
  QTest::newRow("1000000") << 1000000 << false;
}

void TestInputLimits::vnnlibNesting() {
  QFETCH(int, depth);
  QFETCH(bool, accepted);
  const Result<Property> p = parseVnnlib(nested(depth), 1, 2, "deep.vnnlib");
  QCOMPARE(p.ok(), accepted);
  if (accepted) {
    QCOMPARE(p->items.size(), size_t{1});
    QCOMPARE(p->items[0].unsafe.size(), size_t{1});
  } else {
    QVERIFY(anyMessage(p.diagnostics, "nested more than " + std::to_string(kMaxSExprDepth) + " levels"));
  }
}

void TestInputLimits::vnnlibNonFiniteNumbers_data() {
  QTest::addColumn<QString>("bound");
  QTest::addColumn<QString>("message");
  QTest::newRow("nan") << "nan" << "'nan' is not a finite number";
  QTest::newRow("-inf") << "-inf" << "'-inf' is not a finite number";
  QTest::newRow("Infinity") << "Infinity" << "'Infinity' is not a finite number";
  QTest::newRow("1e400") << "1e400" << "invalid number '1e400' (not a finite double)";
  QTest::newRow("product overflows") << "(* 1e300 1e300)" << "evaluates to a non-finite number";
}

void TestInputLimits::vnnlibNonFiniteNumbers() {
  QFETCH(QString, bound);
  QFETCH(QString, message);
  const std::string text = "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert (>= X_0 0))\n"
                           "(assert (<= X_0 " + bound.toStdString() + "))\n(assert (>= Y_0 0))\n";
  const Result<Property> p = parseVnnlib(text, 1, 1, "p.vnnlib");
  QVERIFY(!p.ok());
  QVERIFY2(anyMessage(p.diagnostics, message.toStdString()),
           p.diagnostics.empty() ? "no diagnostics" : p.diagnostics.front().message.c_str());
}

void TestInputLimits::labelBeyondTheOutputs() {
  const Network net = tinyNetwork();
  QCOMPARE(net.outputSize(), int64_t{3});
  const Result<Property> ok = datasetProperty(net, rows({0, 2}), "d.csv", 0, 2, 0.01);
  QVERIFY(ok.ok());
  const Result<Property> bad = datasetProperty(net, rows({0, 3}), "d.csv", 0, 2, 0.01);
  QVERIFY(!bad.ok());
  QVERIFY(anyMessage(bad.diagnostics, "row 1 has label 3; the network 'test' has 3 outputs (labels 0..2)"));
}

void TestInputLimits::rowIndexAndCountAre64Bit() {
  const Network net = tinyNetwork();
  const auto data = rows({0, 1, 2});
  // 2^32 + 1 used to wrap to row 1.
  const Result<Property> wrapped = datasetProperty(net, data, "d.csv", int64_t{4294967297}, 1, 0.01);
  QVERIFY(!wrapped.ok());
  QVERIFY(anyMessage(wrapped.diagnostics, "row 4294967297 requested; d.csv has 3 rows"));
  // A count near INT64_MAX is clipped to the rows there are, without overflow.
  const Result<Property> all = datasetProperty(net, data, "d.csv", 1, std::numeric_limits<int64_t>::max(), 0.01);
  QVERIFY(all.ok());
  QCOMPARE(all->items.size(), size_t{2});
  QCOMPARE(all->items[1].index, 2);
  const Result<Property> none = datasetProperty(net, data, "d.csv", 0, int64_t{-4294967295}, 0.01);
  QVERIFY(!none.ok());
  QVERIFY(anyMessage(none.diagnostics, "the row count must be at least 1"));
}

void TestInputLimits::pixelScaleRange_data() {
  QTest::addColumn<double>("scale");
  QTest::addColumn<bool>("accepted");
  QTest::newRow("1/255") << 1.0 / 255.0 << true;
  QTest::newRow("1 (raw pixels)") << 1.0 << true;
  QTest::newRow("1000") << 1000.0 << true;
  QTest::newRow("1001") << 1001.0 << false;
  QTest::newRow("1e308") << 1e308 << false;
  QTest::newRow("0") << 0.0 << false;
  QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << false;
}

void TestInputLimits::pixelScaleRange() {
  QFETCH(double, scale);
  QFETCH(bool, accepted);
  const Result<Property> p = datasetProperty(tinyNetwork(), rows({1}), "d.csv", 0, 1, 0.01, scale);
  QCOMPARE(p.ok(), accepted);
  if (accepted) {
    // The box is the scaled pixels -+ eps clipped to [0, 255 * scale], computed here.
    const double px[4] = {0, 64, 128, 255};
    for (int i = 0; i < 4; ++i) {
      QCOMPARE(p->items[0].box.lower[i], std::max(0.0, px[i] * scale - 0.01));
      QCOMPARE(p->items[0].box.upper[i], std::min(255.0 * scale, px[i] * scale + 0.01));
    }
  } else {
    QVERIFY(anyMessage(p.diagnostics, "the pixel scale must be a finite number in (0, 1000]"));
  }
}

QTEST_GUILESS_MAIN(TestInputLimits)
#include "tst_input_limits.moc"
