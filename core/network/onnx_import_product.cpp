// Importing element-wise products of two computed values: Mul of two layer views of one shape
// becomes a Mul layer (Neuron_mult), HardSwish(x) = x * HardSigmoid(x) with alpha 1/6, beta 1/2
// becomes the exact HardSigmoid decomposition followed by the Mul layer of x and it.
#include <onnx/onnx_pb.h>

#include "core/network/network_printer.h"
#include "core/network/onnx_import_ops.h"

namespace cert::onnximport {

int addTwoInputLayer(Context& ctx, const onnx::NodeProto& node, LayerOp op, const LayerValue& a, const LayerValue& b,
                     const std::vector<int64_t>& shape) {
  Layer l;
  l.name = node.output(0);
  l.op = op;
  l.inputs = {a.layer, b.layer};
  l.shape = layerShapeOf(shape);
  l.onnxNodes = a.layoutNodes;
  l.onnxNodes.insert(l.onnxNodes.end(), b.layoutNodes.begin(), b.layoutNodes.end());
  l.onnxNodes.push_back(nodeLabel(node));
  return ctx.addLayer(std::move(l));
}

bool importProduct(Context& ctx, const onnx::NodeProto& node) {
  const LayerValue* la = ctx.layerInput(node, 0);
  const LayerValue* lb = ctx.layerInput(node, 1);
  if (!la || !lb) return ctx.error(node, "Mul: both operands must be computed values here");
  // Same element count and a broadcast that only adds or drops leading 1s: the same positions.
  std::vector<int64_t> shape;
  if (!broadcastShapes(la->shape, lb->shape, &shape) || elementCount(shape) != la->size() ||
      la->size() != lb->size())
    return ctx.error(node, "Mul of computed values with shapes " + formatShape(la->shape) +
                               " and " + formatShape(lb->shape) +
                               " needs broadcasting, which is not supported: a product of two "
                               "computed values (Neuron_mult) multiplies neurons at the same "
                               "position of two tensors of one shape");
  LayerValue a = *la, b = *lb;
  std::vector<int64_t> stored, order;
  if (!ctx.commonOrder(node, &a, &b, shape, &stored, &order)) return false;
  ctx.setLayer(node.output(0), LayerValue{addTwoInputLayer(ctx, node, LayerOp::Mul, a, b, stored), shape, std::move(order), {}});
  return true;
}

bool importHardSwish(Context& ctx, const onnx::NodeProto& node) {
  const LayerValue* in = ctx.requireLayer(node, 0, "input");
  if (!in) return false;
  LayerValue x = *in;
  if (!ctx.materialize(node, node.input(0), &x)) return false;
  // x is read twice (by the HardSigmoid and by the product): keep the HardSigmoid's scaling from
  // being folded into x's producer or the input normalization.
  ctx.retain(x.layer);
  const std::string& name = node.output(0);
  LayerValue h;
  const bool ok = hardSigmoidOf(ctx, node, x, 1.0 / 6.0, 0.5, name + "/hardsigmoid", &h);
  ctx.release(x.layer);
  if (!ok) return false;
  LayerValue ux = x;
  ux.layoutNodes.clear();  // the HardSigmoid's first layer already names them
  ctx.setLayer(name, LayerValue{addTwoInputLayer(ctx, node, LayerOp::Mul, ux, h, x.shape), x.shape, {}, {}});
  return true;
}

}  // namespace cert::onnximport
