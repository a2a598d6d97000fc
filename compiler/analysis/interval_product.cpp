// Recognition of interval products (see the header).
#include "compiler/analysis/interval_product.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

namespace cert::analysis {

namespace {

using ir::Instr;
using ir::Opcode;

bool isZero(const Instr* i) { return i && i->op == Opcode::Const && i->number == 0.0; }

/// `op(x, 0)` or `op(0, x)`: x's id.
std::optional<int> clampOf(const ir::Program& p, const Instr* i, ir::Op op) {
  if (!i || i->op != Opcode::Binary || !(i->name == op) || i->operands.size() != 2) return std::nullopt;
  if (isZero(p.find(i->operands[1]))) return i->operands[0];
  if (isZero(p.find(i->operands[0]))) return i->operands[1];
  return std::nullopt;
}

/// How many instructions of `r` (nested regions too) read each value.
void countReads(const ir::Region& r, std::map<int, int>& reads) {
  for (const Instr& i : r.body) {
    for (int id : i.operands) ++reads[id];
    for (const auto& nested : i.regions) countReads(*nested, reads);
  }
}

struct Product {
  int clamp, end;
};

/// The `binary add` of this region that reads `sum`, its only reader; null when there is none.
const Instr* onlyAddOf(int sum, const std::map<int, int>& reads, const std::map<int, const Instr*>& own) {
  const auto count = reads.find(sum);
  if (count == reads.end() || count->second != 1) return nullptr;
  for (const auto& [id, i] : own)
    if (i->op == Opcode::Binary && i->name == ir::Op::Add && i->operands.size() == 2 &&
        (i->operands[0] == sum || i->operands[1] == sum))
      return i;
  return nullptr;
}

/// The other operand of an add that reads `sum` once.
int otherOperand(const Instr& add, int sum) {
  if (add.operands[0] == sum && add.operands[1] != sum) return add.operands[1];
  if (add.operands[1] == sum && add.operands[0] != sum) return add.operands[0];
  return -1;
}

/// ip's offset: both sums read only by adds of one same value, which exists before the first of
/// ip's parts (the runtime computes the product there): defined earlier in this region or outside it.
void addOffset(IntervalProduct& ip, const ir::Region& r, const std::map<int, int>& reads,
               const std::map<int, const Instr*>& own) {
  const Instr* lo = onlyAddOf(ip.lower, reads, own);
  const Instr* hi = onlyAddOf(ip.upper, reads, own);
  if (!lo || !hi || lo == hi) return;
  const int b = otherOperand(*lo, ip.lower);
  if (b < 0 || b != otherOperand(*hi, ip.upper) || b == ip.lower || b == ip.upper) return;
  for (const Instr& i : r.body) {
    if (i.id == b || !own.count(b)) break;  // defined before any part, or outside this region
    if (std::find(ip.parts.begin(), ip.parts.end(), i.id) != ip.parts.end()) return;
  }
  ip.offset = b;
  ip.lowerOut = lo->id;
  ip.upperOut = hi->id;
}

}  // namespace

std::vector<IntervalProduct> intervalProductsIn(const ir::Program& p, const ir::Region& r) {
  std::map<int, int> reads;  // a program result counts as a read: its value must exist
  countReads(p.body, reads);
  for (int id : p.results) ++reads[id];
  std::map<int, const Instr*> own;
  for (const Instr& i : r.body) own[i.id] = &i;
  // A matmul over prev read only once, by an add of this region: (clamp, end).
  auto product = [&](int id) -> std::optional<Product> {
    const auto it = own.find(id);
    if (it == own.end() || reads[id] != 1) return std::nullopt;
    const Instr& m = *it->second;
    if (m.op != Opcode::MatMul || m.frame != ir::FrameKind::Prev || m.operands.size() != 2) return std::nullopt;
    return Product{m.operands[0], m.operands[1]};
  };
  // Each add of two such products, as (W+ side, W- side) with the clamps resolved.
  struct Sum {
    const Instr* add;
    int weight, positive, negative, onPositive, onNegative;
  };
  std::vector<Sum> sums;
  for (const Instr& i : r.body) {
    if (i.op != Opcode::Binary || !(i.name == ir::Op::Add) || i.operands.size() != 2) continue;
    std::optional<Product> x = product(i.operands[0]), y = product(i.operands[1]);
    if (!x || !y) continue;
    for (int swap = 0; swap < 2; ++swap, std::swap(x, y)) {
      const std::optional<int> w = clampOf(p, p.find(x->clamp), ir::Op::Max);
      const std::optional<int> v = clampOf(p, p.find(y->clamp), ir::Op::Min);
      if (w && v && *w == *v) {
        sums.push_back({&i, *w, x->clamp, y->clamp, x->end, y->end});
        break;
      }
    }
  }
  std::vector<IntervalProduct> out;
  std::vector<bool> used(sums.size(), false);
  for (size_t a = 0; a < sums.size(); ++a)
    for (size_t b = 0; b < sums.size() && !used[a]; ++b) {
      const Sum& lo = sums[a];
      const Sum& hi = sums[b];
      if (a == b || used[b] || lo.weight != hi.weight || lo.positive != hi.positive || lo.negative != hi.negative ||
          lo.onPositive != hi.onNegative || lo.onNegative != hi.onPositive || lo.onPositive == lo.onNegative)
        continue;
      IntervalProduct ip;
      ip.weight = lo.weight;
      ip.positive = lo.positive;
      ip.negative = lo.negative;
      ip.lowerEnd = lo.onPositive;
      ip.upperEnd = lo.onNegative;
      ip.lower = lo.add->id;
      ip.upper = hi.add->id;
      ip.parts = {lo.add->operands[0], lo.add->operands[1], hi.add->operands[0], hi.add->operands[1], ip.lower, ip.upper};
      used[a] = used[b] = true;
      addOffset(ip, r, reads, own);
      out.push_back(std::move(ip));
    }
  return out;
}

namespace {

void markIntervalProducts(const ir::Program& p, ir::Region& r) {
  std::map<int, std::string> marks;
  for (const IntervalProduct& ip : intervalProductsIn(p, r)) {
    marks[ip.lower] = "lower";
    marks[ip.upper] = "upper";
    if (ip.offset >= 0) {
      marks[ip.lowerOut] = "lower + offset";
      marks[ip.upperOut] = "upper + offset";
    }
  }
  for (Instr& i : r.body) {
    const auto it = marks.find(i.id);
    i.intervalProduct = it == marks.end() ? std::string() : it->second;
    for (auto& nested : i.regions) markIntervalProducts(p, *nested);
  }
}

}  // namespace

void computeIntervalProducts(ir::Program& p) { markIntervalProducts(p, p.body); }

}  // namespace cert::analysis
