// The Toeplitz matrix of a convolution written from its definition, for tests of the Kernel
// block's products and rows (independent of KernelBlock::forEachTap and the runtime's kernels).
#pragma once

#include <Eigen/Dense>

#include "core/network/network.h"

namespace cert::test {

/// [outC*outH*outW x inC*inH*inW]: row (oc, oh, ow), column (ic, h, x) holds weight
/// [oc][ic][kh][kw] when h = oh*sH - padTop + kh*dH and x = ow*sW - padLeft + kw*dW is inside.
Eigen::MatrixXd convToeplitz(const ConvGeometry& g, const Eigen::VectorXd& weight);

}  // namespace cert::test
