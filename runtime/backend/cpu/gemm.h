// Dense matrix products on the CPU: OpenBLAS's dgemm where it beats Eigen's kernels, Eigen's
// product elsewhere. One seam for the dense GEMMs of back-substitution (a coefficient block times
// a layer's weights), so the library that multiplies is chosen in one place.
#pragma once

#include <Eigen/Dense>

namespace cert::runtime::cpu {

/// a @ b (a and b column-major, possibly strided views). OpenBLAS's dgemm on the calling thread
/// when that thread's product budget is one thread (ScopedProductThreads; OpenMP's team size) and
/// usesBlas(a, b); Eigen's product, parallel over the thread's OpenMP team, otherwise. Both compute
/// every product term: a 0 times an inf is NaN in the result either way (measured single thread on
/// this project's shapes: OpenBLAS 45-51 GFLOP/s, Eigen 39-43 on 200x200x784 and 256x256x256).
Eigen::MatrixXd gemm(const Eigen::Ref<const Eigen::MatrixXd>& a, const Eigen::Ref<const Eigen::MatrixXd>& b);

/// Whether gemm(a, b) on a one-thread budget goes to OpenBLAS: a has at least 32 rows, the inner
/// and outer extents at least 16, every extent within OpenBLAS's 32-bit integers. Below 32 rows
/// Eigen's kernels are as fast or faster (e.g. 8-24 x 200 x 784: Eigen 31-38, OpenBLAS 23-37
/// GFLOP/s), and a matrix-vector product is Eigen's GEMV.
bool usesBlas(const Eigen::Ref<const Eigen::MatrixXd>& a, const Eigen::Ref<const Eigen::MatrixXd>& b);

}  // namespace cert::runtime::cpu
