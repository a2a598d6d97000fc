// Kernel kind: Toeplitz materialization and density (its products: runtime/backend/cpu/convolution.h).
#include "runtime/gbcsr/kernel_block.h"

namespace cert::gbcsr {

double KernelBlock::density() const {
  int64_t taps = 0;
  forEachTap([&](int64_t, int64_t, double) { ++taps; });
  const double n = double(rows()) * double(cols());
  return n > 0 ? double(taps) / n : 0.0;
}

}  // namespace cert::gbcsr
