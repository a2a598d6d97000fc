// Which backends this build has, and why one is unavailable.
#pragma once

#include <string>

namespace cert {

/// True when this build contains the CUDA backend.
bool cudaCompiledIn();
/// Empty when a CUDA device can be used; otherwise the reason it cannot.
std::string cudaUnavailableReason();

}  // namespace cert
