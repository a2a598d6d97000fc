// Node attribute access with type checks.
#include "core/network/onnx_attributes.h"

#include <onnx/onnx_pb.h>

namespace cert {

const onnx::AttributeProto* NodeAttributes::find(const std::string& name) const {
  for (const auto& a : node_.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

const onnx::AttributeProto* NodeAttributes::findTyped(const std::string& name, int type) const {
  const onnx::AttributeProto* a = find(name);
  if (!a) return nullptr;
  if (static_cast<int>(a->type()) != type) {
    if (error_.empty())
      error_ = "attribute '" + name + "' has type " +
               onnx::AttributeProto_AttributeType_Name(a->type()) + ", expected " +
               onnx::AttributeProto_AttributeType_Name(
                   static_cast<onnx::AttributeProto_AttributeType>(type));
    return nullptr;
  }
  return a;
}

int64_t NodeAttributes::getInt(const std::string& name, int64_t fallback) const {
  const auto* a = findTyped(name, onnx::AttributeProto_AttributeType_INT);
  return a ? a->i() : fallback;
}

double NodeAttributes::getFloat(const std::string& name, double fallback) const {
  const auto* a = findTyped(name, onnx::AttributeProto_AttributeType_FLOAT);
  return a ? static_cast<double>(a->f()) : fallback;
}

std::string NodeAttributes::getString(const std::string& name,
                                      const std::string& fallback) const {
  const auto* a = findTyped(name, onnx::AttributeProto_AttributeType_STRING);
  return a ? a->s() : fallback;
}

std::vector<int64_t> NodeAttributes::getInts(const std::string& name,
                                             const std::vector<int64_t>& fallback) const {
  const auto* a = findTyped(name, onnx::AttributeProto_AttributeType_INTS);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}

std::vector<double> NodeAttributes::getFloats(const std::string& name) const {
  const auto* a = findTyped(name, onnx::AttributeProto_AttributeType_FLOATS);
  return a ? std::vector<double>(a->floats().begin(), a->floats().end()) : std::vector<double>{};
}

const onnx::TensorProto* NodeAttributes::getTensor(const std::string& name) const {
  const auto* a = findTyped(name, onnx::AttributeProto_AttributeType_TENSOR);
  return a ? &a->t() : nullptr;
}

}  // namespace cert
