// Each rewrite on a small hand-written IR program: it fires on its pattern and leaves the near
// misses alone (sign split with a branch that is not c*x, matmul over a frame only one side has,
// a zero mask over a value that may be infinite).
#include <QtTest>

#include <string>

#include "compiler/ir/ir_printer.h"
#include "compiler/ir/ir_verifier.h"
#include "compiler/passes/cse.h"
#include "compiler/passes/dce.h"
#include "compiler/passes/licm.h"
#include "compiler/passes/matmul.h"
#include "compiler/passes/relu_patterns.h"
#include "compiler/passes/sign_split.h"
#include "compiler/passes/zero_mask.h"

using namespace cert;
using ir::ElemType;
using ir::FrameKind;
using ir::Opcode;

namespace {

/// "batch*,curr,prev" -> frames (`*`: broadcast).
ir::Shape shape(const std::string& s) {
  ir::Shape out;
  size_t at = 0;
  while (at <= s.size()) {
    const size_t end = std::min(s.find(',', at), s.size());
    std::string f = s.substr(at, end - at);
    const bool bc = !f.empty() && f.back() == '*';
    if (bc) f.pop_back();
    const FrameKind k = f == "batch" ? FrameKind::Batch : f == "curr" ? FrameKind::Curr : f == "prev" ? FrameKind::Prev : FrameKind::Poly;
    out.frames.push_back({k, !bc});
    at = end + 1;
  }
  return out;
}

struct Builder {
  ir::Program p;
  int add(Opcode op, ElemType t, const std::string& s, std::vector<int> ops = {}, std::string name = {}) {
    ir::Instr i;
    i.id = p.nextId++;
    i.op = op;
    i.type = t;
    i.shape = shape(s);
    i.operands = std::move(ops);
    i.name = std::move(name);
    p.body.body.push_back(std::move(i));
    return p.nextId - 1;
  }
  int constant(double v) {
    const int id = add(Opcode::Const, ElemType::Int, "batch*,curr*");
    p.body.body.back().number = v;
    return id;
  }
  int member(const std::string& m, ir::NeuronRef r, const std::string& s) {
    const int id = add(Opcode::Member, ElemType::Float, s, {}, m);
    p.body.body.back().ref = r;
    return id;
  }
  int weight() {
    const int id = add(Opcode::Meta, ElemType::Float, "batch*,curr,prev", {}, "weight");
    return id;
  }
  std::string text() const { return ir::printProgram(p, false); }
};

/// select(w >= 0, w*l, w*u) over [curr, prev] with l/u of the prev list; `otherElse`: the else
/// branch is u*u (not w times something).
Builder signSelect(bool otherElse) {
  Builder b;
  const int w = b.weight();
  const int zero = b.constant(0);
  const int ge = b.add(Opcode::Binary, ElemType::Bool, "batch*,curr,prev", {w, zero}, "ge");
  const int l = b.member("l", ir::NeuronRef::PrevList, "batch,curr*,prev");
  const int u = b.member("u", ir::NeuronRef::PrevList, "batch,curr*,prev");
  const int wl = b.add(Opcode::Binary, ElemType::Float, "batch,curr,prev", {w, l}, "mul");
  const int wu = b.add(Opcode::Binary, ElemType::Float, "batch,curr,prev", otherElse ? std::vector<int>{u, u} : std::vector<int>{u, w}, "mul");
  const int s = b.add(Opcode::Select, ElemType::Float, "batch,curr,prev", {ge, wl, wu});
  b.p.results = {s};
  return b;
}

}  // namespace

class TestPassesRewrites : public QObject {
  Q_OBJECT

 private slots:
  void signSplitFires() {
    Builder b = signSelect(false);
    QVERIFY(passes::runSignSplit(b.p));
    passes::runDce(b.p);
    QVERIFY(ir::verify(b.p).empty());
    const std::string t = b.text();
    QVERIFY2(t.find("select") == std::string::npos, t.c_str());
    QVERIFY(t.find("binary max %0") != std::string::npos && t.find("binary min %0") != std::string::npos);
  }

  void signSplitNeedsCTimesBothBranches() {
    Builder b = signSelect(true);
    QVERIFY(!passes::runSignSplit(b.p));
  }

