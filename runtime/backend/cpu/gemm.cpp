// Dense matrix products on the CPU: OpenBLAS or Eigen (gemm.h).
#include "runtime/backend/cpu/gemm.h"

#include <cblas.h>

#include <climits>
#include <stdexcept>
#include <mutex>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace cert::runtime::cpu {

namespace {

/// OpenBLAS (its OpenMP build, cmake/Dependencies.cmake) multiplies on the calling thread only:
/// it is called on one-thread budgets, and a product given several threads goes to Eigen's OpenMP
/// GEMM instead. Set once per process (OpenBLAS would otherwise size its team per call from the
/// calling thread's OpenMP setting, a process-wide value).
void blasOnCallingThread() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

bool oneThreadBudget() {
#ifdef _OPENMP
  return omp_get_max_threads() == 1;
#else
  return true;
#endif
}

}  // namespace

bool usesBlas(const Eigen::Ref<const Eigen::MatrixXd>& a, const Eigen::Ref<const Eigen::MatrixXd>& b) {
  constexpr Eigen::Index kMax = INT_MAX;
  return a.rows() >= 32 && a.cols() >= 16 && b.cols() >= 16 && a.rows() <= kMax && a.cols() <= kMax &&
         b.cols() <= kMax && a.outerStride() <= kMax && b.outerStride() <= kMax;
}

Eigen::MatrixXd gemm(const Eigen::Ref<const Eigen::MatrixXd>& a, const Eigen::Ref<const Eigen::MatrixXd>& b) {
  if (a.cols() != b.rows()) throw std::invalid_argument("gemm: inner extents differ");
  if (!oneThreadBudget() || !usesBlas(a, b)) return a * b;
  blasOnCallingThread();
  Eigen::MatrixXd out(a.rows(), b.cols());
  cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(a.rows()), static_cast<int>(b.cols()),
              static_cast<int>(a.cols()), 1.0, a.data(), static_cast<int>(a.outerStride()), b.data(),
              static_cast<int>(b.outerStride()), 0.0, out.data(), static_cast<int>(out.rows()));
  return out;
}

}  // namespace cert::runtime::cpu
