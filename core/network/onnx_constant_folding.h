// The small constant evaluator: ONNX nodes whose inputs are all constants (shape subgraphs such
// as Shape -> Gather -> Concat -> Reshape, Constant, ConstantOfShape, Cast, Unsqueeze, ...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/onnx_tensor.h"

namespace onnx {
class NodeProto;
}  // namespace onnx

namespace cert {

/// Whether the evaluator knows `opType` (default domain).
bool isFoldableOp(const std::string& opType);

/// Evaluates `node` over constant inputs (nullptr for an absent optional input) to its first
/// output. Errors (bad attributes, out-of-range indices, an output of more than `maxElements`
/// values, checked before it is allocated) do not name the node: the caller does.
Result<ConstTensor> foldConstantNode(const onnx::NodeProto& node,
                                     const std::vector<const ConstTensor*>& inputs,
                                     int64_t opset, int64_t maxElements = kMaxTensorElements);

}  // namespace cert
