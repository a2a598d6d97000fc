// Shared steps of the property readers: network checks and the raw -> normalized box mapping.
#include "core/property/property_builder.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cert {

std::optional<std::string> readTextFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return buf.str();
}

std::optional<Diagnostic> checkPropertyNetwork(const Network& net) {
  if (net.layers.empty() || net.layers.front().op != LayerOp::Input)
    return Diagnostic::error("the network has no input layer");
  const Normalization& norm = net.normalization;
  const int64_t n = net.inputSize();
  if (norm.scale.size() != 0 && (norm.scale.size() != n || norm.shift.size() != n))
    return Diagnostic::error("the network's input normalization has " +
                             std::to_string(norm.scale.size()) + " scale and " +
                             std::to_string(norm.shift.size()) + " shift entries; the input has " +
                             std::to_string(n) + " neurons");
  if (!norm.order.empty() && static_cast<int64_t>(norm.order.size()) != n)
    return Diagnostic::error("the network's input order has " + std::to_string(norm.order.size()) +
                             " entries; the input has " + std::to_string(n) + " neurons");
  return std::nullopt;
}

InputBox normalizeBox(const Network& net, const InputBox& raw) {
  const Eigen::VectorXd a = normalizeInput(net, raw.lower);
  const Eigen::VectorXd b = normalizeInput(net, raw.upper);
  return {a.cwiseMin(b), a.cwiseMax(b)};
}

void normalizeItems(const Network& net, std::vector<PropertyItem>& items) {
  for (PropertyItem& item : items) {
    const Eigen::VectorXd rawCenter =
        item.center.size() == item.box.lower.size() ? item.center
                                                     : 0.5 * (item.box.lower + item.box.upper);
    item.box = normalizeBox(net, item.box);
    item.center = normalizeInput(net, rawCenter);
  }
}

}  // namespace cert
