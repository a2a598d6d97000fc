// g-BCSR vs dense Eigen on the back-substitution hot spots: max(C,0) @ L + min(C,0) @ U (784-256
// MLP shape), Diagonal x Dense (ReLU relaxation), Kernel x Dense and Dense x Kernel (conv 16->32
// k4 s2 over 13x13). Prints gbcsr/dense time ratios from the same run.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

#include "tests/support/conv_toeplitz.h"
#include "tests/support/gbcsr_reference/elementwise.h"
#include "tests/support/gbcsr_reference/matmul.h"

using namespace cert::gbcsr;
using Eigen::MatrixXd;

namespace {

Tensor denseTensor(const MatrixXd& m) {
  Tensor t = Tensor::filled(1, m.rows(), m.cols(), 0.0);
  t.add(Block{t.whole(), DenseBlock{{m}}});
  return t;
}

KernelBlock convKernel() {
  KernelBlock k;
  cert::ConvGeometry& g = k.geometry;
  g.inChannels = 16, g.inHeight = g.inWidth = 13, g.outChannels = 32, g.outHeight = g.outWidth = 5;
  g.kernelH = g.kernelW = 4, g.strideH = g.strideW = 2;
  const Eigen::VectorXd w = Eigen::VectorXd::Random(32 * 16 * 16);
  k.weight.assign(w.data(), w.data() + w.size());
  return k;
}

struct Data {
  MatrixXd c = MatrixXd::Random(256, 256), l = MatrixXd::Random(256, 784), u = MatrixXd::Random(256, 784);
  Eigen::VectorXd d = Eigen::VectorXd::Random(256);
  KernelBlock k = convKernel();
  MatrixXd kd = cert::test::convToeplitz(k.geometry, k.weight);  // 800 x 2704 Toeplitz
  MatrixXd x = MatrixXd::Random(2704, 256);      // Kernel x Dense operand
  MatrixXd y = MatrixXd::Random(256, 800);       // Dense x Kernel operand (back-substitution)
};
const Data& data() {
  static const Data d;
  return d;
}

void BM_BackSub_Gbcsr(benchmark::State& s) {
  const Tensor c = denseTensor(data().c), l = denseTensor(data().l), u = denseTensor(data().u);
  for (auto _ : s) {
    Tensor r = binary(matmul(binary(c, BinOp::Max, 0.0), l), matmul(binary(c, BinOp::Min, 0.0), u), BinOp::Add);
    benchmark::DoNotOptimize(r.blocks.data());
  }
}
void BM_BackSub_Dense(benchmark::State& s) {
  for (auto _ : s) {
    MatrixXd r = data().c.cwiseMax(0.0) * data().l + data().c.cwiseMin(0.0) * data().u;
    benchmark::DoNotOptimize(r.data());
  }
}
void BM_DiagDense_Gbcsr(benchmark::State& s) {
  Tensor d = Tensor::filled(1, 256, 256, 0.0);
  d.add(Block{d.whole(), DiagonalBlock{{data().d}}});
  const Tensor l = denseTensor(data().l);
  for (auto _ : s) benchmark::DoNotOptimize(matmul(d, l).blocks.data());
}
void BM_DiagDense_Dense(benchmark::State& s) {
  const MatrixXd d = data().d.asDiagonal();
  for (auto _ : s) {
    MatrixXd r = d * data().l;
    benchmark::DoNotOptimize(r.data());
  }
}
void BM_KernelDense_Gbcsr(benchmark::State& s) {
  Tensor k = Tensor::filled(1, 800, 2704, 0.0);
  k.add(Block{k.whole(), data().k});
  const Tensor x = denseTensor(data().x);
  for (auto _ : s) benchmark::DoNotOptimize(matmul(k, x).blocks.data());
}
void BM_KernelDense_Dense(benchmark::State& s) {
  for (auto _ : s) {
    MatrixXd r = data().kd * data().x;
    benchmark::DoNotOptimize(r.data());
  }
}
void BM_DenseKernel_Gbcsr(benchmark::State& s) {
  Tensor k = Tensor::filled(1, 800, 2704, 0.0);
  k.add(Block{k.whole(), data().k});
  const Tensor y = denseTensor(data().y);
  for (auto _ : s) benchmark::DoNotOptimize(matmul(y, k).blocks.data());
}
void BM_DenseKernel_Dense(benchmark::State& s) {
  for (auto _ : s) {
    MatrixXd r = data().y * data().kd;
    benchmark::DoNotOptimize(r.data());
  }
}

BENCHMARK(BM_BackSub_Gbcsr)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BackSub_Dense)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DiagDense_Gbcsr)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DiagDense_Dense)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_KernelDense_Gbcsr)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_KernelDense_Dense)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DenseKernel_Gbcsr)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DenseKernel_Dense)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Console output plus the real time per iteration of every run, for the ratio table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> seconds;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) seconds[r.run_name.function_name] = r.GetAdjustedRealTime();
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  setThreads(0);
  benchmark::Initialize(&argc, argv);
  RatioReporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  std::printf("\ng-BCSR / dense Eigen (real time, < 1 = g-BCSR faster)\n");
  for (const char* n : {"BackSub", "DiagDense", "KernelDense", "DenseKernel"}) {
    const auto g = rep.seconds.find(std::string("BM_") + n + "_Gbcsr"), d = rep.seconds.find(std::string("BM_") + n + "_Dense");
    if (g != rep.seconds.end() && d != rep.seconds.end()) std::printf("  %-12s %.3f\n", n, g->second / d->second);
  }
  benchmark::Shutdown();
  return 0;
}
