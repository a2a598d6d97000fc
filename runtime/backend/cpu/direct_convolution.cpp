// T @ X over several columns (the items of a batch frame) as a direct convolution with the items
// fastest: no im2col buffer, no GEMM over a small inner dimension (convolution.h).
#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/vector_lanes.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <vector>

namespace cert::runtime::cpu {

namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Output channels per register block: each input value loaded feeds this many accumulators.
constexpr int kChannelBlock = 8;
/// Items per chunk: a chunk's input [inputs x items] stays in L2 while every output reads it. 16
/// (one register block of items): IBP over 100 items 5-6% faster than 32 on convSmall (6.5 -> 6.1
/// ms) and 10% on cifar10_medium (12.5 -> 11.2 ms), 8 in between; at 32 a 2704-input layer's
/// center and radius chunks alone were 1.4 MB, over this machine's 1 MB L2 per core.
constexpr int64_t kChunkItems = 16;

/// The weights as [channel block][inC][kH][kW][kChannelBlock], channels past outC zero: the
/// weights of one tap for a block of output channels are adjacent.
std::vector<double> packWeights(const gbcsr::KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  const int64_t taps = int64_t(g.inChannels) * g.kernelH * g.kernelW;
  const int blocks = (g.outChannels + kChannelBlock - 1) / kChannelBlock;
  std::vector<double> packed(static_cast<size_t>(blocks * taps * kChannelBlock), 0.0);
  for (int oc = 0; oc < g.outChannels; ++oc)
    for (int64_t t = 0; t < taps; ++t)
      packed[static_cast<size_t>(((oc / kChannelBlock) * taps + t) * kChannelBlock + oc % kChannelBlock)] =
          k.weight[oc * taps + t];
  return packed;
}

/// out[(oc, p), i0 .. i0 + 8 * Vectors) for the output channels of block `cb` at position (oh, ow):
/// the sum over the taps inside the input of weight * in[tap's input, same items]. `in` and `out`
/// are row-major with `width` doubles per row (a multiple of kLanes).
template <int Vectors>
void convolveBlock(const ConvGeometry& g, const double* packed, int cb, int oh, int ow, TapRange kh, TapRange kw,
                   const double* in, int64_t width, int64_t i0, double* out) {
  const int64_t taps = int64_t(g.kernelH) * g.kernelW;
  const int64_t positions = int64_t(g.outHeight) * g.outWidth;
  const int h0 = oh * g.strideH - g.padTop, x0 = ow * g.strideW - g.padLeft;
  Lanes acc[kChannelBlock][Vectors];
  zeroLanes(acc);
  for (int ic = 0; ic < g.inChannels; ++ic)
    for (int h = kh.begin; h < kh.end; ++h) {
      const double* row = in + ((int64_t(ic) * g.inHeight + h0 + h * g.dilationH) * g.inWidth + x0) * width + i0;
      const double* w = packed + ((int64_t(cb) * g.inChannels + ic) * taps + int64_t(h) * g.kernelW) * kChannelBlock;
      for (int x = kw.begin; x < kw.end; ++x) {
        const double* values = row + int64_t(x) * g.dilationW * width;
        Lanes v[Vectors];
        for (int j = 0; j < Vectors; ++j) v[j] = loadLanes(values + kLanes * j);
        for (int o = 0; o < kChannelBlock; ++o) {
          const double wo = w[x * kChannelBlock + o];
          for (int j = 0; j < Vectors; ++j) acc[o][j] += wo * v[j];
        }
      }
    }
  const int channels = std::min(kChannelBlock, g.outChannels - cb * kChannelBlock);
  const int64_t p = int64_t(oh) * g.outWidth + ow;
  for (int o = 0; o < channels; ++o)
    for (int j = 0; j < Vectors; ++j)
      storeLanes(out + ((int64_t(cb) * kChannelBlock + o) * positions + p) * width + i0 + kLanes * j, acc[o][j]);
}

/// T @ in for the items of one chunk: in [inputs x width], out [outputs x width], row-major.
void convolveItems(const ConvGeometry& g, const std::vector<double>& packed, const double* in, int64_t width,
                   double* out) {
  const int blocks = (g.outChannels + kChannelBlock - 1) / kChannelBlock;
  for (int cb = 0; cb < blocks; ++cb)
    for (int oh = 0; oh < g.outHeight; ++oh) {
      const TapRange kh = insideTaps(oh * g.strideH - g.padTop, g.kernelH, g.dilationH, g.inHeight);
      for (int ow = 0; ow < g.outWidth; ++ow) {
        const TapRange kw = insideTaps(ow * g.strideW - g.padLeft, g.kernelW, g.dilationW, g.inWidth);
        int64_t i0 = 0;
        for (; i0 + 2 * kLanes <= width; i0 += 2 * kLanes)
          convolveBlock<2>(g, packed.data(), cb, oh, ow, kh, kw, in, width, i0, out);
        if (i0 < width) convolveBlock<1>(g, packed.data(), cb, oh, ow, kh, kw, in, width, i0, out);
      }
    }
}

int64_t paddedWidth(int64_t items) { return (items + kLanes - 1) / kLanes * kLanes; }

double workPerColumn(const gbcsr::KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  return static_cast<double>(k.rows()) * g.inChannels * g.kernelH * g.kernelW;
}

// The transposes between X's columns (column j at x + j * ld) and a chunk's rows (row-major,
// `width` doubles per row, a multiple of kLanes): tiles of 8 rows x 8 columns, each a contiguous
// read of 8 values per column and a write of 8 values per row, transposed in registers; the rows
// past the last whole tile one value at a time.

/// Loads the tile of x's rows [i0, i0 + 8) and columns [j0, j0 + 8), columns from cc on as 0.
void loadColumns(const double* x, int64_t ld, int64_t i0, int64_t j0, int64_t cc, Lanes v[kLanes]) {
  for (int j = 0; j < kLanes; ++j) {
    if (j0 + j < cc) v[j] = loadLanes(x + (j0 + j) * ld + i0);
    else v[j] = Lanes{};
  }
}
/// Stores the transposed tile's rows v[i] at row i0 + i, columns [j0, j0 + 8), of a chunk.
void storeRows(const Lanes v[kLanes], double* dst, int64_t width, int64_t i0, int64_t j0) {
  for (int i = 0; i < kLanes; ++i) storeLanes(dst + (i0 + i) * width + j0, v[i]);
}
/// Loads the chunk's rows [i0, i0 + 8), columns [j0, j0 + 8).
void loadRows(const double* chunk, int64_t width, int64_t i0, int64_t j0, Lanes v[kLanes]) {
  for (int i = 0; i < kLanes; ++i) v[i] = loadLanes(chunk + (i0 + i) * width + j0);
}
/// Stores the transposed tile's columns v[j] at column j0 + j (those under cc), rows [i0, i0 + 8).
void storeColumns(const Lanes v[kLanes], double* out, int64_t ld, int64_t i0, int64_t j0, int64_t cc) {
  for (int j = 0; j < kLanes && j0 + j < cc; ++j) storeLanes(out + (j0 + j) * ld + i0, v[j]);
}

/// The chunk's cc columns of x as the rows of a row-major [rows x width] chunk; columns cc..width
/// are set to 0.
void intoChunk(const double* x, int64_t ld, int64_t rows, int64_t cc, double* dst, int64_t width) {
  const int64_t whole = rows / kLanes * kLanes;
  for (int64_t i0 = 0; i0 < whole; i0 += kLanes)
    for (int64_t j0 = 0; j0 < width; j0 += kLanes) {
      Lanes v[kLanes];
      loadColumns(x, ld, i0, j0, cc, v);
      transposeTile(v);
      storeRows(v, dst, width, i0, j0);
    }
  for (int64_t i = whole; i < rows; ++i)
    for (int64_t j = 0; j < width; ++j) dst[i * width + j] = j < cc ? x[j * ld + i] : 0.0;
}

/// The same for the center l/2 + u/2 and the radius u/2 - l/2 of the chunk's boxes (halves first:
/// l + u and u - l may overflow where the halves do not). Returns a probe that is NaN once a value
/// of l or u is not finite.
double boxIntoChunks(const double* l, const double* u, int64_t ld, int64_t rows, int64_t cc, double* center,
                     double* radius, int64_t width) {
  const int64_t whole = rows / kLanes * kLanes;
  Lanes probe = {};
  for (int64_t i0 = 0; i0 < whole; i0 += kLanes)
    for (int64_t j0 = 0; j0 < width; j0 += kLanes) {
      Lanes a[kLanes], b[kLanes], c[kLanes], r[kLanes];
      loadColumns(l, ld, i0, j0, cc, a);
      loadColumns(u, ld, i0, j0, cc, b);
      for (int j = 0; j < kLanes; ++j) {
        c[j] = 0.5 * a[j] + 0.5 * b[j];
        r[j] = 0.5 * b[j] - 0.5 * a[j];
        probe += a[j] * 0 + b[j] * 0;
      }
      transposeTile(c);
      transposeTile(r);
      storeRows(c, center, width, i0, j0);
      storeRows(r, radius, width, i0, j0);
    }
  double sum = 0;
  for (int k = 0; k < kLanes; ++k) sum += probe[k];
  for (int64_t i = whole; i < rows; ++i)
    for (int64_t j = 0; j < width; ++j) {
      const double a = j < cc ? l[j * ld + i] : 0.0, b = j < cc ? u[j * ld + i] : 0.0;
      center[i * width + j] = 0.5 * a + 0.5 * b;
      radius[i * width + j] = 0.5 * b - 0.5 * a;
      sum += a * 0 + b * 0;
    }
  return sum;
}

/// The chunk's cc columns back from a row-major [rows x width] chunk: out column j at out + j * ld.
void fromChunk(const double* chunk, int64_t width, int64_t rows, int64_t cc, double* out, int64_t ld) {
  const int64_t whole = rows / kLanes * kLanes;
  for (int64_t i0 = 0; i0 < whole; i0 += kLanes)
    for (int64_t j0 = 0; j0 < cc; j0 += kLanes) {
      Lanes v[kLanes];
      loadRows(chunk, width, i0, j0, v);
      transposeTile(v);
      storeColumns(v, out, ld, i0, j0, cc);
    }
  for (int64_t i = whole; i < rows; ++i)
    for (int64_t j = 0; j < cc; ++j) out[j * ld + i] = chunk[i * width + j];
}

/// lower = wc - ar and upper = wc + ar back from the chunks, as fromChunk.
void boundsFromChunks(const double* wc, const double* ar, int64_t width, int64_t rows, int64_t cc, double* lower,
                      double* upper, int64_t ld) {
  const int64_t whole = rows / kLanes * kLanes;
  for (int64_t i0 = 0; i0 < whole; i0 += kLanes)
    for (int64_t j0 = 0; j0 < cc; j0 += kLanes) {
      Lanes a[kLanes], b[kLanes];
      loadRows(wc, width, i0, j0, a);
      loadRows(ar, width, i0, j0, b);
      for (int i = 0; i < kLanes; ++i) {
        const Lanes x = a[i], y = b[i];
        a[i] = x - y;
        b[i] = x + y;
      }
      transposeTile(a);
      transposeTile(b);
      storeColumns(a, lower, ld, i0, j0, cc);
      storeColumns(b, upper, ld, i0, j0, cc);
    }
  for (int64_t i = whole; i < rows; ++i)
    for (int64_t j = 0; j < cc; ++j) {
      const double a = wc[i * width + j], b = ar[i * width + j];
      lower[j * ld + i] = a - b;
      upper[j * ld + i] = a + b;
    }
}

/// Storage for a chunk, every value of which is written before it is read.
std::unique_ptr<double[]> chunkStorage(int64_t rows, int64_t width) {
  return std::make_unique_for_overwrite<double[]>(static_cast<size_t>(rows * width));
}

}  // namespace

