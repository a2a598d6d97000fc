// ONNX import, top to bottom: parse the model, bind initializers and the input, import each node
// in graph order (constant subgraphs are evaluated, supported ops become layers, every other node
// is an error naming it), take the first graph output, drop layers it does not need, number the
// neurons.
#include "core/network/onnx_import.h"

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/network/onnx_constant_folding.h"
#include "core/network/network_printer.h"
#include "core/network/onnx_import_ops.h"
#include "core/network/onnx_validate.h"

namespace cert {

namespace onnximport {

OpHandler findOpHandler(const std::string& opType) {
  static const std::map<std::string, OpHandler> kHandlers = {
      {"Gemm", importGemm},
      {"MatMul", importMatMul},
      {"Add", importArithmetic},
      {"Sub", importArithmetic},
      {"Mul", importArithmetic},
      {"Div", importArithmetic},
      {"BatchNormalization", importBatchNorm},
      {"Conv", importConv},
      {"MaxPool", importPool},
      {"AveragePool", importPool},
      {"GlobalAveragePool", importPool},
      {"GlobalMaxPool", importPool},
      {"Reshape", importReshapeLike},
      {"Flatten", importReshapeLike},
      {"Squeeze", importReshapeLike},
      {"Unsqueeze", importReshapeLike},
      {"Transpose", importTranspose},
      {"Identity", importPassThrough},
      {"Dropout", importPassThrough},
      {"Cast", importPassThrough},
      {"Shape", importShape},
      {"Concat", importConcat},
      {"Slice", importSliceGather},
      {"Gather", importSliceGather},
      {"Split", importSplit},
      {"Relu", importActivation},
      {"LeakyRelu", importActivation},
      {"Sigmoid", importActivation},
      {"Tanh", importActivation},
      {"Abs", importActivation},
      {"Clip", importActivation},
      {"HardSigmoid", importHardSigmoid},
      {"HardSwish", importHardSwish},
      {"Max", importMaxMin},
      {"Min", importMaxMin},
      {"Softmax", importSoftmax},
      {"LogSoftmax", importSoftmax},
  };
  auto it = kHandlers.find(opType);
  return it == kHandlers.end() ? nullptr : it->second;
}

namespace {

Result<Network> fail(Diagnostics diags) { return Result<Network>::failure(std::move(diags)); }
Result<Network> fail(const std::string& message) {
  return Result<Network>::failure(Diagnostic::error(message));
}

/// The default-domain opset the model imports (0 when it declares none).
int64_t defaultOpset(const onnx::ModelProto& model) {
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
  return 0;
}

/// The input's logical shape with a batch of 1; false with `error` set when unsupported.
bool inputShape(const onnx::ValueInfoProto& input, std::vector<int64_t>* shape,
                std::string* error) {
  const std::string what = "input '" + input.name() + "'";
  if (!input.type().has_tensor_type() || !input.type().tensor_type().has_shape()) {
    *error = what + " has no tensor shape";
    return false;
  }
  const auto& tt = input.type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto_DataType_FLOAT &&
      tt.elem_type() != onnx::TensorProto_DataType_DOUBLE &&
      tt.elem_type() != onnx::TensorProto_DataType_FLOAT16) {
    *error = what + " is not a floating-point tensor";
    return false;
  }
  const auto& dims = tt.shape().dim();
  if (dims.empty()) {
    *error = what + " is a scalar";
    return false;
  }
  for (int i = 0; i < dims.size(); ++i) {
    const bool known = dims[i].has_dim_value() && dims[i].dim_value() > 0;
    if (i == 0 && dims.size() > 1 && !known) {
      shape->push_back(1);  // symbolic batch dim: a batch of 1
    } else if (!known) {
      *error = what + " has an unknown or symbolic dim at axis " + std::to_string(i);
      return false;
    } else if (i == 0 && dims.size() > 1 && dims[i].dim_value() != 1) {
      *error = what + " has batch size " + std::to_string(dims[i].dim_value()) +
               " (only 1 or a symbolic batch dim is supported)";
      return false;
    } else {
      shape->push_back(dims[i].dim_value());
    }
  }
  const int64_t count = elementCount(*shape);
  if (count <= 0 || count > onnximport::kMaxDenseEntries) {
    *error = what + " shape " + formatShape(*shape) + " is too large";
    return false;
  }
  return true;
}

/// Imports the nodes in graph order.
void importNodes(Context& ctx, const onnx::GraphProto& graph) {
  for (const onnx::NodeProto& node : graph.node()) {
    const std::string& op = node.op_type();
    auto failOutputs = [&] {
      for (const auto& o : node.output()) ctx.setFailed(o);
    };
    const bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    const OpHandler handler = defaultDomain ? findOpHandler(op) : nullptr;
    const bool foldable = defaultDomain && isFoldableOp(op);
    if (!handler && !foldable) {
      ctx.error(node, "unsupported ONNX operator '" +
                          (defaultDomain ? op : node.domain() + "." + op) + "'");
      failOutputs();
      continue;
    }
    if (node.output_size() == 0 || node.output(0).empty()) {
      ctx.error(node, op + " node without an output");
      continue;
    }
    bool allConstant = true, usable = true;
    std::vector<const ConstTensor*> constants;
    std::vector<int> layers;
    for (const auto& name : node.input()) {
      if (name.empty()) {
        constants.push_back(nullptr);
        continue;
      }
      const Value* v = ctx.find(name);
      if (!v) {
        ctx.error(node, "input '" + name + "' is not produced by any earlier node");
        usable = false;
      } else if (v->kind == Value::Kind::Failed) {
        usable = false;  // already reported where it failed
      } else if (v->kind == Value::Kind::Layer) {
        allConstant = false;
        layers.push_back(v->layer.layer);
      } else {
        constants.push_back(&v->constant);
      }
    }
    if (usable && foldable && allConstant) {
      Result<ConstTensor> r = foldConstantNode(node, constants, ctx.opset, ctx.budgetLeft());
      if (r && !ctx.charge(r->size())) {
        usable = ctx.error(node, op + ": " + ctx.budgetMessage(r->size()));
      } else if (r) {
        if (auto w = checkConstantValues(node.output(0), *r)) ctx.warning(node, w->message);
        ctx.setConstant(node.output(0), std::move(*r));
      } else {
        usable = ctx.error(node, op + ": " + r.diagnostics.front().message);
      }
      for (int i = 1; i < node.output_size(); ++i) ctx.setFailed(node.output(i));
    } else if (usable && handler) {
      usable = handler(ctx, node);
    } else if (usable) {
      usable = ctx.error(node, op + " is only supported on constant inputs");
    }
    if (!usable) failOutputs();
    for (int layer : layers) ctx.release(layer);
  }
}

/// Keeps the layers the output depends on, renumbered, in order.
void pruneLayers(Network& net, int output) {
  std::vector<bool> keep(net.layers.size(), false);
  keep[0] = true;
  keep[static_cast<size_t>(output)] = true;
  for (int i = output; i > 0; --i)
    if (keep[static_cast<size_t>(i)])
      for (int in : net.layers[static_cast<size_t>(i)].inputs) keep[static_cast<size_t>(in)] = true;
  std::vector<int> newIndex(net.layers.size(), -1);
  std::vector<Layer> kept;
  for (size_t i = 0; i <= static_cast<size_t>(output); ++i) {
    if (!keep[i]) continue;
    newIndex[i] = static_cast<int>(kept.size());
    kept.push_back(std::move(net.layers[i]));
    for (int& in : kept.back().inputs) in = newIndex[static_cast<size_t>(in)];
  }
  net.layers = std::move(kept);
  assignNeuronRanges(net);
}

}  // namespace

}  // namespace onnximport

