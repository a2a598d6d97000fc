// CoefBlock (runtime/coef_block.h), the executor's g-BCSR coefficient blocks: every operation on
// every kind (Dense, Diagonal, Kernel, Csr; every kind pair for addBlocks) equals the same
// computation on the toDense() matrices, on seeded random data over many shapes (Kernel:
// convolutions with strides, asymmetric padding, dilation and several channels; Csr: about a
// third non-zero, with whole zero rows and whole zero columns), to 1e-12 relative to max(1, |x|).
// The Kernel's Toeplitz matrix is checked against an independent construction; leftMultiply with
// inf/NaN coefficients gives the dense product's NaN pattern; the kinds documented in
// coef_block.h are kept; copies share storage and sameValues compares across kinds.
// compressed() gives Csr exactly when the non-zero fraction is <= the density and keeps every
// value bit for bit; a Csr block's bytes are nnz * 12 + (rows + 1) * 4.
// A Csr block's structural zeros are true zeros: scaleRows with an infinite scale leaves them 0
// (as a Diagonal block's off-diagonal zeros), where the dense form's 0 * inf would give NaN; the
// comparisons with the dense computation are therefore made with finite scales, and the inf case
// is checked against that documented sparse behaviour separately.
#include <QtTest>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <optional>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "compiler/ir/scalar_ops.h"
#include "runtime/backend/backend.h"
#include "runtime/backend/cpu/cpu_backend.h"
#include "runtime/backend/cpu/convolution.h"
#include "runtime/coef_block.h"

using namespace cert;
using namespace cert::runtime;
using Kind = CoefBlock::Kind;

namespace {

constexpr double kTol = 1e-12;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The block operations under test, called through the Backend interface (the CPU backend) as
/// the interpreter calls them; host matrices in and out.
namespace through {
const Backend& backend() { return cpuBackend(); }
CoefBlock addBlocks(const CoefBlock& a, const CoefBlock& b, double sign) { return backend().add(a, b, sign); }
CoefBlock scaleBlock(const CoefBlock& a, double s) { return backend().scale(a, s); }
CoefBlock scaleRows(const CoefBlock& a, const Eigen::VectorXd& s) {
  return backend().scaleRows(a, std::span<const double>(s.data(), static_cast<size_t>(s.size())));
}
CoefBlock keepRows(const CoefBlock& a, const std::vector<bool>& keep) { return backend().keepRows(a, keep); }
CoefBlock repeatRow(const CoefBlock& a, int64_t n) { return backend().repeatRow(a, n); }
Eigen::MatrixXd leftMultiply(const Eigen::MatrixXd& coef, const CoefBlock& b) {
  return cpu::toDense(backend().leftMultiply(cpu::matrixTensor(coef), b));
}
}  // namespace through

/// A convolution geometry; out sizes from the ONNX formula.
ConvGeometry geometry(int inC, int inH, int inW, int outC, int kH, int kW, int sH, int sW, int pT, int pL, int pB,
                      int pR, int dH, int dW) {
  ConvGeometry g;
  g.inChannels = inC, g.inHeight = inH, g.inWidth = inW, g.outChannels = outC;
  g.kernelH = kH, g.kernelW = kW, g.strideH = sH, g.strideW = sW;
  g.padTop = pT, g.padLeft = pL, g.padBottom = pB, g.padRight = pR;
  g.dilationH = dH, g.dilationW = dW;
  g.outHeight = (inH + pT + pB - dH * (kH - 1) - 1) / sH + 1;
  g.outWidth = (inW + pL + pR - dW * (kW - 1) - 1) / sW + 1;
  return g;
}

/// The shapes: each a convolution geometry (its Toeplitz extents are the Dense / Diagonal
/// extents of the same shape; Diagonal only where they are square).
struct Shape {
  std::string name;
  ConvGeometry g;
  int64_t rows() const { return int64_t(g.outChannels) * g.outHeight * g.outWidth; }
  int64_t cols() const { return int64_t(g.inChannels) * g.inHeight * g.inWidth; }
  bool square() const { return rows() == cols(); }
};

const std::vector<Shape>& shapes() {
  static const std::vector<Shape> kShapes = {
      {"c1_5x5_k3", geometry(1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1)},
      {"c2to3_6x6_k3_s2_p1", geometry(2, 6, 6, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)},
      {"c3to2_7x5_k3x2_s2x1_pads1021_d2x1", geometry(3, 7, 5, 2, 3, 2, 2, 1, 1, 0, 2, 1, 2, 1)},
      {"c2_4x4_k3_p1_same", geometry(2, 4, 4, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)},
      {"c1to4_8x8_k2_s2", geometry(1, 8, 8, 4, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1)},
      {"c3_5x5_k1", geometry(3, 5, 5, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1)},
      {"c2_9x9_k3_d2_p2_same", geometry(2, 9, 9, 2, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2)},
      {"c2to1_3x3_k3_onerow", geometry(2, 3, 3, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1)},
      {"c1_2x2_k3_p1_kernel_larger", geometry(1, 2, 2, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)},
      {"c4to2_6x7_k2x3_s3x2_pads0120_d1x2", geometry(4, 6, 7, 2, 2, 3, 3, 2, 0, 1, 2, 0, 1, 2)},
      {"c1_1x1_k1_scalar", geometry(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1)},
      // Stride 1 from 8 input channels (X @ T by one GEMM per tap): same width, narrower output,
      // asymmetric padding with dilation, and a wider output than input.
      {"c8to3_5x6_k3_p1_same", geometry(8, 5, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)},
      {"c8to2_6x6_k3_valid", geometry(8, 6, 6, 2, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1)},
      {"c9to2_7x6_k3x2_pads1021_d2x1", geometry(9, 7, 6, 2, 3, 2, 1, 1, 1, 0, 2, 1, 2, 1)},
      {"c8to2_3x3_k2_p2_wider", geometry(8, 3, 3, 2, 2, 2, 1, 1, 2, 2, 2, 2, 1, 1)},
  };
  return kShapes;
}

/// A Kernel block's weights as an Eigen vector (read in place), and weights made for one.
Eigen::Map<const Eigen::VectorXd> weightsOf(const gbcsr::KernelBlock& k) {
  return {k.weight.data(), static_cast<Eigen::Index>(k.weight.size())};
}
std::vector<double> valuesOf(const Eigen::VectorXd& v) { return {v.data(), v.data() + v.size()}; }

/// The Toeplitz matrix of a convolution, built here from the definition (independent of the
/// runtime's toeplitzOf and forEachTap).
Eigen::MatrixXd toeplitz(const Eigen::VectorXd& w, const ConvGeometry& g) {
  Eigen::MatrixXd t = Eigen::MatrixXd::Zero(int64_t(g.outChannels) * g.outHeight * g.outWidth,
                                            int64_t(g.inChannels) * g.inHeight * g.inWidth);
  for (int oc = 0; oc < g.outChannels; ++oc)
    for (int oh = 0; oh < g.outHeight; ++oh)
      for (int ow = 0; ow < g.outWidth; ++ow) {
        const int64_t row = (int64_t(oc) * g.outHeight + oh) * g.outWidth + ow;
        for (int ic = 0; ic < g.inChannels; ++ic)
          for (int kh = 0; kh < g.kernelH; ++kh)
            for (int kw = 0; kw < g.kernelW; ++kw) {
              const int ih = oh * g.strideH + kh * g.dilationH - g.padTop;
              const int iw = ow * g.strideW + kw * g.dilationW - g.padLeft;
              if (ih < 0 || ih >= g.inHeight || iw < 0 || iw >= g.inWidth) continue;
              const int64_t col = (int64_t(ic) * g.inHeight + ih) * g.inWidth + iw;
              t(row, col) += w[((int64_t(oc) * g.inChannels + ic) * g.kernelH + kh) * g.kernelW + kw];
            }
      }
  return t;
}

/// Uniform in [-1, 1] with about a fifth exact zeros (zeros are skipped by kernel taps and
/// matter for the NaN pattern of 0 * inf).
class Random {
 public:
  explicit Random(uint64_t seed) : gen_(seed) {}
  double value() {
    if (std::uniform_real_distribution<double>(0, 1)(gen_) < 0.2) return 0.0;
    return std::uniform_real_distribution<double>(-1, 1)(gen_);
  }
  Eigen::MatrixXd matrix(int64_t r, int64_t c) {
    Eigen::MatrixXd m(r, c);
    for (int64_t j = 0; j < c; ++j)
      for (int64_t i = 0; i < r; ++i) m(i, j) = value();
    return m;
  }
  Eigen::VectorXd vector(int64_t n) { return matrix(n, 1).col(0); }
  int64_t index(int64_t n) { return std::uniform_int_distribution<int64_t>(0, n - 1)(gen_); }
  bool coin(double p) { return std::uniform_real_distribution<double>(0, 1)(gen_) < p; }

 private:
  std::mt19937_64 gen_;
};

/// A sparse matrix: about a third of the entries non-zero, and (when there are at least two rows
/// / columns) about a quarter of the rows and a quarter of the columns wholly zero, always at
/// least one of each.
Eigen::MatrixXd sparseMatrix(int64_t r, int64_t c, Random& rnd) {
  Eigen::MatrixXd m(r, c);
  for (int64_t j = 0; j < c; ++j)
    for (int64_t i = 0; i < r; ++i) m(i, j) = rnd.coin(0.4) ? rnd.value() : 0.0;
  if (r >= 2) {
    m.row(rnd.index(r)).setZero();
    for (int64_t i = 0; i < r; ++i)
      if (rnd.coin(0.25)) m.row(i).setZero();
  }
  if (c >= 2) {
    m.col(rnd.index(c)).setZero();
    for (int64_t j = 0; j < c; ++j)
      if (rnd.coin(0.25)) m.col(j).setZero();
  }
  return m;
}

/// A Csr block of these values (only the non-zeros stored).
CoefBlock csrOf(const Eigen::MatrixXd& m) { return cpu::makeCsr(cpu::SparseRM(m.sparseView(0.0, 0.0))); }

/// A block of `kind` with the extents of `shape` (Diagonal: square shapes only).
CoefBlock makeBlock(Kind kind, const Shape& shape, Random& rnd) {
  switch (kind) {
    case Kind::Csr: return csrOf(sparseMatrix(shape.rows(), shape.cols(), rnd));
    case Kind::RowScaled:  // over a Dense or (half the time) a Kernel block: a conv layer's rows scaled
      if (rnd.coin(0.5)) return cpu::makeRowScaled(makeBlock(Kind::Kernel, shape, rnd), rnd.vector(shape.rows()));
      return cpu::makeRowScaled(cpu::makeDense(rnd.matrix(shape.rows(), shape.cols())), rnd.vector(shape.rows()));
    case Kind::Dense: return cpu::makeDense(rnd.matrix(shape.rows(), shape.cols()));
    case Kind::Diagonal: return cpu::makeDiagonal(rnd.vector(shape.rows()));
    case Kind::Kernel: {
      const ConvGeometry& g = shape.g;
      auto k = std::make_shared<gbcsr::KernelBlock>(
          gbcsr::KernelBlock{valuesOf(rnd.vector(int64_t(g.outChannels) * g.inChannels * g.kernelH * g.kernelW)), g});
      return CoefBlock::kernel(std::move(k), cpuBackend());
    }
  }
  return {};
}

bool kindFits(Kind kind, const Shape& shape) { return kind != Kind::Diagonal || shape.square(); }

/// Element-wise: NaN where expected is NaN, the same infinity, else within kTol * max(1, |e|).
bool close(const Eigen::MatrixXd& actual, const Eigen::MatrixXd& expected, QString* why) {
  if (actual.rows() != expected.rows() || actual.cols() != expected.cols()) {
    *why = QString("extents %1x%2 vs %3x%4").arg(actual.rows()).arg(actual.cols()).arg(expected.rows()).arg(expected.cols());
    return false;
  }
  for (Eigen::Index j = 0; j < expected.cols(); ++j)
    for (Eigen::Index i = 0; i < expected.rows(); ++i) {
      const double a = actual(i, j), e = expected(i, j);
      bool ok;
      if (std::isnan(e)) ok = std::isnan(a);
      else if (std::isinf(e)) ok = a == e;
      else ok = std::isfinite(a) && std::abs(a - e) <= kTol * std::max(1.0, std::abs(e));
      if (!ok) {
        *why = QString("(%1, %2): %3 vs expected %4").arg(i).arg(j).arg(a, 0, 'g', 17).arg(e, 0, 'g', 17);
        return false;
      }
    }
  return true;
}

#define VERIFY_CLOSE(actual, expected)            \
  do {                                            \
    QString why_;                                 \
    QVERIFY2(close(actual, expected, &why_), qPrintable(why_)); \
  } while (0)

const Kind kKinds[] = {Kind::Dense, Kind::Diagonal, Kind::Kernel, Kind::Csr, Kind::RowScaled};
const int kSeeds = 3;

/// b with non-finite values in its own storage (an inf and a NaN or -inf; a RowScaled block's
/// scale gets the inf, its base stays finite).
CoefBlock withNonFiniteValues(const CoefBlock& b, Random& rnd) {
  const Eigen::MatrixXd B = cpu::toDense(b);
  switch (b.kind()) {
    case Kind::Dense: {
      Eigen::MatrixXd m = B;
      m(rnd.index(m.rows()), rnd.index(m.cols())) = kInf;
      m(rnd.index(m.rows()), rnd.index(m.cols())) = -kInf;
      return cpu::makeDense(m);
    }
    case Kind::Diagonal: {
      Eigen::VectorXd d = cpu::diagonalOf(b);
      d[rnd.index(d.size())] = kInf;
      d[rnd.index(d.size())] = kNaN;
      return cpu::makeDiagonal(d);
    }
    case Kind::Kernel: {
      gbcsr::KernelBlock k = b.kernelBlock();
      k.weight[rnd.index(k.weight.size())] = kInf;
      return CoefBlock::kernel(std::make_shared<gbcsr::KernelBlock>(k), cpuBackend());
    }
    case Kind::Csr: {
      // Non-finite stored values (a NaN at a place that was zero, an inf at one too).
      Eigen::MatrixXd m = B;
      m(rnd.index(m.rows()), rnd.index(m.cols())) = kInf;
      m(rnd.index(m.rows()), rnd.index(m.cols())) = kNaN;
      return csrOf(m);
    }
    case Kind::RowScaled: {  // views are made of finite blocks only; an infinite scale here
      Eigen::VectorXd sc = cpu::rowScaleOf(b);
      sc[rnd.index(sc.size())] = kInf;
      return cpu::makeRowScaled(b.scaledBase(), sc);
    }
  }
  return b;
}

/// Data rows shape x kind x seed (kinds that fit the shape).
void addShapeKindSeedRows() {
  QTest::addColumn<int>("shape");
  QTest::addColumn<int>("kind");
  QTest::addColumn<int>("seed");
  for (size_t s = 0; s < shapes().size(); ++s)
    for (Kind k : kKinds) {
      if (!kindFits(k, shapes()[s])) continue;
      for (int seed = 1; seed <= kSeeds; ++seed)
        QTest::newRow(qPrintable(QString("%1/%2/seed%3").arg(QString::fromStdString(shapes()[s].name)).arg(kindName(k)).arg(seed)))
            << int(s) << int(k) << seed;
    }
}

/// The current row of addBlocks_data: its shape and a block of each of its two kinds, made from a
/// generator seeded by `salt` and the row.
struct BlockPair {
  const Shape* shape;
  CoefBlock a, b;
  Eigen::MatrixXd A, B;  ///< their toDense()
};
BlockPair blockPairOfRow(uint64_t salt) {
  QFETCH(int, shape);
  QFETCH(int, kindA);
  QFETCH(int, kindB);
  QFETCH(int, seed);
  const Shape& sh = shapes()[size_t(shape)];
  Random rnd(salt * uint64_t(shape) + 7u * uint64_t(kindA) + 3u * uint64_t(kindB) + uint64_t(seed));
  BlockPair p{&sh, makeBlock(Kind(kindA), sh, rnd), {}, {}, {}};
  p.b = makeBlock(Kind(kindB), sh, rnd);
  p.A = cpu::toDense(p.a);
  p.B = cpu::toDense(p.b);
  return p;
}

}  // namespace

