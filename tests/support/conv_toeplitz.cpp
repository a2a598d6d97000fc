// convToeplitz: six nested loops over the definition of a 2-D convolution.
#include "tests/support/conv_toeplitz.h"

namespace cert::test {

Eigen::MatrixXd convToeplitz(const ConvGeometry& g, const Eigen::VectorXd& weight) {
  Eigen::MatrixXd t = Eigen::MatrixXd::Zero(int64_t(g.outChannels) * g.outHeight * g.outWidth,
                                            int64_t(g.inChannels) * g.inHeight * g.inWidth);
  for (int oc = 0; oc < g.outChannels; ++oc)
    for (int oh = 0; oh < g.outHeight; ++oh)
      for (int ow = 0; ow < g.outWidth; ++ow)
        for (int ic = 0; ic < g.inChannels; ++ic)
          for (int kh = 0; kh < g.kernelH; ++kh)
            for (int kw = 0; kw < g.kernelW; ++kw) {
              const int h = oh * g.strideH - g.padTop + kh * g.dilationH;
              const int x = ow * g.strideW - g.padLeft + kw * g.dilationW;
              if (h < 0 || h >= g.inHeight || x < 0 || x >= g.inWidth) continue;
              t((int64_t(oc) * g.outHeight + oh) * g.outWidth + ow, (int64_t(ic) * g.inHeight + h) * g.inWidth + x) +=
                  weight[((int64_t(oc) * g.inChannels + ic) * g.kernelH + kh) * g.kernelW + kw];
            }
  return t;
}

}  // namespace cert::test