Result<Network> importOnnxBytes(const std::string& bytes, const std::string& name, const ImportLimits& limits) {
  using namespace onnximport;
  if (bytes.empty()) return fail("the file is empty (not an ONNX model)");
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes))
    return fail("not a valid ONNX model (the protobuf data is truncated or not ONNX)");
  if (!model.has_graph() || model.graph().node_size() == 0)
    return fail(model.has_graph() && model.ir_version() > 0
                    ? "the ONNX model has an empty graph"
                    : "not an ONNX model (no graph found)");
  const onnx::GraphProto& graph = model.graph();
  Diagnostics validation = validateOnnxModel(model);
  if (hasErrors(validation)) return fail(std::move(validation));

  Network net;
  net.name = name;
  Context ctx(net, defaultOpset(model), limits.values);
  ctx.diagnostics = std::move(validation);

  for (const auto& init : graph.initializer()) {
    Result<ConstTensor> t = readTensor(init);
    if (!t) return fail(t.diagnostics);
    if (!ctx.charge(t->size())) return fail("initializer '" + init.name() + "': " + ctx.budgetMessage(t->size()));
    if (auto w = checkConstantValues(init.name(), *t)) ctx.diagnostics.push_back(*w);
    ctx.setConstant(init.name(), std::move(*t));
  }
  const onnx::ValueInfoProto* input = nullptr;
  for (const auto& in : graph.input()) {
    if (ctx.find(in.name())) continue;  // an initializer listed as an input (IR < 4)
    if (input) return fail("networks with more than one input are not supported ('" +
                           input->name() + "', '" + in.name() + "')");
    input = &in;
  }
  if (!input) return fail("the graph has no input");
  if (graph.output_size() == 0) return fail("the graph has no output");
  std::vector<int64_t> shape;
  std::string error;
  if (!inputShape(*input, &shape, &error)) return fail(error);

  ctx.outputName = graph.output(0).name();
  for (const auto& node : graph.node())
    for (const auto& in : node.input())
      if (!in.empty()) ctx.countUse(in);
  for (const auto& out : graph.output()) ctx.countUse(out.name());

  net.inputName = input->name();
  net.inputShape = layerShapeOf(shape);
  Layer in;
  in.name = input->name();
  in.op = LayerOp::Input;
  in.shape = net.inputShape;
  ctx.addLayer(std::move(in));
  ctx.setLayer(input->name(), LayerValue{0, shape, {}, {}});

  importNodes(ctx, graph);

  const Value* out = ctx.find(ctx.outputName);
  Diagnostic outError = Diagnostic::error("");
  if (!out)
    outError.message = "graph output '" + ctx.outputName + "' is not produced by any node";
  else if (out->kind == Value::Kind::Constant)
    outError.message = "graph output '" + ctx.outputName + "' is a constant";
  else if (out->kind == Value::Kind::Failed && !hasErrors(ctx.diagnostics))
    outError.message = "graph output '" + ctx.outputName + "' could not be computed";
  if (!outError.message.empty()) ctx.diagnostics.push_back(outError);
  if (hasErrors(ctx.diagnostics)) return fail(ctx.diagnostics);

  LayerValue result = out->layer;
  Diagnostics graphErrors = checkOnnxGraph(model);
  if (hasErrors(graphErrors)) return fail(std::move(graphErrors));
  if (auto w = checkDeclaredOutput(graph.output(0), result.shape)) ctx.diagnostics.push_back(*w);
  onnx::NodeProto outputNode;  // names the output in a materialization error
  outputNode.set_name(ctx.outputName);
  if (!ctx.materialize(outputNode, ctx.outputName, &result)) return fail(ctx.diagnostics);
  pruneLayers(net, result.layer);
  for (Diagnostic& d : checkLayerValues(net)) ctx.diagnostics.push_back(std::move(d));

  for (const Diagnostic& d : ctx.diagnostics)
    if (d.severity != Severity::Error) net.warnings.push_back(d);
  Result<Network> r;
  r.value = std::move(net);
  r.diagnostics = std::move(ctx.diagnostics);
  return r;
}

ImportLimits importLimitsFor(int64_t bytes) {
  return {std::max(ImportLimits::kDefaultValues, bytes / 8)};
}

Result<Network> importOnnxFile(const std::string& path, const ImportLimits& limits) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return Result<Network>::failure(Diagnostic::error("no such file"));
  if (std::filesystem::is_directory(path, ec))
    return Result<Network>::failure(Diagnostic::error("is a directory, not an ONNX file"));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Result<Network>::failure(Diagnostic::error("cannot open the file for reading"));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Result<Network>::failure(Diagnostic::error("cannot read the file"));
  return importOnnxBytes(bytes.str(), std::filesystem::path(path).stem().string(), limits);
}

}  // namespace cert