class TestCoefBlock : public QObject {
  Q_OBJECT

 private slots:
  // The Kernel's Toeplitz matrix (toDense) equals the definition of the convolution, and the
  // block's accessors (extents, row, nonZeros, bytes, allFinite) agree with toDense.
  void accessorsMatchDense_data() { addShapeKindSeedRows(); }
  void accessorsMatchDense() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    const Shape& sh = shapes()[size_t(shape)];
    Random rnd(1000u * uint64_t(shape) + 10u * uint64_t(kind) + uint64_t(seed));
    const CoefBlock b = makeBlock(Kind(kind), sh, rnd);
    QCOMPARE(b.kind(), Kind(kind));
    QCOMPARE(b.rows(), sh.rows());
    QCOMPARE(b.cols(), sh.cols());
    const Eigen::MatrixXd d = cpu::toDense(b);
    QCOMPARE(d.rows(), sh.rows());
    QCOMPARE(d.cols(), sh.cols());
    if (b.kind() == Kind::Kernel) VERIFY_CLOSE(d, toeplitz(weightsOf(b.kernelBlock()), sh.g));
    if (b.kind() == Kind::Diagonal) VERIFY_CLOSE(d, Eigen::MatrixXd(cpu::diagonalOf(b).asDiagonal()));
    if (b.kind() == Kind::Dense) QVERIFY(d == cpu::denseOf(b));
    for (int64_t i = 0; i < b.rows(); ++i) VERIFY_CLOSE(Eigen::MatrixXd(cpu::row(b, i)), Eigen::MatrixXd(d.row(i).transpose()));
    QCOMPARE(b.nonZeros(), int64_t((d.array() != 0).count()));
    QVERIFY(b.allFinite());
    switch (b.kind()) {
      case Kind::Dense: QCOMPARE(b.bytes(), sh.rows() * sh.cols() * 8); break;
      case Kind::Diagonal: QCOMPARE(b.bytes(), sh.rows() * 8); break;
      case Kind::Kernel: QCOMPARE(b.bytes(), int64_t(b.kernelBlock().weight.size()) * 8 + int64_t(sizeof(ConvGeometry))); break;
      case Kind::Csr:
        QCOMPARE(b.bytes(), int64_t(cpu::csrOf(b).nonZeros()) * 12 + (sh.rows() + 1) * 4);
        QCOMPARE(int64_t(cpu::csrOf(b).nonZeros()), b.nonZeros());  // only non-zeros are stored here
        QVERIFY(cpu::csrOf(b).isCompressed());
        QVERIFY(Eigen::MatrixXd(cpu::csrOf(b)) == d);
        break;
      case Kind::RowScaled: QCOMPARE(b.bytes(), sh.rows() * 8); break;
    }
    // A RowScaled view is shown as the (Dense or Kernel) block it scales.
    if (b.kind() == Kind::RowScaled) QCOMPARE(b.gbcsrKind(), b.scaledBase().gbcsrKind());
    else QCOMPARE(b.gbcsrKind(), b.kind() == Kind::Dense ? gbcsr::Kind::Dense
                            : b.kind() == Kind::Diagonal ? gbcsr::Kind::Diagonal
                            : b.kind() == Kind::Kernel   ? gbcsr::Kind::Kernel
                                                         : gbcsr::Kind::Csr);
    if (b.kind() == Kind::Csr && sh.rows() >= 2 && sh.cols() >= 2) {
      // The generator's whole zero rows and columns are there.
      QVERIFY((d.rowwise().squaredNorm().array() == 0).any());
      QVERIFY((d.colwise().squaredNorm().array() == 0).any());
    }
  }

  // The backend's blocks from and to host values (what the interpreter's fallbacks read and build
  // blocks through): denseValues and hostCoefs give toDense's values bit for bit (a Dense block's
  // hostCoefs is its own storage, no copy), rowValues a row, diagonalValues a Diagonal's diagonal
  // (other kinds refused); denseBlock of a tensor with broadcast extents, diagonalBlock and
  // selectionBlock give the expected matrices and kinds; sumAlongList the row sums.
  /// The element-wise group against ir::applyBinary / applyUnary per element, over every way two
  /// operands broadcast, with poison (NaN), infinities and zero divisors among the values.
  void elementwiseThroughTheBackend() {
    const Backend& be = through::backend();
    const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
    std::mt19937 rng(11);
    std::uniform_int_distribution<int> pick(0, 9);
    auto randomTensor = [&](int64_t r, int64_t c, int64_t d) {
      Tensor t = Tensor::uninitialized(r, c, d);
      for (double& x : t.v) {
        const int k = pick(rng);
        x = k == 0 ? 0.0 : k == 1 ? inf : k == 2 ? -inf : k == 3 ? nan : k == 4 ? 1.0 : double(k) - 6.5;
      }
      return t;
    };
    auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
    // The value of t at (i, j, k) with its extents of 1 broadcast.
    auto at = [](const Tensor& t, int64_t i, int64_t j, int64_t k) {
      return t.v[static_cast<size_t>(((t.d == 1 ? 0 : k) * t.c + (t.c == 1 ? 0 : j)) * t.r + (t.r == 1 ? 0 : i))];
    };
    const std::vector<std::array<int64_t, 3>> shapes = {{4, 3, 2}, {4, 1, 2}, {1, 3, 2}, {4, 3, 1}, {1, 1, 1}, {4, 1, 1}, {1, 1, 2}};
    const std::vector<ir::Op> binaries = {ir::Op::Add, ir::Op::Sub, ir::Op::Mul, ir::Op::Div, ir::Op::Min, ir::Op::Max,
                                          ir::Op::Lt, ir::Op::Le, ir::Op::Gt, ir::Op::Ge, ir::Op::Eq, ir::Op::Ne,
                                          ir::Op::And, ir::Op::Or};
    int checked = 0;
    for (ir::Op op : binaries)
      for (const auto& sa : shapes)
        for (const auto& sb : shapes) {
          const Tensor a = randomTensor(sa[0], sa[1], sa[2]), b = randomTensor(sb[0], sb[1], sb[2]);
          const Tensor t = be.binary(op, a, b);
          QCOMPARE(t.r, std::max(sa[0], sb[0]));
          QCOMPARE(t.c, std::max(sa[1], sb[1]));
          QCOMPARE(t.d, std::max(sa[2], sb[2]));
          for (int64_t k = 0; k < t.d; ++k)
            for (int64_t j = 0; j < t.c; ++j)
              for (int64_t i = 0; i < t.r; ++i, ++checked) {
                const double want = *ir::applyBinary(op, at(a, i, j, k), at(b, i, j, k));
                QVERIFY2(same(at(t, i, j, k), want), ir::opName(op));
              }
          // Into an operand's storage where it has the result's extents (else new storage).
          for (int into : {0, 1}) {
            Tensor operand = into == 0 ? a : b;
            const double* storage = operand.v.data();
            const bool fits = operand.r == t.r && operand.c == t.c && operand.d == t.d;
            const Tensor u = be.binaryInto(op, std::move(operand), into, into == 0 ? b : a);
            QCOMPARE(u.v.data() == storage, fits);
            for (size_t e = 0; e < t.v.size(); ++e) QVERIFY(same(u.v[e], t.v[e]));
          }
        }
    QVERIFY(checked > 10000);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, be.binary(ir::Op::Add, randomTensor(3, 1, 1), randomTensor(4, 1, 1)));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, be.binary(ir::Op::Sigma, randomTensor(3, 1, 1), randomTensor(3, 1, 1)));

    for (ir::Op op : {ir::Op::Neg, ir::Op::Not, ir::Op::Sigma, ir::Op::Abs}) {
      const Tensor a = randomTensor(5, 2, 3);
      const Tensor t = be.unary(op, a);
      QCOMPARE(t.v.size(), a.v.size());
      for (size_t e = 0; e < a.v.size(); ++e) QVERIFY2(same(t.v[e], op == ir::Op::Neg ? -a.v[e] : *ir::applyUnary(op, a.v[e])), ir::opName(op));
    }
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, be.unary(ir::Op::Add, randomTensor(2, 1, 1)));

    // select: no arithmetic on the unselected side (an infinity or NaN there does not leak).
    const Tensor cond = cpu::columnTensor(Eigen::Vector3d(1, 0, 1));
    const Tensor a = cpu::columnTensor(Eigen::Vector3d(2, nan, -inf));
    const Tensor b = cpu::columnTensor(Eigen::Vector3d(inf, 5, nan));
    const Tensor s = be.select(cond, a, b);
    QVERIFY(s.v.size() == 3 && s.v[0] == 2 && s.v[1] == 5 && s.v[2] == -inf);
    const Tensor broadcast = be.select(cond, Tensor::scalar(7), b);
    QVERIFY(broadcast.v[0] == 7 && broadcast.v[1] == 5 && broadcast.v[2] == 7);
  }

  /// The linear-form algebra (dense_values.cpp) computes a form's constants and its lazy terms'
  /// coefficients through the backend: sums and differences (a sign other than +-1 refused),
  /// row scalings, and selects, where a poison condition leaves that neuron's constant poison.
  void linearFormsThroughTheBackend() {
    const Backend& be = through::backend();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Eigen::MatrixXd ma(3, 2), mb(3, 2);
    ma << 1, 2, 3, 4, 5, 6;
    mb << 10, 20, 30, 40, 50, 60;
    Lin a, b;
    a.c0 = cpu::columnTensor(Eigen::Vector3d(1, 2, 3));
    b.c0 = cpu::columnTensor(Eigen::Vector3d(10, 20, 30));
    a.blocks.emplace(0, cpu::makeDense(ma));
    b.blocks.emplace(0, cpu::makeDense(mb));
    b.lazy.push_back({cpu::columnTensor(Eigen::Vector3d(1, -2, 0.5)), Atom{}, nullptr});
    auto column = [](const Tensor& t) { return cpu::hostMatrix(t, 3, 1); };

    const Lin diff = linAdd(be, a, b, -1.0);
    QVERIFY(column(diff.c0) == Eigen::MatrixXd(Eigen::Vector3d(-9, -18, -27)));
    QVERIFY(cpu::toDense(diff.blocks.at(0)) == ma - mb);
    QCOMPARE(diff.lazy.size(), size_t(1));
    QVERIFY(column(diff.lazy[0].coef) == Eigen::MatrixXd(Eigen::Vector3d(-1, 2, -0.5)));
    const Lin sum = linAdd(be, a, Lin(b), 1.0);  // the rvalue overload
    QVERIFY(column(sum.c0) == Eigen::MatrixXd(Eigen::Vector3d(11, 22, 33)));
    QVERIFY(cpu::toDense(sum.blocks.at(0)) == ma + mb);
    QVERIFY(column(sum.lazy[0].coef) == Eigen::MatrixXd(Eigen::Vector3d(1, -2, 0.5)));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, linAdd(be, a, b, 2.0));

    const Lin scaled = linScale(be, b, cpu::columnTensor(Eigen::Vector3d(2, 0.5, -1)));
    QVERIFY(column(scaled.c0) == Eigen::MatrixXd(Eigen::Vector3d(20, 10, -30)));
    QVERIFY(cpu::toDense(scaled.blocks.at(0)) == Eigen::Vector3d(2, 0.5, -1).asDiagonal() * mb);
    QVERIFY(column(scaled.lazy[0].coef) == Eigen::MatrixXd(Eigen::Vector3d(2, -1, -0.5)));

    const Lin chosen = linSelect(be, cpu::columnTensor(Eigen::Vector3d(1, 0, nan)), a, b);
    const Eigen::MatrixXd c0 = column(chosen.c0), rows = cpu::toDense(chosen.blocks.at(0));
    QCOMPARE(c0(0), 1.0);
    QCOMPARE(c0(1), 20.0);
    QVERIFY(std::isnan(c0(2)));  // poison: the branch taken is unknown
    QVERIFY(rows.row(0) == ma.row(0) && rows.row(1) == mb.row(1));
    const Eigen::MatrixXd lazy = column(chosen.lazy.at(0).coef);
    QVERIFY(lazy(0) == 0 && lazy(1) == -2 && std::isnan(lazy(2)));
  }

  void hostValuesThroughTheBackend_data() { addShapeKindSeedRows(); }
  void hostValuesThroughTheBackend() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    const Shape& sh = shapes()[size_t(shape)];
    Random rnd(7000u * uint64_t(shape) + 10u * uint64_t(kind) + uint64_t(seed));
    const CoefBlock b = makeBlock(Kind(kind), sh, rnd);
    const Backend& be = cpuBackend();
    const Eigen::MatrixXd d = cpu::toDense(b);
    const Tensor values = be.denseValues(b);
    QCOMPARE(values.r, d.rows());
    QCOMPARE(values.c, d.cols());
    QCOMPARE(values.d, int64_t(1));
    QVERIFY(Eigen::Map<const Eigen::MatrixXd>(values.v.data(), d.rows(), d.cols()) == d);
    Tensor scratch;
    const std::span<const double> host = be.hostCoefs(b, scratch);
    QCOMPARE(int64_t(host.size()), d.size());
    QVERIFY(Eigen::Map<const Eigen::MatrixXd>(host.data(), d.rows(), d.cols()) == d);
    if (b.kind() == Kind::Dense) {
      QCOMPARE(host.data(), cpu::denseOf(b).data());
      QCOMPARE(scratch.v.size(), size_t(1));  // untouched: nothing materialized
    }
    for (int64_t i = 0; i < b.rows(); ++i) {
      const std::vector<double> r = be.rowValues(b, i);
      QCOMPARE(int64_t(r.size()), d.cols());
      for (int64_t j = 0; j < d.cols(); ++j) QCOMPARE(r[size_t(j)], d(i, j));
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, be.rowValues(b, b.rows()));
    if (b.kind() == Kind::Diagonal) {
      const Tensor diag = be.diagonalValues(b);
      QCOMPARE(diag.r, b.rows());
      for (int64_t i = 0; i < b.rows(); ++i) QCOMPARE(diag.v[size_t(i)], d(i, i));
    } else {
      QVERIFY_THROWS_EXCEPTION(std::invalid_argument, be.diagonalValues(b));
    }
    // denseBlock: full, a row broadcast down, a column broadcast across, one value everywhere.
    const int64_t r = sh.rows(), c = sh.cols();
    const Eigen::MatrixXd full = rnd.matrix(r, c), row = rnd.matrix(1, c), col = rnd.matrix(r, 1);
    const double one = rnd.value() + 2;
    const std::pair<Tensor, Eigen::MatrixXd> denseCases[] = {
        {cpu::matrixTensor(full), full},
        {cpu::matrixTensor(row), row.replicate(r, 1)},
        {cpu::matrixTensor(col), col.replicate(1, c)},
        {Tensor::scalar(one), Eigen::MatrixXd::Constant(r, c, one)}};
    for (const auto& [t, want] : denseCases) {
      const CoefBlock m = be.denseBlock(t, r, c);
      QCOMPARE(m.kind(), Kind::Dense);
      QVERIFY(cpu::toDense(m) == want);
      // The sums along the list frame against a loop over the expected matrix.
      const Tensor sums = be.sumAlongList(t, r, c);
      QCOMPARE(sums.r, r);
      QCOMPARE(sums.c, int64_t(1));
      for (int64_t i = 0; i < r; ++i) {
        double s = 0;
        for (int64_t j = 0; j < c; ++j) s += want(i, j);
        QVERIFY2(std::abs(sums.v[size_t(i)] - s) <= kTol * std::max(1.0, std::abs(s)), qPrintable(QString::number(i)));
      }
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, be.denseBlock(Tensor::full(r, c, 2, 0.0), r, c));
    // diagonalBlock: Diagonal, or Dense for the dense executor; the same matrix.
    const Eigen::VectorXd dv = rnd.vector(r);
    for (bool dense : {false, true}) {
      const CoefBlock m = be.diagonalBlock(cpu::columnTensor(dv), dense);
      QCOMPARE(m.kind(), dense ? Kind::Dense : Kind::Diagonal);
      QVERIFY(cpu::toDense(m) == Eigen::MatrixXd(dv.asDiagonal()));
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, be.diagonalBlock(Tensor::full(r, 2, 1, 1.0), false));
    // selectionBlock: a 1 at each pair, rows ascending with gaps; Csr marked finite, or Dense.
    std::vector<std::pair<int64_t, int64_t>> pairs;
    Eigen::MatrixXd sel = Eigen::MatrixXd::Zero(r, c);
    for (int64_t i = 0; i < r; ++i)
      if (rnd.coin(0.7)) {
        pairs.emplace_back(i, rnd.index(c));
        sel(i, pairs.back().second) = 1;
      }
    for (bool dense : {false, true}) {
      const CoefBlock m = be.selectionBlock(pairs, r, c, dense);
      QCOMPARE(m.kind(), dense ? Kind::Dense : Kind::Csr);
      if (!dense) QVERIFY(m.knownFinite());
      QVERIFY(cpu::toDense(m) == sel);
    }
    if (pairs.size() >= 2) {
      std::vector<std::pair<int64_t, int64_t>> reversed(pairs.rbegin(), pairs.rend());
      QVERIFY_THROWS_EXCEPTION(std::invalid_argument, be.selectionBlock(reversed, r, c, false));
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             be.selectionBlock(std::vector<std::pair<int64_t, int64_t>>{{0, c}}, r, c, false));
  }

  // addBlocks(a, b, sign) == A + sign * B for every kind pair; Diagonal + Diagonal stays
  // Diagonal, Csr + Csr / Diagonal (either order) is Csr, every other pair is Dense; the operands
  // are unchanged.
  /// A block's answers about its values come from the backend that made it: a second backend's
  /// block is asked through its own reader, and is never the same values as a CPU block.
  void valuesAskTheBlocksBackend() {
    struct OtherBackend final : BlockStorageReader {
      mutable int asked = 0;
      int64_t storedBytes(const CoefBlock&) const override { return ++asked, 42; }
      int64_t storedNonZeros(const CoefBlock&) const override { return ++asked, 7; }
      bool storedAllFinite(const CoefBlock&) const override { return ++asked, false; }
      bool storedSameValues(const CoefBlock&, const CoefBlock&) const override { return ++asked, true; }
    } other;
    const Eigen::MatrixXd m = Eigen::MatrixXd::Ones(3, 4);
    const CoefBlock cpuBlock = cpu::makeDense(m);
    QCOMPARE(cpuBlock.reader(), static_cast<const BlockStorageReader*>(&cpuBackend()));
    QCOMPARE(cpuBlock.nonZeros(), int64_t(12));
    QVERIFY(cpuBlock.allFinite());
    const CoefBlock otherBlock = CoefBlock::overValues(Kind::Dense, 3, 4, std::make_shared<const Eigen::MatrixXd>(m), other);
    QCOMPARE(otherBlock.reader(), static_cast<const BlockStorageReader*>(&other));
    QCOMPARE(otherBlock.bytes(), int64_t(42));
    QCOMPARE(otherBlock.nonZeros(), int64_t(7));
    QVERIFY(!otherBlock.allFinite());
    QCOMPARE(other.asked, 3);
    QVERIFY(!otherBlock.sameValues(cpuBlock));  // two backends: never the same, nothing asked
    QVERIFY(!cpuBlock.sameValues(otherBlock));
    QCOMPARE(other.asked, 3);
    const CoefBlock copy = otherBlock;
    QVERIFY(copy.sameValues(otherBlock));  // one storage
    QCOMPARE(other.asked, 3);
    const CoefBlock second = CoefBlock::overValues(Kind::Dense, 3, 4, std::make_shared<const Eigen::MatrixXd>(m), other);
    QVERIFY(second.sameValues(otherBlock));
    QCOMPARE(other.asked, 4);
    QVERIFY(cpu::makeDense(m).sameValues(cpuBlock));  // the CPU backend compares its own values
  }

  /// The handle holds the backend's storage opaquely: an empty default block, blocks over values
  /// of the kinds that have their own, sole-owner writes only, the network's weight referenced.
  void storageHandle() {
    const CoefBlock empty;
    QCOMPARE(empty.kind(), Kind::Dense);
    QCOMPARE(empty.rows(), int64_t(0));
    QCOMPARE(empty.cols(), int64_t(0));
    QVERIFY(!empty.values());
    QCOMPARE(cpu::denseOf(empty).size(), Eigen::Index(0));
    QCOMPARE(empty.bytes(), int64_t(0));
    QVERIFY(empty.allFinite());
    QVERIFY_THROWS_EXCEPTION(std::logic_error, CoefBlock::overValues(Kind::Kernel, 1, 1, nullptr, cpuBackend()));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, CoefBlock::overValues(Kind::RowScaled, 1, 1, nullptr, cpuBackend()));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             CoefBlock::rowScaledOver(std::make_shared<const CoefBlock>(cpu::makeDiagonal(Eigen::VectorXd::Ones(2))),
                                                      nullptr, cpuBackend()));

    const Eigen::MatrixXd m = Eigen::MatrixXd::Random(3, 4);
    CoefBlock own = cpu::makeDense(m);
    QVERIFY(own.values());
    QCOMPARE(own.storage(), own.values());
    QVERIFY(cpu::denseOf(own) == m);
    QCOMPARE(own.bytes(), int64_t(3 * 4 * 8));
    {
      CoefBlock copy = own;  // shared storage: neither may write it
      QCOMPARE(copy.values(), own.values());
      QVERIFY(!cpu::uniqueDense(own));
      QVERIFY(!cpu::uniqueDense(copy));
    }
    CoefBlock marked = std::move(own).checkedFinite();
    QVERIFY(marked.knownFinite());
    Eigen::MatrixXd* w = cpu::uniqueDense(marked);  // sole owner: writable, its mark dropped
    QVERIFY(w);
    QVERIFY(!marked.knownFinite());
    (*w)(0, 0) = 7.0;
    QCOMPARE(cpu::denseOf(marked)(0, 0), 7.0);

    Layer fc;
    fc.op = LayerOp::Affine, fc.name = "fc";
    fc.weight = m;
    CoefBlock referenced = through::backend().layerWeight(fc);
    QVERIFY(referenced.borrowed());
    QCOMPARE(&cpu::denseOf(referenced), &fc.weight);  // not copied
    QVERIFY(!cpu::uniqueDense(referenced));           // never written
    Layer conv = fc;
    conv.op = LayerOp::Conv;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, through::backend().layerWeight(conv));

    const CoefBlock d = cpu::makeDiagonal(Eigen::Vector3d(1, 0, 2));
    QCOMPARE(d.kind(), Kind::Diagonal);
    QCOMPARE(d.bytes(), int64_t(3 * 8));
    QCOMPARE(d.nonZeros(), int64_t(2));
    QVERIFY(!through::backend().identityBlock(3, false).sameValues(d));
    QVERIFY(through::backend().identityBlock(3, false).sameValues(through::backend().identityBlock(3, true)));
    QCOMPARE(through::backend().identityBlock(3, true).kind(), Kind::Dense);
  }

  void addBlocks_data() {
    QTest::addColumn<int>("shape");
    QTest::addColumn<int>("kindA");
    QTest::addColumn<int>("kindB");
    QTest::addColumn<int>("seed");
    for (size_t s = 0; s < shapes().size(); ++s)
      for (Kind a : kKinds)
        for (Kind b : kKinds) {
          if (!kindFits(a, shapes()[s]) || !kindFits(b, shapes()[s])) continue;
          for (int seed = 1; seed <= kSeeds; ++seed)
            QTest::newRow(qPrintable(QString("%1/%2+%3/seed%4")
                                         .arg(QString::fromStdString(shapes()[s].name))
                                         .arg(kindName(a))
                                         .arg(kindName(b))
                                         .arg(seed)))
                << int(s) << int(a) << int(b) << seed;
        }
  }
  void addBlocks() {
    const BlockPair p = blockPairOfRow(77);
    const Shape& sh = *p.shape;
    const CoefBlock &a = p.a, &b = p.b;
    const Eigen::MatrixXd &A = p.A, &B = p.B;
    for (double sign : {1.0, -1.0, 0.375, 0.0}) {
      const CoefBlock r = through::addBlocks(a, b, sign);
      QCOMPARE(r.rows(), sh.rows());
      QCOMPARE(r.cols(), sh.cols());
      // A conv layer's rows scaled (RowScaled over a Kernel) count as sparse rows.
      auto kernelView = [](const CoefBlock& x) { return x.kind() == Kind::RowScaled && x.scaledBase().kind() == Kind::Kernel; };
      const bool sa = a.kind() == Kind::Csr || a.kind() == Kind::Diagonal || kernelView(a),
                 sb = b.kind() == Kind::Csr || b.kind() == Kind::Diagonal || kernelView(b);
      const Kind expectedKind = (a.kind() == Kind::Diagonal && b.kind() == Kind::Diagonal) ? Kind::Diagonal
                                : (sa && sb)                                             ? Kind::Csr
                                                                                         : Kind::Dense;
      QCOMPARE(r.kind(), expectedKind);
      VERIFY_CLOSE(cpu::toDense(r), Eigen::MatrixXd(A + sign * B));
      if (r.kind() == Kind::Csr) {
        // The sum's pattern is within the union of the operands' patterns.
        const Eigen::MatrixXd R = cpu::toDense(r);
        QVERIFY(((R.array() != 0) && (A.array() == 0) && (B.array() == 0)).count() == 0);
        QCOMPARE(r.bytes(), int64_t(cpu::csrOf(r).nonZeros()) * 12 + (sh.rows() + 1) * 4);
      }
    }
    // A block plus itself (one storage on both sides).
    VERIFY_CLOSE(cpu::toDense(through::addBlocks(a, a, 1.0)), Eigen::MatrixXd(2 * A));
    VERIFY_CLOSE(cpu::toDense(through::addBlocks(a, a, -1.0)), Eigen::MatrixXd::Zero(sh.rows(), sh.cols()).eval());
    QVERIFY(cpu::toDense(a) == A);
    QVERIFY(cpu::toDense(b) == B);
  }

  // addInto with an operand no longer needed (a back-substitution step's fresh product) gives
  // add's values and kind for every kind pair and sign; where a is Csr or Diagonal and b a Dense
  // block owned alone, the sum is written into b's storage (the route is taken, not only correct).
  void addIntoMovedOperand_data() { addBlocks_data(); }
  void addIntoMovedOperand() {
    const BlockPair p = blockPairOfRow(91);
    const CoefBlock &a = p.a, &b = p.b;
    const Eigen::MatrixXd &A = p.A, &B = p.B;
    for (double sign : {1.0, -1.0, 0.375}) {
      const CoefBlock want = through::addBlocks(a, b, sign);
      CoefBlock into = a;  // shares a's storage
      CoefBlock moved = b.kind() == Kind::Dense ? cpu::makeDense(B) : b;
      const void* movedStorage = moved.storage();
      through::backend().addInto(into, std::move(moved), sign);
      QCOMPARE(into.kind(), want.kind());
      QVERIFY(cpu::toDense(into) == cpu::toDense(want));
      const bool route = sign == 1.0 && (a.kind() == Kind::Csr || a.kind() == Kind::Diagonal) && b.kind() == Kind::Dense;
      QCOMPARE(into.storage() == movedStorage, route);
    }
    QVERIFY(cpu::toDense(a) == A);
    QVERIFY(cpu::toDense(b) == B);
  }

  void addBlocksRejectsDifferentExtents() {
    Random rnd(5);
    const CoefBlock a = cpu::makeDense(rnd.matrix(3, 4)), b = cpu::makeDense(rnd.matrix(4, 3));
    bool threw = false;
    try {
      (void)through::addBlocks(a, b, 1.0);
    } catch (const std::exception&) {
      threw = true;
    }
    QVERIFY(threw);
  }

  // scaleBlock(a, s) == s * A; every kind is kept (a Kernel's weights are scaled); a new
  // storage, the operand unchanged.
  void scaleBlock_data() { addShapeKindSeedRows(); }
  void scaleBlock() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    const Shape& sh = shapes()[size_t(shape)];
    Random rnd(31u * uint64_t(shape) + 5u * uint64_t(kind) + uint64_t(seed));
    const CoefBlock a = makeBlock(Kind(kind), sh, rnd);
    const Eigen::MatrixXd A = cpu::toDense(a);
    for (double s : {2.5, -1.0, 1e-3, 0.0, -7.25}) {
      const CoefBlock r = through::scaleBlock(a, s);
      QCOMPARE(r.kind(), a.kind());
      QCOMPARE(r.rows(), a.rows());
      QCOMPARE(r.cols(), a.cols());
      VERIFY_CLOSE(cpu::toDense(r), Eigen::MatrixXd(s * A));
      QVERIFY(r.storage() != a.storage());
      if (r.kind() == Kind::Kernel) {
        QCOMPARE(r.kernelBlock().geometry.outHeight, a.kernelBlock().geometry.outHeight);
        VERIFY_CLOSE(Eigen::MatrixXd(weightsOf(r.kernelBlock())), Eigen::MatrixXd(s * weightsOf(a.kernelBlock())));
      }
    }
    QVERIFY(cpu::toDense(a) == A);
  }

  // scaleRows(a, s) == diag(s) * A (finite s); Diagonal and Csr keep their kind, a Kernel becomes
  // its Toeplitz rows as Csr when its taps fill at most kCsrDensity of it (else Dense), and Dense
  // with a scale that is not finite (0 * inf is NaN there, as in the dense product).
  void scaleRows_data() { addShapeKindSeedRows(); }
  void scaleRows() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    const Shape& sh = shapes()[size_t(shape)];
    Random rnd(97u * uint64_t(shape) + 11u * uint64_t(kind) + uint64_t(seed));
    const CoefBlock a = makeBlock(Kind(kind), sh, rnd);
    const Eigen::MatrixXd A = cpu::toDense(a);
    for (int variant = 0; variant < 3; ++variant) {
      Eigen::VectorXd s = variant == 0 ? Eigen::VectorXd(rnd.vector(sh.rows()) * 3.0)
                          : variant == 1 ? Eigen::VectorXd::Zero(sh.rows()).eval()
                                         : Eigen::VectorXd::Ones(sh.rows()).eval();
      const CoefBlock r = through::scaleRows(a, s);
      const bool sparseKernel = a.kind() == Kind::Kernel && double(a.nonZeros()) <= CoefBlock::kCsrDensity *
                                                                                       double(sh.rows()) * double(sh.cols());
      QCOMPARE(r.kind(), a.kind() == Kind::Diagonal || a.kind() == Kind::Csr ? a.kind()
                         : sparseKernel                                    ? Kind::Csr
                                                                           : Kind::Dense);
      VERIFY_CLOSE(cpu::toDense(r), Eigen::MatrixXd(s.asDiagonal() * A));
    }
    if (a.kind() == Kind::Kernel && sh.rows() > 0 && sh.cols() > 0) {
      Eigen::VectorXd s = Eigen::VectorXd::Ones(sh.rows());
      s[0] = kInf;
      const CoefBlock r = through::scaleRows(a, s);
      QCOMPARE(r.kind(), Kind::Dense);
      const Eigen::MatrixXd R = cpu::toDense(r);
      for (Eigen::Index j = 0; j < A.cols(); ++j)  // row 0: inf * tap, NaN where no tap (0 * inf)
        QVERIFY(A(0, j) == 0 ? std::isnan(R(0, j)) : R(0, j) == kInf * A(0, j));
    }
    QVERIFY(cpu::toDense(a) == A);
    bool threw = false;
    try {
      (void)through::scaleRows(a, Eigen::VectorXd::Ones(sh.rows() + 1));
    } catch (const std::exception&) {
      threw = true;
    }
    QVERIFY(threw);
  }

  // keepRows(a, keep) == A with the dropped rows zero (none, some, all kept).
  void keepRows_data() { addShapeKindSeedRows(); }
  void keepRows() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    const Shape& sh = shapes()[size_t(shape)];
    Random rnd(131u * uint64_t(shape) + 13u * uint64_t(kind) + uint64_t(seed));
    const CoefBlock a = makeBlock(Kind(kind), sh, rnd);
    const Eigen::MatrixXd A = cpu::toDense(a);
    for (int variant = 0; variant < 3; ++variant) {
      std::vector<bool> keep(size_t(sh.rows()));
      for (size_t i = 0; i < keep.size(); ++i) keep[i] = variant == 0 ? rnd.coin(0.5) : variant == 1;
      Eigen::MatrixXd expected = A;
      for (Eigen::Index i = 0; i < expected.rows(); ++i)
        if (!keep[size_t(i)]) expected.row(i).setZero();
      const CoefBlock r = through::keepRows(a, keep);
      QCOMPARE(r.rows(), a.rows());
      QCOMPARE(r.cols(), a.cols());
      // Not documented in coef_block.h beyond the values; a Diagonal block has no reason to
      // become anything else.
      if (a.kind() == Kind::Diagonal) QCOMPARE(r.kind(), Kind::Diagonal);
      if (a.kind() == Kind::Csr) {  // documented: Csr keeps its kind, and stores no more
        QCOMPARE(r.kind(), Kind::Csr);
        QVERIFY(cpu::csrOf(r).nonZeros() <= cpu::csrOf(a).nonZeros());
      }
      VERIFY_CLOSE(cpu::toDense(r), expected);
    }
    QVERIFY(cpu::toDense(a) == A);
  }

  // selectRows(a, rows) == A's rows in that order; scatterRows puts them back (the other rows
  // zero); out-of-order or out-of-range rows are refused. Kinds: documented in backend.h.
  void selectAndScatterRows_data() { addShapeKindSeedRows(); }
  void selectAndScatterRows() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    const Shape& sh = shapes()[size_t(shape)];
    Random rnd(173u * uint64_t(shape) + 17u * uint64_t(kind) + uint64_t(seed));
    const CoefBlock a = makeBlock(Kind(kind), sh, rnd);
    const Eigen::MatrixXd A = cpu::toDense(a);
    for (int variant = 0; variant < 4; ++variant) {
      std::vector<int64_t> rows;  // some, every, one (the last), none
      for (int64_t i = 0; i < sh.rows(); ++i)
        if (variant == 0 ? rnd.coin(0.4) : variant == 1 || (variant == 2 && i == sh.rows() - 1)) rows.push_back(i);
      const CoefBlock picked = through::backend().selectRows(a, rows);
      QCOMPARE(picked.rows(), int64_t(rows.size()));
      QCOMPARE(picked.cols(), a.cols());
      const bool sparseKind = a.kind() == Kind::Diagonal || a.kind() == Kind::Kernel || a.kind() == Kind::Csr ||
                              (a.kind() == Kind::RowScaled && a.scaledBase().kind() == Kind::Kernel);
      QCOMPARE(picked.kind(), sparseKind ? Kind::Csr : Kind::Dense);
      Eigen::MatrixXd expected(Eigen::Index(rows.size()), A.cols());
      for (size_t k = 0; k < rows.size(); ++k) expected.row(Eigen::Index(k)) = A.row(rows[k]);
      VERIFY_CLOSE(cpu::toDense(picked), expected);
      const CoefBlock placed = through::backend().scatterRows(picked, rows, a.rows());
      QCOMPARE(placed.rows(), a.rows());
      Eigen::MatrixXd back = Eigen::MatrixXd::Zero(A.rows(), A.cols());
      for (int64_t r : rows) back.row(r) = A.row(r);
      VERIFY_CLOSE(cpu::toDense(placed), back);
      if (picked.kind() == Kind::Csr || 4 * rows.size() <= size_t(a.rows())) QCOMPARE(placed.kind(), Kind::Csr);
    }
    if (sh.rows() >= 2) {
      const std::vector<int64_t> descending = {1, 0}, outside = {sh.rows()};
      bool threw = false;
      try { through::backend().selectRows(a, descending); } catch (const std::runtime_error&) { threw = true; }
      QVERIFY(threw);
      threw = false;
      try { through::backend().selectRows(a, outside); } catch (const std::runtime_error&) { threw = true; }
      QVERIFY(threw);
      threw = false;
      try { through::backend().scatterRows(through::backend().selectRows(a, std::vector<int64_t>{0}), outside, sh.rows()); } catch (const std::runtime_error&) { threw = true; }
      QVERIFY(threw);
    }
    QVERIFY(cpu::toDense(a) == A);
  }

  // repeatRow(a, n) == n copies of A's one row, Dense.
  void repeatRow_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("seed");
    for (Kind k : kKinds)
      for (int seed = 1; seed <= 4; ++seed)
        QTest::newRow(qPrintable(QString("%1/seed%2").arg(kindName(k)).arg(seed))) << int(k) << seed;
  }
  void repeatRow() {
    QFETCH(int, kind);
    QFETCH(int, seed);
    Random rnd(uint64_t(seed) * 17u + uint64_t(kind));
    std::vector<CoefBlock> ones;
    switch (Kind(kind)) {
      case Kind::Dense:
        ones = {cpu::makeDense(rnd.matrix(1, 1)), cpu::makeDense(rnd.matrix(1, 9)), cpu::makeDense(rnd.matrix(1, 40))};
        break;
      case Kind::Diagonal: ones = {cpu::makeDiagonal(rnd.vector(1))}; break;
      case Kind::Kernel:
        for (const Shape& sh : shapes())
          if (sh.rows() == 1) ones.push_back(makeBlock(Kind::Kernel, sh, rnd));
        // A kernel over the whole input with padding cut away: one output too.
        ones.push_back(makeBlock(Kind::Kernel, {"c3to1_4x5_k4x5", geometry(3, 4, 5, 1, 4, 5, 1, 1, 0, 0, 0, 0, 1, 1)}, rnd));
        break;
      case Kind::Csr:
        ones = {csrOf(sparseMatrix(1, 1, rnd)), csrOf(sparseMatrix(1, 9, rnd)), csrOf(sparseMatrix(1, 40, rnd)),
                csrOf(Eigen::MatrixXd::Zero(1, 7)), csrOf(Eigen::MatrixXd::Constant(1, 3, -0.5))};
        break;
      case Kind::RowScaled:
        ones = {cpu::makeRowScaled(cpu::makeDense(rnd.matrix(1, 9)), rnd.vector(1))};
        break;
    }
    QVERIFY(!ones.empty());
    for (const CoefBlock& a : ones) {
      QCOMPARE(a.rows(), int64_t(1));
      QCOMPARE(a.kind(), Kind(kind));
      for (int64_t n : {int64_t(1), int64_t(2), int64_t(13)}) {
        const CoefBlock r = through::repeatRow(a, n);
        QCOMPARE(r.kind(), Kind::Dense);
        VERIFY_CLOSE(cpu::toDense(r), Eigen::MatrixXd(cpu::toDense(a).replicate(n, 1)));
      }
    }
  }

  // leftMultiply(C, b) == C * B for coefficient row counts 1, 3, 17 (finite values).
  void leftMultiply_data() { addShapeKindSeedRows(); }
  void leftMultiply() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    const Shape& sh = shapes()[size_t(shape)];
    Random rnd(211u * uint64_t(shape) + 19u * uint64_t(kind) + uint64_t(seed));
    const CoefBlock b = makeBlock(Kind(kind), sh, rnd);
    const Eigen::MatrixXd B = cpu::toDense(b);
    for (int64_t m : {int64_t(1), int64_t(3), int64_t(17)}) {
      const Eigen::MatrixXd c = rnd.matrix(m, sh.rows());
      VERIFY_CLOSE(through::leftMultiply(c, b), Eigen::MatrixXd(c * B));
    }
    // A Dense block that is diagonal in value (the dense executor's identities and ReLU
    // relaxations take a column-scaling shortcut).
    if (sh.square()) {
      const CoefBlock diagInDense = cpu::makeDense(Eigen::MatrixXd(rnd.vector(sh.rows()).asDiagonal()));
      const Eigen::MatrixXd c = rnd.matrix(5, sh.rows());
      VERIFY_CLOSE(through::leftMultiply(c, diagInDense), Eigen::MatrixXd(c * cpu::toDense(diagInDense)));
    }
  }

  // A product large enough to run the GEMM on several threads.
  void leftMultiplyLargeDense() {
    Random rnd(4242);
    const CoefBlock b = cpu::makeDense(rnd.matrix(512, 520));
    const Eigen::MatrixXd c = rnd.matrix(300, 512);
    VERIFY_CLOSE(through::leftMultiply(c, b), Eigen::MatrixXd(c * cpu::toDense(b)));
    // And a large Kernel: 8 -> 16 channels over 28x28 (cnn-like), 64 coefficient rows.
    const Shape big{"c8to16_28x28_k3_p1", geometry(8, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)};
    const CoefBlock k = makeBlock(Kind::Kernel, big, rnd);
    const Eigen::MatrixXd ck = rnd.matrix(64, big.rows());
    VERIFY_CLOSE(through::leftMultiply(ck, k), Eigen::MatrixXd(ck * cpu::toDense(k)));
    // Large enough that the transposed convolution runs in chunks of positions, which end inside
    // an output row: strided with padding, and dilated with asymmetric padding.
    // (Chunks hold 2^18 / (60 rows x taps) positions: 68 of 100 and 161 of 176 here.)
    for (const Shape& chunked : {Shape{"c4to16_20x20_k4_s2_p1", geometry(4, 20, 20, 16, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1)},
                                 Shape{"c3to4_16x14_k3_d2_p2120", geometry(3, 16, 14, 4, 3, 3, 1, 1, 2, 1, 2, 0, 2, 2)}}) {
      const CoefBlock kc = makeBlock(Kind::Kernel, chunked, rnd);
      const Eigen::MatrixXd cc = rnd.matrix(60, chunked.rows());
      VERIFY_CLOSE(through::leftMultiply(cc, kc), Eigen::MatrixXd(cc * cpu::toDense(kc)));
    }
    // And a large Csr: 600 x 700 with zero rows and columns, 200 coefficient rows.
    const CoefBlock s = csrOf(sparseMatrix(600, 700, rnd));
    const Eigen::MatrixXd cs = rnd.matrix(200, 600);
    VERIFY_CLOSE(through::leftMultiply(cs, s), Eigen::MatrixXd(cs * cpu::toDense(s)));
  }

  // Coefficients with zero columns (back-substitution through inactive ReLUs): the product over
  // the non-zero columns only equals the full product; a zero column against a row of the block
  // holding inf keeps the full product's NaN (0 * inf).
  void leftMultiplyZeroColumns() {
    Random rnd(977);
    const Eigen::MatrixXd m = rnd.matrix(64, 90);
    Eigen::MatrixXd c = rnd.matrix(60, 64);  // 60 x 90 outputs: over the packed product's size floor
    for (int j = 0; j < 64; j += 2) c.col(j).setZero();  // half the columns zero
    c(3, 10) = 0.0;                                          // and a zero inside a used column
    // Columns zero but for one value, at each place the column scan reads differently (its first
    // value, inside and at the ends of a 32-value step, in the rest after the last step).
    const int lone[] = {0, 7, 8, 31, 32, 40, 59};
    for (int k = 0; k < 7; ++k) c(lone[k], 2 * k + 20) = 0.5 + k;
    c(45, 40) = -1e-300;  // a subnormal-scale value is non-zero too
    const CoefBlock b = cpu::makeDense(m);
    const Eigen::MatrixXd expected = c * m;
    const Eigen::MatrixXd got = through::leftMultiply(c, b);
    VERIFY_CLOSE(got, expected);
    // A NaN alone in a zero column: its row of the product is NaN (nothing skipped).
    Eigen::MatrixXd cNaN = c;
    cNaN(50, 42) = std::numeric_limits<double>::quiet_NaN();
    const Eigen::MatrixXd withNaN = through::leftMultiply(cNaN, b);
    for (Eigen::Index j = 0; j < withNaN.cols(); ++j) QVERIFY(std::isnan(withNaN(50, j)));
    QVERIFY(std::isfinite(withNaN(49, 0)));
    // The block marked finite (a stored member) gives the same product.
    VERIFY_CLOSE(through::leftMultiply(c, through::backend().markedFinite(b)), expected);
    Eigen::MatrixXd mInf = m;
    mInf(4, 7) = std::numeric_limits<double>::infinity();  // row 4: a zero column of c
    const Eigen::MatrixXd withInf = through::leftMultiply(c, cpu::makeDense(mInf));
    for (Eigen::Index i = 0; i < c.rows(); ++i) QVERIFY2(std::isnan(withInf(i, 7)), "0 * inf must stay NaN");
    QVERIFY(std::isfinite(withInf(0, 6)));
  }

  // A Kernel's transposed convolution with coefficients that are zero over some output columns
  // (inactive ReLUs; whole positions too), by col2im (strided, 3 channels) and by per-tap GEMMs
  // (stride 1 from 8 channels, dilated too): C * T at every fraction of zero columns.
  void leftMultiplyKernelZeroColumns() {
    Random rnd(4711);
    int compared = 0;
    for (const Shape& sh : {Shape{"c8to16_12x12_k3_s2_p1", geometry(8, 12, 12, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)},
                            Shape{"c3to8_14x13_k4_s2_p1021", geometry(3, 14, 13, 8, 4, 4, 2, 2, 1, 0, 2, 1, 1, 1)},
                            Shape{"c16to16_8x8_k3_p1", geometry(16, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)},
                            Shape{"c8to4_9x9_k3_d2_p2", geometry(8, 9, 9, 4, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2)}}) {
      const CoefBlock k = makeBlock(Kind::Kernel, sh, rnd);
      const Eigen::MatrixXd T = cpu::toDense(k);
      const int64_t positions = int64_t(sh.g.outHeight) * sh.g.outWidth;
      for (int64_t rows : {int64_t(5), int64_t(40)})
        for (double zero : {0.0, 0.3, 0.5, 0.8, 1.0}) {
          Eigen::MatrixXd c = rnd.matrix(rows, sh.rows());
          for (int64_t j = 0; j < c.cols(); ++j)
            if (rnd.coin(zero)) c.col(j).setZero();
          for (int oc = 0; oc < sh.g.outChannels; ++oc) c.col(oc * positions).setZero();  // position 0: none active
          c(0, 1) = 0.0;  // a zero inside a column that is otherwise used
          VERIFY_CLOSE(through::leftMultiply(c, k), Eigen::MatrixXd(c * T));
          ++compared;
        }
    }
    QCOMPARE(compared, 4 * 2 * 5);
  }

  // With inf / -inf / NaN in the coefficients (and, separately, in the block), the result has
  // the dense product's NaN pattern (0 * inf = NaN is kept), its infinities, and its finite
  // values.
  void leftMultiplyNonFinite_data() { addShapeKindSeedRows(); }
  void leftMultiplyNonFinite() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    const Shape& sh = shapes()[size_t(shape)];
    Random rnd(307u * uint64_t(shape) + 23u * uint64_t(kind) + uint64_t(seed));
    const CoefBlock b = makeBlock(Kind(kind), sh, rnd);
    const Eigen::MatrixXd B = cpu::toDense(b);
    const double specials[] = {kInf, -kInf, kNaN};
    for (int variant = 0; variant < 4; ++variant) {
      Eigen::MatrixXd c = rnd.matrix(6, sh.rows());
      if (variant < 3) {
        // One special value in a random place of a few rows; row 5 stays finite.
        for (int i = 0; i < 5; ++i)
          if (rnd.coin(0.7)) c(i, rnd.index(sh.rows())) = specials[variant];
        c(0, rnd.index(sh.rows())) = specials[variant];
      } else {
        c(0, 0) = kInf, c(1, sh.rows() - 1) = -kInf, c(2, rnd.index(sh.rows())) = kNaN;
        c(3, 0) = kInf, c(3, sh.rows() - 1) = -kInf;  // inf + -inf
      }
      const Eigen::MatrixXd expected = c * B;
      const Eigen::MatrixXd actual = through::leftMultiply(c, b);
      VERIFY_CLOSE(actual, expected);
      QCOMPARE((actual.array().isNaN()).count(), (expected.array().isNaN()).count());
    }
    // Non-finite values in the block itself (finite coefficients, then an infinite one too).
    const CoefBlock nb = withNonFiniteValues(b, rnd);
    QCOMPARE(nb.kind(), b.kind());
    QVERIFY(!nb.allFinite());
    const Eigen::MatrixXd NB = cpu::toDense(nb);
    Eigen::MatrixXd c = rnd.matrix(4, sh.rows());
    {
      const Eigen::MatrixXd e = c * NB, r = through::leftMultiply(c, nb);
      VERIFY_CLOSE(r, e);
      QCOMPARE((r.array().isNaN()).count(), (e.array().isNaN()).count());
    }
    c(1, rnd.index(sh.rows())) = -kInf;
    {
      const Eigen::MatrixXd e = c * NB, r = through::leftMultiply(c, nb);
      VERIFY_CLOSE(r, e);
      QCOMPARE((r.array().isNaN()).count(), (e.array().isNaN()).count());
    }
  }

  void leftMultiplyRejectsWrongExtent() {
    Random rnd(9);
    const CoefBlock b = cpu::makeDiagonal(rnd.vector(4));
    bool threw = false;
    try {
      (void)through::leftMultiply(rnd.matrix(2, 5), b);
    } catch (const std::exception&) {
      threw = true;
    }
    QVERIFY(threw);
  }

  // Copies share storage; sameValues is true for the same values in another kind or storage and
  // false for other values or extents; identity is Diagonal (Dense for the dense executor).
  void storageAndSameValues_data() { addShapeKindSeedRows(); }
  void storageAndSameValues() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    const Shape& sh = shapes()[size_t(shape)];
    Random rnd(401u * uint64_t(shape) + 29u * uint64_t(kind) + uint64_t(seed));
    const CoefBlock a = makeBlock(Kind(kind), sh, rnd);
    const CoefBlock copy = a;  // NOLINT(performance-unnecessary-copy-initialization)
    QCOMPARE(copy.storage(), a.storage());
    QCOMPARE(copy.kind(), a.kind());
    QVERIFY(a.sameValues(copy));
    CoefBlock assigned;
    assigned = a;
    QCOMPARE(assigned.storage(), a.storage());

    const CoefBlock asDense = cpu::makeDense(cpu::toDense(a));
    QVERIFY(asDense.storage() != a.storage());
    QVERIFY(a.sameValues(asDense));
    QVERIFY(asDense.sameValues(a));
    if (a.kind() == Kind::Diagonal) {
      const CoefBlock again = cpu::makeDiagonal(cpu::diagonalOf(a));
      QVERIFY(again.storage() != a.storage());
      QVERIFY(a.sameValues(again));
    }
    if (a.kind() == Kind::Kernel) {
      const CoefBlock again = CoefBlock::kernel(std::make_shared<gbcsr::KernelBlock>(a.kernelBlock()), cpuBackend());
      QVERIFY(again.storage() != a.storage());
      QVERIFY(a.sameValues(again));
    }
    // The same values as Csr (another storage, another kind except for a Csr block).
    const CoefBlock asCsr = csrOf(cpu::toDense(a));
    QVERIFY(asCsr.storage() != a.storage());
    QVERIFY(a.sameValues(asCsr));
    QVERIFY(asCsr.sameValues(a));
    QVERIFY(asCsr.sameValues(asDense));
    QVERIFY(asDense.sameValues(asCsr));
    // Other values: change one stored non-zero of a dense copy.
    Eigen::MatrixXd other = cpu::toDense(a);
    Eigen::Index ri = 0, ci = 0;
    if (other.cwiseAbs().maxCoeff(&ri, &ci) > 0) {
      other(ri, ci) += 0.5;
      QVERIFY(!a.sameValues(cpu::makeDense(other)));
      QVERIFY(!cpu::makeDense(other).sameValues(a));
      QVERIFY(!a.sameValues(csrOf(other)));
      QVERIFY(!csrOf(other).sameValues(a));
    }
    // A new non-zero where there was a zero (outside a Csr block's pattern).
    Eigen::MatrixXd extra = cpu::toDense(a);
    const std::vector<std::pair<Eigen::Index, Eigen::Index>> zeros = [&] {
      std::vector<std::pair<Eigen::Index, Eigen::Index>> z;
      for (Eigen::Index j = 0; j < extra.cols(); ++j)
        for (Eigen::Index i = 0; i < extra.rows(); ++i)
          if (extra(i, j) == 0) z.emplace_back(i, j);
      return z;
    }();
    if (!zeros.empty()) {
      const auto [zi, zj] = zeros[size_t(rnd.index(int64_t(zeros.size())))];
      extra(zi, zj) = 0.25;
      QVERIFY(!a.sameValues(csrOf(extra)));
      QVERIFY(!csrOf(extra).sameValues(a));
      QVERIFY(!a.sameValues(cpu::makeDense(extra)));
    }
    // Other extents.
    QVERIFY(!a.sameValues(cpu::makeDense(Eigen::MatrixXd::Zero(sh.rows() + 1, sh.cols()))));
    QVERIFY(!a.sameValues(csrOf(Eigen::MatrixXd::Zero(sh.rows(), sh.cols() + 1))));
  }

  void sameValuesAcrossKindsWithoutDense() {
    // A 1x1 convolution with one channel and weight w is w * I: Kernel vs Diagonal.
    for (int n : {1, 3, 5}) {
      const ConvGeometry g = geometry(1, n, n + 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1);
      const CoefBlock k = CoefBlock::kernel(std::make_shared<gbcsr::KernelBlock>(gbcsr::KernelBlock{{-1.5}, g}), cpuBackend());
      QCOMPARE(k.kind(), Kind::Kernel);
      const CoefBlock d = cpu::makeDiagonal(Eigen::VectorXd::Constant(int64_t(n) * (n + 1), -1.5));
      QVERIFY(k.sameValues(d));
      QVERIFY(d.sameValues(k));
      QVERIFY(!k.sameValues(cpu::makeDiagonal(Eigen::VectorXd::Constant(int64_t(n) * (n + 1), 1.5))));
    }
    // identity(n): Diagonal ones, or Dense ones on the diagonal; the same values.
    for (int64_t n : {int64_t(1), int64_t(4), int64_t(30)}) {
      const CoefBlock i = through::backend().identityBlock(n, false), di = through::backend().identityBlock(n, true);
      QCOMPARE(i.kind(), Kind::Diagonal);
      QCOMPARE(di.kind(), Kind::Dense);
      QVERIFY(cpu::toDense(i) == Eigen::MatrixXd::Identity(n, n));
      QVERIFY(cpu::toDense(di) == Eigen::MatrixXd::Identity(n, n));
      QVERIFY(i.sameValues(di));
      QCOMPARE(i.bytes(), n * 8);
      QCOMPARE(di.bytes(), n * n * 8);
    }
    // The default block: an empty Dense one.
    const CoefBlock e;
    QCOMPARE(e.kind(), Kind::Dense);
    QCOMPARE(e.rows(), int64_t(0));
    QCOMPARE(e.cols(), int64_t(0));
  }

  // compressed(b, density): a Dense block whose non-zero fraction is <= density becomes Csr (the
  // boundary included), else the block itself is returned (same storage); the values are kept bit
  // for bit (tiny, subnormal, inf and NaN values are non-zeros; -0.0 is a zero); other kinds and
  // an empty block are returned as they are.
  void compressed_data() {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("cols");
    QTest::addColumn<int>("seed");
    const std::pair<int, int> extents[] = {{1, 1}, {1, 8}, {8, 1}, {4, 5}, {10, 10}, {7, 13}, {32, 24}};
    for (const auto& [r, c] : extents)
      for (int seed = 1; seed <= kSeeds; ++seed)
        QTest::newRow(qPrintable(QString("%1x%2/seed%3").arg(r).arg(c).arg(seed))) << r << c << seed;
  }
  void compressed() {
    QFETCH(int, rows);
    QFETCH(int, cols);
    QFETCH(int, seed);
    Random rnd(613u * uint64_t(rows) + 37u * uint64_t(cols) + uint64_t(seed));
    const int64_t size = int64_t(rows) * cols;
    // Every non-zero count from 0 to size, at random places, with special values among them.
    std::vector<int64_t> order(static_cast<size_t>(size));
    for (int64_t k = 0; k < size; ++k) order[size_t(k)] = k;
    std::shuffle(order.begin(), order.end(), std::mt19937_64(uint64_t(seed)));
    const double specials[] = {1e-300, std::numeric_limits<double>::denorm_min(), -kInf, kInf, kNaN, 1e300};
    for (int64_t nnz = 0; nnz <= size; ++nnz) {
      Eigen::MatrixXd m = Eigen::MatrixXd::Zero(rows, cols);
      for (int64_t k = 0; k < nnz; ++k) {
        double v = rnd.value();
        while (v == 0) v = rnd.value();
        if (rnd.coin(0.1)) v = specials[rnd.index(6)];
        m(order[size_t(k)] % rows, order[size_t(k)] / rows) = v;
      }
      if (nnz < size) m(order[size_t(nnz)] % rows, order[size_t(nnz)] / rows) = -0.0;  // a zero
      const CoefBlock d = cpu::makeDense(m);
      QCOMPARE(d.nonZeros(), nnz);
      // Thresholds: nnz / size (the boundary), a little above and below it, and the bounds.
      const double fraction = double(nnz) / double(size);
      for (double density : {fraction, fraction + 1e-9, fraction - 1e-9, 0.0, 1.0, CoefBlock::kCsrDensity}) {
        // Exactly: the sign of density * size - nnz (fma rounds once, keeping the sign). Where
        // the rounded nnz / size is not exactly the fraction, rounding decides the boundary:
        // skipped (it is exact for every nnz of the power-of-two sizes and many others).
        const double exact = std::fma(density, double(size), -double(nnz));
        if (density == fraction && exact != 0) continue;
        const bool expectCsr = exact >= 0;
        const CoefBlock c = through::backend().compressed(d, density);
        QCOMPARE(c.rows(), int64_t(rows));
        QCOMPARE(c.cols(), int64_t(cols));
        if (!expectCsr) {
          QCOMPARE(c.kind(), Kind::Dense);
          QCOMPARE(c.storage(), d.storage());
          continue;
        }
        QCOMPARE(c.kind(), Kind::Csr);
        QCOMPARE(c.gbcsrKind(), gbcsr::Kind::Csr);
        QCOMPARE(int64_t(cpu::csrOf(c).nonZeros()), nnz);  // only the non-zeros are stored
        QCOMPARE(c.nonZeros(), nnz);
        QCOMPARE(c.bytes(), nnz * 12 + (int64_t(rows) + 1) * 4);
        QCOMPARE(c.allFinite(), d.allFinite());
        // Bit for bit (NaN compared as NaN; -0.0 becomes a structural +0 zero, equal as a value).
        const Eigen::MatrixXd back = cpu::toDense(c);
        for (Eigen::Index j = 0; j < cols; ++j)
          for (Eigen::Index i = 0; i < rows; ++i) {
            if (std::isnan(m(i, j))) {
              QVERIFY(std::isnan(back(i, j)));
              continue;
            }
            QVERIFY2(back(i, j) == m(i, j), qPrintable(QString("(%1, %2)").arg(i).arg(j)));
            if (m(i, j) != 0) QCOMPARE(std::signbit(back(i, j)), std::signbit(m(i, j)));
          }
        for (Eigen::Index i = 0; i < rows; ++i) {
          const Eigen::VectorXd r = cpu::row(c, i), e = m.row(i).transpose();
          QVERIFY(((r.array() == e.array()) || (r.array().isNaN() && e.array().isNaN())).all());
        }
        if (d.allFinite()) QVERIFY(c.sameValues(d) && d.sameValues(c));
      }
      // The default density is the documented one.
      QCOMPARE(through::backend().compressed(d, CoefBlock::kCsrDensity).kind(),
               double(nnz) <= CoefBlock::kCsrDensity * double(size) ? Kind::Csr : Kind::Dense);
    }
  }

  void compressedKeepsOtherKinds() {
    Random rnd(77);
    for (const Shape& sh : shapes())
      for (Kind k : {Kind::Diagonal, Kind::Kernel, Kind::Csr}) {
        if (!kindFits(k, sh)) continue;
        const CoefBlock b = makeBlock(k, sh, rnd);
        for (double density : {0.0, 0.25, 1.0}) {
          const CoefBlock c = through::backend().compressed(b, density);
          QCOMPARE(c.kind(), k);
          QCOMPARE(c.storage(), b.storage());
        }
      }
    const CoefBlock empty;
    QCOMPARE(through::backend().compressed(empty, 1.0).kind(), Kind::Dense);
    QCOMPARE(through::backend().compressed(empty, 1.0).storage(), empty.storage());
    const CoefBlock emptyRows = cpu::makeDense(Eigen::MatrixXd(0, 5));
    QCOMPARE(through::backend().compressed(emptyRows, 1.0).kind(), Kind::Dense);
  }

  // A Csr block with explicitly stored zeros (as a sum's cancellations leave): nonZeros counts
  // values, bytes the stored entries; every operation still equals the dense computation.
  void csrWithStoredZeros() {
    Random rnd(1234);
    const Eigen::MatrixXd m = sparseMatrix(9, 11, rnd);
    const CoefBlock a = csrOf(m);
    const CoefBlock z = through::addBlocks(a, a, -1.0);
    QCOMPARE(z.kind(), Kind::Csr);
    QVERIFY(cpu::toDense(z) == Eigen::MatrixXd::Zero(9, 11));
    QCOMPARE(z.nonZeros(), int64_t(0));
    QCOMPARE(z.bytes(), int64_t(cpu::csrOf(z).nonZeros()) * 12 + 10 * 4);
    QVERIFY(z.sameValues(cpu::makeDense(Eigen::MatrixXd::Zero(9, 11))));
    const CoefBlock s0 = through::scaleBlock(a, 0.0);
    QCOMPARE(s0.kind(), Kind::Csr);
    QCOMPARE(s0.nonZeros(), int64_t(0));
    QVERIFY(cpu::toDense(s0) == Eigen::MatrixXd::Zero(9, 11));
    // Operations on a block with stored zeros.
    const Eigen::MatrixXd c = rnd.matrix(4, 9);
    VERIFY_CLOSE(through::leftMultiply(c, z), Eigen::MatrixXd(c * cpu::toDense(z)));
    const CoefBlock sum = through::addBlocks(z, a, 2.0);
    VERIFY_CLOSE(cpu::toDense(sum), Eigen::MatrixXd(2 * m));
    QCOMPARE(sum.nonZeros(), a.nonZeros());
  }

  // Csr structural zeros are true zeros: with an infinite (or NaN) row scale the stored entries
  // become s[i] * v (inf, or NaN for a NaN scale) and the structural zeros stay 0, as a Diagonal
  // block's off-diagonal zeros do; the dense form (0 * inf) would have NaN there. With finite
  // scales the result equals the dense computation (scaleRows above). keepRows multiplies
  // nothing: its result is the dense computation also with non-finite stored values.
  void rowViewsOfAKernelStayConvolutions() {
    // With row views on (the g-BCSR executor), a Kernel's rows scaled or kept are RowScaled views
    // of it (its convolutions stay), equal to the dense computation; a view plus or minus its own
    // base stays a view (scale s + sign, or 1 + sign s); with a scale or weight that is not finite
    // the dense (scaleRows) or Csr (keepRows) forms are kept, as without views.
    const RowViews views(true);
    for (size_t si = 0; si < shapes().size(); ++si) {
      const Shape& sh = shapes()[si];
      Random rnd(4242u + si);
      const CoefBlock k = makeBlock(Kind::Kernel, sh, rnd);
      const Eigen::MatrixXd K = cpu::toDense(k);
      const Eigen::VectorXd s = rnd.vector(sh.rows());
      const CoefBlock scaled = through::scaleRows(k, s);
      QCOMPARE(scaled.kind(), Kind::RowScaled);
      QCOMPARE(scaled.scaledBase().storage(), k.storage());
      VERIFY_CLOSE(cpu::toDense(scaled), Eigen::MatrixXd(s.asDiagonal() * K));
      std::vector<bool> keep(size_t(sh.rows()));
      for (size_t i = 0; i < keep.size(); ++i) keep[i] = rnd.coin(0.5);
      if (!keep.empty()) keep[0] = false;  // every row kept is the block itself
      const CoefBlock kept = through::keepRows(k, keep);
      QCOMPARE(kept.kind(), keep.empty() ? Kind::Kernel : Kind::RowScaled);
      Eigen::MatrixXd expectedKept = K;
      for (Eigen::Index i = 0; i < K.rows(); ++i)
        if (!keep[size_t(i)]) expectedKept.row(i).setZero();
      VERIFY_CLOSE(cpu::toDense(kept), expectedKept);
      for (double sign : {1.0, -1.0}) {
        const CoefBlock viewPlusBase = through::addBlocks(scaled, k, sign);
        QCOMPARE(viewPlusBase.kind(), Kind::RowScaled);
        VERIFY_CLOSE(cpu::toDense(viewPlusBase), Eigen::MatrixXd(s.asDiagonal() * K + sign * K));
        const CoefBlock basePlusView = through::addBlocks(k, scaled, sign);
        QCOMPARE(basePlusView.kind(), Kind::RowScaled);
        VERIFY_CLOSE(cpu::toDense(basePlusView), Eigen::MatrixXd(K + sign * (s.asDiagonal() * K)));
      }
      if (sh.rows() > 0 && sh.cols() > 0) {
        Eigen::VectorXd inf = s;
        inf[0] = kInf;
        QCOMPARE(through::scaleRows(k, inf).kind(), Kind::Dense);  // NaN where row 0 has no tap
        gbcsr::KernelBlock withInf = k.kernelBlock();
        withInf.weight[0] = kInf;
        const CoefBlock kInfWeight = CoefBlock::kernel(std::make_shared<gbcsr::KernelBlock>(withInf), cpuBackend());
        QVERIFY(through::keepRows(kInfWeight, keep).kind() != Kind::RowScaled);
      }
    }
  }

  void csrNonFiniteRowScaleKeepsStructuralZeros() {
    Random rnd(99);
    for (int rep = 0; rep < 5; ++rep) {
      const Eigen::MatrixXd m = sparseMatrix(8 + rep, 6 + 2 * rep, rnd);
      const CoefBlock a = csrOf(m);
      Eigen::VectorXd s = rnd.vector(m.rows());
      const Eigen::Index infRow = rnd.index(m.rows()), nanRow = (infRow + 1) % m.rows();
      s[infRow] = rep % 2 == 0 ? kInf : -kInf;
      s[nanRow] = kNaN;
      const CoefBlock r = through::scaleRows(a, s);
      QCOMPARE(r.kind(), Kind::Csr);
      const Eigen::MatrixXd R = cpu::toDense(r);
      for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j) {
          if (m(i, j) == 0) {
            QCOMPARE(R(i, j), 0.0);  // a structural zero, whatever the scale
            continue;
          }
          const double e = s[i] * m(i, j);
          if (std::isnan(e)) QVERIFY(std::isnan(R(i, j)));
          else if (std::isinf(e)) QCOMPARE(R(i, j), e);
          else QVERIFY(std::abs(R(i, j) - e) <= kTol * std::max(1.0, std::abs(e)));
        }
      // The dense form has NaN at the inf row's zeros (0 * inf) and on the whole NaN row; the
      // Csr form only at the NaN row's stored values. Elsewhere the two agree.
      const Eigen::MatrixXd D = cpu::toDense(through::scaleRows(cpu::makeDense(m), s));
      QCOMPARE(int64_t(D.row(infRow).array().isNaN().count()), int64_t((m.row(infRow).array() == 0).count()));
      QCOMPARE(int64_t(R.row(infRow).array().isNaN().count()), int64_t(0));
      QCOMPARE(int64_t(D.row(nanRow).array().isNaN().count()), int64_t(m.cols()));
      QCOMPARE(int64_t(R.row(nanRow).array().isNaN().count()), int64_t((m.row(nanRow).array() != 0).count()));
      for (Eigen::Index i = 0; i < m.rows(); ++i)
        if (i != infRow && i != nanRow) VERIFY_CLOSE(Eigen::MatrixXd(R.row(i)), Eigen::MatrixXd(D.row(i)));

      // keepRows with non-finite stored values: the dense computation exactly.
      Eigen::MatrixXd mn = m;
      mn(rnd.index(m.rows()), rnd.index(m.cols())) = kInf;
      mn(rnd.index(m.rows()), rnd.index(m.cols())) = kNaN;
      std::vector<bool> keep(size_t(m.rows()));
      for (size_t i = 0; i < keep.size(); ++i) keep[i] = rnd.coin(0.5);
      Eigen::MatrixXd expected = mn;
      for (Eigen::Index i = 0; i < expected.rows(); ++i)
        if (!keep[size_t(i)]) expected.row(i).setZero();
      const CoefBlock k = through::keepRows(csrOf(mn), keep);
      QCOMPARE(k.kind(), Kind::Csr);
      VERIFY_CLOSE(cpu::toDense(k), expected);
      QCOMPARE(k.allFinite(), expected.allFinite());
    }
  }

  // Operations produce blocks that do not alias their operands' storage, so the immutable,
  // shared storage of a copy is never changed by an operation on another copy.
  // checkedFinite marks a block whose maker checked its values: allFinite answers from the mark,
  // copies keep it, a block opened for writing (uniqueDense) loses it.
  void checkedFiniteMark() {
    Random rnd(31);
    CoefBlock plain = cpu::makeDense(rnd.matrix(3, 4));
    QVERIFY(!plain.knownFinite());
    QVERIFY(plain.allFinite());
    CoefBlock marked = cpu::makeDense(rnd.matrix(3, 4)).checkedFinite();
    QVERIFY(marked.knownFinite());
    const CoefBlock copy = marked;
    QVERIFY(copy.knownFinite());
    CoefBlock alone = cpu::makeDense(rnd.matrix(2, 2)).checkedFinite();
    Eigen::MatrixXd* m = cpu::uniqueDense(alone);
    QVERIFY(m);
    (*m)(0, 0) = std::numeric_limits<double>::infinity();
    QVERIFY(!alone.knownFinite());
    QVERIFY(!alone.allFinite());
  }

  // Backend::markedFinite marks a block of any kind whose values are finite (the same storage,
  // allFinite then answers from the mark) and leaves one with an inf or a NaN unmarked.
  void backendMarkedFinite_data() { addShapeKindSeedRows(); }
  void backendMarkedFinite() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    const Shape& sh = shapes()[size_t(shape)];
    Random rnd(613u * uint64_t(shape) + 29u * uint64_t(kind) + uint64_t(seed));
    const CoefBlock b = makeBlock(Kind(kind), sh, rnd);
    const CoefBlock marked = through::backend().markedFinite(b);
    QVERIFY(marked.knownFinite());
    QCOMPARE(marked.kind(), b.kind());
    QCOMPARE(marked.storage(), b.storage());
    QVERIFY(through::backend().markedFinite(marked).knownFinite());
    const CoefBlock bad = through::backend().markedFinite(withNonFiniteValues(b, rnd));
    QVERIFY(!bad.knownFinite());
    QVERIFY(!bad.allFinite());
  }

  void operationsDoNotChangeSharedStorage() {
    Random rnd(8);
    const Shape& sh = shapes()[3];  // square
    for (Kind k : kKinds) {
      const CoefBlock a = makeBlock(k, sh, rnd);
      const CoefBlock shared = a;
      const Eigen::MatrixXd before = cpu::toDense(shared);
      std::vector<bool> keep(size_t(sh.rows()), false);
      const CoefBlock r1 = through::scaleBlock(a, 3.0);
      const CoefBlock r2 = through::scaleRows(a, Eigen::VectorXd::Constant(sh.rows(), 2.0));
      const CoefBlock r3 = through::keepRows(a, keep);
      const CoefBlock r4 = through::addBlocks(a, shared, 1.0);
      for (const CoefBlock* r : {&r1, &r2, &r3, &r4}) QVERIFY(r->storage() != shared.storage());
      QVERIFY(cpu::toDense(shared) == before);
      QCOMPARE(shared.storage(), a.storage());
    }
  }

  // RowScaled: diag(s) x a Dense block, made by scaleRows/keepRows/scaleBlock only while
  // RowViews is on (the g-BCSR executor), with values equal to the dense computation.
  void rowViews() {
    Random rnd(2026);
    for (int trial = 0; trial < 20; ++trial) {
      const int64_t rows = 1 + rnd.index(30), cols = 8 + rnd.index(40);
      const Eigen::MatrixXd A = rnd.matrix(rows, cols);
      const CoefBlock a = cpu::makeDense(A);
      const Eigen::VectorXd s = rnd.vector(rows), t = rnd.vector(rows);
      std::vector<bool> keep(static_cast<size_t>(rows));
      for (auto&& k : keep) k = rnd.index(3) != 0;
      {
        const cert::runtime::RowViews off(false);
        QCOMPARE(through::scaleRows(a, s).kind(), Kind::Dense);  // the dense executor copies
      }
      const cert::runtime::RowViews on(true);
      const CoefBlock v = through::scaleRows(a, s);
      QCOMPARE(v.kind(), Kind::RowScaled);
      QCOMPARE(v.scaledBase().storage(), a.storage());  // the rows are not copied
      QCOMPARE(v.bytes(), rows * 8);
      VERIFY_CLOSE(cpu::toDense(v), Eigen::MatrixXd(s.asDiagonal() * A));
      for (int64_t i = 0; i < rows; ++i) VERIFY_CLOSE(Eigen::MatrixXd(cpu::row(v, i)), Eigen::MatrixXd((s[i] * A.row(i)).transpose()));
      QCOMPARE(v.nonZeros(), int64_t((cpu::toDense(v).array() != 0).count()));
      // Views of views compose; keepRows zeroes rows exactly; scaleBlock scales.
      const CoefBlock vv = through::scaleRows(v, t);
      QCOMPARE(vv.kind(), Kind::RowScaled);
      VERIFY_CLOSE(cpu::toDense(vv), Eigen::MatrixXd(t.asDiagonal() * (s.asDiagonal() * A)));
      const CoefBlock k = through::keepRows(v, keep);
      QCOMPARE(k.kind(), Kind::RowScaled);
      Eigen::MatrixXd K = s.asDiagonal() * A;
      for (int64_t i = 0; i < rows; ++i)
        if (!keep[static_cast<size_t>(i)]) K.row(i).setZero();
      QVERIFY(cpu::toDense(k) == K);
      VERIFY_CLOSE(cpu::toDense(through::scaleBlock(v, -2.5)), Eigen::MatrixXd(-2.5 * (s.asDiagonal() * A)));
      // Two views of one block add as one view (a ReLU's select); of different blocks densely.
      const CoefBlock sum = through::addBlocks(v, through::scaleRows(a, t), -1.0);
      QCOMPARE(sum.kind(), Kind::RowScaled);
      VERIFY_CLOSE(cpu::toDense(sum), Eigen::MatrixXd((s - t).asDiagonal() * A));
      const CoefBlock other = through::scaleRows(cpu::makeDense(rnd.matrix(rows, cols)), t);
      const CoefBlock mixed = through::addBlocks(v, other, 1.0);
      QCOMPARE(mixed.kind(), Kind::Dense);
      VERIFY_CLOSE(cpu::toDense(mixed), Eigen::MatrixXd(cpu::toDense(v) + cpu::toDense(other)));
      CoefBlock into = cpu::makeDense(rnd.matrix(rows, cols));
      const Eigen::MatrixXd before = cpu::toDense(into);
      through::backend().addInto(into, v, 0.5);
      VERIFY_CLOSE(cpu::toDense(into), Eigen::MatrixXd(before + 0.5 * cpu::toDense(v)));
      // Products: C @ view == C @ dense, also with non-finite coefficients (same NaN places).
      Eigen::MatrixXd c = rnd.matrix(5, rows);
      VERIFY_CLOSE(through::leftMultiply(c, v), Eigen::MatrixXd(c * cpu::toDense(v)));
      c(rnd.index(5), rnd.index(rows)) = kInf;
      VERIFY_CLOSE(through::leftMultiply(c, v), Eigen::MatrixXd(c * cpu::toDense(v)));
      QVERIFY(v.sameValues(cpu::makeDense(cpu::toDense(v))));
      // Zeroing the row of an infinite scale gives exact zeros, as on the dense form.
      Eigen::VectorXd inf = s;
      inf[0] = kInf;
      std::vector<bool> dropFirst(static_cast<size_t>(rows), true);
      dropFirst[0] = false;
      const CoefBlock z = through::keepRows(through::scaleRows(a, inf), dropFirst);
      QVERIFY(cpu::toDense(z).row(0).isZero(0.0));
      // Non-finite blocks are not viewed (row zeroing must stay exact).
      Eigen::MatrixXd I = A;
      I(0, 0) = kInf;
      QCOMPARE(through::scaleRows(cpu::makeDense(I), s).kind(), Kind::Dense);
    }
  }

  // The rest of the Backend interface, per kind, against the same computation on toDense():
  // B @ x, zero-keeping maps (max(., 0), min(., 0), scaling), the rows' non-zero terms, and
  // products of several coefficient matrices over one block.
  // S @ T for a CSR S and a Kernel's Toeplitz T accumulated per row over its receptive field
  // (cpu::csrTimesKernel, the sign-split products' sparse route) equals the dense product, on every
  // geometry (strides, asymmetric pads, dilation, a kernel larger than its input), with zero rows
  // and columns in S; its column indices ascend and it stores no zeros.
  void csrTimesKernelMatchesDense() {
    for (const Shape& sh : shapes())
      for (int seed = 1; seed <= 3; ++seed) {
        Random rnd(uint64_t(seed) * 104729 + uint64_t(sh.rows()));
        const CoefBlock k = makeBlock(Kind::Kernel, sh, rnd);
        const Eigen::MatrixXd s = sparseMatrix(7, sh.rows(), rnd);
        const cpu::SparseRM got = cpu::csrTimesKernel(cpu::SparseRM(s.sparseView(0.0, 0.0)), k.kernelBlock());
        QCOMPARE(got.rows(), int64_t(7));
        QCOMPARE(got.cols(), sh.cols());
        VERIFY_CLOSE(Eigen::MatrixXd(got), Eigen::MatrixXd(s * cpu::toDense(k)));
        for (Eigen::Index r = 0; r < got.rows(); ++r)
          for (int n = got.outerIndexPtr()[r]; n < got.outerIndexPtr()[r + 1]; ++n) {
            QVERIFY2(got.valuePtr()[n] != 0, qPrintable(QString::fromStdString(sh.name) + ": a stored zero"));
            if (n > got.outerIndexPtr()[r]) QVERIFY(got.innerIndexPtr()[n] > got.innerIndexPtr()[n - 1]);
          }
      }
  }

  void backendTimesMatchesDense_data() { addShapeKindSeedRows(); }
  void backendTimesMatchesDense() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    Random rnd(uint64_t(seed) * 7919 + uint64_t(shape) * 31 + uint64_t(kind));
    const Shape& sh = shapes()[size_t(shape)];
    const CoefBlock b = makeBlock(Kind(kind), sh, rnd);
    const Eigen::VectorXd x = rnd.vector(sh.cols());
    const Tensor got = through::backend().times(b, cpu::columnTensor(x));
    QCOMPARE(got.r, sh.rows());
    VERIFY_CLOSE(cpu::hostMatrix(got, sh.rows(), 1), Eigen::MatrixXd(cpu::toDense(b) * x));
  }

  void backendMapZeroKeepingMatchesDense_data() { addShapeKindSeedRows(); }
  void backendMapZeroKeepingMatchesDense() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    Random rnd(uint64_t(seed) * 104729 + uint64_t(shape) * 17 + uint64_t(kind));
    const Shape& sh = shapes()[size_t(shape)];
    const CoefBlock b = makeBlock(Kind(kind), sh, rnd);
    const Eigen::MatrixXd d = cpu::toDense(b);
    using Named = cert::runtime::Backend::ZeroKeepingMap;
    const std::vector<std::pair<Named, std::function<double(double)>>> maps = {
        {{Named::Op::Max, 0}, [](double v) { return std::max(v, 0.0); }},
        {{Named::Op::Min, 0}, [](double v) { return std::min(v, 0.0); }},
        {{Named::Op::Abs, 0}, [](double v) { return std::abs(v); }},
        {{Named::Op::Mul, -2.5}, [](double v) { return -2.5 * v; }}};
    for (const auto& [named, f] : maps) {
      // The map as a function and as a named operator (applied without a call per value).
      for (const CoefBlock& m : {through::backend().mapZeroKeeping(b, f), through::backend().mapZeroKeeping(b, named)}) {
        VERIFY_CLOSE(cpu::toDense(m), Eigen::MatrixXd(d.unaryExpr(f)));
        // Kernel and Diagonal keep their kind (a Toeplitz entry is one tap or 0).
        if (b.kind() == Kind::Kernel || b.kind() == Kind::Diagonal) QCOMPARE(int(m.kind()), int(b.kind()));
      }
    }
  }

  void backendNonZeroTermsMatchDense_data() { addShapeKindSeedRows(); }
  void backendNonZeroTermsMatchDense() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    Random rnd(uint64_t(seed) * 1299709 + uint64_t(shape) * 13 + uint64_t(kind));
    const Shape& sh = shapes()[size_t(shape)];
    const CoefBlock b = makeBlock(Kind(kind), sh, rnd);
    const Eigen::MatrixXd d = cpu::toDense(b);
    const int64_t nnz = (d.array() != 0).count();
    for (double density : {1.0, 0.25, 0.0}) {
      const std::optional<RowTerms> t = through::backend().nonZeroTerms(b, density, nullptr);
      // Diagonal rows are always terms; rows of a RowScaled view of a Dense block never are;
      // the other kinds (a RowScaled Kernel: its scaled taps) give terms exactly when their
      // stored non-zeros fit the density.
      if (b.kind() == Kind::RowScaled && b.scaledBase().kind() == Kind::Dense) {
        QVERIFY(!t);
        continue;
      }
      const double stored = b.kind() == Kind::Csr                                   ? double(cpu::csrOf(b).nonZeros())
                             : b.kind() == Kind::Kernel || b.kind() == Kind::RowScaled ? double(b.nonZeros())
                                                                                     : double(nnz);
      const bool expected = b.kind() == Kind::Diagonal || stored <= density * double(sh.rows()) * double(sh.cols());
      QCOMPARE(bool(t), expected);
      if (!t) continue;
      // Rebuilt from the terms: the same matrix; every listed term is non-zero; each row's
      // terms are the row's non-zeros (none missing).
      Eigen::MatrixXd rebuilt = Eigen::MatrixXd::Zero(sh.rows(), sh.cols());
      int64_t widest = 0;
      for (int64_t r = 0; r < sh.rows(); ++r) {
        const auto& w = t->windows[size_t(r)];
        widest = std::max<int64_t>(widest, int64_t(w.size()));
        QCOMPARE(int64_t(w.size()), int64_t((d.row(r).array() != 0).count()));
        for (size_t k = 0; k < w.size(); ++k) {
          QVERIFY(t->where.at(r, int64_t(k), 0) == 1);
          QVERIFY(t->values.at(r, int64_t(k), 0) != 0);
          rebuilt(r, w[k]) += t->values.at(r, int64_t(k), 0);
        }
        for (int64_t k = int64_t(w.size()); k < t->width; ++k) QVERIFY(t->where.at(r, k, 0) == 0);
      }
      QCOMPARE(t->width, std::max<int64_t>(widest, 1));
      VERIFY_CLOSE(rebuilt, d);
    }
  }

  void backendBatchedProductMatchesDense_data() { addShapeKindSeedRows(); }
  void backendBatchedProductMatchesDense() {
    QFETCH(int, shape);
    QFETCH(int, kind);
    QFETCH(int, seed);
    Random rnd(uint64_t(seed) * 15485863 + uint64_t(shape) * 11 + uint64_t(kind));
    const Shape& sh = shapes()[size_t(shape)];
    const CoefBlock b = makeBlock(Kind(kind), sh, rnd);
    const Eigen::MatrixXd B = cpu::toDense(b);
    std::vector<Eigen::MatrixXd> coefs = {rnd.matrix(1, sh.rows()), rnd.matrix(3, sh.rows()), rnd.matrix(17, sh.rows())};
    std::vector<Tensor> tensors;
    for (const Eigen::MatrixXd& c : coefs) tensors.push_back(cpu::matrixTensor(c));
    std::vector<const Tensor*> ptrs;
    for (const Tensor& t : tensors) ptrs.push_back(&t);
    const std::vector<CoefBlock> out = through::backend().leftMultiplyBatch(ptrs, b);
    QCOMPARE(out.size(), coefs.size());
    for (size_t k = 0; k < coefs.size(); ++k) VERIFY_CLOSE(cpu::toDense(out[k]), Eigen::MatrixXd(coefs[k] * B));
  }

  // matVec over a full and a broadcast vector, and host transfers, equal the plain computation;
  // the backend registry answers "cpu" and refuses "cuda" (this build has none) and unknown names
  // with a message.
  void backendTensorsAndRegistry() {
    Random rnd(5);
    const Eigen::MatrixXd m = rnd.matrix(7, 5);
    const Eigen::VectorXd x = rnd.vector(5);
    const Backend& be = through::backend();
    VERIFY_CLOSE(cpu::hostMatrix(be.matVec(cpu::matrixTensor(m), cpu::columnTensor(x)), 7, 1), Eigen::MatrixXd(m * x));
    VERIFY_CLOSE(cpu::hostMatrix(be.matVec(cpu::matrixTensor(m), Tensor::scalar(2.0)), 7, 1),
                 Eigen::MatrixXd(m * Eigen::VectorXd::Constant(5, 2.0)));
    // Over k columns (a batch frame's items, column after column): one product, [r x 1 x k]; at
    // the sizes where the GEMM goes to OpenBLAS (64 x 40 x 20) and below; a wrong extent refused.
    for (const auto& [r, c, k] : {std::tuple{7, 5, 3}, std::tuple{64, 40, 20}}) {
      const Eigen::MatrixXd a = rnd.matrix(r, c), cols = rnd.matrix(c, k);
      Tensor items = Tensor::uninitialized(1, c, k);
      std::copy(cols.data(), cols.data() + cols.size(), items.v.data());
      const Tensor product = be.matVec(cpu::matrixTensor(a), items);
      QCOMPARE(product.r, int64_t(r));
      QCOMPARE(product.d, int64_t(k));
      VERIFY_CLOSE(Eigen::Map<const Eigen::MatrixXd>(product.v.data(), r, k), Eigen::MatrixXd(a * cols));
    }
    QVERIFY_THROWS_EXCEPTION(std::logic_error, be.matVec(cpu::matrixTensor(m), cpu::columnTensor(rnd.vector(7))));
    const std::vector<double> host = {1.5, -2, 0, 7};
    const Tensor up = be.upload(host);
    QCOMPARE(up.r, int64_t(4));
    QCOMPARE(be.download(up), host);
    QCOMPARE(std::string(be.name()), std::string("cpu"));
    QCOMPARE(std::string(dtypeName(be.dtype())), std::string("float64"));
    const Result<const Backend*> cpu = backendNamed("cpu");
    QVERIFY(cpu.ok() && *cpu.value == &be);
#ifndef CERTSTUDIO_HAVE_CUDA
    const Result<const Backend*> cuda = backendNamed("cuda");
    QVERIFY(!cuda.ok());
    QVERIFY(QString::fromStdString(cuda.diagnostics.at(0).message).contains("cuda"));
#endif
    const Result<const Backend*> other = backendNamed("tpu");
    QVERIFY(!other.ok());
    QVERIFY(QString::fromStdString(other.diagnostics.at(0).message).contains("unknown backend 'tpu'"));
  }
};

QTEST_APPLESS_MAIN(TestCoefBlock)
#include "tst_coef_block.moc"
