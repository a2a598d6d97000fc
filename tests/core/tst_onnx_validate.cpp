// ONNX validation before import: versions, operator schemas (required and unknown attributes),
// model checks, declared shapes, subgraph nesting, the memory budget of folding, and warnings for
// values that are not finite. Every rejection names the node and its op type.
#include <QtTest>

#include <onnx/onnx_pb.h>

#include <cmath>
#include <limits>

#include "core/network/forward.h"
#include "core/network/onnx_builder.h"
#include "core/network/onnx_import.h"
#include "core/network/onnx_validate.h"
#include "tests/support/tiny_models.h"

using namespace cert;
using namespace cert::test;

namespace {

/// All messages, one per line, with their node names (as certc prints them).
std::string messages(const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags) out += formatDiagnostic("m.onnx", d) + "\n";
  return out;
}

bool mentions(const Diagnostics& diags, std::initializer_list<const char*> words, Severity s = Severity::Error) {
  for (const Diagnostic& d : diags) {
    if (d.severity != s) continue;
    const std::string text = formatDiagnostic("m.onnx", d);
    bool all = true;
    for (const char* w : words) all = all && text.find(w) != std::string::npos;
    if (all) return true;
  }
  return false;
}

/// x [1,4] -> MatMul w [4,3] -> Relu: valid at every opset 7..17.
std::string matmulRelu(int64_t opset, int64_t irVersion = 7) {
  OnnxBuilder b("mm", opset);
  b.addInput("x", {1, 4});
  b.addInitializer("w", {4, 3}, testWeights(12, 1));
  b.addNode("MatMul", {"x", "w"}, {"m"}, "mm0");
  b.addNode("Relu", {"m"}, {"y"}, "relu0");
  b.addOutput("y", {1, 3});
  onnx::ModelProto m;
  m.ParseFromString(b.serialize());
  m.set_ir_version(irVersion);
  return m.SerializeAsString();
}

/// Four Gemm layers of width x width, each weight a ConstantOfShape filled with `value` (a few
/// bytes of ONNX for 4 * width^2 weight values), serialized: node names fill0..3 and gemm0..3.
std::string constantGemmChain(int64_t width, float value) {
  OnnxBuilder b("deep", 13);
  b.addInput("x", {1, width});
  b.addInitializerInt64("shape", {2}, {width, width});
  std::string prev = "x";
  for (int i = 0; i < 4; ++i) {
    const std::string w = "w" + std::to_string(i), y = "h" + std::to_string(i);
    b.addNode("ConstantOfShape", {"shape"}, {w}, "fill" + std::to_string(i)).tensorAttr("value", {1}, {value});
    b.addNode("Gemm", {prev, w}, {y}, "gemm" + std::to_string(i));
    prev = y;
  }
  b.addOutput(prev, {1, width});
  return b.serialize();
}

}  // namespace

class TestOnnxValidate : public QObject {
  Q_OBJECT

 private slots:
  void unsqueezeWithoutAxes_data();
  void unsqueezeWithoutAxes();
  void opsetRange_data();
  void opsetRange();
  void irVersionRange_data();
  void irVersionRange();
  void unknownAttributeNamesNodeAndAttribute();
  void declaredShapesMustMatch();
  void valueDefinedTwice();
  void subgraphNesting();
  void constantOfShapeBudget();
  void largeLayersBudget();
  void budgetFromTheMemoryLimit();
  void nonFiniteInitializerWarns();
  void gemmAlphaOverflowWarns();
};

void TestOnnxValidate::unsqueezeWithoutAxes_data() {
  QTest::addColumn<int>("opset");
  QTest::newRow("opset 11 (axes attribute)") << 11;
  QTest::newRow("opset 13 (axes input)") << 13;
}

void TestOnnxValidate::unsqueezeWithoutAxes() {
  QFETCH(int, opset);
  // Relu -> Unsqueeze (no axes) -> Flatten -> Gemm: before, the Unsqueeze was a pass-through.
  OnnxBuilder b("u", opset);
  b.addInput("x", {1, 4});
  b.addInitializer("w", {4, 2}, testWeights(8, 2));
  b.addNode("Relu", {"x"}, {"r"});
  b.addNode("Unsqueeze", {"r"}, {"u"}, "unsq");
  b.addNode("Flatten", {"u"}, {"f"});
  b.addNode("MatMul", {"f", "w"}, {"y"});
  b.addOutput("y", {1, 2});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QVERIFY2(mentions(r.diagnostics, {"node 'unsq'", "Unsqueeze"}), messages(r.diagnostics).c_str());
  QVERIFY2(mentions(r.diagnostics, {"axes"}) || mentions(r.diagnostics, {"input size 1"}),
           messages(r.diagnostics).c_str());
}

void TestOnnxValidate::opsetRange_data() {
  QTest::addColumn<int>("opset");
  QTest::addColumn<bool>("accepted");
  for (int v : {-1, 0, 6, 18, 9999}) QTest::newRow(qPrintable(QString::number(v))) << v << false;
  for (int v : {7, 11, 13, 17}) QTest::newRow(qPrintable(QString::number(v))) << v << true;
}

