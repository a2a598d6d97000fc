// Importing Slice, Gather (constant indices) and Split of computed values: each output element
// reads one input element, so the op is an index map. Slice and Gather take it from the constant
// folding of the same node over the input's element indices (one definition of their semantics);
// Split cuts ranges along its axis. An output that reads every input element once stays a view (a
// pending permutation, which later ops may fold away); any other is a one-input Concat layer with
// that order: no weights, its bounds its input's.
#include <onnx/onnx_pb.h>

#include <numeric>

#include "core/network/network_printer.h"
#include "core/network/onnx_attributes.h"
#include "core/network/onnx_constant_folding.h"
#include "core/network/onnx_import_ops.h"
#include "core/network/onnx_shape_ops.h"

namespace cert::onnximport {

namespace {

/// Output `output` of `node` as the elements `source` (logical flat indices of x) of x, shaped `dims`.
bool setIndexMap(Context& ctx, const onnx::NodeProto& node, const std::string& output, const LayerValue& x,
                 const std::vector<int64_t>& source, std::vector<int64_t> dims) {
  if (source.empty()) return ctx.error(node, node.op_type() + " selects no element");
  std::vector<int64_t> order(source.size());
  std::vector<bool> seen(static_cast<size_t>(x.size()), false);
  bool permutation = static_cast<int64_t>(source.size()) == x.size();
  for (size_t j = 0; j < source.size(); ++j) {
    if (source[j] < 0 || source[j] >= x.size()) return ctx.error(node, node.op_type() + " reads outside its input");
    order[j] = x.neuron(source[j]);
    permutation = permutation && !seen[static_cast<size_t>(source[j])];
    seen[static_cast<size_t>(source[j])] = true;
  }
  LayerValue out;
  out.shape = std::move(dims);
  if (permutation) {  // every element once: a view
    out.layer = x.layer;
    out.perm = std::move(order);
    out.layoutNodes = x.layoutNodes;
    out.layoutNodes.push_back(nodeLabel(node));
  } else {
    Layer l;
    l.name = output;
    l.op = LayerOp::Concat;
    l.inputs = {x.layer};
    l.shape = layerShapeOf(out.shape);
    l.order = std::move(order);
    l.onnxNodes = x.layoutNodes;
    l.onnxNodes.push_back(nodeLabel(node));
    out.layer = ctx.addLayer(std::move(l));
  }
  ctx.setLayer(output, std::move(out));
  return true;
}

}  // namespace

bool importSliceGather(Context& ctx, const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  const LayerValue* x = ctx.requireLayer(node, 0, "data");
  if (!x) return false;
  ConstTensor index;  // element i holds i: the folded node says which element each output reads
  index.dims = x->shape;
  index.values.resize(static_cast<size_t>(x->size()));
  std::iota(index.values.begin(), index.values.end(), 0.0);
  std::vector<const ConstTensor*> in = {&index};
  for (int i = 1; i < node.input_size(); ++i) {
    if (node.input(i).empty()) {
      in.push_back(nullptr);
      continue;
    }
    const ConstTensor* c = ctx.requireConst(node, i, op == "Gather" ? "indices" : "starts/ends/axes/steps");
    if (!c) return false;
    in.push_back(c);
  }
  Result<ConstTensor> r = foldConstantNode(node, in, ctx.opset, ctx.budgetLeft());
  if (!r) return ctx.error(node, op + ": " + (r.diagnostics.empty() ? "failed" : r.diagnostics.front().message));
  std::vector<int64_t> source(r->values.size());
  for (size_t j = 0; j < source.size(); ++j) source[j] = static_cast<int64_t>(r->values[j]);
  return setIndexMap(ctx, node, node.output(0), *x, source, r->dims);
}

bool importSplit(Context& ctx, const onnx::NodeProto& node) {
  const LayerValue* x = ctx.requireLayer(node, 0, "input");
  if (!x) return false;
  const NodeAttributes attrs(node);
  const auto rank = static_cast<int64_t>(x->shape.size());
  int64_t axis = 0;
  if (!normalizeAxis(attrs.getInt("axis", 0), rank, &axis)) return ctx.error(node, "Split axis out of range");
  const int64_t extent = x->shape[static_cast<size_t>(axis)];
  std::vector<int64_t> sizes = attrs.getInts("split", {});
  if (node.input_size() > 1 && !node.input(1).empty()) {
    const ConstTensor* s = ctx.requireConst(node, 1, "split");
    if (!s) return false;
    sizes = toIndices(*s);
  }
  if (!attrs.error().empty()) return ctx.error(node, "Split: " + attrs.error());
  const int outputs = node.output_size();
  if (sizes.empty()) {  // equal parts (the last one smaller when num_outputs does not divide)
    const int64_t part = (extent + outputs - 1) / outputs;
    for (int k = 0; k < outputs; ++k) sizes.push_back(std::min(part, extent - k * part));
  }
  if (static_cast<int>(sizes.size()) != outputs)
    return ctx.error(node, "Split into " + std::to_string(sizes.size()) + " parts for " + std::to_string(outputs) + " outputs");
  if (std::accumulate(sizes.begin(), sizes.end(), int64_t{0}) != extent)
    return ctx.error(node, "Split sizes do not add up to the axis extent " + std::to_string(extent));
  const int64_t outer = elementCount({x->shape.begin(), x->shape.begin() + axis});
  const int64_t inner = elementCount({x->shape.begin() + axis + 1, x->shape.end()});
  int64_t offset = 0;
  for (int k = 0; k < outputs; ++k) {
    const int64_t len = sizes[static_cast<size_t>(k)];
    if (len < 0) return ctx.error(node, "Split with a negative size");
    std::vector<int64_t> source;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t a = offset; a < offset + len; ++a)
        for (int64_t i = 0; i < inner; ++i) source.push_back((o * extent + a) * inner + i);
    std::vector<int64_t> dims = x->shape;
    dims[static_cast<size_t>(axis)] = len;
    offset += len;
    if (node.output(k).empty() || ctx.consumers(node.output(k)) == 0) continue;  // an unused part
    if (!setIndexMap(ctx, node, node.output(k), *x, source, dims)) return false;
  }
  return true;
}

}  // namespace cert::onnximport
