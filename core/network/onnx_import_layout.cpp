// Importing layout ops on computed values. Reshape, Flatten, Squeeze and Unsqueeze keep the
// flat element order; Transpose composes the value's pending permutation; none adds a layer.
// Concat adds a Concat layer that reads its inputs' pending permutations through its order (and
// leaves a pending permutation when it interleaves its inputs).
#include <onnx/onnx_pb.h>

#include "core/network/network_printer.h"
#include "core/network/onnx_attributes.h"
#include "core/network/onnx_constant_folding.h"
#include "core/network/onnx_import_ops.h"
#include "core/network/onnx_shape_ops.h"

namespace cert::onnximport {

bool importReshapeLike(Context& ctx, const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  const LayerValue* x = ctx.requireLayer(node, 0, "data");
  if (!x) return false;
  const NodeAttributes attrs(node);
  std::vector<int64_t> shape;
  std::string error;
  bool ok = false;
  if (op == "Reshape") {
    const ConstTensor* target = ctx.requireConst(node, 1, "shape");
    if (!target) return false;
    ok = reshapeShape(x->shape, toIndices(*target), attrs.getInt("allowzero", 0) != 0, &shape,
                      &error);
  } else if (op == "Flatten") {
    ok = flattenShape(x->shape, attrs.getInt("axis", 1), &shape, &error);
  } else {
    std::vector<int64_t> axes = attrs.getInts("axes", {});
    if (node.input_size() > 1 && !node.input(1).empty()) {
      const ConstTensor* a = ctx.requireConst(node, 1, "axes");
      if (!a) return false;
      axes = toIndices(*a);
    }
    ok = op == "Squeeze" ? squeezeShape(x->shape, axes, &shape, &error)
                         : unsqueezeShape(x->shape, axes, &shape, &error);
  }
  if (!attrs.error().empty()) return ctx.error(node, op + ": " + attrs.error());
  if (!ok) return ctx.error(node, error);
  LayerValue out = *x;
  out.shape = std::move(shape);
  out.layoutNodes.push_back(nodeLabel(node));
  ctx.setLayer(node.output(0), std::move(out));
  return true;
}

bool importTranspose(Context& ctx, const onnx::NodeProto& node) {
  const LayerValue* x = ctx.requireLayer(node, 0, "data");
  if (!x) return false;
  const NodeAttributes attrs(node);
  const std::vector<int64_t> perm = attrs.getInts("perm", {});
  if (!attrs.error().empty()) return ctx.error(node, "Transpose: " + attrs.error());
  LayerValue out;
  std::vector<int64_t> source;
  std::string error;
  if (!transposeIndex(x->shape, perm, &out.shape, &source, &error)) return ctx.error(node, error);
  out.layer = x->layer;
  out.perm.resize(source.size());
  for (size_t j = 0; j < source.size(); ++j) out.perm[j] = x->neuron(source[j]);
  out.layoutNodes = x->layoutNodes;
  out.layoutNodes.push_back(nodeLabel(node));
  ctx.setLayer(node.output(0), std::move(out));
  return true;
}

bool importPassThrough(Context& ctx, const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  const LayerValue* x = ctx.requireLayer(node, 0, "input");
  if (!x) return false;
  if (op == "Dropout" && node.output_size() > 1 && ctx.consumers(node.output(1)) > 0)
    return ctx.error(node, "Dropout's mask output is not supported");
  if (op == "Cast") {
    const int64_t to = NodeAttributes(node).getInt("to", 0);
    if (to != onnx::TensorProto_DataType_FLOAT && to != onnx::TensorProto_DataType_DOUBLE &&
        to != onnx::TensorProto_DataType_FLOAT16)
      return ctx.error(node, "Cast of a computed value to a non-float type is not supported");
  }
  ctx.setLayer(node.output(0), *x);
  return true;
}

bool importShape(Context& ctx, const onnx::NodeProto& node) {
  const LayerValue* x = ctx.requireLayer(node, 0, "data");
  if (!x) return false;
  ConstTensor shapeOnly;  // Shape reads the dims only
  shapeOnly.dims = x->shape;
  Result<ConstTensor> r = foldConstantNode(node, {&shapeOnly}, ctx.opset);
  if (!r) return ctx.error(node, r.diagnostics.empty() ? "Shape failed" : r.diagnostics[0].message);
  ctx.setConstant(node.output(0), std::move(*r));
  return true;
}

bool importConcat(Context& ctx, const onnx::NodeProto& node) {
  std::vector<LayerValue> in;
  for (int i = 0; i < node.input_size(); ++i) {
    const LayerValue* x = ctx.layerInput(node, i);
    if (!x)
      return ctx.error(node, "Concat of constants and computed values is not supported");
    in.push_back(*x);  // a pending permutation is read through the layer's order
  }
  if (in.empty()) return ctx.error(node, "Concat without inputs");
  const std::vector<int64_t>& first = in[0].shape;
  const auto rank = static_cast<int64_t>(first.size());
  int64_t axis = 0;
  const NodeAttributes attrs(node);
  if (!normalizeAxis(attrs.getInt("axis", 0), rank, &axis) || !attrs.error().empty())
    return ctx.error(node, "Concat axis out of range for " + formatShape(first));
  std::vector<int64_t> shape = first;
  shape[static_cast<size_t>(axis)] = 0;
  for (const LayerValue& x : in) {
    bool fits = x.shape.size() == first.size();
    for (int64_t d = 0; fits && d < rank; ++d)
      fits = d == axis || x.shape[static_cast<size_t>(d)] == first[static_cast<size_t>(d)];
    if (!fits)
      return ctx.error(node, "Concat inputs " + formatShape(first) + " and " + formatShape(x.shape) +
                                 " do not fit along axis " + std::to_string(axis));
    shape[static_cast<size_t>(axis)] += x.shape[static_cast<size_t>(axis)];
  }
  const int64_t total = elementCount(shape);
  if (!ctx.checkDense(node, 1, total)) return false;
  // The layer holds the inputs one after the other; the value reads them interleaved when
  // the axis has outer dims > 1.
  const int64_t outer = elementCount({first.begin(), first.begin() + axis});
  const int64_t inner = elementCount({first.begin() + axis + 1, first.end()});
  LayerValue out;
  out.shape = shape;
  int64_t base = 0;
  std::vector<int64_t> offsets;
  for (const LayerValue& x : in) offsets.push_back(base), base += x.size();
  if (outer > 1) {
    for (int64_t o = 0; o < outer; ++o)
      for (size_t t = 0; t < in.size(); ++t) {
        const int64_t chunk = in[t].shape[static_cast<size_t>(axis)] * inner;
        for (int64_t e = 0; e < chunk; ++e) out.perm.push_back(offsets[t] + o * chunk + e);
      }
  }
  Layer l;
  l.name = node.output(0);
  l.op = LayerOp::Concat;
  for (const LayerValue& x : in) {
    l.inputs.push_back(x.layer);
    l.onnxNodes.insert(l.onnxNodes.end(), x.layoutNodes.begin(), x.layoutNodes.end());
  }
  // The layer's neurons are the values one after the other; a value with a pending permutation
  // is read through it (its producer's neurons sit at the same offset, in the producer's order).
  bool permuted = false;
  for (const LayerValue& x : in) permuted = permuted || !x.perm.empty();
  if (permuted)
    for (size_t t = 0; t < in.size(); ++t)
      for (int64_t e = 0; e < in[t].size(); ++e) l.order.push_back(offsets[t] + in[t].neuron(e));
  l.onnxNodes.push_back(nodeLabel(node));
  l.shape = outer > 1 ? std::vector<int64_t>{total} : layerShapeOf(shape);
  out.layer = ctx.addLayer(std::move(l));
  ctx.setLayer(node.output(0), std::move(out));
  return true;
}

}  // namespace cert::onnximport
