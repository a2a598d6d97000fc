// ONNX writer over the protobuf classes of Debian's libonnx.
#include "core/network/onnx_builder.h"

#include <onnx/onnx_pb.h>

#include <fstream>

namespace cert {

namespace {
void setDims(onnx::TensorProto* t, const std::vector<int64_t>& dims) {
  for (int64_t d : dims) t->add_dims(d);
}
void setValueInfo(onnx::ValueInfoProto* vi, const std::string& name,
                  const std::vector<int64_t>& shape) {
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto_DataType_FLOAT);
  for (int64_t d : shape) tt->mutable_shape()->add_dim()->set_dim_value(d);
}
}  // namespace

OnnxNodeRef& OnnxNodeRef::attr(const std::string& name, int64_t value) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_INT);
  a->set_i(value);
  return *this;
}
OnnxNodeRef& OnnxNodeRef::attr(const std::string& name, double value) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
  a->set_f(static_cast<float>(value));
  return *this;
}
OnnxNodeRef& OnnxNodeRef::attr(const std::string& name, const std::vector<int64_t>& values) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_INTS);
  for (int64_t v : values) a->add_ints(v);
  return *this;
}
OnnxNodeRef& OnnxNodeRef::attr(const std::string& name, const std::string& value) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_STRING);
  a->set_s(value);
  return *this;
}
OnnxNodeRef& OnnxNodeRef::tensorAttr(const std::string& name, const std::vector<int64_t>& dims,
                                     const std::vector<float>& data) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_TENSOR);
  auto* t = a->mutable_t();
  t->set_data_type(onnx::TensorProto_DataType_FLOAT);
  setDims(t, dims);
  for (float v : data) t->add_float_data(v);
  return *this;
}
OnnxNodeRef& OnnxNodeRef::tensorAttrInt64(const std::string& name,
                                          const std::vector<int64_t>& dims,
                                          const std::vector<int64_t>& data) {
  auto* a = node_->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_TENSOR);
  auto* t = a->mutable_t();
  t->set_data_type(onnx::TensorProto_DataType_INT64);
  setDims(t, dims);
  for (int64_t v : data) t->add_int64_data(v);
  return *this;
}

OnnxBuilder::OnnxBuilder(const std::string& graphName, int64_t opset)
    : model_(std::make_unique<onnx::ModelProto>()) {
  model_->set_ir_version(7);
  model_->set_producer_name("certstudio");
  auto* op = model_->add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  model_->mutable_graph()->set_name(graphName);
}

OnnxBuilder::~OnnxBuilder() = default;

void OnnxBuilder::addInput(const std::string& name, const std::vector<int64_t>& shape) {
  setValueInfo(model_->mutable_graph()->add_input(), name, shape);
}
void OnnxBuilder::addInput(const std::string& name, const std::vector<int64_t>& shape,
                           const std::string& batchParam) {
  auto* vi = model_->mutable_graph()->add_input();
  setValueInfo(vi, name, shape);
  auto* dims = vi->mutable_type()->mutable_tensor_type()->mutable_shape();
  if (dims->dim_size() > 0) dims->mutable_dim(0)->set_dim_param(batchParam);
}
void OnnxBuilder::addOutput(const std::string& name, const std::vector<int64_t>& shape) {
  setValueInfo(model_->mutable_graph()->add_output(), name, shape);
}
void OnnxBuilder::addInitializer(const std::string& name, const std::vector<int64_t>& dims,
                                 const std::vector<float>& data) {
  auto* t = model_->mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_FLOAT);
  setDims(t, dims);
  // raw_data, as exporters write it: the importer must read both forms.
  t->set_raw_data(std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float)));
}
void OnnxBuilder::addInitializerInt64(const std::string& name, const std::vector<int64_t>& dims,
                                      const std::vector<int64_t>& data) {
  auto* t = model_->mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_INT64);
  setDims(t, dims);
  for (int64_t v : data) t->add_int64_data(v);
}
void OnnxBuilder::addInitializerDouble(const std::string& name, const std::vector<int64_t>& dims,
                                       const std::vector<double>& data) {
  auto* t = model_->mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto_DataType_DOUBLE);
  setDims(t, dims);
  t->set_raw_data(std::string(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(double)));
}

OnnxNodeRef OnnxBuilder::addNode(const std::string& opType, const std::vector<std::string>& inputs,
                                 const std::vector<std::string>& outputs,
                                 const std::string& name) {
  auto* n = model_->mutable_graph()->add_node();
  n->set_op_type(opType);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  n->set_name(!name.empty() ? name : (outputs.empty() ? opType : outputs.front()));
  return OnnxNodeRef(n);
}

std::string OnnxBuilder::serialize() const { return model_->SerializeAsString(); }

bool OnnxBuilder::save(const std::string& path, std::string* error) const {
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    if (error) *error = "cannot open '" + path + "' for writing";
    return false;
  }
  const std::string bytes = serialize();
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    if (error) *error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

}  // namespace cert