void TestOnnxValidate::opsetRange() {
  QFETCH(int, opset);
  QFETCH(bool, accepted);
  const Result<Network> r = importOnnxBytes(matmulRelu(opset), "m");
  QCOMPARE(r.ok(), accepted);
  if (!accepted)
    QVERIFY2(mentions(r.diagnostics, {"opset", std::to_string(opset).c_str(), "supported: 7-17"}),
             messages(r.diagnostics).c_str());
}

void TestOnnxValidate::irVersionRange_data() {
  QTest::addColumn<int>("ir");
  QTest::addColumn<bool>("accepted");
  for (int v : {0, 2, 11, 99}) QTest::newRow(qPrintable(QString::number(v))) << v << false;
  for (int v : {4, 7, 8, 10}) QTest::newRow(qPrintable(QString::number(v))) << v << true;
}

void TestOnnxValidate::irVersionRange() {
  QFETCH(int, ir);
  QFETCH(bool, accepted);
  const Result<Network> r = importOnnxBytes(matmulRelu(13, ir), "m");
  QVERIFY2(r.ok() == accepted, messages(r.diagnostics).c_str());
  if (!accepted) QVERIFY2(mentions(r.diagnostics, {"ir_version"}), messages(r.diagnostics).c_str());
}

void TestOnnxValidate::unknownAttributeNamesNodeAndAttribute() {
  OnnxBuilder b("g", 13);
  b.addInput("x", {1, 4});
  b.addInitializer("w", {3, 4}, testWeights(12, 3));
  b.addNode("Gemm", {"x", "w"}, {"y"}, "gemm0").attr("tr`nsB", int64_t{1});
  b.addOutput("y", {1, 3});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QVERIFY2(mentions(r.diagnostics, {"node 'gemm0'", "Gemm", "tr`nsB"}), messages(r.diagnostics).c_str());
}

void TestOnnxValidate::declaredShapesMustMatch() {
  // Node shapes that disagree are an error (shape inference or the importer names the node);
  // a declared output shape that differs from the computed one is a warning.
  OnnxBuilder b("s", 13);
  b.addInput("x", {1, 4});
  b.addInitializer("w", {3, 5}, testWeights(15, 4));
  b.addNode("MatMul", {"x", "w"}, {"y"}, "mm_bad");
  b.addOutput("y", {1, 5});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QVERIFY2(mentions(r.diagnostics, {"mm_bad"}), messages(r.diagnostics).c_str());

  OnnxBuilder c("s2", 13);
  c.addInput("x", {1, 4});
  c.addInitializer("w", {4, 3}, testWeights(12, 4));
  c.addNode("MatMul", {"x", "w"}, {"y"});
  c.addOutput("y", {1, 5});  // MatMul computes [1, 3]
  const Result<Network> r2 = importModel(c);
  QVERIFY2(r2.ok(), messages(r2.diagnostics).c_str());
  QVERIFY2(mentions(r2->warnings, {"declares its output 'y' as [1, 5] but computes [1, 3]"}, Severity::Warning),
           messages(r2->warnings).c_str());
}

void TestOnnxValidate::valueDefinedTwice() {
  OnnxBuilder b("ssa", 13);
  b.addInput("x", {1, 4});
  b.addNode("Relu", {"x"}, {"y"}, "first");
  b.addNode("Sigmoid", {"x"}, {"y"}, "second");
  b.addOutput("y", {1, 4});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QVERIFY2(mentions(r.diagnostics, {"ONNX checker", "y"}), messages(r.diagnostics).c_str());
}

void TestOnnxValidate::subgraphNesting() {
  onnx::ModelProto m;
  QVERIFY(m.ParseFromString(matmulRelu(13)));
  // An If node whose then-branch holds an If node ... 40 levels deep.
  onnx::GraphProto inner;
  inner.set_name("leaf");
  for (int level = 0; level < 40; ++level) {
    onnx::GraphProto outer;
    outer.set_name("level" + std::to_string(level));
    onnx::NodeProto* n = outer.add_node();
    n->set_op_type("If");
    n->set_name("if" + std::to_string(level));
    n->add_input("cond");
    n->add_output("o" + std::to_string(level));
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name("then_branch");
    a->set_type(onnx::AttributeProto::GRAPH);
    *a->mutable_g() = inner;
    inner = outer;
  }
  *m.mutable_graph()->add_node() = inner.node(0);
  const Diagnostics d = validateOnnxModel(m);
  QVERIFY2(mentions(d, {"nested more than 16"}), messages(d).c_str());
  QVERIFY(!importOnnxBytes(m.SerializeAsString(), "m").ok());
}

void TestOnnxValidate::constantOfShapeBudget() {
  // A few hundred bytes that ask for 12000 x 12000 values: refused before anything is allocated.
  OnnxBuilder b("cos", 13);
  b.addInput("x", {1, 12000});
  b.addInitializerInt64("shape", {2}, {12000, 12000});
  b.addNode("ConstantOfShape", {"shape"}, {"w"}, "fill").tensorAttr("value", {1}, {0.001f});
  b.addNode("MatMul", {"x", "w"}, {"y"});
  b.addOutput("y", {1, 12000});
  const Result<Network> r = importModel(b);
  QVERIFY(!r.ok());
  QVERIFY2(mentions(r.diagnostics, {"node 'fill'", "ConstantOfShape", "budget"}), messages(r.diagnostics).c_str());
}

