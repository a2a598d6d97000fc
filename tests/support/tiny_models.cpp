// Test helpers: weights, model import, and straightforward reference implementations.
#include "tests/support/tiny_models.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/network/onnx_import.h"
#include "tests/support/test_paths.h"

namespace cert::test {

std::vector<float> testWeights(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(static_cast<int>(gen() % 129) - 64) / 64.0f;
  return v;
}

std::vector<double> toDouble(const std::vector<float>& v) { return {v.begin(), v.end()}; }

Eigen::VectorXd toVector(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

std::string compareVectors(const Eigen::VectorXd& got, const std::vector<double>& want,
                           double tol) {
  if (got.size() != static_cast<Eigen::Index>(want.size()))
    return "size " + std::to_string(got.size()) + " != " + std::to_string(want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const double g = got[static_cast<Eigen::Index>(i)];
    if (!(std::abs(g - want[i]) <= tol))
      return "element " + std::to_string(i) + ": " + std::to_string(g) + " != " + std::to_string(want[i]);
  }
  return {};
}

Result<Network> importModel(const OnnxBuilder& b) { return importOnnxBytes(b.serialize(), "test"); }

std::string errorsOf(const Result<Network>& r) {
  std::string s;
  for (const auto& d : r.diagnostics) s += formatDiagnostic("model", d) + "\n";
  return s;
}

std::string gennetsBinary() {
  const QDir certcDir = QFileInfo(QString::fromStdString(certcBinary())).dir();
  for (const char* rel : {"../../resources/certstudio-gennets", "certstudio-gennets"}) {
    const QFileInfo f(certcDir.filePath(rel));
    if (f.isExecutable()) return f.absoluteFilePath().toStdString();
  }
  return {};
}

namespace ref {

std::vector<double> conv2d(const std::vector<double>& x, int c, int h, int w,
                           const std::vector<double>& weight, int m, const std::vector<double>& bias,
                           const Window& g, int* outH, int* outW) {
  *outH = (h + g.pads[0] + g.pads[2] - g.dH * (g.kH - 1) - 1) / g.sH + 1;
  *outW = (w + g.pads[1] + g.pads[3] - g.dW * (g.kW - 1) - 1) / g.sW + 1;
  std::vector<double> y;
  for (int o = 0; o < m; ++o)
    for (int oh = 0; oh < *outH; ++oh)
      for (int ow = 0; ow < *outW; ++ow) {
        double s = bias.empty() ? 0.0 : bias[static_cast<size_t>(o)];
        for (int ch = 0; ch < c; ++ch)
          for (int i = 0; i < g.kH; ++i)
            for (int j = 0; j < g.kW; ++j) {
              const int r = oh * g.sH + i * g.dH - g.pads[0];
              const int q = ow * g.sW + j * g.dW - g.pads[1];
              if (r < 0 || r >= h || q < 0 || q >= w) continue;  // zero padding
              s += weight[static_cast<size_t>(((o * c + ch) * g.kH + i) * g.kW + j)] *
                   x[static_cast<size_t>((ch * h + r) * w + q)];
            }
        y.push_back(s);
      }
  return y;
}

std::vector<double> pool2d(const std::vector<double>& x, int c, int h, int w, const Window& g,
                           bool isMax, bool countIncludePad, int* outH, int* outW) {
  *outH = (h + g.pads[0] + g.pads[2] - g.kH) / g.sH + 1;
  *outW = (w + g.pads[1] + g.pads[3] - g.kW) / g.sW + 1;
  std::vector<double> y;
  for (int ch = 0; ch < c; ++ch)
    for (int oh = 0; oh < *outH; ++oh)
      for (int ow = 0; ow < *outW; ++ow) {
        double best = -std::numeric_limits<double>::infinity(), sum = 0.0;
        int inside = 0;
        for (int i = 0; i < g.kH; ++i)
          for (int j = 0; j < g.kW; ++j) {
            const int r = oh * g.sH + i - g.pads[0], q = ow * g.sW + j - g.pads[1];
            if (r < 0 || r >= h || q < 0 || q >= w) continue;
            const double v = x[static_cast<size_t>((ch * h + r) * w + q)];
            best = std::max(best, v);
            sum += v;
            ++inside;
          }
        y.push_back(isMax ? best : sum / (countIncludePad ? g.kH * g.kW : inside));
      }
  return y;
}

std::vector<double> gemm(const std::vector<double>& a, const std::vector<double>& b,
                         const std::vector<double>& c, int m, int k, int n, bool transA,
                         bool transB, double alpha, double beta) {
  std::vector<double> y(static_cast<size_t>(m * n), 0.0);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0.0;
      for (int p = 0; p < k; ++p) {
        const double av = transA ? a[static_cast<size_t>(p * m + i)] : a[static_cast<size_t>(i * k + p)];
        const double bv = transB ? b[static_cast<size_t>(j * k + p)] : b[static_cast<size_t>(p * n + j)];
        s += av * bv;
      }
      double cv = 0.0;
      if (c.size() == static_cast<size_t>(n)) cv = c[static_cast<size_t>(j)];
      else if (c.size() == static_cast<size_t>(m * n)) cv = c[static_cast<size_t>(i * n + j)];
      y[static_cast<size_t>(i * n + j)] = alpha * s + beta * cv;
    }
  return y;
}

}  // namespace ref
}  // namespace cert::test
