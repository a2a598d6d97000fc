// Importing the linear ops: Gemm and MatMul become Affine layers (a pending layout permutation
// folded into the weight columns); Add/Sub/Mul/Div by constants and BatchNormalization become
// element-wise affine maps (normalization, folded into the producer, or a diagonal layer).
#include <onnx/onnx_pb.h>

#include <cmath>

#include "core/network/network_printer.h"
#include "core/network/onnx_attributes.h"
#include "core/network/onnx_import_ops.h"

namespace cert::onnximport {

namespace {

/// Adds an Affine layer y = w * x_logical + bias over the logical elements of `x`.
bool addLinearLayer(Context& ctx, const onnx::NodeProto& node, const LayerValue& x,
                    const Eigen::MatrixXd& w, Eigen::VectorXd bias,
                    const std::vector<int64_t>& outShape) {
  Layer l;
  l.name = node.output(0);
  l.op = LayerOp::Affine;
  l.inputs = {x.layer};
  l.shape = layerShapeOf(outShape);
  l.weight = Eigen::MatrixXd::Zero(w.rows(), w.cols());
  for (int64_t j = 0; j < w.cols(); ++j) l.weight.col(x.neuron(j)) = w.col(j);
  l.bias = std::move(bias);
  l.onnxNodes = x.layoutNodes;
  // A scaling y = a .* v + b that only this layer reads (a BatchNormalization after a Relu) is
  // folded in: W (a .* v + b) = (W diag(a)) v + W b.
  Eigen::VectorXd a, s;
  if (ctx.exclusiveScaling(x.layer, &a, &s) && a.size() == l.weight.cols()) {
    const Layer& scaling = ctx.net.layers[static_cast<size_t>(x.layer)];
    l.bias += l.weight * s;
    l.weight = l.weight * a.asDiagonal();
    l.inputs = scaling.inputs;
    l.onnxNodes.insert(l.onnxNodes.begin(), scaling.onnxNodes.begin(), scaling.onnxNodes.end());
  }
  l.onnxNodes.push_back(nodeLabel(node));
  ctx.setLayer(node.output(0), LayerValue{ctx.addLayer(std::move(l)), outShape, {}, {}});
  return true;
}

/// Element (r, c) of a 2-D tensor of dims [R, C], read transposed when `trans`.
double at2(const std::vector<double>& v, const std::vector<int64_t>& dims, bool trans, int64_t r,
           int64_t c) {
  return trans ? v[static_cast<size_t>(c * dims[1] + r)] : v[static_cast<size_t>(r * dims[1] + c)];
}

std::string gemmShapes(const std::vector<int64_t>& a, bool ta, const std::vector<int64_t>& b,
                       bool tb) {
  return "A " + formatShape(a) + (ta ? " (transposed)" : "") + " and B " + formatShape(b) +
         (tb ? " (transposed)" : "");
}

}  // namespace

bool importGemm(Context& ctx, const onnx::NodeProto& node) {
  const NodeAttributes attrs(node);
  const double alpha = attrs.getFloat("alpha", 1.0), beta = attrs.getFloat("beta", 1.0);
  const bool ta = attrs.getInt("transA", 0) != 0, tb = attrs.getInt("transB", 0) != 0;
  if (!attrs.error().empty()) return ctx.error(node, "Gemm: " + attrs.error());
  const LayerValue* la = ctx.layerInput(node, 0);
  const LayerValue* lb = ctx.layerInput(node, 1);
  if (la && lb) return ctx.error(node, "Gemm of two computed values is not supported");
  const LayerValue* x = la ? la : lb;
  if (!x) return ctx.error(node, "Gemm: neither A nor B is computed from the network input");
  const ConstTensor* c = la ? ctx.requireConst(node, 1, "B") : ctx.requireConst(node, 0, "A");
  if (!c) return false;
  const std::vector<int64_t>& ad = la ? x->shape : c->dims;
  const std::vector<int64_t>& bd = la ? c->dims : x->shape;
  if (ad.size() != 2 || bd.size() != 2)
    return ctx.error(node, "Gemm needs 2-D inputs, got " + gemmShapes(ad, ta, bd, tb));
  const int64_t m = ta ? ad[1] : ad[0], k = ta ? ad[0] : ad[1];
  const int64_t kb = tb ? bd[1] : bd[0], n = tb ? bd[0] : bd[1];
  if (k != kb)
    return ctx.error(node, "Gemm shape mismatch: " + gemmShapes(ad, ta, bd, tb) +
                               " (inner dimensions " + std::to_string(k) + " and " +
                               std::to_string(kb) + " differ)");
  if (!ctx.checkDense(node, m * n, x->size())) return false;
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(m * n, x->size());
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t p = 0; p < k; ++p) {
        // The column is the flat index of the computed operand's element.
        if (la) w(i * n + j, ta ? p * m + i : i * k + p) += alpha * at2(c->values, bd, tb, p, j);
        else w(i * n + j, tb ? j * k + p : p * n + j) += alpha * at2(c->values, ad, ta, i, p);
      }
  Eigen::VectorXd bias = Eigen::VectorXd::Zero(m * n);
  if (node.input_size() > 2 && !node.input(2).empty()) {
    const ConstTensor* cc = ctx.requireConst(node, 2, "bias C");
    if (!cc) return false;
    std::vector<int64_t> bshape;
    if (!broadcastShapes(cc->dims, {m, n}, &bshape) || bshape != std::vector<int64_t>{m, n})
      return ctx.error(node, "Gemm bias C " + formatShape(cc->dims) + " does not broadcast to " +
                                 formatShape({m, n}));
    const std::vector<double> cv = broadcastTo(*cc, {m, n});
    for (int64_t i = 0; i < m * n; ++i) bias[i] = beta * cv[static_cast<size_t>(i)];
  }
  return addLinearLayer(ctx, node, *x, w, std::move(bias), {m, n});
}

