// Vectors of 8 doubles for the CPU backend's hot loops (the direct convolutions, the sign-split
// sums, the finiteness scan): loads, stores, a per-lane select by sign, an 8 x 8 transpose in
// registers, and the chunked loop over independent columns (or rows) of the direct convolutions.
#pragma once

#include <algorithm>
#include <cstdint>

#include "runtime/backend/cpu/block_kinds.h"

namespace cert::runtime::cpu {

/// Eight doubles: one AVX-512 register (two AVX2 registers or four SSE2 ones elsewhere; GCC and
/// Clang split the operations). Loaded and stored with memcpy (no alignment assumed).
typedef double Lanes __attribute__((vector_size(64)));
constexpr int kLanes = 8;

inline Lanes loadLanes(const double* p) {
  Lanes v;
  __builtin_memcpy(&v, p, sizeof(Lanes));
  return v;
}
inline void storeLanes(double* p, Lanes v) { __builtin_memcpy(p, &v, sizeof(Lanes)); }
/// Sets every accumulator of a register block to 0, unrolled: "Lanes acc[R][C] = {}" compiled to a
/// memset of the array on the stack (then loaded into registers) for every block.
template <int R, int C>
inline void zeroLanes(Lanes (&acc)[R][C]) {
#pragma GCC unroll 8
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 8
    for (int j = 0; j < C; ++j) acc[i][j] = Lanes{};
}
/// Per lane: onPositive where x >= 0, else onNegative (NaN too, as the scalar x >= 0 ? : does).
inline Lanes bySign(Lanes x, double onPositive, double onNegative) {
  return x >= 0 ? Lanes{} + onPositive : Lanes{} + onNegative;
}

/// Whether any of p[0, n) is non-zero (a NaN is): 32 values a step, stopping after the first step
/// that holds one (a zero column read 8x faster than value by value).
inline bool anyNonZero(const double* p, int64_t n) {
  int64_t i = 0;
  for (; i + 4 * kLanes <= n; i += 4 * kLanes) {
    const auto m = (loadLanes(p + i) != 0) | (loadLanes(p + i + kLanes) != 0) | (loadLanes(p + i + 2 * kLanes) != 0) |
                   (loadLanes(p + i + 3 * kLanes) != 0);
    long long any = 0;
    for (int k = 0; k < kLanes; ++k) any |= m[k];
    if (any != 0) return true;
  }
  for (; i < n; ++i)
    if (p[i] != 0) return true;
  return false;
}

/// Transposes the 8 x 8 tile v in registers: afterwards v[i][j] is the v[j][i] of before (three
/// rounds of 8 two-vector shuffles instead of 64 scalar stores).
inline void transposeTile(Lanes v[kLanes]) {
  Lanes t[kLanes], u[kLanes];
  for (int j = 0; j < kLanes; j += 2) {
    t[j] = __builtin_shufflevector(v[j], v[j + 1], 0, 8, 2, 10, 4, 12, 6, 14);
    t[j + 1] = __builtin_shufflevector(v[j], v[j + 1], 1, 9, 3, 11, 5, 13, 7, 15);
  }
  for (int j = 0; j < kLanes; j += 4)
    for (int k = 0; k < 2; ++k) {
      u[j + k] = __builtin_shufflevector(t[j + k], t[j + k + 2], 0, 1, 8, 9, 4, 5, 12, 13);
      u[j + k + 2] = __builtin_shufflevector(t[j + k], t[j + k + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  for (int k = 0; k < 4; ++k) {
    v[k] = __builtin_shufflevector(u[k], u[k + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    v[k + 4] = __builtin_shufflevector(u[k], u[k + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

/// Calls f(first, count) for the chunks of `chunk` of `n` independent items (columns or rows), in
/// parallel (OpenMP, the product threads) when the whole product, workPerItem * n, is worth it.
template <class F>
void forEachChunk(int64_t n, int64_t chunk, double workPerItem, F&& f) {
  const int64_t chunks = (n + chunk - 1) / chunk;
  const bool parallel = workPerItem * static_cast<double>(n) >= kParallelProductWork;
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t c = 0; c < chunks; ++c) f(c * chunk, std::min(chunk, n - c * chunk));
}

}  // namespace cert::runtime::cpu
