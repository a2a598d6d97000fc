// The batched block x block matrix product C[b] = A[b] @ B[b]: the hot spot of back-substitution.
#pragma once

#include "tests/support/gbcsr_reference/tensor.h"

namespace cert::gbcsr {

/// C[b] = A[b] @ B[b]; A is [batch, m, k], B is [batch, k, n] (throws std::invalid_argument
/// otherwise). With both defaults 0 only pairs of blocks whose column and row ranges meet are
/// multiplied, by kind pair:
/// - Diagonal x Diagonal -> Diagonal; Diagonal x X / X x Diagonal -> row / column scaling (Dense;
///   Csr keeps Csr);
/// - Kernel x Dense -> direct convolution per column; Dense x Kernel -> transposed convolution
///   (direct loops, no Toeplitz matrix);
/// - Dense x Dense -> Eigen GEMM (OpenMP threads, see setThreads); Csr x Dense, Dense x Csr ->
///   sparse-dense products; Diagonal x Csr -> Csr;
/// - Constant x X -> Broadcast of c * column sums; X x Constant -> Broadcast of c * row sums;
/// - any other pair (Broadcast, Kernel x Kernel, ...) -> Dense via materialized items.
/// Overlapping contributions are summed with binary Add. A non-zero default or any non-finite
/// stored value (0 * inf must give NaN as in the dense product) -> one Dense block of the full
/// dense product. Batch-independent operands give batch-independent blocks.
Tensor matmul(const Tensor& a, const Tensor& b);

/// Threads for Eigen's GEMM (OpenMP); 0 = OpenMP's default.
void setThreads(int n);

}  // namespace cert::gbcsr
