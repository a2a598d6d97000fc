// A batch frame's items as chunks with the items fastest, for the CPU kernels that compute over
// several items at once (the direct convolutions, the dense interval product): the transposes
// between X's columns (item j's values at x + j * ld) and a chunk's rows (row-major, `width`
// doubles per row, a multiple of kLanes), in 8 x 8 tiles transposed in registers.
#pragma once

#include <Eigen/Dense>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>
#include <stdexcept>
#include <vector>

#include "runtime/backend/cpu/vector_lanes.h"

namespace cert::runtime::cpu {

/// Items per chunk: a chunk's input [inputs x items] stays in L2 while every output reads it. 16
/// (one register block of items): IBP over 100 items 5-6% faster than 32 on convSmall (6.5 -> 6.1
/// ms) and 10% on cifar10_medium (12.5 -> 11.2 ms), 8 in between; at 32 a 2704-input layer's
/// center and radius chunks alone were 1.4 MB, over this machine's 1 MB L2 per core.
constexpr int64_t kChunkItems = 16;

/// The chunks of n items: kChunkItems each, except that a last remainder of kLanes items or fewer
/// joins the chunk before it (at most kChunkItems + kLanes items, three vectors): a chunk of one
/// half-filled vector runs the kernels at half their rate (100 items: 6 x 16 + 4 costs as 7 x 16).
int64_t itemChunkCount(int64_t n);
/// The first item of chunk c and its item count.
std::pair<int64_t, int64_t> itemChunk(int64_t c, int64_t n);

/// f(first, count, c) for each chunk c of itemChunkCount(n), in parallel as forEachChunk.
template <class F>
void forEachItemChunk(int64_t n, double workPerItem, F&& f) {
  const int64_t chunks = itemChunkCount(n);
  if (chunks == 0) return;
  forEachChunk(chunks, 1, workPerItem * static_cast<double>(n) / static_cast<double>(chunks), [&](int64_t c, int64_t) {
    const auto [first, count] = itemChunk(c, n);
    f(first, count, c);
  });
}

/// The register blocks of a chunk's rows (`width` doubles, whole vectors): block(Vectors, i0)
/// for two vectors of items at a time, three for a chunk's last three (itemChunk's joined
/// remainder), one only for a chunk of one vector; Vectors is a std::integral_constant<int, V>.
template <class Block>
void forEachVectorBlock(int64_t width, Block&& block) {
  for (int64_t i0 = 0; i0 < width;) {
    const int64_t rest = width - i0;
    if (rest == 3 * kLanes) {
      block(std::integral_constant<int, 3>{}, i0);
      i0 += 3 * kLanes;
    } else if (rest >= 2 * kLanes) {
      block(std::integral_constant<int, 2>{}, i0);
      i0 += 2 * kLanes;
    } else {
      block(std::integral_constant<int, 1>{}, i0);
      i0 += kLanes;
    }
  }
}

/// `items` rounded up to whole vectors of kLanes.
int64_t paddedWidth(int64_t items);

/// Storage for a chunk of rows x width, every value of which is written before it is read.
std::unique_ptr<double[]> chunkStorage(int64_t rows, int64_t width);

/// The cc columns of x as the rows of a row-major [rows x width] chunk; columns cc..width are 0.
void intoChunk(const double* x, int64_t ld, int64_t rows, int64_t cc, double* dst, int64_t width);

/// The same for the center l/2 + u/2 and the radius u/2 - l/2 of the cc columns' boxes (halves
/// first: l + u and u - l may overflow where the halves do not). Returns a probe that is NaN once
/// a value of l or u is not finite.
double boxIntoChunks(const double* l, const double* u, int64_t ld, int64_t rows, int64_t cc, double* center,
                     double* radius, int64_t width);

/// The cc columns back from a row-major [rows x width] chunk: out column j at out + j * ld.
void fromChunk(const double* chunk, int64_t width, int64_t rows, int64_t cc, double* out, int64_t ld);

/// lower = wc - ar and upper = wc + ar back from two chunks, as fromChunk; with an offset (one
/// value per row, or null), (wc - ar) + offset[i] and (wc + ar) + offset[i].
void boundsFromChunks(const double* wc, const double* ar, int64_t width, int64_t rows, int64_t cc, double* lower,
                      double* upper, int64_t ld, const double* offset);

/// The interval product's frame over the chunks of itemChunk (items), in parallel as
/// forEachChunk: per chunk, the center and radius of the boxes [l, u] transposed in (`inputs`
/// rows), `products(center, radius, width, wc, ar)` writes W c and |W| r as row-major [outputs x
/// width] chunks, and lower = wc - ar, upper = wc + ar are written back (plus `offset`'s value
/// per output, as boundsFromChunks, when it is not null). False (lower and upper partly written)
/// when a value of l or u is not finite.
template <class Products>
bool intervalProductByChunks(const Eigen::Ref<const Eigen::MatrixXd>& l, const Eigen::Ref<const Eigen::MatrixXd>& u,
                             Eigen::Ref<Eigen::MatrixXd> lower, Eigen::Ref<Eigen::MatrixXd> upper, int64_t inputs,
                             int64_t outputs, double workPerColumn, const double* offset, Products&& products) {
  if (l.outerStride() != u.outerStride() || lower.outerStride() != upper.outerStride())
    throw std::logic_error("an interval product whose ends (or bounds) have different strides");
  std::vector<char> finite(static_cast<size_t>(itemChunkCount(l.cols())), 1);
  forEachItemChunk(l.cols(), workPerColumn, [&](int64_t c0, int64_t cc, int64_t chunk) {
    const int64_t width = paddedWidth(cc);
    const auto center = chunkStorage(inputs, width), radius = chunkStorage(inputs, width);
    if (boxIntoChunks(l.col(c0).data(), u.col(c0).data(), l.outerStride(), inputs, cc, center.get(), radius.get(),
                      width) != 0) {
      finite[static_cast<size_t>(chunk)] = 0;
      return;
    }
    const auto wc = chunkStorage(outputs, width), ar = chunkStorage(outputs, width);
    products(center.get(), radius.get(), width, wc.get(), ar.get());
    boundsFromChunks(wc.get(), ar.get(), width, outputs, cc, lower.col(c0).data(), upper.col(c0).data(),
                     lower.outerStride(), offset);
  });
  return std::all_of(finite.begin(), finite.end(), [](char f) { return f != 0; });
}

}  // namespace cert::runtime::cpu
