// Importing Conv (2-D, group 1; a leading 1x1 one-channel Conv becomes input normalization)
// and the pools (MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool).
#include <onnx/onnx_pb.h>

#include "core/network/network_printer.h"
#include "core/network/onnx_attributes.h"
#include "core/network/onnx_import_ops.h"

namespace cert::onnximport {

namespace {

/// Window geometry along both spatial axes, from kernel_shape/strides/pads/dilations/auto_pad.
struct Window2d {
  int kernel[2] = {1, 1}, stride[2] = {1, 1}, dilation[2] = {1, 1};
  int padBegin[2] = {0, 0}, padEnd[2] = {0, 0};
  int out[2] = {0, 0};
};

constexpr int64_t kMaxExtent = 1 << 20;

bool inRange(const std::vector<int64_t>& v, int64_t lo) {
  for (int64_t x : v)
    if (x < lo || x > kMaxExtent) return false;
  return true;
}

/// Fills `w` for input extent `in` (H, W); false with `error` set on invalid attributes.
bool windowGeometry(const NodeAttributes& attrs, const std::vector<int64_t>& kernel,
                    const int64_t in[2], Window2d* w, std::string* error) {
  const auto strides = attrs.getInts("strides", {1, 1});
  const auto dilations = attrs.getInts("dilations", {1, 1});
  const auto pads = attrs.getInts("pads", {0, 0, 0, 0});
  const std::string autoPad = attrs.getString("auto_pad", "NOTSET");
  if (!attrs.error().empty()) return *error = attrs.error(), false;
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 || pads.size() != 4) {
    *error = "only 2-D windows are supported (kernel_shape, strides, dilations: 2 values; pads: 4)";
    return false;
  }
  if (!inRange(kernel, 1) || !inRange(strides, 1) || !inRange(dilations, 1) || !inRange(pads, 0)) {
    *error = "kernel_shape, strides, dilations or pads out of range";
    return false;
  }
  for (int a = 0; a < 2; ++a) {
    w->kernel[a] = static_cast<int>(kernel[a]);
    w->stride[a] = static_cast<int>(strides[a]);
    w->dilation[a] = static_cast<int>(dilations[a]);
    const int64_t span = (kernel[a] - 1) * dilations[a] + 1;
    int64_t begin = pads[a], end = pads[a + 2];
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      const int64_t out = (in[a] + strides[a] - 1) / strides[a];
      const int64_t total = std::max<int64_t>(0, (out - 1) * strides[a] + span - in[a]);
      begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      end = total - begin;
    } else if (autoPad == "VALID") {
      begin = end = 0;
    } else if (autoPad != "NOTSET") {
      *error = "unknown auto_pad '" + autoPad + "'";
      return false;
    }
    const int64_t padded = in[a] + begin + end;
    if (padded < span) {
      *error = "the window (" + std::to_string(span) + ") is larger than the padded input (" +
               std::to_string(padded) + ")";
      return false;
    }
    w->padBegin[a] = static_cast<int>(begin);
    w->padEnd[a] = static_cast<int>(end);
    w->out[a] = static_cast<int>((padded - span) / strides[a] + 1);
  }
  return true;
}

/// Copies the window into a ConvGeometry or PoolGeometry (same field names).
template <class Geometry>
void setWindow(const Window2d& w, const int64_t in[2], Geometry* g) {
  g->inHeight = static_cast<int>(in[0]);
  g->inWidth = static_cast<int>(in[1]);
  g->outHeight = w.out[0];
  g->outWidth = w.out[1];
  g->kernelH = w.kernel[0];
  g->kernelW = w.kernel[1];
  g->strideH = w.stride[0];
  g->strideW = w.stride[1];
  g->padTop = w.padBegin[0];
  g->padLeft = w.padBegin[1];
  g->padBottom = w.padEnd[0];
  g->padRight = w.padEnd[1];
}

/// The order that reads a [c, h, w] tensor from one stored as [c, w, h] (rows and columns swapped):
/// element (k, i, j) is stored at (k * w + j) * h + i.
std::vector<int64_t> swappedPlanes(int64_t c, int64_t h, int64_t w) {
  std::vector<int64_t> order(static_cast<size_t>(c * h * w));
  size_t at = 0;
  for (int64_t k = 0; k < c; ++k)
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) order[at++] = (k * w + j) * h + i;
  return order;
}

