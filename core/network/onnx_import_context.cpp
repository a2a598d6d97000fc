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
         std::to_string(budget_) + " values, " + std::to_string(budget_ * 8 >> 20) +
         " MiB; " + std::to_string(used_) + " in use)";
}

int Context::addLayer(Layer layer) {
  used_ += layer.parameterCount();
  layer.index = static_cast<int>(net.layers.size());
  for (int in : layer.inputs) ++readers_[static_cast<size_t>(in)];
  net.layers.push_back(std::move(layer));
  refs_.push_back(0);
  readers_.push_back(0);
  return static_cast<int>(net.layers.size()) - 1;
}

void Context::foldIntoInputOrder(LayerValue* v) {
  const std::vector<int64_t> p = v->perm;  // new input neuron k = old input neuron p[k]
  const int64_t n = static_cast<int64_t>(p.size());
  std::vector<int64_t> inverse(p.size());
  for (int64_t k = 0; k < n; ++k) inverse[static_cast<size_t>(p[static_cast<size_t>(k)])] = k;
  Normalization& norm = net.normalization;
  std::vector<int64_t> order(p.size());
  for (int64_t k = 0; k < n; ++k) {
    const int64_t old = p[static_cast<size_t>(k)];
    order[static_cast<size_t>(k)] = norm.order.empty() ? old : norm.order[static_cast<size_t>(old)];
  }
  norm.order = std::move(order);
  if (norm.scale.size() == n) {
    const Eigen::VectorXd scale = norm.scale, shift = norm.shift;
    for (int64_t k = 0; k < n; ++k) {
      norm.scale[k] = scale[p[static_cast<size_t>(k)]];
      norm.shift[k] = shift[p[static_cast<size_t>(k)]];
    }
  }
  for (const std::string& l : v->layoutNodes) norm.origin.push_back(l + " (layout, folded into the input order)");
  net.layers.front().shape = layerShapeOf(v->shape);
  // Every other view of the input now reads the new neuron order.
  for (auto& [name, value] : values_) {
    if (value.kind != Value::Kind::Layer || value.layer.layer != 0) continue;
    LayerValue& w = value.layer;
    std::vector<int64_t> perm(static_cast<size_t>(w.size()));
    for (int64_t i = 0; i < w.size(); ++i) perm[static_cast<size_t>(i)] = inverse[static_cast<size_t>(w.neuron(i))];
    bool identity = true;
    for (size_t i = 0; identity && i < perm.size(); ++i) identity = perm[i] == static_cast<int64_t>(i);
    w.perm = identity ? std::vector<int64_t>{} : std::move(perm);
  }
  v->perm.clear();
  v->layoutNodes.clear();
}

bool Context::materialize(const onnx::NodeProto& node, const std::string& name, LayerValue* v) {
  if (v->perm.empty()) return true;
  const int64_t n = v->size();
  // A permutation of the input before any layer reads it costs nothing: the input neurons are
  // numbered in the permuted order instead (the box is permuted when it is normalized).
  // Only for the input's one view: a copy of another view that the caller holds would keep the old
  // numbering.
  if (v->layer == 0 && net.layers.size() == 1 && net.layers.front().op == LayerOp::Input &&
      n == elementCount(net.layers.front().shape) && !isGraphOutput(name) && exclusive(0)) {
    foldIntoInputOrder(v);
    return true;
  }
  (void)node;
  // A producer that only this value reads takes the order itself: an Affine layer's rows (and
  // bias) permuted, a Concat layer's order composed.
  Layer& producer = net.layers[static_cast<size_t>(v->layer)];
  if (exclusive(v->layer) && (producer.op == LayerOp::Affine || producer.op == LayerOp::Concat)) {
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t j = 0; j < n; ++j) order[static_cast<size_t>(j)] = v->neuron(j);
    if (producer.op == LayerOp::Affine) {
      Eigen::MatrixXd w(producer.weight.rows(), producer.weight.cols());
      Eigen::VectorXd b(producer.bias.size());
      for (int64_t j = 0; j < n; ++j) {
        w.row(j) = producer.weight.row(order[static_cast<size_t>(j)]);
        b[j] = producer.bias[order[static_cast<size_t>(j)]];
      }
      producer.weight = std::move(w);
      producer.bias = std::move(b);
    } else {
      for (int64_t& o : order) o = producer.concatSource(o);
      producer.order = std::move(order);
    }
    producer.shape = layerShapeOf(v->shape);
    producer.name = name;  // the layer now ends here
    producer.onnxNodes.insert(producer.onnxNodes.end(), v->layoutNodes.begin(), v->layoutNodes.end());
    v->perm.clear();
    v->layoutNodes.clear();
    return true;
  }
  // Elsewhere the permutation is an index map: a one-input Concat layer that reads its input's
  // neurons in the permuted order (no weights; its bounds are its input's, reordered).
  Layer l;
  l.name = name;
  l.op = LayerOp::Concat;
  l.inputs = {v->layer};
  l.shape = layerShapeOf(v->shape);
  l.order = std::move(v->perm);
  l.onnxNodes = v->layoutNodes;
  v->layer = addLayer(std::move(l));
  v->perm.clear();
  v->layoutNodes.clear();
  return true;
}

