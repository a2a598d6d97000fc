// An independent ONNX evaluator for tests: runs a model's graph node by node by the ONNX operator
// definitions (per opset), in double precision, without the importer or the network model.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
}  // namespace onnx

namespace cert::test {

/// The first graph output of `model` for `input` (the single graph input, row-major, batch 1),
/// flattened; nullopt with `why` set when the model is malformed by the ONNX definitions (a
/// missing required attribute or input, mismatched shapes, an undefined name) or uses an op
/// outside the evaluator's set: Constant, Identity, Relu, Sigmoid, Tanh, Abs, LeakyRelu, Clip,
/// Add, Sub, Mul, Div, Gemm, MatMul, Flatten, Reshape, Squeeze, Unsqueeze, Transpose, Concat, Conv
/// (group 1, explicit pads), MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool,
/// BatchNormalization (inference), Max, Min, HardSigmoid, HardSwish, Slice (opset 10+), Gather,
/// Split.
std::optional<std::vector<double>> evalOnnxReference(const onnx::ModelProto& model,
                                                     const std::vector<double>& input,
                                                     std::string* why);

}  // namespace cert::test
