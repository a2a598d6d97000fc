// Batched g-BCSR products: per pair of meeting blocks, a kind-pair kernel; contributions summed.
#include "tests/support/gbcsr_reference/matmul.h"
#include "runtime/backend/cpu/convolution.h"

#include <stdexcept>

#include "tests/support/gbcsr_reference/elementwise.h"

namespace cert::gbcsr {

namespace {

using Eigen::MatrixXd;

/// The product of two restricted, finite blocks (a: nb x m x kk, b: nb x kk x n).
BlockData pairProduct(const Block& a, const Block& b) {
  const int64_t nb = a.box.ext[0];
  const int64_t items = (a.shared() && b.shared()) ? 1 : nb;
  const auto* ca = std::get_if<ConstantBlock>(&a.data);
  const auto* cb = std::get_if<ConstantBlock>(&b.data);
  const auto* da = std::get_if<DiagonalBlock>(&a.data);
  const auto* db = std::get_if<DiagonalBlock>(&b.data);
  if (ca) {
    BroadcastBlock o;
    for (int64_t i = 0; i < items; ++i) o.items.push_back(ca->value * b.item(i).colwise().sum());
    return o;
  }
  if (cb) {
    BroadcastBlock o;
    for (int64_t i = 0; i < items; ++i) o.items.push_back(cb->value * a.item(i).rowwise().sum());
    return o;
  }
  if (da && db) {
    DiagonalBlock o;
    for (int64_t i = 0; i < items; ++i) o.items.push_back(da->diag(i).cwiseProduct(db->diag(i)));
    return o;
  }
  if (da && std::holds_alternative<CsrBlock>(b.data)) {
    CsrBlock o;
    for (int64_t i = 0; i < items; ++i)
      o.items.push_back(da->diag(i).asDiagonal() * std::get<CsrBlock>(b.data).sparse(i));
    return o;
  }
  std::vector<MatrixXd> out(static_cast<size_t>(items));
#pragma omp parallel for schedule(dynamic) if (items > 1 && !std::holds_alternative<DenseBlock>(a.data))
  for (int64_t i = 0; i < items; ++i) {
    MatrixXd& r = out[static_cast<size_t>(i)];
    if (da) r = da->diag(i).asDiagonal() * b.item(i);
    else if (db) r = a.item(i) * db->diag(i).asDiagonal();
    else if (const auto* ka = std::get_if<KernelBlock>(&a.data); ka && !std::holds_alternative<KernelBlock>(b.data))
      r = runtime::cpu::kernelTimes(*ka, b.item(i));
    else if (const auto* kb = std::get_if<KernelBlock>(&b.data); kb && !std::holds_alternative<KernelBlock>(a.data))
      r = runtime::cpu::timesKernel(a.item(i), *kb);
    else if (const auto* sa = std::get_if<CsrBlock>(&a.data)) r = sa->sparse(i) * b.item(i);
    else if (const auto* sb = std::get_if<CsrBlock>(&b.data)) r = a.item(i) * sb->sparse(i);
    else if (const auto* xa = std::get_if<DenseBlock>(&a.data); xa && std::holds_alternative<DenseBlock>(b.data)) {
      r.resize(a.box.ext[1], b.box.ext[2]);
      r.noalias() = xa->item(i) * std::get<DenseBlock>(b.data).item(i);
    } else {
      r.resize(a.box.ext[1], b.box.ext[2]);
      r.noalias() = a.item(i) * b.item(i);
    }
  }
  return denseData(std::move(out));
}

Tensor denseProduct(const Tensor& a, const Tensor& b) {
  const DenseTensor da = toDense(a), db = toDense(b);
  std::vector<MatrixXd> items;
  for (size_t i = 0; i < da.size(); ++i) items.push_back(da[i] * db[i]);
  Tensor out = Tensor::filled(a.batch, a.rows, b.cols, 0.0);
  out.add(Block{out.whole(), denseData(std::move(items))});
  return out;
}

}  // namespace

void setThreads(int n) { Eigen::setNbThreads(n); }

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (a.batch != b.batch || a.cols != b.rows) throw std::invalid_argument("gbcsr: matmul extents do not match");
  // Skipping default regions and Toeplitz/diagonal zeros is exact only when 0 * x == 0 for every
  // x on the other side: any non-finite value or non-zero default takes the dense product.
  bool finite = a.defaultValue == 0 && b.defaultValue == 0;
  for (const Block& x : a.blocks) finite = finite && x.allFinite();
  for (const Block& y : b.blocks) finite = finite && y.allFinite();
  if (!finite) return denseProduct(a, b);
  Tensor out = Tensor::filled(a.batch, a.rows, b.cols, 0.0);
  std::vector<Block> parts;
  for (const Block& x : a.blocks)
    for (const Block& y : b.blocks) {
      const int64_t b0 = std::max(x.box.off[0], y.box.off[0]), b1 = std::min(x.box.end(0), y.box.end(0));
      const int64_t k0 = std::max(x.box.off[2], y.box.off[1]), k1 = std::min(x.box.end(2), y.box.end(1));
      if (b1 <= b0 || k1 <= k0) continue;
      const Block xr = restrictTo(x, Box::of(b0, b1 - b0, x.box.off[1], x.box.ext[1], k0, k1 - k0));
      const Block yr = restrictTo(y, Box::of(b0, b1 - b0, k0, k1 - k0, y.box.off[2], y.box.ext[2]));
      parts.push_back(Block{Box::of(b0, b1 - b0, x.box.off[1], x.box.ext[1], y.box.off[2], y.box.ext[2]),
                            pairProduct(xr, yr)});
    }
  bool disjoint = true;
  for (size_t i = 0; i < parts.size() && disjoint; ++i)
    for (size_t j = i + 1; j < parts.size() && disjoint; ++j)
      disjoint = intersect(parts[i].box, parts[j].box).empty();
  if (disjoint) {
    out.blocks = std::move(parts);
    return out;
  }
  for (Block& p : parts) {
    Tensor one = Tensor::filled(out.batch, out.rows, out.cols, 0.0);
    one.blocks.push_back(std::move(p));
    out = binary(out, one, BinOp::Add);
  }
  return out;
}

}  // namespace cert::gbcsr
