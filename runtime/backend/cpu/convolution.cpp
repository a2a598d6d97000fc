// Convolutions on the CPU: a Kernel block's Toeplitz rows as CSR and its non-zero rows, T @ X by
// im2col + GEMM, and the cost model that picks a route for X @ T (transposed_convolution.cpp).
#include "runtime/backend/cpu/convolution.h"

#include "runtime/backend/cpu/block_kinds.h"

#include <algorithm>
#include <vector>

namespace cert::runtime::cpu {

InsideColumns insideColumns(const ConvGeometry& g) {
  InsideColumns c{std::vector<int>(static_cast<size_t>(g.kernelW)), std::vector<int>(static_cast<size_t>(g.kernelW))};
  for (int kw = 0; kw < g.kernelW; ++kw) {
    int b = 0, e = g.outWidth;
    while (b < e && b * g.strideW - g.padLeft + kw * g.dilationW < 0) ++b;
    while (e > b && (e - 1) * g.strideW - g.padLeft + kw * g.dilationW >= g.inWidth) --e;
    c.begin[static_cast<size_t>(kw)] = b, c.end[static_cast<size_t>(kw)] = e;
  }
  return c;
}

Eigen::MatrixXd toeplitzOf(const gbcsr::KernelBlock& k) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(k.rows(), k.cols());
  k.forEachTap([&](int64_t o, int64_t i, double w) { m(o, i) += w; });
  return m;
}

SparseRM kernelRowsCsr(const gbcsr::KernelBlock& k) {
  return kernelRowsMapped(k, [](int64_t, int64_t, double w) { return w; });
}

SparseRM kernelRowsSelected(const gbcsr::KernelBlock& k, std::span<const int64_t> rows, int64_t placedIn) {
  const ConvGeometry& g = k.geometry;
  const int64_t pout = int64_t(g.outHeight) * g.outWidth;
  const int64_t n = placedIn > 0 ? placedIn : static_cast<int64_t>(rows.size());
  SparseRM m(n, k.cols());
  m.resizeNonZeros(static_cast<Eigen::Index>(rows.size()) * g.inChannels * g.kernelH * g.kernelW);
  int* outer = m.outerIndexPtr();
  int* inner = m.innerIndexPtr();
  double* values = m.valuePtr();
  int at = 0;
  int64_t next = 0;  // the next row whose start is written
  for (size_t r = 0; r < rows.size(); ++r) {
    const int64_t row = placedIn > 0 ? rows[r] : static_cast<int64_t>(r);
    while (next <= row) outer[next++] = at;
    const int oc = static_cast<int>(rows[r] / pout);
    const int oh = static_cast<int>(rows[r] % pout / g.outWidth), ow = static_cast<int>(rows[r] % g.outWidth);
    // The taps inside the input.
    const int h0 = oh * g.strideH - g.padTop, x0 = ow * g.strideW - g.padLeft;
    const TapRange khs = insideTaps(h0, g.kernelH, g.dilationH, g.inHeight);
    const TapRange kws = insideTaps(x0, g.kernelW, g.dilationW, g.inWidth);
    const double* wOc = k.weight.data() + int64_t(oc) * g.inChannels * g.kernelH * g.kernelW;
    for (int ic = 0; ic < g.inChannels; ++ic)  // columns ascend: (ic, h, x) in order
      for (int kh = khs.begin; kh < khs.end; ++kh) {
        const double* w = wOc + (int64_t(ic) * g.kernelH + kh) * g.kernelW;
        const int col = static_cast<int>((int64_t(ic) * g.inHeight + h0 + kh * g.dilationH) * g.inWidth + x0);
        for (int kw = kws.begin; kw < kws.end; ++kw) {  // every tap written, kept when non-zero (no branch)
          inner[at] = col + kw * g.dilationW;
          values[at] = w[kw];
          at += w[kw] != 0;
        }
      }
  }
  while (next <= n) outer[next++] = at;
  m.resizeNonZeros(at);
  return m;
}

