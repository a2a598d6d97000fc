// Shared per-run weights and the grouped gather, against dense computations written here: a
// Kernel's CSR rows equal its Toeplitz matrix; zero-keeping maps of Kernel/Diagonal/Dense blocks
// equal the map applied to the dense matrix; the backend's block x vector product equals the dense product; the cache
// builds a layer's blocks once and refuses to key per-item layers; the backend's gather over several terms
// (Diagonal, Csr, Kernel and Dense member rows, shared windows) equals the dense sum of products.
#include <QtTest>

#include <limits>
#include <random>

#include "runtime/backend/backend.h"
#include "runtime/backend/cpu/cpu_backend.h"
#include "runtime/backend/cpu/convolution.h"
#include "runtime/shared_weights.h"
#include "tests/support/conv_toeplitz.h"

using namespace cert;
using namespace cert::runtime;

namespace {

/// Conv geometries with strides, padding and dilation.
std::vector<ConvGeometry> geometries() {
  std::vector<ConvGeometry> out;
  for (int k = 0; k < 4; ++k) {
    ConvGeometry g;
    g.inChannels = 1 + k % 3;
    g.inHeight = 6 + k;
    g.inWidth = 5 + 2 * (k % 2);
    g.outChannels = 2 + k % 2;
    g.kernelH = 2 + k % 2;
    g.kernelW = 3 - k % 2;
    g.strideH = 1 + k % 2;
    g.strideW = 1 + (k / 2) % 2;
    g.padTop = k % 2;
    g.padLeft = (k + 1) % 2;
    g.dilationH = 1 + (k == 3 ? 1 : 0);
    g.dilationW = 1;
    g.outHeight = (g.inHeight + 2 * g.padTop - g.dilationH * (g.kernelH - 1) - 1) / g.strideH + 1;
    g.outWidth = (g.inWidth + 2 * g.padLeft - g.dilationW * (g.kernelW - 1) - 1) / g.strideW + 1;
    out.push_back(g);
  }
  return out;
}

/// The Toeplitz matrix by its definition (independent of forEachTap).
Eigen::MatrixXd toeplitz(const gbcsr::KernelBlock& k) { return test::convToeplitz(k.geometry, k.weight); }

std::shared_ptr<gbcsr::KernelBlock> randomKernel(const ConvGeometry& g, std::mt19937& rng) {
  std::normal_distribution<double> nd;
  auto k = std::make_shared<gbcsr::KernelBlock>();
  k->geometry = g;
  k->weight.resize(size_t(g.outChannels) * g.inChannels * g.kernelH * g.kernelW);
  for (size_t i = 0; i < k->weight.size(); ++i) k->weight[i] = i % 5 == 2 ? 0.0 : nd(rng);  // some zero taps
  return k;
}

double op(const std::string& name, double x, double s) {
  if (name == "max") return x > s ? x : s;
  if (name == "min") return x < s ? x : s;
  return x * s;
}

/// x [4] -> fc [3] (Affine with weight w, zero bias).
Network affineNet(const Eigen::MatrixXd& w) {
  Network net;
  Layer in;
  in.index = 0, in.name = "x", in.op = LayerOp::Input, in.shape = {4};
  Layer fc;
  fc.index = 1, fc.name = "fc", fc.op = LayerOp::Affine, fc.inputs = {0}, fc.shape = {3};
  fc.weight = w;
  fc.bias = Eigen::VectorXd::Zero(3);
  net.layers = {in, fc};
  return net;
}

}  // namespace

class TestSharedWeights : public QObject {
  Q_OBJECT

 private slots:
  void kernelRowsEqualToeplitz() {
    std::mt19937 rng(7);
    for (const ConvGeometry& g : geometries()) {
      const auto k = randomKernel(g, rng);
      const Eigen::MatrixXd rows = Eigen::MatrixXd(runtime::cpu::kernelRowsCsr(*k));
      QCOMPARE((rows - toeplitz(*k)).cwiseAbs().maxCoeff(), 0.0);
    }
  }

