// Names of the g-BCSR block kinds.
#include "runtime/gbcsr/block_info.h"

namespace cert::gbcsr {

const char* kindName(Kind k) {
  switch (k) {
    case Kind::Dense: return "Dense";
    case Kind::Constant: return "Constant";
    case Kind::Diagonal: return "Diagonal";
    case Kind::Broadcast: return "Broadcast";
    case Kind::Kernel: return "Kernel";
    case Kind::Csr: return "Csr";
  }
  return "?";
}

}  // namespace cert::gbcsr
