// The analysis passes on hand-built programs: liveness (last uses per region, results never die,
// a value read in a nested region dies at the instruction holding it) and layer forms (W * prev
// summed over prev, matmuls of the weight or a zero-keeping map of it, and near misses) and interval
// products (IBP's four products W+ l + W- u, W+ u + W- l, and near misses).
#include <QtTest>

#include <string>
#include <vector>

#include "compiler/analysis/analyses.h"
#include "compiler/analysis/interval_product.h"
#include "compiler/analysis/layer_form.h"
#include "compiler/analysis/liveness.h"
#include "compiler/ir/ir.h"

using namespace cert;
using ir::ElemType;
using ir::FrameKind;
using ir::Opcode;

namespace {

struct Builder {
  ir::Program p;
  ir::Region* at = &p.body;
  int add(Opcode op, ElemType t, std::vector<int> ops = {}, std::string name = {}) {
    ir::Instr i;
    i.id = p.nextId++;
    i.op = op;
    i.type = t;
    i.operands = std::move(ops);
    i.name = std::move(name);
    at->body.push_back(std::move(i));
    return p.nextId - 1;
  }
  int weight() { return add(Opcode::Meta, ElemType::Float, {}, "weight"); }
  int prevList() {
    const int id = add(Opcode::Neuron, ElemType::Poly);
    at->body.back().ref = ir::NeuronRef::PrevList;
    return id;
  }
  int constant(double v) {
    const int id = add(Opcode::Const, ElemType::Int);
    at->body.back().number = v;
    return id;
  }
  int reduce(int v, const char* op = "sum") {
    const int id = add(Opcode::Reduce, ElemType::Poly, {v}, op);
    at->body.back().frame = FrameKind::Prev;
    return id;
  }
  int matmul(int a, int b) {
    const int id = add(Opcode::MatMul, ElemType::Float, {a, b});
    at->body.back().frame = FrameKind::Prev;
    return id;
  }
  const ir::Instr& instr(int id) const { return *p.find(id); }
};

/// Where an offset b is added to the interval product's sums (offsetPattern).
enum class Offset { BeforeProducts, OnTheLeft, AfterTheFirstProduct, TwoOffsets, SumReadTwice };

/// IBP's Affine body with a bias: lower = max(W,0) @ l + min(W,0) @ u + b, upper likewise, with
/// one change per variant. Returns the ids {lower + b, upper + b, b}.
std::vector<int> offsetPattern(Builder& b, Offset v) {
  const int w = b.weight();
  const int early = b.add(Opcode::Member, ElemType::Float, {}, "bias");
  const int l = b.add(Opcode::Member, ElemType::Float, {}, "l");
  const int u = b.add(Opcode::Member, ElemType::Float, {}, "u");
  const int zero = b.constant(0);
  const int pos = b.add(Opcode::Binary, ElemType::Float, {w, zero}, "max");
  const int neg = b.add(Opcode::Binary, ElemType::Float, {w, zero}, "min");
  const int a = b.matmul(pos, l);
  const int late = b.add(Opcode::Member, ElemType::Float, {}, "bias");
  const int offset = v == Offset::AfterTheFirstProduct ? late : early;
  const int c = b.matmul(neg, u);
  const int lower = b.add(Opcode::Binary, ElemType::Float, {a, c}, "add");
  const int lowerOut = v == Offset::OnTheLeft ? b.add(Opcode::Binary, ElemType::Float, {offset, lower}, "add")
                                              : b.add(Opcode::Binary, ElemType::Float, {lower, offset}, "add");
  const int d = b.matmul(pos, u), e = b.matmul(neg, l);
  const int upper = b.add(Opcode::Binary, ElemType::Float, {d, e}, "add");
  const int upperOut = b.add(Opcode::Binary, ElemType::Float, {upper, v == Offset::TwoOffsets ? late : offset}, "add");
  b.p.results = {lowerOut, upperOut};
  if (v == Offset::SumReadTwice) b.p.results.push_back(upper);
  return {lowerOut, upperOut, offset};
}

/// What one variant of the interval-product pattern changes.
enum class Variant { Plain, SwappedSums, OtherWeightClamped, SameEndTwice, ProductReadTwice, ClampAgainstOne };

/// IBP's Affine body: lower = max(W,0) @ l + min(W,0) @ u, upper = max(W,0) @ u + min(W,0) @ l,
/// with one change per variant. Returns the ids {lower, upper, l, u, W}.
std::vector<int> intervalPattern(Builder& b, Variant v) {
  const int w = b.weight();
  const int other = b.add(Opcode::Binary, ElemType::Float, {w, b.constant(2)}, "mul");
  const int l = b.add(Opcode::Member, ElemType::Float, {}, "l");
  const int u = b.add(Opcode::Member, ElemType::Float, {}, "u");
  const int zero = b.constant(v == Variant::ClampAgainstOne ? 1 : 0);
  const int pos = b.add(Opcode::Binary, ElemType::Float, {w, zero}, "max");
  const int neg = b.add(Opcode::Binary, ElemType::Float, {v == Variant::OtherWeightClamped ? other : w, zero}, "min");
  const int a = b.matmul(pos, l), c = b.matmul(neg, u);
  const int lower = v == Variant::SwappedSums ? b.add(Opcode::Binary, ElemType::Float, {c, a}, "add")
                                              : b.add(Opcode::Binary, ElemType::Float, {a, c}, "add");
  const int d = b.matmul(pos, u), e = b.matmul(neg, v == Variant::SameEndTwice ? u : l);
  const int upper = b.add(Opcode::Binary, ElemType::Float, {d, e}, "add");
  b.p.results = {lower, upper};
  if (v == Variant::ProductReadTwice) b.p.results.push_back(a);
  return {lower, upper, l, u, w};
}

}  // namespace

