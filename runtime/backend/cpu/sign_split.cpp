// Sign-split products on the CPU (Backend::signSplit, signSplitSum): one pass over the
// coefficients' non-zeros instead of a term frame, products by the block kinds' own routes.
#include "runtime/backend/cpu/sign_split.h"

#include <cmath>
#include <optional>
#include <set>

#include "runtime/backend/cpu/coef_view.h"
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/cpu_backend.h"
#include "runtime/backend/cpu/tensor_loops.h"
#include "runtime/backend/cpu/csr_times_dense.h"
#include "runtime/backend/cpu/tensor_loops.h"

namespace cert::runtime::cpu {

namespace {


/// A sparse product's result: Dense once more than a quarter of it is non-zero. Taken as an rvalue
/// and swapped in: Eigen 3.4's SparseMatrix has no move constructor, so a by-value parameter
/// copied every index and value.
CoefBlock finished(SparseRM&& m) {
  if (static_cast<double>(m.nonZeros()) > CoefBlock::kCsrDensity * static_cast<double>(m.rows()) * static_cast<double>(m.cols()))
    return makeDense(Eigen::MatrixXd(m));
  m.makeCompressed();
  return makeCsr(std::move(m));
}

bool finite(const Tensor& t) {
  for (double x : t.v)
    if (!std::isfinite(x)) return false;
  return true;
}

bool zeroScalar(const Tensor& t) { return t.v.size() == 1 && t.v[0] == 0; }

/// Whether S @ T for CSR rows S through a conv layer of geometry g is cheaper as a transposed
/// convolution of S made dense than row by row: each term adds its output's taps (at most
/// inC * kH * kW, fewer at the borders).
bool throughDenseRows(const SparseRM& s, const ConvGeometry& g) {
  const double scattered = static_cast<double>(s.nonZeros()) * g.inChannels * g.kernelH * g.kernelW;
  return transposedConvolutionCost(s.rows(), g) < kScatteredCost * scattered;
}

/// Above this density a Csr block a conv layer multiplies is convolved as dense columns
/// (kernelOverColumns).
constexpr double kDenseColumnsDensity = 0.05;

/// c @ y as the convolution of y's columns (direct, the columns fastest) when c is a conv layer's
/// Kernel and y's columns are dense: a Dense block, a row-scaled Dense one (after a ReLU), or Csr
/// filling more than kDenseColumnsDensity (the sparse product's per-entry cost loses there:
/// resnet_2b's DeepZ after its first Add). DeepZ's z over the input's noise symbols takes this
/// route instead of the kernel's rows as CSR. nullopt: not such a pair.
std::optional<CoefBlock> kernelOverColumns(const CoefBlock& c, const CoefBlock& y) {
  if (c.kind() != CoefBlock::Kind::Kernel) return std::nullopt;
  const gbcsr::KernelBlock& k = c.kernelBlock();
  switch (y.kind()) {
    case CoefBlock::Kind::Dense: return makeDense(kernelTimes(k, denseOf(y)));
    case CoefBlock::Kind::RowScaled:
      if (y.scaledBase().kind() != CoefBlock::Kind::Dense) return std::nullopt;
      return makeDense(kernelTimes(k, Eigen::MatrixXd(rowScaleOf(y).asDiagonal() * denseOf(y.scaledBase()))));
    case CoefBlock::Kind::Csr:
      if (double(csrOf(y).nonZeros()) <= kDenseColumnsDensity * double(y.rows()) * double(y.cols())) return std::nullopt;
      return makeDense(kernelTimes(k, Eigen::MatrixXd(csrOf(y))));
    default: return std::nullopt;
  }
}

/// x @ y for a view x (rows x y.rows()) and a block y, by the kinds' routes.
CoefBlock product(const CoefView& x, const CoefBlock& y, const KernelRowsLookup& kernelRows) {
  // x and y are finite (signSplitInto's precondition): a Kernel's transposed convolution without
  // checking x once more.
  if (x.dense && y.kind() == CoefBlock::Kind::Kernel) return makeDense(timesKernel(*x.dense, y.kernelBlock()));
  if (x.dense) return makeDense(leftMultiplyMatrix(*x.dense, y));
  const SparseRM& s = *x.csr;
  switch (y.kind()) {
    case CoefBlock::Kind::Diagonal: {
      SparseRM out = s;
      const Eigen::VectorXd& d = diagonalOf(y);
      for (Eigen::Index k = 0; k < out.nonZeros(); ++k) out.valuePtr()[k] *= d[out.innerIndexPtr()[k]];
      return makeCsr(std::move(out));
    }
    case CoefBlock::Kind::Dense: return makeDense(csrTimesDense(s, denseOf(y), true));
    case CoefBlock::Kind::RowScaled: {  // (s diag(scale)) @ base, by the base's route
      CoefView scaled;
      scaled.rows = s.rows();
      scaled.cols = s.cols();
      scaled.csrStore = s * rowScaleOf(y).asDiagonal();
      scaled.csr = &scaled.csrStore;
      return product(scaled, y.scaledBase(), kernelRows);
    }
    case CoefBlock::Kind::Csr: return finished(SparseRM(s * csrOf(y)));
    case CoefBlock::Kind::Kernel: {
      if (throughDenseRows(s, y.kernelBlock().geometry))
        return makeDense(leftMultiplyMatrix(Eigen::MatrixXd(s), y));
      std::variant<SparseRM, Eigen::MatrixXd> st = csrTimesKernel(s, y.kernelBlock(), CoefBlock::kCsrDensity);
      if (SparseRM* sparse = std::get_if<SparseRM>(&st)) return finished(std::move(*sparse));
      return makeDense(std::move(std::get<Eigen::MatrixXd>(st)));
    }
  }
  return makeDense(leftMultiplyMatrix(Eigen::MatrixXd(s), y));
}

/// x with each entry scaled by its column's onPositive (entry >= 0) or onNegative value.
CoefBlock scaledBySign(const CoefView& x, const Eigen::VectorXd& onPositive, const Eigen::VectorXd& onNegative) {
  if (x.dense) {
    const Eigen::MatrixXd& c = *x.dense;
    Eigen::MatrixXd out(c.rows(), c.cols());
    for (Eigen::Index j = 0; j < c.cols(); ++j) {
      const double p = onPositive[j], q = onNegative[j];
      const double* src = c.col(j).data();
      double* dst = out.col(j).data();
      for (Eigen::Index i = 0; i < c.rows(); ++i) dst[i] = src[i] * (src[i] >= 0 ? p : q);
    }
    return makeDense(std::move(out));
  }
  SparseRM out = *x.csr;
  for (Eigen::Index k = 0; k < out.nonZeros(); ++k) {
    double& v = out.valuePtr()[k];
    const int j = out.innerIndexPtr()[k];
    v *= v >= 0 ? onPositive[j] : onNegative[j];
  }
  return makeCsr(std::move(out));
}

/// max(x, 0) (positive) or min(x, 0), as a view of the same form.
void clamped(const CoefView& x, bool positive, CoefView& out) {
  out.rows = x.rows;
  out.cols = x.cols;
  if (x.dense) {
    if (positive) out.denseStore = x.dense->cwiseMax(0.0);
    else out.denseStore = x.dense->cwiseMin(0.0);
    out.dense = &out.denseStore;
    return;
  }
  out.csrStore = *x.csr;
  out.csrStore.prune([positive](Eigen::Index, Eigen::Index, double v) { return positive ? v > 0 : v < 0; });
  out.csrStore.makeCompressed();
  out.csr = &out.csrStore;
}

bool sameBlock(const CoefBlock& a, const CoefBlock& b) { return a.kind() == b.kind() && a.storage() == b.storage(); }

/// Two blocks that scale the rows of one block W: a RowScaled view of W or W itself (scale 1); a
/// missing one scales by 0.
struct RowScalings {
  const CoefBlock* base = nullptr;
  Eigen::VectorXd a, b;  ///< the scales of a and b
};

/// a and b as row scalings of one block, at least one of them a RowScaled view; nullopt otherwise.
std::optional<RowScalings> rowScalingsOfOneBlock(const CoefBlock* a, const CoefBlock* b, int64_t m) {
  const CoefBlock* base = nullptr;
  bool view = false;
  for (const CoefBlock* x : {a, b}) {
    if (!x) continue;
    const bool scaled = x->kind() == CoefBlock::Kind::RowScaled;
    const CoefBlock& under = scaled ? x->scaledBase() : *x;
    if (base && !sameBlock(*base, under)) return std::nullopt;
    base = &under;
    view = view || scaled;
  }
  if (!base || !view) return std::nullopt;
  auto scaleOf = [m](const CoefBlock* x) -> Eigen::VectorXd {
    if (!x) return Eigen::VectorXd::Zero(m);
    return x->kind() == CoefBlock::Kind::RowScaled ? rowScaleOf(*x) : Eigen::VectorXd::Ones(m);
  };
  return RowScalings{base, scaleOf(a), scaleOf(b)};
}

/// A Diagonal block of ones (c @ I = c).
bool identity(const CoefBlock& a) {
  return a.kind() == CoefBlock::Kind::Diagonal && a.rows() == a.cols() && (diagonalOf(a).array() == 1.0).all();
}

}  // namespace

Eigen::VectorXd columnOf(const Tensor& t, int64_t m) {
  if (t.v.size() == 1) return Eigen::VectorXd::Constant(m, t.v[0]);
  return hostMatrix(t, m, 1).col(0);
}

void viewOf(const CoefBlock& c, const KernelRowsLookup& kernelRows, CoefView& v) {
  v.rows = c.rows();
  v.cols = c.cols();
  switch (c.kind()) {
    case CoefBlock::Kind::Dense: v.dense = &denseOf(c); return;
    case CoefBlock::Kind::RowScaled:
      if (c.scaledBase().kind() == CoefBlock::Kind::Kernel && valuesFinite(rowScaleOf(c))) {
        v.csrStore = rowScaledKernelRows(c, kernelRows);  // a conv layer's rows, scaled
        v.csr = &v.csrStore;
        return;
      }
      v.denseStore = toDense(c);
      v.dense = &v.denseStore;
      return;
    case CoefBlock::Kind::Csr:
      if (csrOf(c).isCompressed()) {
        v.csr = &csrOf(c);
      } else {
        v.csrStore = csrOf(c);
        v.csrStore.makeCompressed();
        v.csr = &v.csrStore;
      }
      return;
    case CoefBlock::Kind::Kernel: {
      const SparseRM* shared = kernelRows ? csrOf(kernelRows(c.kernelBlock())) : nullptr;
      if (shared && shared->isCompressed()) {
        v.csr = shared;
      } else {
        v.csrStore = shared ? *shared : kernelRowsCsr(c.kernelBlock());
        v.csrStore.makeCompressed();
        v.csr = &v.csrStore;
      }
      return;
    }
    case CoefBlock::Kind::Diagonal: {
      const Eigen::VectorXd& d = diagonalOf(c);
      v.csrStore = SparseRM(d.size(), d.size());
      if (d.size() > 0) v.csrStore.reserve(Eigen::VectorXi::Ones(d.size()));  // none: see diagonal::selectRows
      for (Eigen::Index i = 0; i < d.size(); ++i)
        if (d[i] != 0) v.csrStore.insert(i, i) = d[i];
      v.csrStore.makeCompressed();
      v.csr = &v.csrStore;
      return;
    }
  }
}

bool signSplitInto(Lin& out, const CoefBlock& c, const Lin& onPositive, const Lin& onNegative,
                   const KernelRowsLookup& kernelRows, const std::function<void(int, CoefBlock)>& addBlock) {
  // Terms with coefficient 0 do not exist (the term frame's mask): skipped here as there, which
  // is exact only while no product meets 0 * inf: c, the members' blocks and constants must be
  // finite (c's check is made by the one pass of a ReLU step, elsewhere here).
  if (!finite(onPositive.c0) || !finite(onNegative.c0)) return false;
  for (const auto& [k, blk] : onPositive.blocks)
    if (!allFinite(blk)) return false;
  for (const auto& [k, blk] : onNegative.blocks) {
    const auto same = onPositive.blocks.find(k);  // an Affine layer's L and U: one block, checked once
    if ((same == onPositive.blocks.end() || !sameBlock(same->second, blk)) && !allFinite(blk)) return false;
  }
  const int64_t m = c.cols();
  std::set<int> keys;
  for (const Lin* form : {&onPositive, &onNegative})
    for (const auto& [k, blk] : form->blocks) keys.insert(k);
  auto diagonalIn = [m](const Lin& form, int k) {
    const auto it = form.blocks.find(k);
    return it == form.blocks.end() ? Eigen::VectorXd::Zero(m).eval() : diagonalOf(it->second);
  };
  auto diagonalOrNone = [](const Lin& form, int k) {
    const auto it = form.blocks.find(k);
    return it == form.blocks.end() || it->second.kind() == CoefBlock::Kind::Diagonal;
  };
  const int key = keys.empty() ? 0 : *keys.begin();
  const bool reluStep = keys.size() == 1 && diagonalOrNone(onPositive, key) && diagonalOrNone(onNegative, key);
  const bool constants = !zeroScalar(onPositive.c0) || !zeroScalar(onNegative.c0);
  // A Dense form over constants only (the step onto the input box) is checked in its sum's pass.
  const bool checkedInSum = keys.empty() && constants && c.kind() == CoefBlock::Kind::Dense &&
                            onPositive.c0.v != onNegative.c0.v;
  if (!(reluStep && constants) && !checkedInSum && !allFinite(c)) return false;
  if (keys.empty() && c.kind() == CoefBlock::Kind::Kernel) {
    // Constants only (a step onto the input box): c @ (p | q) by convolutions, never through the
    // kernel's Toeplitz rows as CSR (building them was 9% of a cifar_base_kw run).
    const Eigen::VectorXd p = columnOf(onPositive.c0, m);
    const Eigen::VectorXd add = onPositive.c0.v == onNegative.c0.v
                                    ? Eigen::VectorXd(kernelTimes(c.kernelBlock(), p).col(0))
                                    : kernelSignSplitSum(c.kernelBlock(), p, columnOf(onNegative.c0, m));
    out.c0 = zip(out.c0, columnTensor(add), [](double a, double b) { return a + b; });
    return true;
  }
  CoefView x;
  viewOf(c, kernelRows, x);
  if (constants) {
    Eigen::VectorXd add = Eigen::VectorXd::Zero(c.rows());
    if (reluStep) {
      // One pass for the constants and the one column scaling (a ReLU step), c's check included.
      std::optional<CoefBlock> scaled = scaledAndSummedBySign(x, diagonalIn(onPositive, key), diagonalIn(onNegative, key),
                                                              columnOf(onPositive.c0, m), columnOf(onNegative.c0, m), add);
      if (!scaled) return false;  // c is not finite: nothing was added to `out`
      addBlock(key, std::move(*scaled));
      keys.clear();
    } else if (onPositive.c0.v == onNegative.c0.v) {  // one constant (an Affine layer's bias): x @ c0
      const Eigen::VectorXd c0 = columnOf(onPositive.c0, m);
      if (x.dense) add.noalias() = *x.dense * c0;
      else add.noalias() = *x.csr * c0;
    } else {
      bool finiteX = true;
      add = sumBySign(x, columnOf(onPositive.c0, m), columnOf(onNegative.c0, m), checkedInSum ? &finiteX : nullptr);
      if (!finiteX) return false;  // nothing was added to `out`
    }
    out.c0 = zip(out.c0, columnTensor(add), [](double a, double b) { return a + b; });
  }
  std::optional<CoefView> pos, neg;  // max(c, 0) and min(c, 0), made on first need
  for (int k : keys) {
    const auto ip = onPositive.blocks.find(k);
    const auto in = onNegative.blocks.find(k);
    const CoefBlock* a = ip != onPositive.blocks.end() ? &ip->second : nullptr;
    const CoefBlock* b = in != onNegative.blocks.end() ? &in->second : nullptr;
    if (a && b && sameBlock(*a, *b)) {  // pos(c) @ A + neg(c) @ A = c @ A
      if (identity(*a)) {  // an Add layer's input: c itself, its storage shared (c is finite)
        addBlock(k, CoefBlock(c).checkedFinite());
        continue;
      }
      if (std::optional<CoefBlock> conv = kernelOverColumns(c, *a)) {
        addBlock(k, std::move(*conv));
        continue;
      }
      addBlock(k, product(x, *a, kernelRows));
      continue;
    }
    const bool diagonalA = !a || a->kind() == CoefBlock::Kind::Diagonal;
    const bool diagonalB = !b || b->kind() == CoefBlock::Kind::Diagonal;
    if (diagonalA && diagonalB) {  // a column scaling chosen per entry by its sign
      addBlock(k, scaledBySign(x, a ? diagonalOf(*a) : Eigen::VectorXd::Zero(m), b ? diagonalOf(*b) : Eigen::VectorXd::Zero(m)));
      continue;
    }
    if (const std::optional<RowScalings> rs = rowScalingsOfOneBlock(a, b, m)) {
      // Row scalings of one block W (a ReLU's L and U written over the layer before its affine
      // layer, diag(sa) W and diag(sb) W): pos(c) diag(sa) W + neg(c) diag(sb) W is c scaled per
      // entry by its sign, times W: one product instead of two and their sum.
      const CoefBlock scaled = scaledBySign(x, rs->a, rs->b);
      CoefView sx;
      viewOf(scaled, kernelRows, sx);
      addBlock(k, product(sx, *rs->base, kernelRows));
      continue;
    }
    CoefBlock sum;
    bool any = false;
    if (a) {
      if (!pos) clamped(x, true, pos.emplace());
      sum = product(*pos, *a, kernelRows);
      any = true;
    }
    if (b) {
      if (!neg) clamped(x, false, neg.emplace());
      CoefBlock part = product(*neg, *b, kernelRows);
      if (any) sum = cpuBackend().add(sum, part, 1.0);
      else sum = std::move(part);
    }
    addBlock(k, std::move(sum));
  }
  return true;
}

std::optional<Tensor> signSplitSum(const CoefBlock& c, const Tensor& onPositive, const Tensor& onNegative,
                                   const KernelRowsLookup& kernelRows) {
  if (!allFinite(c) || !finite(onPositive) || !finite(onNegative)) return std::nullopt;
  const Eigen::VectorXd p = columnOf(onPositive, c.cols()), q = columnOf(onNegative, c.cols());
  if (c.kind() == CoefBlock::Kind::Kernel)  // two convolutions, no CSR rows
    return columnTensor(kernelSignSplitSum(c.kernelBlock(), p, q));
  CoefView x;
  viewOf(c, kernelRows, x);
  return columnTensor(sumBySign(x, p, q));
}

std::optional<Tensor> productSignSplitSum(const CoefBlock& c, const CoefBlock& a, const Tensor& onPositive,
                                          const Tensor& onNegative, const KernelRowsLookup& kernelRows) {
  if (!finite(onPositive) || !finite(onNegative) || !allFinite(c)) return std::nullopt;
  const Eigen::VectorXd p = columnOf(onPositive, a.cols()), q = columnOf(onNegative, a.cols());
  CoefView x;
  viewOf(c, kernelRows, x);
  Eigen::VectorXd sums;
  if (a.kind() == CoefBlock::Kind::Kernel) {
    // The routes of product() and timesKernel through a conv layer, each summing its values by
    // sign where it would store them: a direct transposed convolution of dense rows (timesKernel's
    // route from kDirectMinRows rows, 3+ input channels, 2+ taps) or S @ T of CSR rows.
    const gbcsr::KernelBlock& k = a.kernelBlock();
    const ConvGeometry& g = k.geometry;
    const bool direct = directTransposedConvolution(x.rows, g);
    if (x.csr) {
      if (!throughDenseRows(*x.csr, g)) {
        sums = csrTimesKernelSummedBySign(*x.csr, k, p, q);
      } else if (direct) {
        const Eigen::MatrixXd dense(*x.csr);
        sums = timesKernelRowsSummedBySign(dense.data(), dense.rows(), k, p, q);
      }
    } else if (direct && x.dense->outerStride() == x.rows) {
      sums = timesKernelRowsSummedBySign(x.dense->data(), x.rows, k, p, q);
    }
  }
  if (sums.size() != x.rows) {  // any other route: the product, then its sum
    const CoefBlock product = cpu::product(x, a, kernelRows);
    if (!allFinite(product)) return std::nullopt;
    CoefView y;
    viewOf(product, kernelRows, y);
    sums = sumBySign(y, p, q);
  }
  if (!sums.allFinite()) return std::nullopt;
  return columnTensor(sums);
}

}  // namespace cert::runtime::cpu
