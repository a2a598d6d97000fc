// Paths the tests use: the source tree (bundled resources, specs, golden files) and certc.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cert::test {

/// The project's source directory (resources/, specs/, tests/golden/ live there).
inline std::string sourceDir() { return CERTSTUDIO_SOURCE_DIR; }
/// A path under the source directory.
inline std::string sourcePath(const std::string& rel) { return sourceDir() + "/" + rel; }
/// The stems of the bundled networks (resources/networks/*.onnx), sorted.
inline std::vector<std::string> bundledNetworkNames() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(sourcePath("resources/networks")))
    if (e.path().extension() == ".onnx") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}
/// A whole text file ("" when it cannot be read).
inline std::string readTextFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
/// The certc executable built with the tests.
inline std::string certcBinary() { return CERTC_BINARY; }

}  // namespace cert::test