void TestOnnxValidate::largeLayersBudget() {
  // Each 6000 x 6000 ConstantOfShape (36M values) and the Gemm weight built from it fit alone;
  // together they cross the import budget (2^27 values) at the second layer, refused by name.
  const Result<Network> r = importOnnxBytes(constantGemmChain(6000, 0.0f), "deep");
  QVERIFY(!r.ok());
  QVERIFY2(mentions(r.diagnostics, {"node 'gemm1'", "memory budget"}), messages(r.diagnostics).c_str());
}

void TestOnnxValidate::budgetFromTheMemoryLimit() {
  // The same chain at 2000 x 2000 (4M values per weight and per constant): ImportLimits decides
  // where it stops. 14M values: the second Gemm crosses it (each ConstantOfShape counts until the
  // import ends: 4M + 4M + 4M + 4M; refused by name); 40M: all four layers
  // (16M values of weights) import.
  const std::string chain = constantGemmChain(2000, 0.5f);
  const Result<Network> small = importOnnxBytes(chain, "deep", ImportLimits{14'000'000});
  QVERIFY(!small.ok());
  QVERIFY2(mentions(small.diagnostics, {"node 'gemm1'", "memory budget", "14000000 values"}),
           messages(small.diagnostics).c_str());
  const Result<Network> large = importOnnxBytes(chain, "deep", ImportLimits{40'000'000});
  QVERIFY2(large.ok(), messages(large.diagnostics).c_str());
  QCOMPARE(large.value->layers.back().size(), int64_t(2000));
  int64_t weights = 0;
  for (const Layer& layer : large.value->layers) weights += layer.weight.size();
  QCOMPARE(weights, int64_t(4) * 2000 * 2000);
  // An initializer alone over the limit: refused by name with the same budget message.
  const Result<Network> tiny = importOnnxBytes(matmulRelu(13), "mm", ImportLimits{10});
  QVERIFY(!tiny.ok());
  QVERIFY2(mentions(tiny.diagnostics, {"initializer 'w'", "12 more values", "memory budget (10 values"}),
           messages(tiny.diagnostics).c_str());
  // A memory limit in bytes: 8 bytes per value, never below the default.
  QCOMPARE(importLimitsFor(int64_t(16) << 30).values, int64_t(2) << 30);
  QCOMPARE(importLimitsFor(1 << 20).values, ImportLimits::kDefaultValues);
  QCOMPARE(importLimitsFor(0).values, ImportLimits::kDefaultValues);
}

void TestOnnxValidate::nonFiniteInitializerWarns() {
  OnnxBuilder b("nan", 13);
  b.addInput("x", {1, 2});
  b.addInitializer("weights", {2, 2}, {1.0f, std::numeric_limits<float>::quiet_NaN(), 0.5f, 2e35f});
  b.addNode("MatMul", {"x", "weights"}, {"y"});
  b.addOutput("y", {1, 2});
  const Result<Network> r = importModel(b);
  QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
  QVERIFY2(mentions(r->warnings, {"tensor 'weights'", "1 non-finite", "2e+35"}, Severity::Warning),
           messages(r->warnings).c_str());
}

void TestOnnxValidate::gemmAlphaOverflowWarns() {
  // alpha = 1e308 is inf as a float attribute; ONNX gives +-inf logits, the import says so.
  OnnxBuilder b("alpha", 13);
  b.addInput("x", {1, 2});
  b.addInitializer("w", {2, 2}, {1.0f, 0.0f, -1.0f, 2.0f});
  b.addNode("Gemm", {"x", "w"}, {"y"}, "gemm0").attr("alpha", 1e308);
  b.addOutput("y", {1, 2});
  const Result<Network> r = importModel(b);
  QVERIFY2(r.ok(), messages(r.diagnostics).c_str());
  QVERIFY2(mentions(r->warnings, {"'gemm0'", "weight", "non-finite"}, Severity::Warning),
           messages(r->warnings).c_str());
  // Finite in double but beyond float32: 1e30 * 1e10.
  OnnxBuilder c("alpha2", 13);
  c.addInput("x", {1, 2});
  c.addInitializer("w", {2, 2}, {1e10f, 0.0f, 1.0f, 2.0f});
  c.addNode("Gemm", {"x", "w"}, {"y"}, "gemm1").attr("alpha", 1e30);
  c.addOutput("y", {1, 2});
  const Result<Network> r2 = importModel(c);
  QVERIFY2(r2.ok(), messages(r2.diagnostics).c_str());
  QVERIFY2(mentions(r2->warnings, {"'gemm1'", "beyond the float32 range"}, Severity::Warning),
           messages(r2->warnings).c_str());
}

QTEST_GUILESS_MAIN(TestOnnxValidate)
#include "tst_onnx_validate.moc"
