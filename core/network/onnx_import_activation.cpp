// Importing element-wise activations (one layer each, applied in the producer's neuron order so a
// pending permutation passes through) and the final Softmax (dropped with a warning).
#include <onnx/onnx_pb.h>

#include <limits>

#include "core/network/onnx_attributes.h"
#include "core/network/onnx_import_ops.h"

namespace cert::onnximport {

namespace {

/// Clip bounds from attributes (opset < 11) or optional constant inputs (opset >= 11).
bool clipBounds(Context& ctx, const onnx::NodeProto& node, double* lo, double* hi) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  *lo = -inf;
  *hi = inf;
  if (ctx.opset < 11) {
    const NodeAttributes attrs(node);
    *lo = attrs.getFloat("min", -inf);
    *hi = attrs.getFloat("max", inf);
    if (!attrs.error().empty()) return ctx.error(node, "Clip: " + attrs.error());
    return true;
  }
  double* bounds[2] = {lo, hi};
  for (int i = 1; i <= 2; ++i) {
    if (node.input_size() <= i || node.input(i).empty()) continue;
    const ConstTensor* c = ctx.requireConst(node, i, i == 1 ? "min" : "max");
    if (!c) return false;
    if (c->size() != 1) return ctx.error(node, "Clip bounds must be scalars");
    *bounds[i - 1] = c->values[0];
  }
  return true;
}

}  // namespace

bool importActivation(Context& ctx, const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  const LayerValue* x = ctx.requireLayer(node, 0, "input");
  if (!x) return false;
  Layer l;
  if (op == "Relu") l.op = LayerOp::Relu;
  else if (op == "Sigmoid") l.op = LayerOp::Sigmoid;
  else if (op == "Tanh") l.op = LayerOp::Tanh;
  else if (op == "Abs") l.op = LayerOp::Abs;
  else if (op == "LeakyRelu") {
    l.op = LayerOp::LeakyRelu;
    const NodeAttributes attrs(node);
    l.alpha = attrs.getFloat("alpha", 0.01);
    if (!attrs.error().empty()) return ctx.error(node, "LeakyRelu: " + attrs.error());
  } else {
    l.op = LayerOp::Clip;
    if (!clipBounds(ctx, node, &l.clipMin, &l.clipMax)) return false;
  }
  l.name = node.output(0);
  l.inputs = {x->layer};
  l.shape = ctx.net.layers[static_cast<size_t>(x->layer)].shape;
  LayerValue out = *x;
  if (x->perm.empty()) {
    // Nothing pending: the layout nodes before it are part of this layer.
    l.onnxNodes = x->layoutNodes;
    out.layoutNodes.clear();
  }
  l.onnxNodes.push_back(nodeLabel(node));
  out.layer = ctx.addLayer(std::move(l));
  ctx.setLayer(node.output(0), std::move(out));
  return true;
}

bool importSoftmax(Context& ctx, const onnx::NodeProto& node) {
  const LayerValue* x = ctx.requireLayer(node, 0, "input");
  if (!x) return false;
  // Only a graph output may be dropped: the graph output counts as its one use.
  if (ctx.consumers(node.output(0)) != 1 || !ctx.isGraphOutput(node.output(0)))
    return ctx.error(node, node.op_type() + " is only supported as the network's final node");
  ctx.warning(node, "dropped the final " + node.op_type() +
                        ": outputs and bounds are for its input (the logits)");
  ctx.setLayer(node.output(0), *x);
  return true;
}

}  // namespace cert::onnximport
