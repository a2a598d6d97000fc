// Typed access to the attributes of one ONNX node; a wrong attribute type is an error, not a guess.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class AttributeProto;
class NodeProto;
class TensorProto;
}  // namespace onnx

namespace cert {

/// Reads a node's attributes with defaults; remembers the first type mismatch in error().
class NodeAttributes {
 public:
  explicit NodeAttributes(const onnx::NodeProto& node) : node_(node) {}

  bool has(const std::string& name) const { return find(name) != nullptr; }
  int64_t getInt(const std::string& name, int64_t fallback) const;
  double getFloat(const std::string& name, double fallback) const;
  std::string getString(const std::string& name, const std::string& fallback) const;
  std::vector<int64_t> getInts(const std::string& name,
                               const std::vector<int64_t>& fallback) const;
  std::vector<double> getFloats(const std::string& name) const;
  /// The tensor attribute `name`, or nullptr.
  const onnx::TensorProto* getTensor(const std::string& name) const;

  /// Empty when every attribute read so far had the expected type.
  const std::string& error() const { return error_; }

 private:
  const onnx::AttributeProto* find(const std::string& name) const;
  const onnx::AttributeProto* findTyped(const std::string& name, int type) const;

  const onnx::NodeProto& node_;
  mutable std::string error_;
};

}  // namespace cert
