// A small ONNX writer: builds a ModelProto graph node by node (bundled networks, test models).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
class NodeProto;
}  // namespace onnx

namespace cert {

/// Attribute setter for one node just added to an OnnxBuilder.
class OnnxNodeRef {
 public:
  explicit OnnxNodeRef(onnx::NodeProto* node) : node_(node) {}
  OnnxNodeRef& attr(const std::string& name, int64_t value);
  OnnxNodeRef& attr(const std::string& name, double value);
  OnnxNodeRef& attr(const std::string& name, const std::vector<int64_t>& values);
  OnnxNodeRef& attr(const std::string& name, const std::string& value);
  /// A tensor attribute (as Constant's `value`): float data.
  OnnxNodeRef& tensorAttr(const std::string& name, const std::vector<int64_t>& dims,
                          const std::vector<float>& data);
  /// A tensor attribute with int64 data.
  OnnxNodeRef& tensorAttrInt64(const std::string& name, const std::vector<int64_t>& dims,
                               const std::vector<int64_t>& data);

 private:
  onnx::NodeProto* node_;
};

/// Builds an ONNX model. Shapes include the batch dimension, as ONNX files do.
class OnnxBuilder {
 public:
  explicit OnnxBuilder(const std::string& graphName, int64_t opset = 13);
  ~OnnxBuilder();
  OnnxBuilder(const OnnxBuilder&) = delete;
  OnnxBuilder& operator=(const OnnxBuilder&) = delete;

  void addInput(const std::string& name, const std::vector<int64_t>& shape);
  /// An input whose leading (batch) dim is the symbolic `batchParam` (shape[0] is ignored).
  void addInput(const std::string& name, const std::vector<int64_t>& shape,
                const std::string& batchParam);
  void addOutput(const std::string& name, const std::vector<int64_t>& shape);
  void addInitializer(const std::string& name, const std::vector<int64_t>& dims,
                      const std::vector<float>& data);
  void addInitializerInt64(const std::string& name, const std::vector<int64_t>& dims,
                           const std::vector<int64_t>& data);
  /// A DOUBLE initializer (raw_data).
  void addInitializerDouble(const std::string& name, const std::vector<int64_t>& dims,
                            const std::vector<double>& data);
  /// Adds a node; the node's name defaults to its first output.
  OnnxNodeRef addNode(const std::string& opType, const std::vector<std::string>& inputs,
                      const std::vector<std::string>& outputs, const std::string& name = "");

  /// The serialized protobuf bytes.
  std::string serialize() const;
  /// Writes the model; false (with `error` set) when the file cannot be written.
  bool save(const std::string& path, std::string* error = nullptr) const;

 private:
  std::unique_ptr<onnx::ModelProto> model_;
};

}  // namespace cert
