// ONNX model validation: version ranges, nesting, onnx's operator schemas and model checker,
// shape inference; value checks on constants and imported parameters.
#include "core/network/onnx_validate.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <unordered_map>
#include <vector>

#include "core/network/network_printer.h"
#include "core/network/onnx_constant_folding.h"
#include "core/network/onnx_import_ops.h"

namespace cert {

namespace {

bool isDefaultDomain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

/// An error about `node`: "node 'NAME': OP: message" as certc prints it.
Diagnostic nodeError(const onnx::NodeProto& node, const std::string& message) {
  Diagnostic d = Diagnostic::error(node.op_type() + ": " + message);
  d.node = onnximport::nodeLabel(node);
  return d;
}

/// onnx's message without the "==> Context:" trailer it appends (the caller names the place).
std::string checkerMessage(const std::exception& e) {
  std::string m = e.what();
  const auto context = m.find("\n\n==> Context:");
  if (context != std::string::npos) m.resize(context);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

/// The first node below `graph` (at nesting `depth`) whose attribute graphs nest deeper than
/// kMaxOnnxGraphNesting, or nullptr. The recursion stops at the limit.
const onnx::NodeProto* nestedTooDeep(const onnx::GraphProto& graph, int depth) {
  for (const onnx::NodeProto& node : graph.node())
    for (const onnx::AttributeProto& a : node.attribute()) {
      std::vector<const onnx::GraphProto*> graphs;
      if (a.has_g()) graphs.push_back(&a.g());
      for (const onnx::GraphProto& g : a.graphs()) graphs.push_back(&g);
      for (const onnx::GraphProto* g : graphs) {
        if (depth + 1 > kMaxOnnxGraphNesting) return &node;
        if (const onnx::NodeProto* n = nestedTooDeep(*g, depth + 1)) return n;
      }
    }
  return nullptr;
}

/// Every node of an op the importer knows, against its schema (the importer names the others).
void checkNodes(const onnx::GraphProto& graph, const onnx::checker::CheckerContext& ctx,
                Diagnostics* out) {
  const onnx::checker::LexicalScopeContext lex;
  for (const onnx::NodeProto& node : graph.node()) {
    const bool known = isDefaultDomain(node.domain()) &&
                       (onnximport::findOpHandler(node.op_type()) || isFoldableOp(node.op_type()));
    if (!known) continue;
    onnx::NodeProto checked = node;
    if (node.domain() == "ai.onnx") checked.clear_domain();  // onnx's checker keys the default domain as ""
    try {
      onnx::checker::check_node(checked, ctx, lex);
    } catch (const std::exception& e) {
      out->push_back(nodeError(node, checkerMessage(e)));
    }
  }
}

std::string range(int64_t lo, int64_t hi) { return std::to_string(lo) + "-" + std::to_string(hi); }

}  // namespace

Diagnostics validateOnnxModel(const onnx::ModelProto& model) {
  Diagnostics out;
  const int64_t ir = model.ir_version();
  if (ir < kMinOnnxIrVersion || ir > kMaxOnnxIrVersion)
    out.push_back(Diagnostic::error("the model's ir_version " + std::to_string(ir) +
                                    " is not supported (supported: " +
                                    range(kMinOnnxIrVersion, kMaxOnnxIrVersion) + ")"));
  std::unordered_map<std::string, int> opsets;
  int64_t opset = -1;
  for (const auto& o : model.opset_import()) {
    const std::string domain = isDefaultDomain(o.domain()) ? "" : o.domain();
    if (opsets.count(domain)) {
      out.push_back(Diagnostic::error("the model imports the opset of domain '" + o.domain() +
                                      "' twice"));
      continue;
    }
    if (domain.empty()) opset = o.version();
    opsets[domain] = static_cast<int>(std::clamp<int64_t>(o.version(), -1, 1 << 20));
  }
  if (opset == -1 && !opsets.count(""))
    out.push_back(Diagnostic::error("the model declares no opset for the default ONNX domain"));
  else if (opset < kMinOnnxOpset || opset > kMaxOnnxOpset)
    out.push_back(Diagnostic::error("the model declares ONNX opset " + std::to_string(opset) +
                                    " (supported: " + range(kMinOnnxOpset, kMaxOnnxOpset) + ")"));
  if (hasErrors(out)) return out;  // the schemas below depend on both

  if (const onnx::NodeProto* deep = nestedTooDeep(model.graph(), 0)) {
    out.push_back(nodeError(*deep, "graphs nested more than " +
                                       std::to_string(kMaxOnnxGraphNesting) + " levels deep"));
    return out;
  }

  onnx::checker::CheckerContext ctx;
  ctx.set_ir_version(static_cast<int>(std::min<int64_t>(ir, onnx::Version::IR_VERSION)));
  ctx.set_opset_imports(opsets);
  checkNodes(model.graph(), ctx, &out);
  return out;
}

Diagnostics checkOnnxGraph(const onnx::ModelProto& model) {
  Diagnostics out;
  // Names, initializers, value infos (onnx's checker knows IR versions up to its own).
  if (model.ir_version() <= onnx::Version::IR_VERSION) {
    try {
      onnx::checker::check_model(model);
    } catch (const std::exception& e) {
      out.push_back(Diagnostic::error("the model fails the ONNX checker: " + checkerMessage(e)));
      return out;
    }
  }
  // Shape inference from the input shapes through every node. The declared shapes and element
  // types of outputs and intermediate values are left out: the importer computes its own, in
  // double precision (checkDeclaredOutput reports a declared output shape that differs).
  try {
    onnx::ModelProto inferred = model;
    onnx::GraphProto& g = *inferred.mutable_graph();
    g.clear_value_info();
    for (onnx::ValueInfoProto& o : *g.mutable_output()) o.clear_type();
    onnx::ShapeInferenceOptions options(/*check_type=*/false, /*error_mode=*/1, /*data_prop=*/true);
    onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    out.push_back(Diagnostic::error("the model's shapes are inconsistent (ONNX shape inference): " +
                                    checkerMessage(e)));
  }
  return out;
}

std::optional<Diagnostic> checkDeclaredOutput(const onnx::ValueInfoProto& declared,
                                              const std::vector<int64_t>& computed) {
  if (!declared.type().has_tensor_type() || !declared.type().tensor_type().has_shape()) return std::nullopt;
  std::vector<int64_t> dims;
  bool known = true;
  for (const auto& d : declared.type().tensor_type().shape().dim()) {
    known = known && d.has_dim_value() && d.dim_value() > 0;
    dims.push_back(d.has_dim_value() ? d.dim_value() : 0);
  }
  // A symbolic or 0 batch dim is a batch of 1, as for the input.
  if (!dims.empty() && dims.size() == computed.size() && !known && dims[0] <= 0) {
    dims[0] = computed[0];
    known = true;
    for (size_t i = 1; i < dims.size(); ++i) known = known && dims[i] > 0;
  }
  if (!known || dims == computed) return std::nullopt;
  return Diagnostic::warning("the model declares its output '" + declared.name() + "' as " +
                             formatShape(dims) + " but computes " + formatShape(computed));
}

std::optional<Diagnostic> checkConstantValues(const std::string& tensor, const ConstTensor& t) {
  int64_t nonFinite = 0;
  double largest = 0.0;
  for (double v : t.values) {
    if (!std::isfinite(v)) ++nonFinite;
    else largest = std::max(largest, std::abs(v));
  }
  if (nonFinite == 0 && largest <= kHugeValue) return std::nullopt;
  std::string message = "tensor '" + tensor + "' has ";
  if (nonFinite > 0) message += std::to_string(nonFinite) + " non-finite values (NaN or inf)";
  if (nonFinite > 0 && largest > kHugeValue) message += " and ";
  if (largest > kHugeValue) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "values up to %.3g in magnitude", largest);
    message += buf;
  }
  message += ": results computed with it are not meaningful";
  return Diagnostic::warning(message);
}

