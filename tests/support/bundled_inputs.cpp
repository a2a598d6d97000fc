// The bundled networks and MNIST rows of the runtime tests (see the header).
#include "tests/support/bundled_inputs.h"

#include <QtGlobal>

#include "core/network/onnx_import.h"
#include "core/property/dataset_csv.h"
#include "tests/support/test_paths.h"

namespace cert::test {

Network bundledNetwork(const std::string& name) {
  Result<Network> net = importOnnxFile(sourcePath("resources/networks/" + name + ".onnx"));
  if (!net.ok()) qFatal("cannot import %s", name.c_str());
  return std::move(*net.value);
}

Property mnistRows(const Network& net, int first, int count, double eps) {
  Result<Property> p = datasetProperty(net, sourcePath("resources/inputs/mnist_10.csv"), first, count, eps);
  if (!p.ok()) qFatal("no MNIST rows %d..%d for the network", first, first + count - 1);
  return std::move(*p.value);
}

}  // namespace cert::test