/// The computed input of a Conv or pool as [1, C, H, W], in its producer's order; `swapped` when
/// its pending permutation swaps the planes' rows and columns (a Transpose(0, 1, 3, 2)), which the
/// window then reads with its axes swapped instead (no layer, no index map).
bool spatialInput(Context& ctx, const onnx::NodeProto& node, LayerValue* x, bool* swapped) {
  const LayerValue* in = ctx.requireLayer(node, 0, "input X");
  if (!in) return false;
  if (in->shape.size() != 4 || in->shape[0] != 1)
    return ctx.error(node, node.op_type() + " needs a [1, C, H, W] input, got " +
                               formatShape(in->shape));
  *x = *in;
  *swapped = !x->perm.empty() && x->perm == swappedPlanes(x->shape[1], x->shape[2], x->shape[3]);
  return *swapped || ctx.materialize(node, node.input(0), x);
}

/// The window along the other axis: rows and columns swapped.
void swapAxes(Window2d* w) {
  std::swap(w->kernel[0], w->kernel[1]);
  std::swap(w->stride[0], w->stride[1]);
  std::swap(w->dilation[0], w->dilation[1]);
  std::swap(w->padBegin[0], w->padBegin[1]);
  std::swap(w->padEnd[0], w->padEnd[1]);
  std::swap(w->out[0], w->out[1]);
}

/// Adds the layer (shape {C, H, W} over its input's stored order); with `swapped` its output is read
/// as [1, C, W, H] through a pending permutation, as the node's output is that transposed.
void addSpatialLayer(Context& ctx, const onnx::NodeProto& node, Layer l, const LayerValue& x, bool swapped) {
  l.name = node.output(0);
  l.inputs = {x.layer};
  l.onnxNodes = x.layoutNodes;
  l.onnxNodes.push_back(nodeLabel(node));
  const int64_t c = l.shape[0], h = l.shape[1], w = l.shape[2];
  LayerValue out{ctx.addLayer(std::move(l)), {1, c, h, w}, {}, {}};
  if (swapped) {
    out.shape = {1, c, w, h};
    out.perm = swappedPlanes(c, w, h);
  }
  ctx.setLayer(node.output(0), std::move(out));
}

/// Folds a scaling y = a .* v + b (one factor per channel) that only the Conv `l` reads (a
/// BatchNormalization after a Relu) into it: Conv_K(a .* v + b) = Conv_{K a}(v) + Conv_K(b), the
/// kernel's input channels scaled and the shift convolved into the bias (per output neuron: padding
/// reads no shift). `x` then reads the scaling's input.
void foldChannelScaling(Context& ctx, LayerValue* x, Layer* l) {
  Eigen::VectorXd a, b;
  const int64_t plane = static_cast<int64_t>(l->conv.inHeight) * l->conv.inWidth, c = l->conv.inChannels;
  if (!x->perm.empty() || !ctx.exclusiveScaling(x->layer, &a, &b) || a.size() != c * plane) return;
  for (int64_t i = 0; i < a.size(); ++i)
    if (a[i] != a[(i / plane) * plane]) return;  // a factor per neuron: not a kernel's
  forEachConvTap(l->conv, l->kernel.data(), [&](int64_t row, int64_t col, double w) { l->bias[row] += w * b[col]; });
  const int64_t taps = static_cast<int64_t>(l->conv.kernelH) * l->conv.kernelW;
  for (int64_t oc = 0; oc < l->conv.outChannels; ++oc)
    for (int64_t ic = 0; ic < c; ++ic) l->kernel.segment((oc * c + ic) * taps, taps) *= a[ic * plane];
  const Layer& s = ctx.net.layers[static_cast<size_t>(x->layer)];
  x->layoutNodes.insert(x->layoutNodes.begin(), s.onnxNodes.begin(), s.onnxNodes.end());
  x->layer = s.inputs.front();
}

}  // namespace

