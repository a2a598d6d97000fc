// glibc malloc settings for certification runs (see the header).
#include "runtime/allocator_tuning.h"

#include <cstdlib>  // defines __GLIBC__ (through <features.h>) before it is tested below

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace cert::runtime {

void tuneAllocatorForRuns() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);  // glibc's maximum: larger blocks are still mmap'ed
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  mallopt(M_TOP_PAD, 64 * 1024 * 1024);
#endif
}

}  // namespace cert::runtime
