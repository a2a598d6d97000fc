// Prints a network as an aligned table plus its normalization and warnings.
#include "core/network/network_printer.h"

#include <algorithm>
#include <cstdio>

namespace cert {

std::string formatShape(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? sep : "") + parts[i];
  return s;
}

/// "3.2457" when all values are equal, else "in [min, max]".
std::string summary(const Eigen::VectorXd& v) {
  const double lo = v.minCoeff(), hi = v.maxCoeff();
  return lo == hi ? number(lo) : "in [" + number(lo) + ", " + number(hi) + "]";
}

std::vector<std::string> row(const Layer& l) {
  std::vector<std::string> inputs;
  for (int i : l.inputs) inputs.push_back(std::to_string(i));
  return {std::to_string(l.index),
          l.name,
          std::string(layerOpName(l.op)) + (l.order.empty() ? "" : " (reordered)"),
          inputs.empty() ? "-" : join(inputs, ","),
          formatShape(l.shape),
          "[" + std::to_string(l.start) + ", " + std::to_string(l.end) + ")",
          std::to_string(l.parameterCount()),
          join(l.onnxNodes, ", ")};
}

}  // namespace

std::string printNetwork(const Network& net) {
  int64_t params = 0;
  for (const Layer& l : net.layers) params += l.parameterCount();
  std::string out = "network " + net.name + ": input '" + net.inputName + "' " +
                    formatShape(net.inputShape) + ", " + std::to_string(net.layers.size()) +
                    " layers, " + std::to_string(net.neuronCount()) + " neurons, " +
                    std::to_string(params) + " parameters, output size " +
                    std::to_string(net.outputSize()) + "\n\n";

  std::vector<std::vector<std::string>> rows = {
      {"#", "name", "op", "inputs", "shape", "neurons", "params", "onnx nodes"}};
  for (const Layer& l : net.layers) rows.push_back(row(l));
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  for (const auto& r : rows) {
    std::string line = " ";
    for (size_t c = 0; c < r.size(); ++c) {
      const bool rightAligned = c == 0 || c == 6;
      const std::string pad(width[c] - r[c].size(), ' ');
      line += "  ";
      line += rightAligned ? pad + r[c] : (c + 1 == r.size() ? r[c] : r[c] + pad);
    }
    out += line + "\n";
  }

  const Normalization& norm = net.normalization;
  out += "\nnormalization: ";
  if (norm.scale.size() == 0) out += "none";
  else if (norm.isIdentity()) out += "identity";
  else out += "x -> scale * x + shift, scale " + summary(norm.scale) + ", shift " +
              summary(norm.shift) + " (" + std::to_string(norm.scale.size()) + " values)";
  out += "\n";
  if (!norm.origin.empty()) out += "  from: " + join(norm.origin, ", ") + "\n";
  if (!norm.order.empty())
    out += "input order: permuted (input neuron i reads raw element order[i]; a layout op folded, no layer)\n";


  if (!net.warnings.empty()) {
    out += "\nwarnings:\n";
    for (const Diagnostic& d : net.warnings)
      out += std::string("  ") + severityName(d.severity) + ": " +
             (d.node.empty() ? "" : "node '" + d.node + "': ") + d.message + "\n";
  }
  return out;
}

}  // namespace cert