bool importConv(Context& ctx, const onnx::NodeProto& node) {
  const NodeAttributes attrs(node);
  const int64_t group = attrs.getInt("group", 1);
  if (group != 1)
    return ctx.error(node, "Conv with group=" + std::to_string(group) +
                               " is not supported (only group=1)");
  const LayerValue* in = ctx.requireLayer(node, 0, "input X");
  const ConstTensor* wt = ctx.requireConst(node, 1, "weight W");
  if (!in || !wt) return false;
  const ConstTensor* bt = nullptr;
  if (node.input_size() > 2 && !node.input(2).empty())
    if (!(bt = ctx.requireConst(node, 2, "bias B"))) return false;
  if (in->shape.size() != 4 || in->shape[0] != 1)
    return ctx.error(node, "Conv needs a [1, C, H, W] input, got " + formatShape(in->shape));
  if (wt->dims.size() != 4 || wt->dims[1] != in->shape[1])
    return ctx.error(node, "Conv weight " + formatShape(wt->dims) + " does not fit the input " +
                               formatShape(in->shape) + " ([outC, inC, kH, kW] expected)");
  const int64_t outC = wt->dims[0];
  if (bt && bt->size() != outC)
    return ctx.error(node, "Conv bias has " + std::to_string(bt->size()) + " values, expected " +
                               std::to_string(outC));
  const std::vector<int64_t> kernel = attrs.getInts("kernel_shape", {wt->dims[2], wt->dims[3]});
  if (kernel != std::vector<int64_t>{wt->dims[2], wt->dims[3]})
    return ctx.error(node, "Conv kernel_shape " + formatShape(kernel) +
                               " differs from the weight " + formatShape(wt->dims));
  const int64_t hw[2] = {in->shape[2], in->shape[3]};
  Window2d w;
  std::string error;
  if (!windowGeometry(attrs, kernel, hw, &w, &error)) return ctx.error(node, "Conv: " + error);

  // A 1x1 Conv from one channel to one channel is an element-wise affine map: at the network
  // input it is the normalization (x - mean) / std that some exporters write this way.
  const bool pointwise = in->shape[1] == 1 && outC == 1 && kernel[0] == 1 && kernel[1] == 1 &&
                         w.out[0] == hw[0] && w.out[1] == hw[1];
  if (pointwise && ctx.net.layers[static_cast<size_t>(in->layer)].op == LayerOp::Input &&
      ctx.exclusive(in->layer)) {
    const std::vector<double> a(static_cast<size_t>(in->size()), wt->values[0]);
    const std::vector<double> b(static_cast<size_t>(in->size()), bt ? bt->values[0] : 0.0);
    LayerValue out;
    ctx.applyElementwiseAffine(node, *in, a, b, "Conv '" + nodeLabel(node) + "' (1x1, 1 channel)",
                               &out);
    ctx.setLayer(node.output(0), std::move(out));
    return true;
  }

  LayerValue x;
  bool swapped = false;
  if (!spatialInput(ctx, node, &x, &swapped)) return false;
  if (!ctx.checkDense(node, outC, static_cast<int64_t>(w.out[0]) * w.out[1])) return false;
  Layer l;
  l.op = LayerOp::Conv;
  l.kernel = Eigen::Map<const Eigen::VectorXd>(wt->values.data(), wt->size());
  if (swapped) {  // the transposed convolution over the stored planes: kernel rows and columns swapped
    const int64_t kh = kernel[0], kw = kernel[1];
    const Eigen::VectorXd k = l.kernel;
    for (int64_t p = 0; p < k.size() / (kh * kw); ++p)
      for (int64_t a = 0; a < kh; ++a)
        for (int64_t b = 0; b < kw; ++b) l.kernel[(p * kw + b) * kh + a] = k[(p * kh + a) * kw + b];
    swapAxes(&w);
  }
  const int64_t stored[2] = {swapped ? hw[1] : hw[0], swapped ? hw[0] : hw[1]};
  ConvGeometry& g = l.conv;
  g.inChannels = static_cast<int>(x.shape[1]);
  g.outChannels = static_cast<int>(outC);
  g.dilationH = w.dilation[0];
  g.dilationW = w.dilation[1];
  setWindow(w, stored, &g);
  l.shape = {outC, w.out[0], w.out[1]};
  const int64_t plane = static_cast<int64_t>(w.out[0]) * w.out[1];
  l.bias = Eigen::VectorXd::Zero(outC * plane);
  if (bt)
    for (int64_t i = 0; i < l.bias.size(); ++i) l.bias[i] = bt->values[static_cast<size_t>(i / plane)];
  if (!swapped) foldChannelScaling(ctx, &x, &l);
  addSpatialLayer(ctx, node, std::move(l), x, swapped);
  return true;
}

