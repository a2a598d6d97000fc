// Importer state: values, reference counts, permutation layers and element-wise affine folding.
#include "core/network/onnx_import_context.h"

#include <onnx/onnx_pb.h>

namespace cert::onnximport {

std::vector<int64_t> layerShapeOf(const std::vector<int64_t>& shape) {
  if (shape.size() >= 2 && shape.front() == 1) return {shape.begin() + 1, shape.end()};
  return shape;
}

std::string nodeLabel(const onnx::NodeProto& node) {
  if (!node.name().empty()) return node.name();
  if (node.output_size() > 0 && !node.output(0).empty()) return node.output(0);
  return node.op_type();
}

int Context::consumers(const std::string& name) const {
  auto it = consumers_.find(name);
  return it == consumers_.end() ? 0 : it->second;
}

const Value* Context::find(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

void Context::setConstant(const std::string& name, ConstTensor t) {
  Value v;
  v.kind = Value::Kind::Constant;
  v.constant = std::move(t);
  values_[name] = std::move(v);
}

void Context::setLayer(const std::string& name, LayerValue lv) {
  refs_[static_cast<size_t>(lv.layer)] += consumers(name);
  if (!lv.perm.empty()) {
    // An identity permutation is no permutation.
    bool identity = true;
    for (size_t i = 0; identity && i < lv.perm.size(); ++i)
      identity = lv.perm[i] == static_cast<int64_t>(i);
    if (identity) lv.perm.clear();
  }
  Value v;
  v.kind = Value::Kind::Layer;
  v.layer = std::move(lv);
  values_[name] = std::move(v);
}

void Context::setFailed(const std::string& name) { values_[name] = Value{}; }

const ConstTensor* Context::constInput(const onnx::NodeProto& node, int i) const {
  if (i >= node.input_size() || node.input(i).empty()) return nullptr;
  const Value* v = find(node.input(i));
  return v && v->kind == Value::Kind::Constant ? &v->constant : nullptr;
}

const LayerValue* Context::layerInput(const onnx::NodeProto& node, int i) const {
  if (i >= node.input_size() || node.input(i).empty()) return nullptr;
  const Value* v = find(node.input(i));
  return v && v->kind == Value::Kind::Layer ? &v->layer : nullptr;
}

const ConstTensor* Context::requireConst(const onnx::NodeProto& node, int i,
                                         const std::string& role) {
  const ConstTensor* c = constInput(node, i);
  if (!c)
    error(node, node.op_type() + ": the " + role + " (input " + std::to_string(i) +
                    ") must be a constant");
  return c;
}

const LayerValue* Context::requireLayer(const onnx::NodeProto& node, int i,
                                        const std::string& role) {
  const LayerValue* l = layerInput(node, i);
  if (!l)
    error(node, node.op_type() + ": the " + role + " (input " + std::to_string(i) +
                    ") must be computed from the network input, not a constant");
  return l;
}

bool Context::error(const onnx::NodeProto& node, const std::string& message) {
  Diagnostic d = Diagnostic::error(message);
  d.node = nodeLabel(node);
  diagnostics.push_back(std::move(d));
  return false;
}

void Context::warning(const onnx::NodeProto& node, const std::string& message) {
  Diagnostic d = Diagnostic::warning(message);
  d.node = nodeLabel(node);
  diagnostics.push_back(std::move(d));
}

bool Context::checkDense(const onnx::NodeProto& node, int64_t rows, int64_t cols) {
  if (rows > 0 && cols > kMaxDenseEntries / rows)
    return error(node, node.op_type() + ": " + std::to_string(rows) + " x " +
                           std::to_string(cols) + " values are more than the importer supports");
  if (rows * cols > budgetLeft())
    return error(node, node.op_type() + ": " + std::to_string(rows) + " x " +
                           std::to_string(cols) + " values: " + budgetMessage(rows * cols));
  return true;
}

bool Context::charge(int64_t values) {
  if (values > budgetLeft()) return false;
  used_ += values;
  return true;
}

std::string Context::budgetMessage(int64_t values) const {
  return std::to_string(values) + " more values would take the network past the importer's memory budget (" +
         std::to_string(kImportBudget) + " values, " + std::to_string(kImportBudget * 8 >> 20) +
         " MiB; " + std::to_string(used_) + " in use)";
}

int Context::addLayer(Layer layer) {
  used_ += layer.parameterCount();
  layer.index = static_cast<int>(net.layers.size());
  net.layers.push_back(std::move(layer));
  refs_.push_back(0);
  return static_cast<int>(net.layers.size()) - 1;
}

bool Context::materialize(const onnx::NodeProto& node, const std::string& name, LayerValue* v) {
  if (v->perm.empty()) return true;
  const int64_t n = v->size();
  if (!checkDense(node, n, n)) return false;
  Layer l;
  l.name = name;
  l.op = LayerOp::Affine;
  l.inputs = {v->layer};
  l.shape = layerShapeOf(v->shape);
  l.weight = Eigen::MatrixXd::Zero(n, n);
  for (int64_t j = 0; j < n; ++j) l.weight(j, v->perm[static_cast<size_t>(j)]) = 1.0;
  l.bias = Eigen::VectorXd::Zero(n);
  l.onnxNodes = v->layoutNodes;
  v->layer = addLayer(std::move(l));
  v->perm.clear();
  v->layoutNodes.clear();
  return true;
}

namespace {

/// Whether `a` (over a Conv layer's output neurons) is one value per output channel.
bool uniformPerChannel(const Eigen::VectorXd& a, const ConvGeometry& g) {
  const int64_t plane = static_cast<int64_t>(g.outHeight) * g.outWidth;
  for (int64_t i = 0; i < a.size(); ++i)
    if (a[i] != a[(i / plane) * plane]) return false;
  return true;
}

}  // namespace

bool Context::applyElementwiseAffine(const onnx::NodeProto& node, const LayerValue& x,
                                     const std::vector<double>& a, const std::vector<double>& b,
                                     const std::string& origin, LayerValue* out) {
  const int64_t n = x.size();
  // a and b in the producer's neuron order.
  Eigen::VectorXd ap(n), bp(n);
  for (int64_t i = 0; i < n; ++i) {
    ap[x.neuron(i)] = a[static_cast<size_t>(i)];
    bp[x.neuron(i)] = b[static_cast<size_t>(i)];
  }
  *out = x;
  Layer& producer = net.layers[static_cast<size_t>(x.layer)];
  if (producer.op == LayerOp::Input && exclusive(x.layer)) {
    Normalization& norm = net.normalization;
    if (norm.scale.size() == 0) {
      norm.scale = Eigen::VectorXd::Ones(n);
      norm.shift = Eigen::VectorXd::Zero(n);
    }
    norm.scale = ap.cwiseProduct(norm.scale);
    norm.shift = ap.cwiseProduct(norm.shift) + bp;
    norm.origin.push_back(origin);
    return true;
  }
  const bool foldAffine = producer.op == LayerOp::Affine;
  const bool foldConv = producer.op == LayerOp::Conv && uniformPerChannel(ap, producer.conv);
  if (exclusive(x.layer) && (foldAffine || foldConv)) {
    if (foldAffine) {
      producer.weight = ap.asDiagonal() * producer.weight;
    } else {
      const int64_t plane = static_cast<int64_t>(producer.conv.outHeight) * producer.conv.outWidth;
      const int64_t perChannel = producer.kernel.size() / producer.conv.outChannels;
      for (int oc = 0; oc < producer.conv.outChannels; ++oc)
        producer.kernel.segment(oc * perChannel, perChannel) *= ap[oc * plane];
    }
    producer.bias = ap.cwiseProduct(producer.bias) + bp;
    producer.onnxNodes.push_back(nodeLabel(node));
    if (x.layoutNodes.empty()) producer.name = node.output(0);  // the layer now ends here
    return true;
  }
  if (!checkDense(node, n, n)) return false;
  Layer l;
  l.name = node.output(0);
  l.op = LayerOp::Affine;
  l.inputs = {x.layer};
  l.shape = producer.shape;
  l.weight = ap.asDiagonal();
  l.bias = bp;
  l.onnxNodes = {nodeLabel(node)};
  out->layer = addLayer(std::move(l));
  return true;
}

}  // namespace cert::onnximport
