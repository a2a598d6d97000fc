// Shared helpers for the network tests: deterministic small weights, importing a built model,
// and independent reference computations on ONNX-layout tensors (row-major NCHW, no batch).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/network/onnx_builder.h"

namespace cert::test {

/// n deterministic values in [-1, 1], multiples of 1/64 (exact in float and double).
std::vector<float> testWeights(size_t n, uint32_t seed);
std::vector<double> toDouble(const std::vector<float>& v);
Eigen::VectorXd toVector(const std::vector<double>& v);

/// Empty when `got` equals `want` to `tol` element-wise, else the first difference in words.
std::string compareVectors(const Eigen::VectorXd& got, const std::vector<double>& want,
                           double tol = 1e-9);

/// QVERIFY that two vectors agree to 1e-9, printing the first difference.
#define CERT_COMPARE_VEC(got, want)                                  \
  do {                                                               \
    const std::string certDiff = ::cert::test::compareVectors(got, want); \
    QVERIFY2(certDiff.empty(), certDiff.c_str());                    \
  } while (0)

/// Imports the builder's serialized model (name "test").
Result<Network> importModel(const OnnxBuilder& b);

/// An import's diagnostics as text, one formatted line each (file name "model").
std::string errorsOf(const Result<Network>& r);

/// The certstudio-gennets executable built beside certc ("" when not found).
std::string gennetsBinary();

namespace ref {

/// 2-D window geometry for the references: pads are {top, left, bottom, right}.
struct Window {
  int kH = 1, kW = 1, sH = 1, sW = 1, dH = 1, dW = 1;
  int pads[4] = {0, 0, 0, 0};
};

/// y[m][oh][ow] = b[m] + sum_{c,i,j} w[m][c][i][j] x[c][oh*sH + i*dH - top][ow*sW + j*dW - left].
std::vector<double> conv2d(const std::vector<double>& x, int c, int h, int w,
                           const std::vector<double>& weight, int m, const std::vector<double>& bias,
                           const Window& g, int* outH, int* outW);

/// Max or average pooling (average divides by the window positions inside the input, or by
/// kH*kW with countIncludePad).
std::vector<double> pool2d(const std::vector<double>& x, int c, int h, int w, const Window& g,
                           bool isMax, bool countIncludePad, int* outH, int* outW);

/// y = alpha * op(A) op(B) + beta * C for row-major A, B, with C broadcast from [n] or [m, n].
std::vector<double> gemm(const std::vector<double>& a, const std::vector<double>& b,
                         const std::vector<double>& c, int m, int k, int n, bool transA,
                         bool transB, double alpha, double beta);

}  // namespace ref
}  // namespace cert::test