  void zeroKeepingMaps() {
    QVERIFY(zeroKeeping("max", 0) && zeroKeeping("min", 0) && zeroKeeping("mul", -2.5));
    QVERIFY(!zeroKeeping("max", 1) && !zeroKeeping("min", -0.5) && !zeroKeeping("mul", std::nan("")) && !zeroKeeping("add", 0));
    std::mt19937 rng(11);
    for (const ConvGeometry& g : geometries()) {
      const auto k = randomKernel(g, rng);
      const CoefBlock kernel = CoefBlock::kernel(k, cpuBackend());
      const Eigen::MatrixXd dense = toeplitz(*k);
      const CoefBlock blocks[] = {kernel, cpu::makeDense(dense), cpu::makeDiagonal(dense.col(0).head(std::min<Eigen::Index>(dense.rows(), 9)))};
      for (const CoefBlock& b : blocks)
        for (auto [name, s] : {std::pair<std::string, double>{"max", 0.0}, {"min", 0.0}, {"mul", -1.5}}) {
          const CoefBlock m = mapStored(cpuBackend(), b, name, s);
          QCOMPARE(m.kind(), b.kind());
          const Eigen::MatrixXd want = cpu::toDense(b).unaryExpr([&](double x) { return op(name, x, s); });
          QCOMPARE((cpu::toDense(m) - want).cwiseAbs().maxCoeff(), 0.0);
          std::normal_distribution<double> nd;
          Eigen::VectorXd x(b.cols());
          for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = nd(rng);
          const Eigen::VectorXd got = cpu::hostMatrix(cpuBackend().times(m, cpu::columnTensor(x)), want.rows(), 1).col(0), ref = want * x;
          QVERIFY2((got - ref).cwiseAbs().maxCoeff() <= 1e-12 * (1 + ref.cwiseAbs().maxCoeff()), name.c_str());
        }
    }
  }

  void cacheBuildsOnceAndKeepsPerItemLayersApart() {
    Network net = affineNet(Eigen::MatrixXd::Random(3, 4));
    const Layer& fc = net.layers[1];
    SharedWeights shared(net);
    const auto w1 = shared.weight(net.layers[1], cpuBackend()), w2 = shared.weight(net.layers[1], cpuBackend());
    QCOMPARE(w1.get(), w2.get());          // built once
    QCOMPARE(&cpu::denseOf(*w1), &net.layers[1].weight);  // referenced, not copied
    int made = 0;
    auto a = shared.derived("w1|max0", [&] { ++made; return mapStored(cpuBackend(), *w1, "max", 0); });
    auto b = shared.derived("w1|max0", [&] { ++made; return mapStored(cpuBackend(), *w1, "max", 0); });
    QCOMPARE(made, 1);
    QCOMPARE(a.get(), b.get());
    shared.derived("", [&] { ++made; return *w1; });
    shared.derived("", [&] { ++made; return *w1; });
    QCOMPARE(made, 3);  // an empty key is never cached
    Layer margins = fc;
    margins.index = 2, margins.name = "margins";
    QVERIFY(!shared.caches(margins));
    Layer renamed = fc;
    renamed.name = "other";
    QVERIFY(!shared.caches(renamed));
    QVERIFY(shared.caches(net.layers[1]));
  }

  void badParametersScannedOnceAndFound() {
    Eigen::MatrixXd w = Eigen::MatrixXd::Ones(3, 4);
    w(2, 1) = std::numeric_limits<double>::quiet_NaN();
    Network net = affineNet(w);
    SharedWeights shared(net);
    const std::vector<BadParameter>& first = shared.badParameters();
    QCOMPARE(first.size(), badParameters(net).size());
    QVERIFY(!first.empty());
    QVERIFY2(first.front().describe().find("weight") != std::string::npos, first.front().describe().c_str());
    QCOMPARE(&shared.badParameters(), &first);  // the scan is kept, not redone
    net.layers[1].weight(2, 1) = 1;
    SharedWeights clean(net);
    QVERIFY(clean.badParameters().empty());
  }

  void kernelRowsOnlyForOwnedKernels() {
    Network net;
    Layer in;
    in.index = 0, in.name = "x", in.op = LayerOp::Input;
    Layer conv;
    conv.index = 1, conv.name = "conv", conv.op = LayerOp::Conv, conv.inputs = {0};
    std::mt19937 rng(3);
    conv.conv = geometries()[1];
    const std::vector<double> w = randomKernel(conv.conv, rng)->weight;
    conv.kernel = Eigen::Map<const Eigen::VectorXd>(w.data(), static_cast<Eigen::Index>(w.size()));
    net.layers = {in, conv};
    SharedWeights shared(net);
    const auto k = shared.kernel(net.layers[1]);
    const CoefBlock* rows = shared.kernelRows(*k, cpuBackend());
    QVERIFY(rows);
    QCOMPARE(rows->kind(), CoefBlock::Kind::Csr);
    QCOMPARE(shared.kernelRows(*k, cpuBackend()), rows);  // once
    QCOMPARE((Eigen::MatrixXd(cpu::csrOf(*rows)) - toeplitz(*k)).cwiseAbs().maxCoeff(), 0.0);
    const gbcsr::KernelBlock foreign = *k;
    QVERIFY(!shared.kernelRows(foreign, cpuBackend()));  // not its own: may not outlive an item
  }