class TestAnalysis : public QObject {
  Q_OBJECT
 private slots:
  void lastUsesInOneRegion() {
    Builder b;
    const int x = b.constant(1);                                     // %0
    const int y = b.constant(2);                                     // %1
    const int s = b.add(Opcode::Binary, ElemType::Int, {x, y}, "add");  // %2: y read again later
    const int t = b.add(Opcode::Binary, ElemType::Int, {s, y}, "mul");  // %3
    const int u = b.add(Opcode::Unary, ElemType::Int, {t}, "neg");      // %4
    b.p.results = {u, t};
    analysis::computeLiveness(b.p);
    QCOMPARE(b.instr(s).lastUses, std::vector<int>{x});
    QCOMPARE(b.instr(t).lastUses, (std::vector<int>{y, s}));
    QCOMPARE(b.instr(u).lastUses, std::vector<int>{});  // t is a result: it never dies
    QCOMPARE(b.instr(x).lastUses, std::vector<int>{});
  }

  void aValueReadInARegionDiesAtItsHolder() {
    Builder b;
    const int e = b.prevList();     // %0
    const int k = b.constant(3);    // %1: read inside the map's body
    const int m = b.add(Opcode::Map, ElemType::Float, {e});  // %2
    b.p.body.body.back().regions.push_back(std::make_unique<ir::Region>());
    b.at = b.p.body.body.back().regions.back().get();
    const int c = b.add(Opcode::Coeff, ElemType::Float);                 // %3
    const int prod = b.add(Opcode::Binary, ElemType::Float, {c, k}, "mul");  // %4
    const int yield = b.add(Opcode::Yield, ElemType::Float, {prod});     // %5
    b.at = &b.p.body;
    const int after = b.add(Opcode::Unary, ElemType::Float, {m}, "neg");  // %6
    b.p.results = {after};
    analysis::computeLiveness(b.p);
    QCOMPARE(b.instr(m).lastUses, (std::vector<int>{e, k}));  // not inside the body
    QCOMPARE(b.instr(prod).lastUses, std::vector<int>{c});
    QCOMPARE(b.instr(yield).lastUses, std::vector<int>{prod});
    QCOMPARE(b.instr(after).lastUses, std::vector<int>{m});
  }

