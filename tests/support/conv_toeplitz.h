// The Toeplitz matrix of a convolution written from its definition, for tests of the Kernel
// block's products and rows (independent of KernelBlock::forEachTap and the runtime's kernels).
#pragma once

#include <Eigen/Dense>

#include <vector>

#include "core/network/network.h"

namespace cert::test {

/// [outC*outH*outW x inC*inH*inW]: row (oc, oh, ow), column (ic, h, x) holds weight
/// [oc][ic][kh][kw] when h = oh*sH - padTop + kh*dH and x = ow*sW - padLeft + kw*dW is inside.
Eigen::MatrixXd convToeplitz(const ConvGeometry& g, const Eigen::VectorXd& weight);
/// An Eigen vector's values in a std::vector (a Kernel block's weights made in a test).
inline std::vector<double> valuesOf(const Eigen::Ref<const Eigen::VectorXd>& v) { return {v.data(), v.data() + v.size()}; }
/// The same for weights held in a vector (a Kernel block's).
inline Eigen::MatrixXd convToeplitz(const ConvGeometry& g, const std::vector<double>& weight) {
  return convToeplitz(g, Eigen::Map<const Eigen::VectorXd>(weight.data(), static_cast<Eigen::Index>(weight.size())));
}

}  // namespace cert::test
