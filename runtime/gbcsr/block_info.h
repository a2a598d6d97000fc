// The g-BCSR block kinds (RUNTIME.md) and a block's layout as the IDE's sparsity view and the
// layout reports see it.
#pragma once

#include <cstdint>

#include "runtime/gbcsr/box.h"

namespace cert::gbcsr {

/// The storage kinds of the format. The runtime stores Dense, Diagonal, Kernel and Csr blocks
/// (runtime/coef_block.h); Constant and Broadcast exist in the general tensor kept as a test
/// reference (tests/support/gbcsr_reference).
enum class Kind { Dense, Constant, Diagonal, Broadcast, Kernel, Csr };
const char* kindName(Kind k);

/// One block as the IDE's sparsity view and the tests see it.
struct BlockInfo {
  Kind kind;
  Box box;
  int64_t bytes;
  double density;  ///< stored non-zeros / elements of one batch item, averaged over stored items
  bool shared;     ///< one copy for every batch item
};

}  // namespace cert::gbcsr
