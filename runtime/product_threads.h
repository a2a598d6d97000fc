// How many threads Eigen's products (OpenMP) may use on the calling thread, set for a scope.
#pragma once

#ifdef _OPENMP
#include <omp.h>
#endif

namespace cert::runtime {

/// Sets the calling thread's OpenMP team size (which Eigen's GEMMs read) to `threads` while alive
/// and restores it after; threads <= 0 leaves it unchanged. omp_set_num_threads is per thread.
class ScopedProductThreads {
 public:
  explicit ScopedProductThreads(int threads) {
#ifdef _OPENMP
    if (threads > 0) {
      saved_ = omp_get_max_threads();
      if (saved_ != threads) omp_set_num_threads(threads);
      else saved_ = 0;
    }
#else
    (void)threads;
#endif
  }
  ~ScopedProductThreads() {
#ifdef _OPENMP
    if (saved_ > 0) omp_set_num_threads(saved_);
#endif
  }
  ScopedProductThreads(const ScopedProductThreads&) = delete;
  ScopedProductThreads& operator=(const ScopedProductThreads&) = delete;

 private:
  int saved_ = 0;
};

}  // namespace cert::runtime
