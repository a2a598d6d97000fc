// ONNX import: an ONNX model (opsets 7-17) to the network model, or diagnostics naming every problem.
#pragma once

#include <cstdint>
#include <string>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"

namespace cert {

/// What one import may hold: its constants and layer parameters together, in values (8 bytes
/// each). Folding (ConstantOfShape, broadcasts, ...) and layer construction check it before they
/// allocate, so a network over it, or a small file that expands to many GB, is refused with an
/// error naming the node instead of std::bad_alloc.
struct ImportLimits {
  /// The default: 1 GiB. Drivers that know the run's memory limit pass it (importLimitsFor).
  static constexpr int64_t kDefaultValues = int64_t{1} << 27;
  int64_t values = kDefaultValues;
};

/// The limits for an import under a memory limit of `bytes` (the run's budget): its values, 8
/// bytes each, never fewer than the default.
ImportLimits importLimitsFor(int64_t bytes);

/// Reads and imports an ONNX file. Errors name the file problem or every unsupported node.
Result<Network> importOnnxFile(const std::string& path, const ImportLimits& limits = {});

/// Imports serialized ONNX bytes; `name` becomes Network::name.
Result<Network> importOnnxBytes(const std::string& bytes, const std::string& name, const ImportLimits& limits = {});

}  // namespace cert