bool importMatMul(Context& ctx, const onnx::NodeProto& node) {
  const LayerValue* la = ctx.layerInput(node, 0);
  const LayerValue* lb = ctx.layerInput(node, 1);
  if (la && lb) return ctx.error(node, "MatMul of two computed values is not supported");
  const LayerValue* x = la ? la : lb;
  if (!x) return ctx.error(node, "MatMul: no input is computed from the network input");
  const ConstTensor* c = la ? ctx.requireConst(node, 1, "B") : ctx.requireConst(node, 0, "A");
  if (!c) return false;
  // The constant: 2-D, possibly with leading 1s (they only add leading 1s to the output).
  std::vector<int64_t> wd = c->dims;
  size_t extraRank = 0;
  while (wd.size() > 2 && wd.front() == 1) wd.erase(wd.begin()), ++extraRank;
  if (wd.size() != 2 || x->shape.empty())
    return ctx.error(node, "MatMul of " + formatShape(la ? x->shape : c->dims) + " and " +
                               formatShape(la ? c->dims : x->shape) +
                               " is not supported (the constant must be 2-D)");
  const std::vector<int64_t>& xd = x->shape;
  const size_t r = xd.size();
  // x viewed as P stacked [rows x cols] matrices (a 1-D x is one row or column).
  const int64_t xRows = r == 1 ? (la ? 1 : xd[0]) : xd[r - 2];
  const int64_t xCols = r == 1 ? (la ? xd[0] : 1) : xd[r - 1];
  const int64_t batches = r <= 2 ? 1 : elementCount({xd.begin(), xd.end() - 2});
  const int64_t inner = la ? xCols : xRows;
  if (inner != (la ? wd[0] : wd[1]))
    return ctx.error(node, "MatMul shape mismatch: " + formatShape(la ? xd : c->dims) + " times " +
                               formatShape(la ? c->dims : xd));
  const int64_t m = la ? xRows : wd[0], n = la ? wd[1] : xCols, k = inner;
  std::vector<int64_t> outShape(extraRank, 1);
  if (r > 2) outShape.insert(outShape.end(), xd.begin(), xd.end() - 2);
  if (r == 1) outShape.push_back(la ? n : m);
  else outShape.insert(outShape.end(), {m, n});
  if (!ctx.checkDense(node, batches * m * n, x->size())) return false;
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(batches * m * n, x->size());
  for (int64_t p = 0; p < batches; ++p)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        for (int64_t q = 0; q < k; ++q) {
          const int64_t row = (p * m + i) * n + j;
          if (la) w(row, (p * m + i) * k + q) = c->values[static_cast<size_t>(q * n + j)];
          else w(row, (p * k + q) * n + j) = c->values[static_cast<size_t>(i * k + q)];
        }
  return addLinearLayer(ctx, node, *x, w, Eigen::VectorXd::Zero(batches * m * n), outShape);
}