  void signSplitNeedsFiniteFactors() {  // c == 0 would give 0 * inf: curr's own l may be infinite
    Builder b;
    const int w = b.weight();
    const int zero = b.constant(0);
    const int ge = b.add(Opcode::Binary, ElemType::Bool, "batch*,curr,prev", {w, zero}, "ge");
    const int l = b.member("l", ir::NeuronRef::Curr, "batch,curr");
    const int wl = b.add(Opcode::Binary, ElemType::Float, "batch,curr,prev", {w, l}, "mul");
    b.p.results = {b.add(Opcode::Select, ElemType::Float, "batch,curr,prev", {ge, wl, wl})};
    QVERIFY(!passes::runSignSplit(b.p));
  }

  void matmulFiresOnSharedFrame() {
    Builder b;
    const int w = b.weight();
    const int l = b.member("l", ir::NeuronRef::PrevList, "batch,curr*,prev");
    const int m = b.add(Opcode::Binary, ElemType::Float, "batch,curr,prev", {l, w}, "mul");
    b.p.results = {b.add(Opcode::Reduce, ElemType::Float, "batch,curr", {m}, "sum")};
    b.p.body.body.back().frame = FrameKind::Prev;
    QVERIFY(passes::runMatMul(b.p));
    QVERIFY(ir::verify(b.p).empty());
    QVERIFY2(b.text().find("matmul over prev %0, %1") != std::string::npos, b.text().c_str());
  }

  void matmulNeedsTheFrameOnBothSides() {
    Builder b;
    const int w = b.weight();
    const int l = b.member("l", ir::NeuronRef::Prev, "batch,curr");  // no prev frame: sum(w) * l
    const int m = b.add(Opcode::Binary, ElemType::Float, "batch,curr,prev", {w, l}, "mul");
    b.p.results = {b.add(Opcode::Reduce, ElemType::Float, "batch,curr", {m}, "sum")};
    b.p.body.body.back().frame = FrameKind::Prev;
    QVERIFY(!passes::runMatMul(b.p));
  }

  void zeroMaskDroppedOnlyWhenFinite() {
    for (const bool finite : {true, false}) {
      Builder b;
      const int w = b.weight();
      const int zero = b.constant(0);
      const int ne = b.add(Opcode::Binary, ElemType::Bool, "batch*,curr,prev", {w, zero}, "ne");
      const int x = finite ? b.member("l", ir::NeuronRef::PrevList, "batch,curr*,prev")
                           : b.add(Opcode::Binary, ElemType::Float, "batch,curr*,prev",
                                   {b.member("l", ir::NeuronRef::PrevList, "batch,curr*,prev"), w}, "div");
      const int wx = b.add(Opcode::Binary, ElemType::Float, "batch,curr,prev", {w, x}, "mul");
      b.p.results = {b.add(Opcode::Select, ElemType::Float, "batch,curr,prev", {ne, wx, zero})};
      QCOMPARE(passes::runZeroMask(b.p), finite);
    }
  }

  void reluPattern() {
    Builder b;
    const int l = b.member("l", ir::NeuronRef::Prev, "batch,curr");
    const int zero = b.constant(0);
    const int ge = b.add(Opcode::Binary, ElemType::Bool, "batch,curr", {l, zero}, "ge");
    b.p.results = {b.add(Opcode::Select, ElemType::Float, "batch,curr", {ge, l, zero})};
    QVERIFY(passes::runReluPatterns(b.p));
    QVERIFY2(b.text().find("binary max %0") != std::string::npos, b.text().c_str());
    Builder n;  // the branches swapped the other way: x >= 0 ? 0 : x is min, not max
    const int l2 = n.member("l", ir::NeuronRef::Prev, "batch,curr");
    const int z2 = n.constant(0);
    const int ge2 = n.add(Opcode::Binary, ElemType::Bool, "batch,curr", {l2, z2}, "ge");
    n.p.results = {n.add(Opcode::Select, ElemType::Float, "batch,curr", {ge2, z2, l2})};
    QVERIFY(passes::runReluPatterns(n.p));
    QVERIFY2(n.text().find("binary min %0") != std::string::npos, n.text().c_str());
  }

  void cseAndDce() {
    Builder b;
    const int w1 = b.weight();
    const int w2 = b.weight();
    b.p.results = {b.add(Opcode::Binary, ElemType::Float, "batch*,curr,prev", {w1, w2}, "add")};
    QVERIFY(passes::runCse(b.p));
    QVERIFY(passes::runDce(b.p));
    QCOMPARE(b.p.body.body.size(), size_t(2));
    QVERIFY(!passes::runCse(b.p));
  }
};

QTEST_APPLESS_MAIN(TestPassesRewrites)
#include "tst_passes_rewrites.moc"
