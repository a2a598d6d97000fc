// The importer's node handlers, one per supported ONNX op type, grouped by file:
// linear (Gemm, MatMul, element-wise arithmetic, BatchNormalization), conv (Conv, pools),
// layout (Reshape, Flatten, Transpose, ..., Concat), activation (Relu, ..., Softmax), decomposed
// (HardSigmoid, Max, Min as existing layer kinds), product (Mul of two computed values, HardSwish).
#pragma once

#include <string>

#include "core/network/onnx_import_context.h"

namespace cert::onnximport {

/// A node handler: imports one node; returns false after reporting an error.
using OpHandler = bool (*)(Context&, const onnx::NodeProto&);

/// The handler for an op type (default domain), or nullptr when the op is unsupported.
OpHandler findOpHandler(const std::string& opType);

// onnx_import_linear.cpp
bool importGemm(Context& ctx, const onnx::NodeProto& node);
bool importMatMul(Context& ctx, const onnx::NodeProto& node);
bool importArithmetic(Context& ctx, const onnx::NodeProto& node);  ///< Add, Sub, Mul, Div
bool importBatchNorm(Context& ctx, const onnx::NodeProto& node);

// onnx_import_conv.cpp
bool importConv(Context& ctx, const onnx::NodeProto& node);
bool importPool(Context& ctx, const onnx::NodeProto& node);  ///< MaxPool, AveragePool, Global*

// onnx_import_layout.cpp
bool importReshapeLike(Context& ctx, const onnx::NodeProto& node);  ///< Reshape, Flatten, (Un)Squeeze
bool importTranspose(Context& ctx, const onnx::NodeProto& node);
bool importPassThrough(Context& ctx, const onnx::NodeProto& node);  ///< Identity, Dropout, Cast
bool importShape(Context& ctx, const onnx::NodeProto& node);
bool importConcat(Context& ctx, const onnx::NodeProto& node);

// onnx_import_index_map.cpp (ops whose output elements each read one input element)
bool importSliceGather(Context& ctx, const onnx::NodeProto& node);  ///< Slice, Gather (constant indices)
bool importSplit(Context& ctx, const onnx::NodeProto& node);

// onnx_import_activation.cpp
bool importActivation(Context& ctx, const onnx::NodeProto& node);  ///< Relu, Sigmoid, Tanh, ...
bool importSoftmax(Context& ctx, const onnx::NodeProto& node);     ///< a final (Log)Softmax

// onnx_import_decomposed.cpp (exact decompositions into existing layer kinds)
bool importHardSigmoid(Context& ctx, const onnx::NodeProto& node);  ///< Affine, Clip [-1, 1], Affine
bool importMaxMin(Context& ctx, const onnx::NodeProto& node);  ///< Max, Min: Add, Relu, Affine
/// HardSigmoid Clip(alpha x + beta, 0, 1) of the view `x` as Affine, Clip [-1, 1], Affine layers
/// named after `name`; `out` views the last. False after reporting an error.
bool hardSigmoidOf(Context& ctx, const onnx::NodeProto& node, const LayerValue& x, double alpha,
                   double beta, const std::string& name, LayerValue* out);

// onnx_import_product.cpp (the element-wise product of two computed values: a Mul layer)
/// Mul of two computed values of one shape (a Mul layer, Neuron_mult); broadcasting is refused.
bool importProduct(Context& ctx, const onnx::NodeProto& node);
/// Appends the two-input layer `op` (Add, Mul) over the unpermuted views a and b of logical shape
/// `shape`, named after the node's output, its ONNX nodes those of both views and the node.
int addTwoInputLayer(Context& ctx, const onnx::NodeProto& node, LayerOp op, const LayerValue& a, const LayerValue& b,
                     const std::vector<int64_t>& shape);
bool importHardSwish(Context& ctx, const onnx::NodeProto& node);  ///< x * HardSigmoid(x): a Mul layer

}  // namespace cert::onnximport