bool importArithmetic(Context& ctx, const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  const LayerValue* la = ctx.layerInput(node, 0);
  const LayerValue* lb = ctx.layerInput(node, 1);
  if (la && lb) {
    if (op == "Mul") return importProduct(ctx, node);
    if (op != "Add") return ctx.error(node, op + " of two computed values is not supported");
    std::vector<int64_t> shape;
    if (!broadcastShapes(la->shape, lb->shape, &shape) || elementCount(shape) != la->size() ||
        la->size() != lb->size())
      return ctx.error(node, "Add of computed values with different shapes " +
                                 formatShape(la->shape) + " and " + formatShape(lb->shape));
    LayerValue a = *la, b = *lb;
    std::vector<int64_t> stored, order;
    if (!ctx.commonOrder(node, &a, &b, shape, &stored, &order)) return false;
    ctx.setLayer(node.output(0), LayerValue{addTwoInputLayer(ctx, node, LayerOp::Add, a, b, stored), shape, std::move(order), {}});
    return true;
  }
  const LayerValue* x = la ? la : lb;
  const ConstTensor* c = la ? ctx.requireConst(node, 1, "second operand")
                            : ctx.requireConst(node, 0, "first operand");
  if (!x || !c) return false;
  std::vector<int64_t> shape;
  if (!broadcastShapes(x->shape, c->dims, &shape) || elementCount(shape) != x->size())
    return ctx.error(node, op + ": the constant " + formatShape(c->dims) +
                               " does not broadcast over the computed value " +
                               formatShape(x->shape) + " without enlarging it");
  const std::vector<double> cv = broadcastTo(*c, shape);
  std::vector<double> a(cv.size(), 1.0), b(cv.size(), 0.0);
  for (size_t i = 0; i < cv.size(); ++i) {
    if (op == "Add") {
      b[i] = cv[i];
    } else if (op == "Sub") {
      a[i] = la ? 1.0 : -1.0;
      b[i] = la ? -cv[i] : cv[i];
    } else if (op == "Mul") {
      a[i] = cv[i];
    } else {  // Div
      if (!la) return ctx.error(node, "Div by a computed value is not supported (not affine)");
      if (cv[i] == 0.0) return ctx.error(node, "Div by a constant that contains zero");
      a[i] = 1.0 / cv[i];
    }
  }
  LayerValue out;
  if (!ctx.applyElementwiseAffine(node, *x, a, b, op + " '" + nodeLabel(node) + "' (constant)",
                                  &out))
    return false;
  out.shape = shape;
  ctx.setLayer(node.output(0), std::move(out));
  return true;
}

bool importBatchNorm(Context& ctx, const onnx::NodeProto& node) {
  const NodeAttributes attrs(node);
  const double eps = attrs.getFloat("epsilon", 1e-5);
  if (!attrs.error().empty()) return ctx.error(node, "BatchNormalization: " + attrs.error());
  for (int i = 1; i < node.output_size(); ++i)
    if (ctx.consumers(node.output(i)) > 0)
      return ctx.error(node, "BatchNormalization in training mode is not supported");
  const LayerValue* x = ctx.requireLayer(node, 0, "input X");
  if (!x) return false;
  const char* roles[] = {"scale", "bias B", "mean", "variance"};
  const ConstTensor* p[4] = {};
  for (int i = 0; i < 4; ++i)
    if (!(p[i] = ctx.requireConst(node, i + 1, roles[i]))) return false;
  if (x->shape.size() < 2)
    return ctx.error(node, "BatchNormalization needs a channel axis, input is " +
                               formatShape(x->shape));
  const int64_t channels = x->shape[1];
  for (int i = 0; i < 4; ++i)
    if (p[i]->size() != channels)
      return ctx.error(node, std::string("BatchNormalization ") + roles[i] + " has " +
                                 std::to_string(p[i]->size()) + " values, expected " +
                                 std::to_string(channels));
  const int64_t n = x->size(), plane = n / channels;
  std::vector<double> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const auto ch = static_cast<size_t>(i / plane);
    const double var = p[3]->values[ch] + eps;
    if (!(var > 0.0)) return ctx.error(node, "BatchNormalization variance + epsilon is not positive");
    a[static_cast<size_t>(i)] = p[0]->values[ch] / std::sqrt(var);
    b[static_cast<size_t>(i)] = p[1]->values[ch] - p[2]->values[ch] * a[static_cast<size_t>(i)];
  }
  LayerValue out;
  if (!ctx.applyElementwiseAffine(node, *x, a, b, "BatchNormalization '" + nodeLabel(node) + "'",
                                  &out))
    return false;
  ctx.setLayer(node.output(0), std::move(out));
  return true;
}

}  // namespace cert::onnximport