Diagnostics checkLayerValues(const Network& net) {
  Diagnostics out;
  constexpr double kFloatMax = static_cast<double>(std::numeric_limits<float>::max());
  constexpr double kInf = std::numeric_limits<double>::infinity();
  auto check = [&](const std::string& what, const double* v, Eigen::Index n) {
    int64_t nonFinite = 0, overflow = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!std::isfinite(v[i])) ++nonFinite;
      else if (std::abs(v[i]) > kFloatMax) ++overflow;
    }
    if (nonFinite + overflow == 0) return;
    std::string m = what + " has ";
    if (nonFinite > 0) m += std::to_string(nonFinite) + " non-finite values (NaN or inf)";
    if (nonFinite > 0 && overflow > 0) m += " and ";
    if (overflow > 0) m += std::to_string(overflow) + " values beyond the float32 range";
    out.push_back(Diagnostic::warning(m + ": bounds through it are not meaningful"));
  };
  for (const Layer& l : net.layers) {
    std::string name = "layer '" + l.name + "' (" + layerOpName(l.op);
    if (!l.onnxNodes.empty()) {
      name += " from";
      for (const std::string& n : l.onnxNodes) name += " '" + n + "'";
    }
    name += ")";
    check(name + " weight", l.weight.data(), l.weight.size());
    check(name + " bias", l.bias.data(), l.bias.size());
    check(name + " kernel", l.kernel.data(), l.kernel.size());
    if (l.op == LayerOp::LeakyRelu) check(name + " alpha", &l.alpha, 1);
    // -inf..+inf are meaningful Clip bounds (no clipping); NaN, an infinite output or min > max are not.
    if (l.op == LayerOp::Clip && !(l.clipMin <= l.clipMax && l.clipMin < kInf && l.clipMax > -kInf))
      out.push_back(Diagnostic::warning(name + " has the bounds [" + std::to_string(l.clipMin) + ", " +
                                        std::to_string(l.clipMax) +
                                        "] (NaN, infinite outputs or min > max): bounds through it are not meaningful"));
  }
  check("the input normalization scale", net.normalization.scale.data(), net.normalization.scale.size());
  check("the input normalization shift", net.normalization.shift.data(), net.normalization.shift.size());
  return out;
}

}  // namespace cert
