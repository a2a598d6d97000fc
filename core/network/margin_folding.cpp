// Folding a property's margin rows into the network's last affine layer.
#include "core/network/margin_folding.h"

namespace cert {

namespace {

/// The last layer when the margins can be folded into it (Affine or Conv with one input).
const Layer* foldableLast(const Network& net) {
  if (net.layers.size() < 2) return nullptr;
  const Layer& last = net.layers.back();
  if ((last.op != LayerOp::Affine && last.op != LayerOp::Conv) || last.inputs.size() != 1) return nullptr;
  if (last.inputs[0] < 0 || last.inputs[0] >= static_cast<int>(net.layers.size()) - 1) return nullptr;
  return &last;
}

}  // namespace

const Layer* marginFoldingLayer(const Network& net) { return foldableLast(net); }

Layer marginsLayer(const Network& net, const Eigen::MatrixXd& rows, const Eigen::VectorXd& constants) {
  Layer m;
  m.name = "margins";
  m.op = LayerOp::Affine;
  m.shape = {rows.rows()};
  if (const Layer* last = foldableLast(net)) {
    const Eigen::MatrixXd w = denseWeight(*last);
    m.inputs = {last->inputs[0]};
    m.weight = rows * w;
    m.bias = rows * denseBias(*last) + constants;
    m.onnxNodes = last->onnxNodes;
    return m;
  }
  m.inputs = {static_cast<int>(net.layers.size()) - 1};
  m.weight = rows;
  m.bias = constants;
  return m;
}

std::string marginFoldingNote(const Network& net) {
  if (net.layers.empty()) return "";
  const Layer& last = net.layers.back();
  auto named = [](const Layer& l) { return "layer " + std::to_string(l.index) + " '" + l.name + "'"; };
  if (const Layer* f = foldableLast(net)) {
    const Layer& in = net.layers[static_cast<size_t>(f->inputs[0])];
    return "margins: y_label - y_j (and VNN-LIB atoms) folded into " + named(last) + " (" +
           (last.op == LayerOp::Conv ? "Conv" : "Affine") + "): one affine layer reading " + named(in) + " [" +
           std::to_string(in.size()) + "]\n";
  }
  return "margins: y_label - y_j (and VNN-LIB atoms) as a layer reading the output, " + named(last) +
         " (not affine: nothing to fold into)\n";
}

}  // namespace cert
