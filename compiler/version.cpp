// The compiler library's version string.
#include "compiler/version.h"

namespace cert {
const char* compilerVersion() { return "0.1.0"; }
}  // namespace cert