bool Context::commonOrder(const onnx::NodeProto& node, LayerValue* a, LayerValue* b, const std::vector<int64_t>& shape,
                          std::vector<int64_t>* stored, std::vector<int64_t>* shared) {
  shared->clear();
  *stored = shape;
  if (!a->perm.empty() && a->perm == b->perm) {
    const Layer& producer = net.layers[static_cast<size_t>(a->layer)];
    stored->assign(1, 1);
    if (elementCount(producer.shape) == a->size()) stored->insert(stored->end(), producer.shape.begin(), producer.shape.end());
    else stored->push_back(a->size());
    *shared = std::move(a->perm);
    a->perm.clear();
    b->perm.clear();
    return true;
  }
  return materialize(node, node.input(0), a) && materialize(node, node.input(1), b);
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
  const std::vector<int64_t> shape = producer.shape;  // the new layer's neurons: the producer's order
  return addScalingLayer(node, x.layer, shape, ap, bp, node.output(0), {nodeLabel(node)}, &out->layer);
}

bool Context::exclusiveScaling(int layer, Eigen::VectorXd* a, Eigen::VectorXd* b) const {
  if (!exclusive(layer)) return false;
  const Layer& s = net.layers[static_cast<size_t>(layer)];
  const int64_t n = elementCount(s.shape);  // (neuron ranges are assigned after the import)
  if (s.op == LayerOp::Affine) {
    if (s.weight.rows() != n || s.weight.cols() != n || s.inputs.size() != 1) return false;
    for (int64_t j = 0; j < n; ++j)
      for (int64_t i = 0; i < n; ++i)
        if (i != j && s.weight(i, j) != 0) return false;
    *a = s.weight.diagonal();
    *b = s.bias;
    return true;
  }
  const ConvGeometry& g = s.conv;
  if (s.op != LayerOp::Conv || g.kernelH != 1 || g.kernelW != 1 || g.strideH != 1 || g.strideW != 1 || g.padTop != 0 ||
      g.padLeft != 0 || g.padBottom != 0 || g.padRight != 0 || g.inChannels != g.outChannels)
    return false;
  const int64_t c = g.inChannels, plane = n / c;
  for (int64_t o = 0; o < c; ++o)
    for (int64_t i = 0; i < c; ++i)
      if (o != i && s.kernel[o * c + i] != 0) return false;
  a->resize(n);
  for (int64_t i = 0; i < n; ++i) (*a)[i] = s.kernel[(i / plane) * c + i / plane];
  *b = s.bias;
  return true;
}

bool Context::addScalingLayer(const onnx::NodeProto& node, int input, const std::vector<int64_t>& shape,
                              const Eigen::VectorXd& a, const Eigen::VectorXd& b, const std::string& name,
                              std::vector<std::string> onnxNodes, int* out) {
  const int64_t n = a.size();
  Layer l;
  l.name = name;
  l.inputs = {input};
  l.shape = shape;
  l.bias = b;
  l.onnxNodes = std::move(onnxNodes);
  ConvGeometry g;
  if (shape.size() == 3 && elementCount(shape) == n) {
    g.inChannels = g.outChannels = static_cast<int>(shape[0]);
    g.inHeight = g.outHeight = static_cast<int>(shape[1]);
    g.inWidth = g.outWidth = static_cast<int>(shape[2]);
  }
  if (g.inChannels > 0 && uniformPerChannel(a, g) && g.inChannels <= 4096) {
    const int64_t c = g.inChannels, plane = n / c;
    l.op = LayerOp::Conv;
    l.conv = g;
    l.kernel = Eigen::VectorXd::Zero(c * c);  // [outC][inC][1][1]: channel k scaled by its a
    for (int64_t k = 0; k < c; ++k) l.kernel[k * c + k] = a[k * plane];
  } else {
    if (!checkDense(node, n, n)) return false;
    l.op = LayerOp::Affine;
    l.weight = a.asDiagonal();
  }
  *out = addLayer(std::move(l));
  return true;
}

}  // namespace cert::onnximport
