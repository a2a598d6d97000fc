// The transposes between a batch frame's columns and chunks with the items fastest (item_chunks.h).
#include "runtime/backend/cpu/item_chunks.h"

#include "runtime/backend/cpu/vector_lanes.h"

namespace cert::runtime::cpu {

namespace {

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

}  // namespace

int64_t itemChunkCount(int64_t n) {
  const int64_t whole = n / kChunkItems, rest = n % kChunkItems;
  return rest == 0 ? whole : (rest <= kLanes && whole > 0 ? whole : whole + 1);
}

std::pair<int64_t, int64_t> itemChunk(int64_t c, int64_t n) {
  const int64_t first = c * kChunkItems;
  return {first, c + 1 == itemChunkCount(n) ? n - first : kChunkItems};
}

int64_t paddedWidth(int64_t items) { return (items + kLanes - 1) / kLanes * kLanes; }

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

void boundsFromChunks(const double* wc, const double* ar, int64_t width, int64_t rows, int64_t cc, double* lower,
                      double* upper, int64_t ld, const double* offset) {
  const int64_t whole = rows / kLanes * kLanes;
  // Eight items' columns at a time, each written from top to bottom (8 output streams, not 32),
  // lower then upper (8 tile registers each, no spills).
  for (int64_t j0 = 0; j0 < cc; j0 += kLanes)
    for (int sign = -1; sign <= 1; sign += 2) {
      double* out = sign < 0 ? lower : upper;
      for (int64_t i0 = 0; i0 < whole; i0 += kLanes) {
        Lanes a[kLanes], b[kLanes];
        loadRows(wc, width, i0, j0, a);
        loadRows(ar, width, i0, j0, b);
        for (int i = 0; i < kLanes; ++i) a[i] = sign < 0 ? a[i] - b[i] : a[i] + b[i];
        if (offset)
          for (int i = 0; i < kLanes; ++i) a[i] += offset[i0 + i];
        transposeTile(a);
        storeColumns(a, out, ld, i0, j0, cc);
      }
    }
  for (int64_t i = whole; i < rows; ++i)
    for (int64_t j = 0; j < cc; ++j) {
      const double a = wc[i * width + j], b = ar[i * width + j];
      lower[j * ld + i] = offset ? (a - b) + offset[i] : a - b;
      upper[j * ld + i] = offset ? (a + b) + offset[i] : a + b;
    }
}

std::unique_ptr<double[]> chunkStorage(int64_t rows, int64_t width) {
  return std::make_unique_for_overwrite<double[]>(static_cast<size_t>(rows * width));
}

}  // namespace cert::runtime::cpu
