// W c -/+ |W| r over a batch frame's boxes with the items fastest (dense_interval_times.h).
#include "runtime/backend/cpu/dense_interval_times.h"

#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/item_chunks.h"
#include "runtime/backend/cpu/vector_lanes.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace cert::runtime::cpu {

namespace {

/// Rows per register block: each input value loaded feeds this many accumulators per vector.
constexpr int kRowBlock = 8;

/// W's last rows (rows % 8 of them, after the whole blocks) as [input][kRowBlock], zero past W's.
std::vector<double> partialBlock(const Eigen::MatrixXd& w) {
  const int64_t first = w.rows() / kRowBlock * kRowBlock, count = w.rows() - first;
  std::vector<double> block(count > 0 ? static_cast<size_t>(w.cols() * kRowBlock) : 0, 0.0);
  for (int64_t i = 0; count > 0 && i < w.cols(); ++i)
    for (int64_t o = 0; o < count; ++o) block[static_cast<size_t>(i * kRowBlock + o)] = w(first + o, i);
  return block;
}

/// The inputs whose row of the chunk (`width` doubles, a multiple of kLanes) holds a non-zero value.
void liveInputs(const double* chunk, int64_t inputs, int64_t width, std::vector<int32_t>& live) {
  live.clear();
  for (int64_t i = 0; i < inputs; ++i) {
    const double* row = chunk + i * width;
    Lanes magnitude = {};
    for (int64_t j = 0; j < width; j += kLanes) {
      const Lanes v = loadLanes(row + j);
      magnitude += v < 0 ? -v : v;
    }
    bool any = false;
    for (int k = 0; k < kLanes; ++k) any = any || magnitude[k] != 0;
    if (any) live.push_back(static_cast<int32_t>(i));
  }
}

/// Rows [0, count) of out (count <= 8) = the sum over the live inputs i of w_i * in_i for the
/// items i0 .. i0 + 8 * Vectors, where w_i, the block's 8 weights of input i, are at w + i * ld
/// (|w_i| when Absolute). `in` and `out` are row-major with `width` doubles per row.
template <int Vectors, bool Absolute>
void rowBlock(const double* w, int64_t ld, const std::vector<int32_t>& live, const double* in, int64_t width,
              int64_t i0, int64_t count, double* out) {
  Lanes acc[kRowBlock][Vectors];
  zeroLanes(acc);
  for (const int32_t i : live) {
    const double* values = in + int64_t(i) * width + i0;
    Lanes v[Vectors];
    for (int j = 0; j < Vectors; ++j) v[j] = loadLanes(values + kLanes * j);
    const double* wi = w + int64_t(i) * ld;
    for (int o = 0; o < kRowBlock; ++o) {
      const double wo = Absolute ? std::abs(wi[o]) : wi[o];
      for (int j = 0; j < Vectors; ++j) acc[o][j] += wo * v[j];
    }
  }
  for (int64_t o = 0; o < count; ++o)
    for (int j = 0; j < Vectors; ++j) storeLanes(out + o * width + i0 + kLanes * j, acc[o][j]);
}

/// W @ in (|W| @ in when Absolute) over the live inputs for the items of one chunk: out [rows x
/// width], row-major. Whole blocks of 8 rows read W where it is (8 adjacent values per input);
/// the last rows read `partial` (partialBlock).
template <bool Absolute>
void rowsTimesChunk(const Eigen::MatrixXd& w, const std::vector<double>& partial, const std::vector<int32_t>& live,
                    const double* in, int64_t width, double* out) {
  const int64_t rows = w.rows(), whole = rows / kRowBlock;
  for (int64_t rb = 0; rb <= whole; ++rb) {
    const int64_t count = rb < whole ? kRowBlock : rows - whole * kRowBlock;
    if (count == 0) break;
    const double* weights = rb < whole ? w.data() + rb * kRowBlock : partial.data();
    const int64_t ld = rb < whole ? rows : kRowBlock;
    double* block = out + rb * kRowBlock * width;
    forEachVectorBlock(width, [&](auto vectors, int64_t i0) {
      rowBlock<decltype(vectors)::value, Absolute>(weights, ld, live, in, width, i0, count, block);
    });
  }
}

}  // namespace

bool denseIntervalTimes(const Eigen::MatrixXd& w, const Eigen::Ref<const Eigen::MatrixXd>& l,
                        const Eigen::Ref<const Eigen::MatrixXd>& u, Eigen::Ref<Eigen::MatrixXd> lower,
                        Eigen::Ref<Eigen::MatrixXd> upper, const double* offset) {
  if (l.rows() != w.cols() || lower.rows() != w.rows() || l.cols() != lower.cols())
    throw std::logic_error("denseIntervalTimes: extents do not match the block");
  if (!valuesFinite(w)) return false;
  const std::vector<double> partial = partialBlock(w);
  return intervalProductByChunks(l, u, lower, upper, w.cols(), w.rows(), 2.0 * double(w.rows()) * double(w.cols()), offset,
                                 [&](const double* center, const double* radius, int64_t width, double* wc, double* ar) {
                                   std::vector<int32_t> live;
                                   liveInputs(center, w.cols(), width, live);
                                   rowsTimesChunk<false>(w, partial, live, center, width, wc);
                                   liveInputs(radius, w.cols(), width, live);
                                   rowsTimesChunk<true>(w, partial, live, radius, width, ar);
                                 });
}

}  // namespace cert::runtime::cpu
