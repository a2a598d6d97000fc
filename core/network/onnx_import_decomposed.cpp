// Importing ops that have no layer kind of their own by exact decomposition into existing kinds:
// HardSigmoid = (Clip(2 alpha x + 2 beta - 1, -1, 1) + 1) / 2, Max(a, b) = a + Relu(b - a),
// Min(a, b) = a - Relu(a - b) (with a constant c: c + Relu(x - c), c - Relu(c - x)). HardSwish,
// x * HardSigmoid(x), is in onnx_import_product.cpp.
#include <onnx/onnx_pb.h>

#include "core/network/network_printer.h"
#include "core/network/onnx_attributes.h"
#include "core/network/onnx_import_ops.h"

namespace cert::onnximport {

namespace {

/// Appends an element-wise layer (Relu or Clip) over `x`, keeping x's pending permutation;
/// returns the view of its output.
LayerValue addElementwise(Context& ctx, const onnx::NodeProto& node, const LayerValue& x,
                          LayerOp op,
                          const std::string& name, double lo = 0.0, double hi = 0.0) {
  Layer l;
  l.op = op;
  l.clipMin = lo;
  l.clipMax = hi;
  l.name = name;
  l.inputs = {x.layer};
  l.shape = ctx.net.layers[static_cast<size_t>(x.layer)].shape;
  LayerValue out = x;
  if (x.perm.empty()) {
    l.onnxNodes = x.layoutNodes;
    out.layoutNodes.clear();
  }
  l.onnxNodes.push_back(nodeLabel(node));
  out.layer = ctx.addLayer(std::move(l));
  return out;
}

/// Appends y = -x (a scaling layer: a 1x1 Conv over [C, H, W], else a diagonal Affine layer) over
/// the unpermuted layer `x` of shape `shape`.
bool addNegation(Context& ctx, const onnx::NodeProto& node, int x,
                 const std::vector<int64_t>& shape,
                 const std::string& name, int* out) {
  const int64_t n = elementCount(shape);
  return ctx.addScalingLayer(node, x, layerShapeOf(shape), -Eigen::VectorXd::Ones(n), Eigen::VectorXd::Zero(n), name,
                             {nodeLabel(node)}, out);
}

/// Appends the residual sum a + b of two unpermuted layers of shape `shape`.
int addSum(Context& ctx, const onnx::NodeProto& node, int a, int b,
           const std::vector<int64_t>& shape, const std::string& name,
           std::vector<std::string> layoutNodes = {}) {
  Layer l;
  l.name = name;
  l.op = LayerOp::Add;
  l.inputs = {a, b};
  l.shape = layerShapeOf(shape);
  l.onnxNodes = std::move(layoutNodes);
  l.onnxNodes.push_back(nodeLabel(node));
  return ctx.addLayer(std::move(l));
}

/// Max/Min of a computed value and a constant: c + Relu(x - c), c - Relu(c - x).
bool importMaxMinConstant(Context& ctx, const onnx::NodeProto& node, const LayerValue& x,
                          const ConstTensor& c, bool isMax) {
  const std::string& op = node.op_type();
  std::vector<int64_t> shape;
  if (!broadcastShapes(x.shape, c.dims, &shape) || elementCount(shape) != x.size())
    return ctx.error(node, op + ": the constant " + formatShape(c.dims) +
                               " does not broadcast over the computed value " +
                               formatShape(x.shape) + " without enlarging it");
  const std::vector<double> cv = broadcastTo(c, shape);
  const double s = isMax ? 1.0 : -1.0;
  // Max: t = x - c, y = Relu(t) + c. Min: t = c - x, y = c - Relu(t).
  std::vector<double> a(cv.size(), s), b(cv.size());
  for (size_t i = 0; i < cv.size(); ++i) b[i] = -s * cv[i];
  const std::string origin = op + " '" + nodeLabel(node) + "' (constant)";
  LayerValue t;
  if (!ctx.applyElementwiseAffine(node, x, a, b, origin, &t)) return false;
  Layer& diffLayer = ctx.net.layers[static_cast<size_t>(t.layer)];
  if (diffLayer.op != LayerOp::Input) diffLayer.name = node.output(0) + "/diff";
  const LayerValue r = addElementwise(ctx, node, t, LayerOp::Relu, node.output(0) + "/relu");
  for (size_t i = 0; i < cv.size(); ++i) b[i] = cv[i];
  LayerValue y;
  if (!ctx.applyElementwiseAffine(node, r, a, b, origin, &y)) return false;
  ctx.net.layers[static_cast<size_t>(y.layer)].name = node.output(0);
  y.shape = shape;
  ctx.setLayer(node.output(0), std::move(y));
  return true;
}

}  // namespace

bool hardSigmoidOf(Context& ctx, const onnx::NodeProto& node, const LayerValue& x, double alpha,
                   double beta, const std::string& name, LayerValue* out) {
  // Clip(alpha x + beta, 0, 1) = (HardTanh(2 alpha x + 2 beta - 1) + 1) / 2: the shipped specs
  // certify Clip [-1, 1] (their HardTanh rule), not Clip [0, 1].
  const auto n = static_cast<size_t>(x.size());
  const std::string origin = node.op_type() + " '" + nodeLabel(node) + "'";
  LayerValue scaled;
  if (!ctx.applyElementwiseAffine(node, x, std::vector<double>(n, 2.0 * alpha),
                                  std::vector<double>(n, 2.0 * beta - 1.0),
                                  origin + " (2 alpha x + 2 beta - 1)", &scaled))
    return false;
  Layer& scaledLayer = ctx.net.layers[static_cast<size_t>(scaled.layer)];
  if (scaledLayer.op != LayerOp::Input) scaledLayer.name = name + "/affine";
  const LayerValue t =
      addElementwise(ctx, node, scaled, LayerOp::Clip, name + "/hardtanh", -1.0, 1.0);
  if (!ctx.applyElementwiseAffine(node, t, std::vector<double>(n, 0.5), std::vector<double>(n, 0.5),
                                  origin + " ((t + 1) / 2)", out))
    return false;
  ctx.net.layers[static_cast<size_t>(out->layer)].name = name;
  return true;
}

bool importHardSigmoid(Context& ctx, const onnx::NodeProto& node) {
  const NodeAttributes attrs(node);
  const double alpha = attrs.getFloat("alpha", 0.2), beta = attrs.getFloat("beta", 0.5);
  if (!attrs.error().empty()) return ctx.error(node, "HardSigmoid: " + attrs.error());
  const LayerValue* x = ctx.requireLayer(node, 0, "input");
  if (!x) return false;
  LayerValue y;
  if (!hardSigmoidOf(ctx, node, *x, alpha, beta, node.output(0), &y)) return false;
  ctx.setLayer(node.output(0), std::move(y));
  return true;
}

bool importMaxMin(Context& ctx, const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  const bool isMax = op == "Max";
  if (node.input_size() == 1) {
    const LayerValue* x = ctx.requireLayer(node, 0, "input");
    if (!x) return false;
    ctx.setLayer(node.output(0), *x);
    return true;
  }
  if (node.input_size() != 2)
    return ctx.error(node, op + " of " + std::to_string(node.input_size()) +
                               " inputs is not supported (only of two)");
  const LayerValue* la = ctx.layerInput(node, 0);
  const LayerValue* lb = ctx.layerInput(node, 1);
  if (!la && !lb) return ctx.error(node, op + " of two constants is not supported");
  if (!la || !lb) {
    const LayerValue* x = la ? la : lb;
    const ConstTensor* c = la ? ctx.requireConst(node, 1, "second operand")
                              : ctx.requireConst(node, 0, "first operand");
    if (!x || !c) return false;
    return importMaxMinConstant(ctx, node, *x, *c, isMax);
  }
  std::vector<int64_t> shape;
  if (!broadcastShapes(la->shape, lb->shape, &shape) || elementCount(shape) != la->size() ||
      la->size() != lb->size())
    return ctx.error(node, op + " of computed values with different shapes " +
                               formatShape(la->shape) + " and " + formatShape(lb->shape));
  LayerValue a = *la, b = *lb;
  std::vector<int64_t> logical = shape, order;
  if (!ctx.commonOrder(node, &a, &b, logical, &shape, &order)) return false;
  std::vector<std::string> layout = a.layoutNodes;
  layout.insert(layout.end(), b.layoutNodes.begin(), b.layoutNodes.end());
  const std::string& name = node.output(0);
  // Max: d = b + (-a), y = a + Relu(d). Min: d = a + (-b), y = a + (-Relu(d)).
  int neg = 0;
  if (!addNegation(ctx, node, isMax ? a.layer : b.layer, shape, name + "/neg", &neg)) return false;
  const int d = addSum(ctx, node, isMax ? b.layer : a.layer, neg, shape, name + "/diff", layout);
  LayerValue dv{d, shape, {}, {}};
  int r = addElementwise(ctx, node, dv, LayerOp::Relu, name + "/relu").layer;
  if (!isMax && !addNegation(ctx, node, r, shape, name + "/neg_relu", &r)) return false;
  ctx.setLayer(name, LayerValue{addSum(ctx, node, a.layer, r, shape, name), logical, std::move(order), {}});
  return true;
}

}  // namespace cert::onnximport
