// The compiler library's version string.
#pragma once

namespace cert {
/// The ConstraintFlow compiler's version.
const char* compilerVersion();
}  // namespace cert
