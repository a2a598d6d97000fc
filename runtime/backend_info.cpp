// Which backends this build has, and why one is unavailable.
#include "runtime/backend_info.h"

namespace cert {

bool cudaCompiledIn() {
#ifdef CERTSTUDIO_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

std::string cudaUnavailableReason() {
  if (!cudaCompiledIn()) return "this build has no CUDA backend (nvcc was not found when it was built)";
  return "the CUDA backend is not implemented yet";
}

}  // namespace cert
