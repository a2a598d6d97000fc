// Register blocks of the direct convolutions on the CPU (direct_convolution.cpp,
// direct_transposed_convolution.cpp): a vector of doubles and the chunked loop over independent
// columns (or rows) they share.
#pragma once

#include <algorithm>
#include <cstdint>

#include "runtime/backend/cpu/block_kinds.h"

namespace cert::runtime::cpu {

/// Eight doubles: one AVX-512 register (two AVX2 registers or four SSE2 ones elsewhere; GCC and
/// Clang split the operations). Loaded and stored with memcpy (no alignment assumed).
typedef double Lanes __attribute__((vector_size(64)));
constexpr int kLanes = 8;

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