Eigen::MatrixXd kernelTimesColumns(const gbcsr::KernelBlock& k, const Eigen::Ref<const Eigen::MatrixXd>& x) {
  Eigen::MatrixXd out(k.rows(), x.cols());
  const std::vector<double> packed = packWeights(k);
  forEachChunk(x.cols(), kChunkItems, workPerColumn(k), [&](int64_t c0, int64_t cc) {
    const int64_t width = paddedWidth(cc);
    const auto in = chunkStorage(k.cols(), width), result = chunkStorage(k.rows(), width);
    intoChunk(x.col(c0).data(), x.outerStride(), k.cols(), cc, in.get(), width);
    convolveItems(k.geometry, packed, in.get(), width, result.get());
    fromChunk(result.get(), width, k.rows(), cc, out.col(c0).data(), out.outerStride());
  });
  return out;
}

bool kernelIntervalTimes(const gbcsr::KernelBlock& w, const gbcsr::KernelBlock& absW,
                         const Eigen::Ref<const Eigen::MatrixXd>& l, const Eigen::Ref<const Eigen::MatrixXd>& u,
                         Eigen::Ref<Eigen::MatrixXd> lower, Eigen::Ref<Eigen::MatrixXd> upper) {
  if (l.outerStride() != u.outerStride() || lower.outerStride() != upper.outerStride())
    throw std::logic_error("kernelIntervalTimes: the ends (or the bounds) have different strides");
  const std::vector<double> packed = packWeights(w), packedAbs = packWeights(absW);
  const int64_t chunks = (l.cols() + kChunkItems - 1) / kChunkItems;
  std::vector<char> finite(static_cast<size_t>(chunks), 1);
  forEachChunk(l.cols(), kChunkItems, 2 * workPerColumn(w), [&](int64_t c0, int64_t cc) {
    const int64_t width = paddedWidth(cc), inputs = w.cols(), outputs = w.rows();
    const auto center = chunkStorage(inputs, width), radius = chunkStorage(inputs, width);
    if (boxIntoChunks(l.col(c0).data(), u.col(c0).data(), l.outerStride(), inputs, cc, center.get(), radius.get(),
                      width) != 0) {
      finite[static_cast<size_t>(c0 / kChunkItems)] = 0;
      return;
    }
    const auto wc = chunkStorage(outputs, width), ar = chunkStorage(outputs, width);
    convolveItems(w.geometry, packed, center.get(), width, wc.get());
    convolveItems(absW.geometry, packedAbs, radius.get(), width, ar.get());
    boundsFromChunks(wc.get(), ar.get(), width, outputs, cc, lower.col(c0).data(), upper.col(c0).data(),
                     lower.outerStride());
  });
  return std::all_of(finite.begin(), finite.end(), [](char f) { return f != 0; });
}

}  // namespace cert::runtime::cpu