  void layerProduct() {
    Builder b;
    const int prev = b.prevList();
    const int w = b.weight();
    const int prod = b.add(Opcode::Binary, ElemType::Poly, {prev, w}, "mul");
    const int sum = b.reduce(prod);
    b.p.results = {sum};
    analysis::computeLayerForms(b.p);
    QCOMPARE(b.instr(prod).layerForm, ir::LayerForm::Product);
    QCOMPARE(b.instr(sum).layerForm, ir::LayerForm::None);
    QCOMPARE(b.instr(w).layerForm, ir::LayerForm::None);
  }

  /// A linear member of the input list (DeepZ's prev[z]) times the weight, summed: a layer form;
  /// a Float member (prev[l]) is not one (the product is numbers, not the layer's linear map).
  void layerProductOfALinearMember() {
    for (const ElemType t : {ElemType::Sym, ElemType::Poly, ElemType::Float}) {
      Builder b;
      const int member = b.add(Opcode::Member, t, {}, t == ElemType::Float ? "l" : "z");
      b.p.body.body.back().ref = ir::NeuronRef::PrevList;
      const int prod = b.add(Opcode::Binary, t, {b.weight(), member}, "mul");
      b.p.results = {b.reduce(prod)};
      analysis::computeLayerForms(b.p);
      QCOMPARE(b.instr(prod).layerForm, t == ElemType::Float ? ir::LayerForm::None : ir::LayerForm::Product);
    }
  }

  void productNearMisses() {
    {  // read twice: not only summed
      Builder b;
      const int prod = b.add(Opcode::Binary, ElemType::Poly, {b.weight(), b.prevList()}, "mul");
      b.p.results = {b.reduce(prod), prod};
      b.add(Opcode::Unary, ElemType::Poly, {prod}, "neg");
      analysis::computeLayerForms(b.p);
      QCOMPARE(b.instr(prod).layerForm, ir::LayerForm::None);
    }
    {  // summed with max, not sum
      Builder b;
      const int prod = b.add(Opcode::Binary, ElemType::Poly, {b.weight(), b.prevList()}, "mul");
      b.p.results = {b.reduce(prod, "max")};
      analysis::computeLayerForms(b.p);
      QCOMPARE(b.instr(prod).layerForm, ir::LayerForm::None);
    }
    {  // an add, not a product
      Builder b;
      const int prod = b.add(Opcode::Binary, ElemType::Poly, {b.weight(), b.prevList()}, "add");
      b.p.results = {b.reduce(prod)};
      analysis::computeLayerForms(b.p);
      QCOMPARE(b.instr(prod).layerForm, ir::LayerForm::None);
    }
  }

  void weightMatMuls() {
    Builder b;
    const int w = b.weight();
    const int zero = b.constant(0), one = b.constant(1), half = b.constant(0.5);
    const int l = b.add(Opcode::Member, ElemType::Float, {}, "l");
    const int pos = b.add(Opcode::Binary, ElemType::Float, {w, zero}, "max");
    const int shifted = b.add(Opcode::Binary, ElemType::Float, {w, one}, "max");  // not zero-keeping
    const int scaled = b.add(Opcode::Binary, ElemType::Float, {half, w}, "mul");
    const int negated = b.add(Opcode::Unary, ElemType::Float, {pos}, "neg");
    const int m1 = b.matmul(w, l), m2 = b.matmul(pos, l), m3 = b.matmul(shifted, l), m4 = b.matmul(scaled, l);
    const int m5 = b.matmul(negated, l), m6 = b.matmul(l, w);
    b.p.results = {m1, m2, m3, m4, m5, m6};
    analysis::analyze(b.p);
    QCOMPARE(b.instr(m1).layerForm, ir::LayerForm::MatMul);
    QCOMPARE(b.instr(m2).layerForm, ir::LayerForm::MatMul);
    QCOMPARE(b.instr(m3).layerForm, ir::LayerForm::None);
    QCOMPARE(b.instr(m4).layerForm, ir::LayerForm::MatMul);
    QCOMPARE(b.instr(m5).layerForm, ir::LayerForm::MatMul);
    QCOMPARE(b.instr(m6).layerForm, ir::LayerForm::None);  // the weight second: not the layer's map
  }