std::vector<bool> kernelNonZeroRows(const gbcsr::KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  const int64_t taps = int64_t(g.kernelH) * g.kernelW, pout = int64_t(g.outHeight) * g.outWidth;
  std::vector<bool> out(static_cast<size_t>(k.rows()), false);
  std::vector<char> nonZeroTap(static_cast<size_t>(taps));
  for (int oc = 0; oc < g.outChannels; ++oc) {
    std::fill(nonZeroTap.begin(), nonZeroTap.end(), 0);  // (kh, kw) with a non-zero weight in some channel
    for (int ic = 0; ic < g.inChannels; ++ic)
      for (int64_t t = 0; t < taps; ++t)
        nonZeroTap[static_cast<size_t>(t)] |= k.weight[(int64_t(oc) * g.inChannels + ic) * taps + t] != 0;
    for (int oh = 0; oh < g.outHeight; ++oh)
      for (int ow = 0; ow < g.outWidth; ++ow) {
        bool any = false;
        for (int kh = 0; kh < g.kernelH && !any; ++kh) {
          const int h = oh * g.strideH - g.padTop + kh * g.dilationH;
          if (h < 0 || h >= g.inHeight) continue;
          for (int kw = 0; kw < g.kernelW && !any; ++kw) {
            const int x = ow * g.strideW - g.padLeft + kw * g.dilationW;
            any = x >= 0 && x < g.inWidth && nonZeroTap[static_cast<size_t>(int64_t(kh) * g.kernelW + kw)];
          }
        }
        out[static_cast<size_t>(oc * pout + int64_t(oh) * g.outWidth + ow)] = any;
      }
  }
  return out;
}

namespace {

/// Doubles of kernelTimes' col buffer per GEMM (1 MB: the chunk of columns stays in L2 between
/// its writes and the GEMM's reads).
constexpr int64_t kColumnsBudget = int64_t(1) << 17;

/// Writes the im2col rows of one input column `in` into `col` (row-major, `stride` doubles per
/// row, the column's positions at col + row * stride): row (ic, kh, kw) holds the value that tap
/// reads at each output position; entries in the padding are left as they are.
void im2colColumn(const ConvGeometry& g, const InsideColumns& inside, const double* in, double* col, int64_t stride) {
  for (int ic = 0; ic < g.inChannels; ++ic)
    for (int kh = 0; kh < g.kernelH; ++kh)
      for (int kw = 0; kw < g.kernelW; ++kw) {
        double* row = col + ((int64_t(ic) * g.kernelH + kh) * g.kernelW + kw) * stride;
        const int b = inside.begin[static_cast<size_t>(kw)], e = inside.end[static_cast<size_t>(kw)];
        for (int oh = 0; oh < g.outHeight; ++oh) {
          const int h = oh * g.strideH - g.padTop + kh * g.dilationH;
          if (h < 0 || h >= g.inHeight) continue;
          const int64_t base = (int64_t(ic) * g.inHeight + h) * g.inWidth - g.padLeft + int64_t(kw) * g.dilationW;
          double* dst = row + int64_t(oh) * g.outWidth;
          for (int ow = b; ow < e; ++ow) dst[ow] = in[base + int64_t(ow) * g.strideW];
        }
      }
}

}  // namespace

Eigen::VectorXd kernelSignSplitSum(const gbcsr::KernelBlock& k, const Eigen::VectorXd& onPositive,
                                   const Eigen::VectorXd& onNegative) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const ConvGeometry& g = k.geometry;
  const int64_t positions = int64_t(g.outHeight) * g.outWidth;
  const int64_t taps = int64_t(g.inChannels) * g.kernelH * g.kernelW;
  Eigen::VectorXd out = Eigen::VectorXd::Zero(k.rows());
  if (positions == 0 || taps == 0) return out;
  const Eigen::Map<const RowMajor> wm(k.weight.data(), g.outChannels, taps);
  const RowMajor positive = wm.cwiseMax(0.0), negative = wm.cwiseMin(0.0);
  const InsideColumns inside = insideColumns(g);
  RowMajor colP = RowMajor::Zero(taps, positions), colN = RowMajor::Zero(taps, positions);  // padding: 0
  im2colColumn(g, inside, onPositive.data(), colP.data(), positions);
  im2colColumn(g, inside, onNegative.data(), colN.data(), positions);
  Eigen::Map<RowMajor> o(out.data(), g.outChannels, positions);  // neuron order (oc, oh, ow)
  o.noalias() = positive * colP;
  o.noalias() += negative * colN;
  return out;
}

/// T @ X as a convolution by im2col + GEMM over chunks of X's columns: col[(ic, kh, kw), (c, p)] is
/// the input value tap (kh, kw) of channel ic reads at output position p of column c (0 in the
/// padding), one GEMM Wm[oc, (ic, kh, kw)] @ col gives R[oc, (c, p)], and each column's output
/// [oc, p] (neuron order oc, oh, ow) is copied out of R in runs of positions. Several columns (the
/// items of a batch frame) share one GEMM, whose inner dimension, the taps, is small on early
/// layers. Each tap's valid run of positions is computed once per output row, so the copy loop has
/// no per-element bounds test.

