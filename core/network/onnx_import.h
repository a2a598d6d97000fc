// ONNX import: an ONNX model (opsets 7-17) to the network model, or diagnostics naming every problem.
#pragma once

#include <string>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"

namespace cert {

/// Reads and imports an ONNX file. Errors name the file problem or every unsupported node.
Result<Network> importOnnxFile(const std::string& path);

/// Imports serialized ONNX bytes; `name` becomes Network::name.
Result<Network> importOnnxBytes(const std::string& bytes, const std::string& name);

}  // namespace cert