  void intervalProducts() {
    for (Variant v : {Variant::Plain, Variant::SwappedSums}) {
      Builder b;
      const std::vector<int> ids = intervalPattern(b, v);
      const std::vector<analysis::IntervalProduct> found = analysis::intervalProductsIn(b.p, b.p.body);
      QCOMPARE(found.size(), size_t(1));
      QCOMPARE(found[0].lower, ids[0]);
      QCOMPARE(found[0].upper, ids[1]);
      QCOMPARE(found[0].lowerEnd, ids[2]);
      QCOMPARE(found[0].upperEnd, ids[3]);
      QCOMPARE(found[0].weight, ids[4]);
      QCOMPARE(found[0].parts.size(), size_t(6));
      analysis::analyze(b.p);
      QCOMPARE(QString::fromStdString(b.instr(ids[0]).intervalProduct), QStringLiteral("lower"));
      QCOMPARE(QString::fromStdString(b.instr(ids[1]).intervalProduct), QStringLiteral("upper"));
    }
  }

  // An offset added to both sums (an Affine rule's bias) is part of the product, either operand
  // order, when it exists before the product's first part; not when the two sums add different
  // values, when a sum is read elsewhere too, or when the offset is computed after a product.
  void intervalProductOffsets() {
    for (Offset v : {Offset::BeforeProducts, Offset::OnTheLeft}) {
      Builder b;
      const std::vector<int> ids = offsetPattern(b, v);
      const std::vector<analysis::IntervalProduct> found = analysis::intervalProductsIn(b.p, b.p.body);
      QCOMPARE(found.size(), size_t(1));
      QCOMPARE(found[0].offset, ids[2]);
      QCOMPARE(found[0].lowerOut, ids[0]);
      QCOMPARE(found[0].upperOut, ids[1]);
      analysis::analyze(b.p);
      QCOMPARE(QString::fromStdString(b.instr(ids[0]).intervalProduct), QStringLiteral("lower + offset"));
      QCOMPARE(QString::fromStdString(b.instr(ids[1]).intervalProduct), QStringLiteral("upper + offset"));
    }
    for (Offset v : {Offset::AfterTheFirstProduct, Offset::TwoOffsets, Offset::SumReadTwice}) {
      Builder b;
      const std::vector<int> ids = offsetPattern(b, v);
      const std::vector<analysis::IntervalProduct> found = analysis::intervalProductsIn(b.p, b.p.body);
      QCOMPARE(found.size(), size_t(1));  // the product itself is still found
      QCOMPARE(found[0].offset, -1);
      QCOMPARE(found[0].lowerOut, -1);
      analysis::analyze(b.p);
      QVERIFY(b.instr(ids[0]).intervalProduct.empty());
      QVERIFY(b.instr(ids[1]).intervalProduct.empty());
    }
  }

  void intervalProductNearMisses() {
    for (Variant v : {Variant::OtherWeightClamped, Variant::SameEndTwice, Variant::ProductReadTwice,
                      Variant::ClampAgainstOne}) {
      Builder b;
      const std::vector<int> ids = intervalPattern(b, v);
      QVERIFY(analysis::intervalProductsIn(b.p, b.p.body).empty());
      analysis::analyze(b.p);
      QVERIFY(b.instr(ids[0]).intervalProduct.empty());
    }
  }
};

QTEST_APPLESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