Eigen::MatrixXd kernelTimes(const gbcsr::KernelBlock& k, const Eigen::Ref<const Eigen::MatrixXd>& x) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const ConvGeometry& g = k.geometry;
  const int64_t positions = int64_t(g.outHeight) * g.outWidth;
  const int64_t taps = int64_t(g.inChannels) * g.kernelH * g.kernelW;
  if (x.cols() >= kDirectMinColumns && valuesFinite(k.weight)) return kernelTimesColumns(k, x);
  Eigen::MatrixXd out(k.rows(), x.cols());
  if (positions == 0 || taps == 0) return out.setZero();
  const Eigen::Map<const RowMajor> wm(k.weight.data(), g.outChannels, taps);
  const InsideColumns inside = insideColumns(g);
  const std::vector<int>&owBegin = inside.begin, &owEnd = inside.end;
  // Columns per GEMM: the col buffer at most kColumnsBudget doubles, so that it stays in cache
  // between its writes and the GEMM's reads.
  const int64_t chunk = std::max<int64_t>(1, std::min<int64_t>(x.cols(), kColumnsBudget / (positions * taps)));
  // When every tap reads inside the input at every position (no padding reached), every entry of
  // col is written below; otherwise the entries the loops skip are the padding's zeros.
  bool covered = g.padTop <= 0 && (g.outHeight - 1) * g.strideH - g.padTop + (g.kernelH - 1) * g.dilationH < g.inHeight;
  for (int kw = 0; kw < g.kernelW; ++kw)
    covered = covered && owBegin[static_cast<size_t>(kw)] == 0 && owEnd[static_cast<size_t>(kw)] == g.outWidth;
  RowMajor col, result, columnsFastest;
  for (int64_t c0 = 0; c0 < x.cols(); c0 += chunk) {
    const int64_t cc = std::min(chunk, int64_t(x.cols()) - c0);
    const int64_t width = cc * positions;
    if (!covered) col.setZero(taps, width);
    else col.resize(taps, width);
    if (cc == 1) {  // [oc x positions] row-major is the output column in neuron order
      im2colColumn(g, inside, x.col(c0).data(), col.data(), width);
      Eigen::Map<RowMajor>(out.col(c0).data(), g.outChannels, positions).noalias() = wm * col;
      continue;
    }
    // Several columns (the items of a batch frame): with the chunk's columns fastest (its input
    // as [inputs x cc] row-major), the values a tap reads at a position are a run of cc doubles,
    // so col[(ic, kh, kw), (p, c)] is written a run at a time, not one strided value at a time;
    // the GEMM's result [oc x (p, c)] is then [outputs x cc] row-major: the chunk's output columns.
    columnsFastest = x.middleCols(c0, cc);
    for (int ic = 0; ic < g.inChannels; ++ic)
      for (int kh = 0; kh < g.kernelH; ++kh)
        for (int kw = 0; kw < g.kernelW; ++kw) {
          double* row = col.row((int64_t(ic) * g.kernelH + kh) * g.kernelW + kw).data();
          const int b = owBegin[static_cast<size_t>(kw)], e = owEnd[static_cast<size_t>(kw)];
          for (int oh = 0; oh < g.outHeight; ++oh) {
            const int h = oh * g.strideH - g.padTop + kh * g.dilationH;
            if (h < 0 || h >= g.inHeight) continue;
            const int64_t base = (int64_t(ic) * g.inHeight + h) * g.inWidth - g.padLeft + int64_t(kw) * g.dilationW;
            for (int ow = b; ow < e; ++ow)
              std::copy_n(columnsFastest.row(base + int64_t(ow) * g.strideW).data(), cc,
                          row + (int64_t(oh) * g.outWidth + ow) * cc);
          }
        }
    result.noalias() = wm * col;  // [oc x (positions * cc)]
    out.middleCols(c0, cc) = Eigen::Map<const RowMajor>(result.data(), k.rows(), cc);
  }
  return out;
}

double transposedConvolutionCost(int64_t rows, const ConvGeometry& g) {
  const double positionsTaps = double(g.outHeight) * g.outWidth * g.inChannels * g.kernelH * g.kernelW;
  const double inputs = double(g.inChannels) * g.inHeight * g.inWidth;
  const double outputs = double(g.outChannels) * g.outHeight * g.outWidth;
  return static_cast<double>(rows) * (0.08 * positionsTaps * g.outChannels + inputs + outputs + positionsTaps);
}

}  // namespace cert::runtime::cpu
