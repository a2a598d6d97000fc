// Paths the tests use: the source tree (bundled resources, specs, golden files) and certc.
#pragma once

#include <string>

namespace cert::test {

/// The project's source directory (resources/, specs/, tests/golden/ live there).
inline std::string sourceDir() { return CERTSTUDIO_SOURCE_DIR; }
/// A path under the source directory.
inline std::string sourcePath(const std::string& rel) { return sourceDir() + "/" + rel; }
/// The certc executable built with the tests.
inline std::string certcBinary() { return CERTC_BINARY; }

}  // namespace cert::test