  /// Several member forms gathered over shared windows at once == the dense sum of products.
  void groupedGatherEqualsDenseSum() {
    std::mt19937 rng(5);
    std::normal_distribution<double> nd;
    const ConvGeometry g = geometries()[0];
    const auto k = randomKernel(g, rng);
    const int64_t src = k->rows(), width = k->cols(), n = 7;
    // Member forms over `src` source rows, all into block key 3 of width `width`.
    Eigen::MatrixXd denseRows = Eigen::MatrixXd::Zero(src, width);
    for (int64_t i = 0; i < src; ++i)
      for (int64_t j = 0; j < width; ++j)
        if ((i + j) % 4 == 0) denseRows(i, j) = nd(rng);
    auto form = [&](CoefBlock b) {
      Lin l;
      Eigen::VectorXd c(src);
      for (int64_t i = 0; i < src; ++i) c[i] = nd(rng);
      l.c0 = cpu::columnTensor(c);
      l.blocks.emplace(3, std::move(b));
      return l;
    };
    Eigen::VectorXd diag(src);
    for (int64_t i = 0; i < src; ++i) diag[i] = i % 3 == 0 ? 0.0 : nd(rng);
    const Lin kernelForm = form(CoefBlock::kernel(k, cpuBackend()));
    const Lin csrForm = form(cpuBackend().compressed(cpu::makeDense(denseRows), 1.0));
    const Lin denseForm = form(cpu::makeDense(denseRows));
    Lin diagForm;  // a Diagonal block needs square extents: its own key
    diagForm.c0 = cpu::columnTensor(Eigen::VectorXd::Constant(src, 0.5));
    diagForm.blocks.emplace(4, cpu::makeDiagonal(diag));
    std::vector<std::vector<int64_t>> windows(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < 5; ++j) windows[static_cast<size_t>(i)].push_back((i * 3 + j * 7) % src);
    for (bool withDense : {false, true}) {
      std::vector<GatherTerm> terms;
      std::vector<const Lin*> forms{&kernelForm, &csrForm, &diagForm};
      if (withDense) forms.push_back(&denseForm);
      for (const Lin* f : forms) {
        GatherTerm t;
        t.coef = Tensor::uninitialized(n, 5, 1);
        for (int64_t i = 0; i < n; ++i)
          for (int64_t j = 0; j < 5; ++j) t.coef.ref(i, j, 0) = j == 2 ? 0.0 : nd(rng);
        t.member = f;
        terms.push_back(std::move(t));
      }
      Lin out;
      out.c0 = Tensor::full(n, 1, 1, 0);
      std::map<int, Eigen::MatrixXd> got;
      cpuBackend().gather(out, terms, windows, n, false, nullptr, [&](int key, CoefBlock b) {
        if (!withDense && key == 3) QCOMPARE(b.kind(), CoefBlock::Kind::Csr);
        got[key] = got.count(key) ? Eigen::MatrixXd(got[key] + cpu::toDense(b)) : cpu::toDense(b);
      });
      // The reference: expand every term to a dense [n x src] selection matrix.
      Eigen::VectorXd c0 = Eigen::VectorXd::Zero(n);
      std::map<int, Eigen::MatrixXd> want;
      for (const GatherTerm& t : terms) {
        Eigen::MatrixXd sel = Eigen::MatrixXd::Zero(n, src);
        for (int64_t i = 0; i < n; ++i)
          for (int64_t j = 0; j < 5; ++j) sel(i, windows[static_cast<size_t>(i)][static_cast<size_t>(j)]) += t.coef.at(i, j, 0);
        c0 += sel * cpu::hostMatrix(t.member->c0, src, 1).col(0);
        for (const auto& [key, b] : t.member->blocks) {
          const Eigen::MatrixXd p = sel * cpu::toDense(b);
          want[key] = want.count(key) ? Eigen::MatrixXd(want[key] + p) : p;
        }
      }
      QCOMPARE(got.size(), want.size());
      for (const auto& [key, m] : want) QVERIFY((got.at(key) - m).cwiseAbs().maxCoeff() <= 1e-12);
      QVERIFY((cpu::hostMatrix(out.c0, n, 1).col(0) - c0).cwiseAbs().maxCoeff() <= 1e-12);
    }
  }
};

QTEST_GUILESS_MAIN(TestSharedWeights)
#include "tst_shared_weights.moc"
