// A batch frame's items as chunks with the items fastest, for the CPU kernels that compute over
// several items at once (the direct convolutions, the dense interval product): the transposes
// between X's columns (item j's values at x + j * ld) and a chunk's rows (row-major, `width`
// doubles per row, a multiple of kLanes), in 8 x 8 tiles transposed in registers.
#pragma once

#include <cstdint>
#include <memory>

namespace cert::runtime::cpu {

/// Items per chunk: a chunk's input [inputs x items] stays in L2 while every output reads it. 16
/// (one register block of items): IBP over 100 items 5-6% faster than 32 on convSmall (6.5 -> 6.1
/// ms) and 10% on cifar10_medium (12.5 -> 11.2 ms), 8 in between; at 32 a 2704-input layer's
/// center and radius chunks alone were 1.4 MB, over this machine's 1 MB L2 per core.
constexpr int64_t kChunkItems = 16;

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

/// lower = wc - ar and upper = wc + ar back from two chunks, as fromChunk.
void boundsFromChunks(const double* wc, const double* ar, int64_t width, int64_t rows, int64_t cc, double* lower,
                      double* upper, int64_t ld);

}  // namespace cert::runtime::cpu
