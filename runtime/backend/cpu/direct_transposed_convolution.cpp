// X @ T over many rows of X (back-substitution of many neurons through a conv layer) as a direct
// transposed convolution with X's rows fastest: no GEMM over a small inner dimension, no packing
// of X, no read-modify-write of the output per tap (convolution.h).
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/vector_lanes.h"

#include <algorithm>
#include <vector>

namespace cert::runtime::cpu {

namespace {

/// Register blocks of rows per chunk: a chunk's columns of X and of the output stay in L2 across
/// the positions, and its rows are whole blocks (48 rows at 8 channels x 24, 64 at 4 x 32).
constexpr int64_t kChunkBlocks = 2;

/// The weights as [channel block][outC][kH][kW][ChannelBlock] over input channels, channels past
/// inC zero: the weights of one tap and output channel for a block of input channels are adjacent.
template <int ChannelBlock>
std::vector<double> packTransposedWeights(const gbcsr::KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  const int64_t taps = int64_t(g.kernelH) * g.kernelW;
  const int blocks = (g.inChannels + ChannelBlock - 1) / ChannelBlock;
  std::vector<double> packed(static_cast<size_t>(int64_t(blocks) * g.outChannels * taps * ChannelBlock), 0.0);
  for (int oc = 0; oc < g.outChannels; ++oc)
    for (int ic = 0; ic < g.inChannels; ++ic)
      for (int64_t t = 0; t < taps; ++t)
        packed[static_cast<size_t>(((int64_t(ic / ChannelBlock) * g.outChannels + oc) * taps + t) * ChannelBlock +
                                   ic % ChannelBlock)] = k.weight[(int64_t(oc) * g.inChannels + ic) * taps + t];
  return packed;
}

/// Along one axis, for every input coordinate i: the (kernel offset, output coordinate) pairs of
/// the taps that read i, in readers[first[i] .. first[i + 1]).
struct Readers {
  struct Tap {
    int offset, out;
  };
  std::vector<int> first;
  std::vector<Tap> readers;
};
Readers readersAlong(int inExtent, int outExtent, int kernel, int stride, int pad, int dilation) {
  Readers r;
  r.first.reserve(static_cast<size_t>(inExtent) + 1);
  for (int i = 0; i < inExtent; ++i) {
    r.first.push_back(static_cast<int>(r.readers.size()));
    for (int k = 0; k < kernel; ++k) {
      const int t = i + pad - k * dilation;  // = out * stride for the output coordinate reading i
      if (t >= 0 && t % stride == 0 && t / stride < outExtent) r.readers.push_back({k, t / stride});
    }
  }
  r.first.push_back(static_cast<int>(r.readers.size()));
  return r;
}

/// Per output position p, the output channels oc whose column (oc, p) of X holds a non-zero value:
/// liveChannels[liveFirst[p] .. liveFirst[p + 1]). Back-substitution through a ReLU zeroes the
/// columns of its inactive neurons, a third to three quarters of a conv layer's on convSmall and
/// resnet_2b, and their multiply-adds are skipped (a column with a NaN is live).
struct LiveColumns {
  std::vector<int> liveFirst, liveChannels;
};
/// Whether any of c[0 .. n) is not 0 (NaN is), 32 values per test (a scalar scan with an early
/// exit was 3-4% of a resnet_2b run: an inactive neuron's column is read to its end).
bool nonZeroIn(const double* c, int64_t n) {
  int64_t i = 0;
  for (; i + 4 * kLanes <= n; i += 4 * kLanes) {
    const auto a = (loadLanes(c + i) != 0) | (loadLanes(c + i + kLanes) != 0) |
                   (loadLanes(c + i + 2 * kLanes) != 0) | (loadLanes(c + i + 3 * kLanes) != 0);
    for (int k = 0; k < kLanes; ++k)
      if (a[k]) return true;
  }
  for (; i < n; ++i)
    if (c[i] != 0) return true;
  return false;
}

LiveColumns liveColumnsOf(const double* x, int64_t rows, const ConvGeometry& g) {
  const int64_t positions = int64_t(g.outHeight) * g.outWidth;
  LiveColumns live;
  live.liveFirst.reserve(static_cast<size_t>(positions) + 1);
  live.liveChannels.reserve(static_cast<size_t>(positions * g.outChannels));
  for (int64_t p = 0; p < positions; ++p) {
    live.liveFirst.push_back(static_cast<int>(live.liveChannels.size()));
    for (int oc = 0; oc < g.outChannels; ++oc) {
      if (nonZeroIn(x + (int64_t(oc) * positions + p) * rows, rows)) live.liveChannels.push_back(oc);
    }
  }
  live.liveFirst.push_back(static_cast<int>(live.liveChannels.size()));
  return live;
}

struct Plan {
  const ConvGeometry& g;
  std::vector<double> packed;
  Readers alongH, alongW;
  LiveColumns live;
};

/// Where X @ T's values go: stored in `out` (column-major, outLd per column), or, with `sums`, never
/// stored but summed per row by sign: sums[r] += v * (v >= 0 ? onPositive[j] : onNegative[j]) for
/// the value v of row r and column j.
struct Output {
  double* out = nullptr;
  int64_t outLd = 0;
  double* sums = nullptr;
  const double* onPositive = nullptr;
  const double* onNegative = nullptr;
};

/// X @ T[r0 .. r0 + 8 * Vectors, (ic, h, w)] for the input channels of block `cb`: the sum over the
/// taps (kh, kw) and output channels oc that read input position (h, w) from output position p of
/// W[oc, ic, kh, kw] * x[same rows, (oc, p)], stored or summed by sign (Output). x is
/// column-major, ld per column.
template <int ChannelBlock, int Vectors>
void transposedBlock(const Plan& plan, int cb, int h, int w, const double* x, int64_t ld, int64_t r0, const Output& o) {
  const ConvGeometry& g = plan.g;
  const int64_t taps = int64_t(g.kernelH) * g.kernelW, positions = int64_t(g.outHeight) * g.outWidth;
  const int64_t channelStride = positions * ld, weightStride = taps * ChannelBlock;
  Lanes acc[ChannelBlock][Vectors];
  zeroLanes(acc);
  for (int a = plan.alongH.first[h]; a < plan.alongH.first[h + 1]; ++a) {
    const auto [kh, oh] = plan.alongH.readers[a];
    for (int b = plan.alongW.first[w]; b < plan.alongW.first[w + 1]; ++b) {
      const auto [kw, ow] = plan.alongW.readers[b];
      const int64_t p = int64_t(oh) * g.outWidth + ow;
      const double* values = x + p * ld + r0;
      const double* weights =
          plan.packed.data() + (int64_t(cb) * g.outChannels * taps + int64_t(kh) * g.kernelW + kw) * ChannelBlock;
      const int* live = plan.live.liveChannels.data();
      for (int n = plan.live.liveFirst[p]; n < plan.live.liveFirst[p + 1]; ++n) {
        const int oc = live[n];
        const double* w = weights + oc * weightStride;
        const double* c = values + oc * channelStride;
        Lanes v[Vectors];
        for (int j = 0; j < Vectors; ++j) v[j] = loadLanes(c + kLanes * j);
        for (int i = 0; i < ChannelBlock; ++i) {
          const double wi = w[i];
          for (int j = 0; j < Vectors; ++j) acc[i][j] += wi * v[j];
        }
      }
    }
  }
  const int channels = std::min(ChannelBlock, g.inChannels - cb * ChannelBlock);
  const int64_t position = int64_t(h) * g.inWidth + w, inPositions = int64_t(g.inHeight) * g.inWidth;
  if (!o.sums) {
    for (int i = 0; i < channels; ++i)
      for (int j = 0; j < Vectors; ++j)
        storeLanes(o.out + ((int64_t(cb) * ChannelBlock + i) * inPositions + position) * o.outLd + r0 + kLanes * j,
                   acc[i][j]);
    return;
  }
  Lanes sum[Vectors];
  for (int j = 0; j < Vectors; ++j) sum[j] = loadLanes(o.sums + r0 + kLanes * j);
  for (int i = 0; i < channels; ++i) {
    const int64_t column = (int64_t(cb) * ChannelBlock + i) * inPositions + position;
    const double p = o.onPositive[column], q = o.onNegative[column];
    for (int j = 0; j < Vectors; ++j) sum[j] += acc[i][j] * bySign(acc[i][j], p, q);
  }
  for (int j = 0; j < Vectors; ++j) storeLanes(o.sums + r0 + kLanes * j, sum[j]);
}

/// Rows [r0, r0 + n) of X @ T, n a multiple of kLanes: blocks of ChannelBlock input channels x
/// 8 * Vectors rows, then fewer rows.
template <int ChannelBlock, int Vectors>
void transposedRows(const Plan& plan, const double* x, int64_t ld, int64_t r0, int64_t n, const Output& o) {
  const ConvGeometry& g = plan.g;
  const int blocks = (g.inChannels + ChannelBlock - 1) / ChannelBlock;
  for (int cb = 0; cb < blocks; ++cb)
    for (int h = 0; h < g.inHeight; ++h)
      for (int w = 0; w < g.inWidth; ++w) {
        int64_t r = r0;
        for (; r + Vectors * kLanes <= r0 + n; r += Vectors * kLanes)
          transposedBlock<ChannelBlock, Vectors>(plan, cb, h, w, x, ld, r, o);
        if constexpr (Vectors > 2)
          for (; r + 2 * kLanes <= r0 + n; r += 2 * kLanes)
            transposedBlock<ChannelBlock, 2>(plan, cb, h, w, x, ld, r, o);
        for (; r < r0 + n; r += kLanes) transposedBlock<ChannelBlock, 1>(plan, cb, h, w, x, ld, r, o);
      }
}

/// X @ T into `out` ([rows x T's columns]), or, with `o.sums` (rows values, zero before), summed
/// per row by sign (Output).
template <int ChannelBlock, int Vectors>
void transposedConvolution(const double* x, int64_t rows, const gbcsr::KernelBlock& k, Eigen::MatrixXd* out,
                           Output o) {
  const ConvGeometry& g = k.geometry;
  const Plan plan{g, packTransposedWeights<ChannelBlock>(k),
                  readersAlong(g.inHeight, g.outHeight, g.kernelH, g.strideH, g.padTop, g.dilationH),
                  readersAlong(g.inWidth, g.outWidth, g.kernelW, g.strideW, g.padLeft, g.dilationW),
                  liveColumnsOf(x, rows, g)};
  if (out) {
    out->resize(rows, k.cols());
    o.out = out->data(), o.outLd = rows;
  }
  const int64_t whole = rows / kLanes * kLanes;
  const double workPerRow = static_cast<double>(k.rows()) * g.inChannels * g.kernelH * g.kernelW;
  forEachChunk(whole, kChunkBlocks * Vectors * kLanes, workPerRow, [&](int64_t r0, int64_t n) {
    transposedRows<ChannelBlock, Vectors>(plan, x, rows, r0, n, o);
  });
  if (whole == rows) return;
  // The last rows % kLanes rows through one zero-padded block of kLanes rows.
  const int64_t tail = rows - whole;
  Eigen::MatrixXd in = Eigen::MatrixXd::Zero(kLanes, k.rows()), result(kLanes, k.cols());
  in.topRows(tail) = Eigen::Map<const Eigen::MatrixXd, 0, Eigen::OuterStride<>>(x + whole, tail, k.rows(),
                                                                                 Eigen::OuterStride<>(rows));
  Output tailOutput = o;
  double tailSums[kLanes] = {};
  if (o.sums) tailOutput.sums = tailSums;
  else tailOutput.out = result.data(), tailOutput.outLd = kLanes;
  transposedRows<ChannelBlock, 1>(plan, in.data(), kLanes, 0, kLanes, tailOutput);
  if (o.sums) std::copy_n(tailSums, tail, o.sums + whole);
  else out->bottomRows(tail) = result.topRows(tail);
}

/// The register blocks by input channels: 8 x 24 rows (10-20% faster than x 16), 3 x 40 for RGB
/// inputs (5-18% faster than 4 x 32, which idles a quarter), or 4 x 32 for other channel counts
/// under 8; a single channel is load-bound either way (timesKernel).
void transposedConvolutionFor(const double* x, int64_t rows, const gbcsr::KernelBlock& k, Eigen::MatrixXd* out,
                              const Output& o) {
  if (k.geometry.inChannels >= 8) return transposedConvolution<8, 3>(x, rows, k, out, o);
  if (k.geometry.inChannels == 3) return transposedConvolution<3, 5>(x, rows, k, out, o);
  return transposedConvolution<4, 4>(x, rows, k, out, o);
}

}  // namespace

Eigen::MatrixXd timesKernelRows(const double* x, int64_t rows, const gbcsr::KernelBlock& k) {
  Eigen::MatrixXd out;
  transposedConvolutionFor(x, rows, k, &out, Output{});
  return out;
}

Eigen::VectorXd timesKernelRowsSummedBySign(const double* x, int64_t rows, const gbcsr::KernelBlock& k,
                                            const Eigen::VectorXd& onPositive, const Eigen::VectorXd& onNegative) {
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(rows);
  Output o;
  o.sums = sums.data(), o.onPositive = onPositive.data(), o.onNegative = onNegative.data();
  transposedConvolutionFor(x, rows, k, nullptr, o);
  return sums;
}

}  // namespace cert::runtime::cpu
