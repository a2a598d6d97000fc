// Checks on an ONNX model before and after import: what onnx.checker rejects where it changes the
// meaning (versions, operator schemas, names, declared shapes), and values that are not finite.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/network/onnx_tensor.h"

namespace onnx {
class ModelProto;
class ValueInfoProto;
}  // namespace onnx

namespace cert {

/// The IR versions and default-domain opsets the importer accepts.
inline constexpr int64_t kMinOnnxIrVersion = 3, kMaxOnnxIrVersion = 10;
inline constexpr int64_t kMinOnnxOpset = 7, kMaxOnnxOpset = 17;
/// Graphs inside node attributes (If, Loop, Scan) nested deeper than this are refused.
inline constexpr int kMaxOnnxGraphNesting = 16;
/// Constants and parameters larger than this in magnitude are reported (float32 overflows near 3.4e38).
inline constexpr double kHugeValue = 1e30;

/// Before import, the errors that decide how nodes are read, each naming the node (name and op
/// type) or the model field: ir_version and the default-domain opset outside the supported
/// ranges; subgraphs nested too deep; every node of an op the importer knows checked against its
/// ONNX operator schema at the model's opset (required attributes present, no unknown attribute,
/// attribute types, input and output counts).
Diagnostics validateOnnxModel(const onnx::ModelProto& model);

/// After an import that succeeded (its own errors name nodes more precisely): onnx's model
/// checker (each name defined once, before use; initializers; value infos) and ONNX shape
/// inference from the input shapes through every node.
Diagnostics checkOnnxGraph(const onnx::ModelProto& model);

/// A warning when the graph output's declared shape (fully known; a symbolic batch dim counts as
/// 1) differs from the `computed` logical shape.
std::optional<Diagnostic> checkDeclaredOutput(const onnx::ValueInfoProto& declared,
                                              const std::vector<int64_t>& computed);

/// A warning naming `tensor` when it holds NaN, inf or values above kHugeValue in magnitude
/// (its message ends "not meaningful", as every value warning does).
std::optional<Diagnostic> checkConstantValues(const std::string& tensor, const ConstTensor& t);

/// Warnings for imported parameters (Affine weights and biases, Conv kernels and biases, LeakyRelu
/// slopes, the input normalization) that are not finite or do not fit in float32, and Clip bounds
/// that are NaN, make every output infinite or are reversed; each names the layer and the ONNX
/// nodes it came from (e.g. Gemm alpha = 1e30 times a weight of 1e10) and ends "not meaningful".
Diagnostics checkLayerValues(const Network& net);

}  // namespace cert
