// T @ X over several columns (the items of a batch frame) as a direct convolution with the items
// fastest: no im2col buffer, no GEMM over a small inner dimension (convolution.h).
#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/item_chunks.h"
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
        forEachVectorBlock(width, [&](auto vectors, int64_t i0) {
          convolveBlock<decltype(vectors)::value>(g, packed.data(), cb, oh, ow, kh, kw, in, width, i0, out);
        });
      }
    }
}

double workPerColumn(const gbcsr::KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  return static_cast<double>(k.rows()) * g.inChannels * g.kernelH * g.kernelW;
}


}  // namespace

Eigen::MatrixXd kernelTimesColumns(const gbcsr::KernelBlock& k, const Eigen::Ref<const Eigen::MatrixXd>& x) {
  Eigen::MatrixXd out(k.rows(), x.cols());
  const std::vector<double> packed = packWeights(k);
  forEachItemChunk(x.cols(), workPerColumn(k), [&](int64_t c0, int64_t cc, int64_t) {
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
                         Eigen::Ref<Eigen::MatrixXd> lower, Eigen::Ref<Eigen::MatrixXd> upper,
                         const double* offset) {
  const std::vector<double> packed = packWeights(w), packedAbs = packWeights(absW);
  return intervalProductByChunks(l, u, lower, upper, w.cols(), w.rows(), 2 * workPerColumn(w), offset,
                                 [&](const double* center, const double* radius, int64_t width, double* wc, double* ar) {
                                   convolveItems(w.geometry, packed, center, width, wc);
                                   convolveItems(absW.geometry, packedAbs, radius, width, ar);
                                 });
}

}  // namespace cert::runtime::cpu
