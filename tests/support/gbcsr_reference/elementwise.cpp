// Element-wise binary/unary/select over the piece partition, with kind-keeping rules per piece.
#include "tests/support/gbcsr_reference/elementwise.h"

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>

#include "tests/support/gbcsr_reference/partition.h"

namespace cert::gbcsr {

double apply(BinOp op, double x, double y) {
  switch (op) {
    case BinOp::Add: return x + y;
    case BinOp::Sub: return x - y;
    case BinOp::Mul: return x * y;
    case BinOp::Div: return x / y;
    case BinOp::Min: return y < x ? y : x;
    case BinOp::Max: return x < y ? y : x;
    case BinOp::Lt: return x < y;
    case BinOp::Le: return x <= y;
    case BinOp::Gt: return x > y;
    case BinOp::Ge: return x >= y;
    case BinOp::Eq: return x == y;
    case BinOp::Ne: return x != y;
  }
  return 0;
}

double apply(UnOp op, double x, double lo, double hi) {
  switch (op) {
    case UnOp::Neg: return -x;
    case UnOp::Abs: return std::abs(x);
    case UnOp::Sigma: return 1.0 / (1.0 + std::exp(-x));
    case UnOp::Relu: return x < 0 ? 0.0 : x;
    case UnOp::Clamp: return x < lo ? lo : (hi < x ? hi : x);
    case UnOp::Not: return x == 0;
  }
  return 0;
}

namespace {

using Fn = std::function<double(double)>;
constexpr double kInf = std::numeric_limits<double>::infinity();

/// One operand over a piece: a scalar (default or Constant block) or a block restricted to it.
struct Side {
  std::optional<Block> block;
  double scalar = 0;
};

Side sideOf(const Tensor& t, int source, const Box& box) {
  if (source < 0) return {std::nullopt, t.defaultValue};
  const Block& b = t.blocks[static_cast<size_t>(source)];
  if (const auto* c = std::get_if<ConstantBlock>(&b.data)) return {std::nullopt, c->value};
  return {restrictTo(b, box), 0};
}

bool sharedSide(const Side& s) { return !s.block || s.block->shared(); }
Eigen::MatrixXd itemOf(const Side& s, const Box& box, int64_t i) {
  return s.block ? s.block->item(i) : Eigen::MatrixXd::Constant(box.ext[1], box.ext[2], s.scalar);
}

/// f applied to every element of the block; kinds as documented for unary().
BlockData mapBlock(const Block& x, const Fn& f, bool kernelLinear, double kernelScale) {
  const bool zeroKept = f(0.0) == 0.0;
  if (const auto* d = std::get_if<DenseBlock>(&x.data)) {
    DenseBlock o;
    for (const auto& m : d->items) o.items.push_back(m.unaryExpr(f));
    return o;
  }
  if (const auto* c = std::get_if<ConstantBlock>(&x.data)) return ConstantBlock{f(c->value)};
  if (const auto* bc = std::get_if<BroadcastBlock>(&x.data)) {
    BroadcastBlock o;
    for (const auto& m : bc->items) o.items.push_back(m.unaryExpr(f));
    return o;
  }
  if (const auto* dg = std::get_if<DiagonalBlock>(&x.data); dg && zeroKept) {
    DiagonalBlock o;
    for (const auto& v : dg->items) o.items.push_back(v.unaryExpr(f));
    return o;
  }
  if (const auto* cs = std::get_if<CsrBlock>(&x.data); cs && zeroKept) {
    CsrBlock o = *cs;
    for (auto& m : o.items)
      for (int64_t k = 0; k < m.nonZeros(); ++k) m.valuePtr()[k] = f(m.valuePtr()[k]);
    return o;
  }
  if (const auto* k = std::get_if<KernelBlock>(&x.data); k && kernelLinear) {
    KernelBlock o = *k;
    for (double& w : o.weight) w *= kernelScale;
    return o;
  }
  std::vector<Eigen::MatrixXd> items;
  for (int64_t i = 0; i < (x.shared() ? 1 : x.box.ext[0]); ++i) items.push_back(x.item(i).unaryExpr(f));
  return denseData(std::move(items));
}

bool identity(BinOp op, double s, bool scalarLeft) {
  switch (op) {
    case BinOp::Add: return s == 0;
    case BinOp::Sub: return !scalarLeft && s == 0;
    case BinOp::Mul: return s == 1;
    case BinOp::Div: return !scalarLeft && s == 1;
    case BinOp::Min: return s == kInf;
    case BinOp::Max: return s == -kInf;
    default: return false;
  }
}

/// The annihilator's result when op(x, s) is the same for every finite x.
std::optional<double> annihilator(BinOp op, double s) {
  if (op == BinOp::Mul && s == 0) return 0.0;
  if (op == BinOp::Min && s == -kInf) return -kInf;
  if (op == BinOp::Max && s == kInf) return kInf;
  return std::nullopt;
}

BlockData scalarPiece(const Block& x, double s, BinOp op, bool scalarLeft) {
  if (identity(op, s, scalarLeft)) return x.data;
  if (auto v = annihilator(op, s); v && x.allFinite()) return ConstantBlock{*v};
  const Fn f = scalarLeft ? Fn([=](double v) { return apply(op, s, v); }) : Fn([=](double v) { return apply(op, v, s); });
  return mapBlock(x, f, op == BinOp::Mul && std::isfinite(s), s);
}

BlockData blockPiece(const Block& a, const Block& b, BinOp op) {
  const auto f = [op](double x, double y) { return apply(op, x, y); };
  const auto* da = std::get_if<DiagonalBlock>(&a.data);
  const auto* db = std::get_if<DiagonalBlock>(&b.data);
  if (da && db && f(0.0, 0.0) == 0.0) {
    DiagonalBlock o;
    const int64_t n = (da->shared() && db->shared()) ? 1 : a.box.ext[0];
    for (int64_t i = 0; i < n; ++i) o.items.push_back(da->diag(i).binaryExpr(db->diag(i), f));
    return o;
  }
  const auto* ba = std::get_if<BroadcastBlock>(&a.data);
  const auto* bb = std::get_if<BroadcastBlock>(&b.data);
  if (ba && bb && ba->items[0].rows() == bb->items[0].rows() && ba->items[0].cols() == bb->items[0].cols()) {
    BroadcastBlock o;
    const int64_t n = (ba->shared() && bb->shared()) ? 1 : a.box.ext[0];
    for (int64_t i = 0; i < n; ++i) o.items.push_back(ba->src(i).binaryExpr(bb->src(i), f));
    return o;
  }
  std::vector<Eigen::MatrixXd> items;
  const int64_t n = (a.shared() && b.shared()) ? 1 : a.box.ext[0];
  for (int64_t i = 0; i < n; ++i) items.push_back(a.item(i).binaryExpr(b.item(i), f));
  return denseData(std::move(items));
}

void push(Tensor& t, const Box& box, BlockData data) {
  if (const auto* c = std::get_if<ConstantBlock>(&data))
    if (c->value == t.defaultValue || (std::isnan(c->value) && std::isnan(t.defaultValue))) return;
  t.blocks.push_back(Block{box, std::move(data)});
}

void checkExtents(const Tensor& a, const Tensor& b) {
  if (!a.sameExtents(b)) throw std::invalid_argument("gbcsr: element-wise operands differ in extents");
}

}  // namespace

Tensor binary(const Tensor& a, const Tensor& b, BinOp op) {
  checkExtents(a, b);
  Tensor out = Tensor::filled(a.batch, a.rows, a.cols, apply(op, a.defaultValue, b.defaultValue));
  for (const Piece& p : partition({&a, &b})) {
    const Side x = sideOf(a, p.source[0], p.box), y = sideOf(b, p.source[1], p.box);
    if (!x.block && !y.block) push(out, p.box, ConstantBlock{apply(op, x.scalar, y.scalar)});
    else if (!y.block) push(out, p.box, scalarPiece(*x.block, y.scalar, op, false));
    else if (!x.block) push(out, p.box, scalarPiece(*y.block, x.scalar, op, true));
    else push(out, p.box, blockPiece(*x.block, *y.block, op));
  }
  return out;
}

Tensor binary(const Tensor& a, BinOp op, double s) {
  return binary(a, Tensor::filled(a.batch, a.rows, a.cols, s), op);
}
Tensor binary(double s, BinOp op, const Tensor& a) {
  return binary(Tensor::filled(a.batch, a.rows, a.cols, s), a, op);
}

Tensor unary(const Tensor& a, UnOp op, double lo, double hi) {
  const Fn f = [=](double x) { return apply(op, x, lo, hi); };
  Tensor out = Tensor::filled(a.batch, a.rows, a.cols, f(a.defaultValue));
  for (const Block& b : a.blocks) push(out, b.box, mapBlock(b, f, op == UnOp::Neg, -1.0));
  return out;
}

Tensor select(const Tensor& cond, const Tensor& a, const Tensor& b) {
  checkExtents(cond, a);
  checkExtents(cond, b);
  const bool c0 = cond.defaultValue != 0;
  Tensor out = Tensor::filled(a.batch, a.rows, a.cols, c0 ? a.defaultValue : b.defaultValue);
  for (const Piece& p : partition({&cond, &a, &b})) {
    const Side c = sideOf(cond, p.source[0], p.box);
    const Side x = sideOf(a, p.source[1], p.box), y = sideOf(b, p.source[2], p.box);
    if (!c.block) {
      const Side& s = c.scalar != 0 ? x : y;
      push(out, p.box, s.block ? s.block->data : BlockData{ConstantBlock{s.scalar}});
      continue;
    }
    std::vector<Eigen::MatrixXd> items;
    const int64_t n = (sharedSide(c) && sharedSide(x) && sharedSide(y)) ? 1 : p.box.ext[0];
    for (int64_t i = 0; i < n; ++i) {
      const Eigen::MatrixXd ci = itemOf(c, p.box, i), xi = itemOf(x, p.box, i), yi = itemOf(y, p.box, i);
      items.push_back((ci.array() != 0).select(xi, yi));
    }
    push(out, p.box, denseData(std::move(items)));
  }
  return out;
}

}  // namespace cert::gbcsr
