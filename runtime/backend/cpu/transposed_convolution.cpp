// Transposed convolutions on the CPU (back-substitution through a conv layer): X @ T for a dense X
// by per-tap GEMMs or by GEMM + col2im (S @ T for a CSR S: csr_times_kernel.cpp).
#include "runtime/backend/cpu/convolution.h"

#include <algorithm>
#include <vector>

#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/product_threads.h"

namespace cert::runtime::cpu {

namespace {

/// X @ T for a stride-1 convolution by one GEMM per kernel tap and run of positions, accumulated
/// in place. With X's rows fastest, the coefficients of output positions [p, p + n) over channel
/// oc are one contiguous run of n * rows values, and at stride 1 so are those of the input
/// positions a tap reads from them. So out[(r, in(p)), ic] += X[(r, p), oc] @ W_tap[oc, ic] is a
/// GEMM on strided views, with no im2col buffer and no scattered adds. A run is a row of
/// positions, or every row at once for a tap that reads every position of a row when input and
/// output rows are equally wide. It reads X once per tap, against the col2im route's one GEMM
/// and its [positions x taps] adds: 1.3-1.5x faster from 8 input channels up (resnet_2b's 16->16
/// convolutions at 50 and 300 rows), 0.6-0.75x at 1 to 3, where the GEMMs are too thin. Since the
/// direct transposed convolution (timesKernelRows) takes 16 rows and more, it runs for fewer (a
/// margin back-substitution's 9 rows).
/// `src`: X's values, `rows` per column, columns contiguous.
Eigen::MatrixXd timesKernelByTaps(const double* src, int64_t rows, const gbcsr::KernelBlock& k) {
  using Strided = Eigen::Map<Eigen::MatrixXd, 0, Eigen::OuterStride<>>;
  using ConstStrided = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>>;
  const ConvGeometry& g = k.geometry;
  const int64_t positions = int64_t(g.outHeight) * g.outWidth;
  const int64_t inPositions = int64_t(g.inHeight) * g.inWidth, kernelTaps = int64_t(g.kernelH) * g.kernelW;
  const InsideColumns inside = insideColumns(g);
  // Per tap: its output rows [ohB, ohE) whose input row is inside, and whether one run covers
  // every input position once (then that tap's GEMM writes the output and nothing zeroes it).
  struct TapRuns {
    int kh, kw, ohB, ohE;
    bool everyInput;
  };
  std::vector<TapRuns> order;
  for (int kh = 0; kh < g.kernelH; ++kh)
    for (int kw = 0; kw < g.kernelW; ++kw) {
      const int b = inside.begin[static_cast<size_t>(kw)], e = inside.end[static_cast<size_t>(kw)];
      int ohB = 0, ohE = g.outHeight;
      while (ohB < ohE && ohB - g.padTop + kh * g.dilationH < 0) ++ohB;
      while (ohE > ohB && ohE - 1 - g.padTop + kh * g.dilationH >= g.inHeight) --ohE;
      if (b >= e || ohB >= ohE) continue;
      const bool wholeRows = b == 0 && e == g.outWidth && b - g.padLeft + kw * g.dilationW == 0 && g.inWidth == g.outWidth;
      const bool everyInput = wholeRows && ohB - g.padTop + kh * g.dilationH == 0 && ohE - ohB == g.inHeight;
      order.push_back({kh, kw, ohB, ohE, everyInput});
    }
  const auto first = std::find_if(order.begin(), order.end(), [](const TapRuns& t) { return t.everyInput; });
  const bool assignFirst = first != order.end();
  if (assignFirst) std::rotate(order.begin(), first, first + 1);
  Eigen::MatrixXd out(rows, k.cols());
  if (!assignFirst) out.setZero();
  Eigen::MatrixXd tap(g.outChannels, g.inChannels);
  for (size_t t = 0; t < order.size(); ++t) {
    const int kh = order[t].kh, kw = order[t].kw, ohB = order[t].ohB, ohE = order[t].ohE;
    for (int oc = 0; oc < g.outChannels; ++oc)
      for (int ic = 0; ic < g.inChannels; ++ic)
        tap(oc, ic) = k.weight[(int64_t(oc) * g.inChannels + ic) * kernelTaps + int64_t(kh) * g.kernelW + kw];
    const int b = inside.begin[static_cast<size_t>(kw)], e = inside.end[static_cast<size_t>(kw)];
    const int x0 = b - g.padLeft + kw * g.dilationW;  // the input column position b reads
    auto gemm = [&](int oh, int64_t n) {  // n positions from (oh, b)
      const int h = oh - g.padTop + kh * g.dilationH;
      const ConstStrided a(src + (int64_t(oh) * g.outWidth + b) * rows, n * rows, g.outChannels,
                           Eigen::OuterStride<>(positions * rows));
      Strided o(out.data() + (int64_t(h) * g.inWidth + x0) * rows, n * rows, g.inChannels,
                Eigen::OuterStride<>(inPositions * rows));
      if (t == 0 && assignFirst) o.noalias() = a * tap;
      else o.noalias() += a * tap;
    };
    if (b == 0 && e == g.outWidth && x0 == 0 && g.inWidth == g.outWidth) {
      gemm(ohB, int64_t(ohE - ohB) * g.outWidth);
      continue;
    }
    for (int oh = ohB; oh < ohE; ++oh) gemm(oh, e - b);
  }
  return out;
}

}  // namespace

/// X @ T as a transposed convolution by GEMM (col2im): per chunk of output positions, with the
/// chunk's coefficients viewed in place as A[(p, r), oc] (X's rows fastest: the columns of
/// positions [p0, p1) of channel oc are one run of (p1 - p0) * rows values), col = A @ Wm where
/// Wm[oc, (ic, kh, kw)] is the kernel, then every col[(p, .), (ic, kh, kw)] (a contiguous run of
/// the rows) is added to the output column of the input (ic, h, x) that tap reads at position p.
/// The GEMM does the multiply-adds at BLAS speed; the adds are contiguous, and with stride 1 the
/// positions of one output row and tap are one run in `col` and in the output alike. Chunks of
/// positions, not of rows, so that X is read where it is and the output written once (chunks of
/// rows copied X's rows out and each chunk's output back).
Eigen::MatrixXd timesKernel(const Eigen::Ref<const Eigen::MatrixXd>& x, const gbcsr::KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  const int64_t rows = x.rows(), positions = int64_t(g.outHeight) * g.outWidth;
  const int64_t taps = int64_t(g.inChannels) * g.kernelH * g.kernelW;
  if (rows == 0 || positions == 0 || taps == 0) return Eigen::MatrixXd::Zero(rows, k.cols());
  const double work = static_cast<double>(rows) * positions * g.outChannels * taps;
  ScopedProductThreads serial(work < kParallelProductWork ? 1 : 0);
  Eigen::MatrixXd contiguous;
  const double* src = x.data();
  if (x.outerStride() != rows) {
    contiguous = x;
    src = contiguous.data();
  }
  if (directTransposedConvolution(rows, g)) return timesKernelRows(src, rows, k);
  if (rows >= kPaddedDirectMinRows && directTransposedConvolution(kDirectMinRows, g)) {
    // Zero rows up to kDirectMinRows: the direct route at 16 rows beats the GEMM routes at 8-15.
    Eigen::MatrixXd padded = Eigen::MatrixXd::Zero(kDirectMinRows, x.cols());
    padded.topRows(rows) = Eigen::Map<const Eigen::MatrixXd>(src, rows, x.cols());
    return timesKernelRows(padded.data(), kDirectMinRows, k).topRows(rows);
  }
  if (g.strideH == 1 && g.strideW == 1 && g.inChannels >= 8) return timesKernelByTaps(src, rows, k);
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(rows, k.cols());
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> wm(
      k.weight.data(), g.outChannels, taps);
  // Doubles in the col buffer: 2 MB, under glibc's mmap threshold (32 MB, allocator_tuning.cpp), so
  // the buffer is reused from the heap (at 32 MB every chunk was a fresh mmap, and its page faults
  // and zeroing were a quarter of a resnet_2b run), and mostly in cache between the GEMM's writes
  // and the adds' reads: 20-30% faster than 8 MB on resnet_2b's and convSmall's convolutions.
  const int64_t budget = int64_t(1) << 18;
  const int64_t chunk = std::max<int64_t>(1, std::min<int64_t>(positions, budget / std::max<int64_t>(1, rows * taps)));
  const InsideColumns inside = insideColumns(g);
  Eigen::MatrixXd col;
  for (int64_t p0 = 0; p0 < positions; p0 += chunk) {
    const int64_t pc = std::min(chunk, positions - p0);
    const Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>> a(src + p0 * rows, pc * rows, g.outChannels,
                                                                       Eigen::OuterStride<>(positions * rows));
    col.noalias() = a * wm;  // [(pc * rows) x taps]
    const int ohFirst = static_cast<int>(p0 / g.outWidth), ohLast = static_cast<int>((p0 + pc - 1) / g.outWidth);
    for (int ic = 0; ic < g.inChannels; ++ic)
      for (int kh = 0; kh < g.kernelH; ++kh)
        for (int kw = 0; kw < g.kernelW; ++kw) {
          const double* from = col.col((int64_t(ic) * g.kernelH + kh) * g.kernelW + kw).data();
          for (int oh = ohFirst; oh <= ohLast; ++oh) {
            const int h = oh * g.strideH - g.padTop + kh * g.dilationH;
            if (h < 0 || h >= g.inHeight) continue;
            const int64_t rowStart = int64_t(oh) * g.outWidth;  // position (oh, 0)
            const int b = static_cast<int>(std::max<int64_t>(inside.begin[static_cast<size_t>(kw)], p0 - rowStart));
            const int e = static_cast<int>(std::min<int64_t>(inside.end[static_cast<size_t>(kw)], p0 + pc - rowStart));
            if (b >= e) continue;
            // Input column of position ow: in0 + ow * strideW.
            const int64_t in0 = (int64_t(ic) * g.inHeight + h) * g.inWidth - g.padLeft + kw * g.dilationW;
            const double* c = from + (rowStart + b - p0) * rows;
            if (g.strideW == 1) {
              double* o = out.data() + (in0 + b) * rows;
              const int64_t n = int64_t(e - b) * rows;
              for (int64_t t = 0; t < n; ++t) o[t] += c[t];
              continue;
            }
            for (int ow = b; ow < e; ++ow, c += rows) {
              double* o = out.data() + (in0 + int64_t(ow) * g.strideW) * rows;
              for (int64_t t = 0; t < rows; ++t) o[t] += c[t];
            }
          }
        }
  }
  return out;
}

}  // namespace cert::runtime::cpu