bool importPool(Context& ctx, const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  const bool global = op == "GlobalAveragePool" || op == "GlobalMaxPool";
  const bool isMax = op == "MaxPool" || op == "GlobalMaxPool";
  if (node.output_size() > 1 && ctx.consumers(node.output(1)) > 0)
    return ctx.error(node, "MaxPool's Indices output is not supported");
  LayerValue x;
  bool swapped = false;
  if (!spatialInput(ctx, node, &x, &swapped)) return false;
  const NodeAttributes attrs(node);
  const int64_t hw[2] = {x.shape[2], x.shape[3]};
  Window2d w;
  std::string error;
  const std::vector<int64_t> kernel =
      global ? std::vector<int64_t>{hw[0], hw[1]} : attrs.getInts("kernel_shape", {});
  if (!windowGeometry(attrs, kernel, hw, &w, &error)) return ctx.error(node, op + ": " + error);
  if (w.dilation[0] != 1 || w.dilation[1] != 1)
    return ctx.error(node, op + " with dilations is not supported");
  if (attrs.getInt("ceil_mode", 0) != 0)
    for (int a = 0; a < 2; ++a) {
      const int64_t padded = hw[a] + w.padBegin[a] + w.padEnd[a];
      if ((padded - w.kernel[a]) % w.stride[a] != 0)
        return ctx.error(node, op + " with ceil_mode=1 that adds a partial window is not supported");
    }
  if (w.padBegin[0] >= w.kernel[0] || w.padBegin[1] >= w.kernel[1] ||
      w.padEnd[0] >= w.kernel[0] || w.padEnd[1] >= w.kernel[1])
    return ctx.error(node, op + ": pads must be smaller than the kernel");
  if (!ctx.checkDense(node, x.shape[1], static_cast<int64_t>(w.out[0]) * w.out[1])) return false;
  Layer l;
  l.op = isMax ? LayerOp::MaxPool : LayerOp::AvgPool;
  PoolGeometry& g = l.pool;
  g.channels = static_cast<int>(x.shape[1]);
  if (swapped) swapAxes(&w);  // the window over the stored planes
  const int64_t stored[2] = {swapped ? hw[1] : hw[0], swapped ? hw[0] : hw[1]};
  setWindow(w, stored, &g);
  g.countIncludePad = !isMax && attrs.getInt("count_include_pad", 0) != 0;
  if (!attrs.error().empty()) return ctx.error(node, op + ": " + attrs.error());
  l.shape = {x.shape[1], w.out[0], w.out[1]};
  const bool padded = g.padTop > 0 || g.padLeft > 0 || g.padBottom > 0 || g.padRight > 0;
  if (g.countIncludePad && padded) {
    // Every window divides by its full size, padding included: a convolution with weights
    // 1 / (kH kW) from each channel to itself and zero padding (a spec's avg(prev) divides by the
    // positions a window has inside the input, which differ at the borders).
    const int64_t c = x.shape[1], taps = static_cast<int64_t>(g.kernelH) * g.kernelW;
    Layer conv;
    conv.op = LayerOp::Conv;
    ConvGeometry& cg = conv.conv;
    cg.inChannels = cg.outChannels = static_cast<int>(c);
    cg.inHeight = g.inHeight, cg.inWidth = g.inWidth, cg.outHeight = g.outHeight, cg.outWidth = g.outWidth;
    cg.kernelH = g.kernelH, cg.kernelW = g.kernelW, cg.strideH = g.strideH, cg.strideW = g.strideW;
    cg.padTop = g.padTop, cg.padLeft = g.padLeft, cg.padBottom = g.padBottom, cg.padRight = g.padRight;
    conv.kernel = Eigen::VectorXd::Zero(c * c * taps);
    for (int64_t k = 0; k < c; ++k) conv.kernel.segment((k * c + k) * taps, taps).setConstant(1.0 / static_cast<double>(taps));
    conv.bias = Eigen::VectorXd::Zero(c * w.out[0] * w.out[1]);
    conv.shape = l.shape;
    addSpatialLayer(ctx, node, std::move(conv), x, swapped);
    return true;
  }
  addSpatialLayer(ctx, node, std::move(l), x, swapped);
  return true;
}

}  // namespace cert::onnximport
