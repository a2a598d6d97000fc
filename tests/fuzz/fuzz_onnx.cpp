// libFuzzer target: the ONNX importer on arbitrary bytes, then a forward pass of whatever it
// accepts. Crashes, sanitizer reports, hangs (-timeout), out-of-memory (-rss_limit_mb) and an
// accepted network whose forward pass has the wrong size are findings.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/network/forward.h"
#include "core/network/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const cert::Result<cert::Network> net = cert::importOnnxBytes(bytes, "fuzz");
  if (!net.ok()) {
    if (!cert::hasErrors(net.diagnostics)) std::abort();  // a rejection always says why
    return 0;
  }
  const Eigen::VectorXd y = cert::forward(*net, Eigen::VectorXd::Constant(net->inputSize(), 0.5));
  if (y.size() != net->outputSize()) std::abort();
  return 0;
}
