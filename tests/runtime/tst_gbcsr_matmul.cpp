// g-BCSR batched matmul for every kind pair against the dense product (1e-12 relative to the sum
// of |terms|), with zero, non-zero and infinite defaults; and describe() on known layouts.
#include <QtTest>

#include <algorithm>
#include <limits>
#include <random>

#include "runtime/gbcsr/kernel_block.h"
#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/convolution.h"
#include "tests/support/gbcsr_reference/matmul.h"
#include "tests/support/gbcsr_reference/random.h"
#include "tests/support/conv_toeplitz.h"

using namespace cert::gbcsr;
Q_DECLARE_METATYPE(cert::gbcsr::Kind)

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const std::vector<Kind> kAllKinds{Kind::Dense, Kind::Constant, Kind::Diagonal, Kind::Broadcast, Kind::Kernel, Kind::Csr};

KernelBlock smallKernel() {
  KernelBlock kb;
  cert::ConvGeometry& g = kb.geometry;
  g.inChannels = 2, g.inHeight = g.inWidth = 4, g.outChannels = 3, g.outHeight = g.outWidth = 2;
  g.kernelH = g.kernelW = 2, g.strideH = g.strideW = 2;
  kb.weight = cert::test::valuesOf(Eigen::VectorXd::Random(24));
  return kb;
}

Tensor makeTensor(std::mt19937& rng, Kind k, double def, int64_t rows, int64_t cols) {
  if (k != Kind::Kernel) return randomTensor(rng, 2, rows, cols, def, {k}, 4);
  Tensor t = Tensor::filled(2, rows, cols, def);
  std::uniform_int_distribution<int64_t> r0(0, rows - 12), c0(0, cols - 32);
  t.add(Block{Box::of(0, 2, r0(rng), 12, c0(rng), 32), smallKernel()});
  return t;
}

}  // namespace

/// The Toeplitz matrix of a convolution written from its definition (not via KernelBlock).
Eigen::MatrixXd toeplitz(const KernelBlock& k) { return cert::test::convToeplitz(k.geometry, k.weight); }

class TestGbcsrMatmul : public QObject {
  Q_OBJECT

 private slots:
  /// T @ X (im2col + GEMM, or a direct convolution over 4+ columns), the fused interval product and
  /// X @ T (GEMM + col2im) against the Toeplitz matrix, over geometries
  /// with padding on one or both sides, strides, dilation and windows that never fit at the edges.
  void kernelProductsMatchToeplitz_data() {
    QTest::addColumn<QList<int>>("geometry");  // inC inH inW outC kH kW sH sW padT padL padB padR dH dW
    QTest::newRow("plain") << QList<int>{2, 5, 5, 3, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1};
    QTest::newRow("pad1") << QList<int>{1, 4, 6, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1};
    QTest::newRow("stride2-pad-asym") << QList<int>{3, 7, 6, 4, 4, 3, 2, 2, 1, 2, 2, 0, 1, 1};
    QTest::newRow("dilated") << QList<int>{2, 8, 8, 2, 3, 2, 1, 2, 2, 1, 2, 1, 2, 3};
    QTest::newRow("1x1-stride3") << QList<int>{4, 7, 7, 5, 1, 1, 3, 3, 0, 0, 0, 0, 1, 1};
    // kernelTimes' col buffer holds 2 columns here (5 columns: chunks of 2, 2, 1).
    QTest::newRow("chunks-of-2") << QList<int>{8, 16, 16, 3, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1};
    // A stride that leaves the last input row and column unread (no padding, col fully written).
    QTest::newRow("stride2-uncovered-edge") << QList<int>{2, 10, 10, 3, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1};
    // From 8 input channels X @ T is a direct transposed convolution over 16+ rows in blocks of 8
    // channels (10: a block of 8 and one of 2; from 3, blocks of 4): strides, asymmetric padding,
    // dilation.
    QTest::newRow("10ch-stride2-pad-asym") << QList<int>{10, 7, 6, 4, 4, 3, 2, 2, 1, 2, 2, 0, 1, 1};
    QTest::newRow("8ch-dilated") << QList<int>{8, 8, 8, 2, 3, 2, 1, 2, 2, 1, 2, 1, 2, 3};
    QTest::newRow("9ch-stride2-uncovered-edge") << QList<int>{9, 10, 10, 3, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1};
    QTest::newRow("16ch-pad1") << QList<int>{16, 5, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1};
  }
  void kernelProductsMatchToeplitz() {
    QFETCH(QList<int>, geometry);
    KernelBlock k;
    cert::ConvGeometry& g = k.geometry;
    g.inChannels = geometry[0], g.inHeight = geometry[1], g.inWidth = geometry[2], g.outChannels = geometry[3];
    g.kernelH = geometry[4], g.kernelW = geometry[5], g.strideH = geometry[6], g.strideW = geometry[7];
    g.padTop = geometry[8], g.padLeft = geometry[9], g.padBottom = geometry[10], g.padRight = geometry[11];
    g.dilationH = geometry[12], g.dilationW = geometry[13];
    g.outHeight = (g.inHeight + g.padTop + g.padBottom - (g.kernelH - 1) * g.dilationH - 1) / g.strideH + 1;
    g.outWidth = (g.inWidth + g.padLeft + g.padRight - (g.kernelW - 1) * g.dilationW - 1) / g.strideW + 1;
    k.weight = cert::test::valuesOf(Eigen::VectorXd::Random(int64_t(g.outChannels) * g.inChannels * g.kernelH * g.kernelW));
    k.weight[0] = 0;  // a zero tap
    const Eigen::MatrixXd t = toeplitz(k);
    const Eigen::MatrixXd y = Eigen::MatrixXd::Random(4, t.rows());
    // T @ X: im2col + GEMM below kDirectMinColumns columns (3: the chunks of 2 and 1 above), a
    // direct convolution from there: 5 columns (one vector block of 8 lanes, 3 of them padding),
    // 20 (one chunk of three vectors, the last half padding), 37 (chunks of 16 and 21: two
    // vectors, then three) and 100 (six chunks of 16, the last 20), read from a strided view.
    static_assert(cert::runtime::cpu::kDirectMinColumns > 3 && cert::runtime::cpu::kDirectMinColumns <= 5);
    for (int columns : {1, 3, 5, 20, 37, 100}) {
      const Eigen::MatrixXd wide = Eigen::MatrixXd::Random(t.cols() + 7, columns + 2);
      const auto x = wide.block(3, 1, t.cols(), columns);
      const Eigen::MatrixXd tx = cert::runtime::cpu::kernelTimes(k, x);
      QVERIFY2((tx - t * x).cwiseAbs().maxCoeff() <= 1e-12 * (1 + (t.cwiseAbs() * x.cwiseAbs()).maxCoeff()),
               qPrintable(QString("%1 columns").arg(columns)));
    }
    const Eigen::MatrixXd yt = cert::runtime::cpu::timesKernel(y, k);
    QVERIFY((yt - y * t).cwiseAbs().maxCoeff() <= 1e-12 * (1 + (y.cwiseAbs() * t.cwiseAbs()).maxCoeff()));
    // The interval product over boxes, fused (two direct convolutions): W c -/+ |W| r against the
    // Toeplitz matrices, on 37 and on 100 boxes (chunks of 16 and a last one of 21 or 20); an
    // infinite end makes it refuse.
    KernelBlock absK = k;
    for (double& w : absK.weight) w = std::abs(w);
    for (int boxes : {100, 37}) {
      const Eigen::MatrixXd a = Eigen::MatrixXd::Random(t.cols(), boxes), b = Eigen::MatrixXd::Random(t.cols(), boxes);
      const Eigen::MatrixXd l = a.cwiseMin(b), u = a.cwiseMax(b);
      Eigen::MatrixXd lower(t.rows(), boxes), upper(t.rows(), boxes);
      QVERIFY(cert::runtime::cpu::kernelIntervalTimes(k, absK, l, u, lower, upper));
      const Eigen::MatrixXd c = 0.5 * (l + u), r = 0.5 * (u - l);
      const double scale = 1e-12 * (1 + (t.cwiseAbs() * (l.cwiseAbs() + u.cwiseAbs())).maxCoeff());
      QVERIFY2((lower - (t * c - t.cwiseAbs() * r)).cwiseAbs().maxCoeff() <= scale, qPrintable(QString::number(boxes)));
      QVERIFY2((upper - (t * c + t.cwiseAbs() * r)).cwiseAbs().maxCoeff() <= scale, qPrintable(QString::number(boxes)));
      // With an offset per output (a bias): each bound plus its row's offset, bit for bit (the
      // add an Affine rule does after the product, done as the bounds are written).
      const Eigen::VectorXd offset = Eigen::VectorXd::Random(t.rows());
      Eigen::MatrixXd offsetLower(t.rows(), boxes), offsetUpper(t.rows(), boxes);
      QVERIFY(cert::runtime::cpu::kernelIntervalTimes(k, absK, l, u, offsetLower, offsetUpper, offset.data()));
      QVERIFY(offsetLower == lower.colwise() + offset);
      QVERIFY(offsetUpper == upper.colwise() + offset);
    }
    const Eigen::MatrixXd a = Eigen::MatrixXd::Random(t.cols(), 37), b = Eigen::MatrixXd::Random(t.cols(), 37);
    const Eigen::MatrixXd l = a.cwiseMin(b), u = a.cwiseMax(b);
    Eigen::MatrixXd lower(t.rows(), 37), upper(t.rows(), 37);
    Eigen::MatrixXd unbounded = u;
    unbounded(t.cols() - 1, 36) = std::numeric_limits<double>::infinity();
    QVERIFY(!cert::runtime::cpu::kernelIntervalTimes(k, absK, l, unbounded, lower, upper));
    // The same for an end read in a whole tile of 8 x 8 (the last one above is in the rows past
    // the last whole tile where the inputs are not a multiple of 8).
    Eigen::MatrixXd unboundedBelow = l;
    unboundedBelow(1, 3) = -std::numeric_limits<double>::infinity();
    QVERIFY(!cert::runtime::cpu::kernelIntervalTimes(k, absK, unboundedBelow, u, lower, upper));
    // X @ T over rows of a larger matrix (a strided view): 4 rows by GEMMs; from 3 input channels
    // (1x1 kernels excepted) 10 by the direct route padded with zero rows to 16, 16 by the direct
    // route (one block of 16 rows), 30 by one of 24 and a zero-padded tail of 6, 45 by a chunk of
    // 40 (blocks of 24 and 16) and a tail of 5.
    static_assert(cert::runtime::cpu::kPaddedDirectMinRows > 4 && cert::runtime::cpu::kPaddedDirectMinRows <= 10 &&
                  cert::runtime::cpu::kDirectMinRows > 10 && cert::runtime::cpu::kDirectMinRows <= 16);
    const Eigen::MatrixXd big = Eigen::MatrixXd::Random(50, t.rows());
    for (int rows : {4, 10, 16, 30, 45}) {
      const Eigen::MatrixXd ys = cert::runtime::cpu::timesKernel(big.middleRows(3, rows), k);
      const Eigen::MatrixXd ysWant = big.middleRows(3, rows) * t;
      QVERIFY2((ys - ysWant).cwiseAbs().maxCoeff() <= 1e-12 * (1 + (big.cwiseAbs() * t.cwiseAbs()).maxCoeff()),
               qPrintable(QString("%1 rows").arg(rows)));
    }
    QVERIFY((cert::runtime::cpu::toeplitzOf(k) - t).cwiseAbs().maxCoeff() == 0);
  }

  // T @ X, X @ T and S @ T (CSR S) against the Toeplitz matrix written from the definition on 300 random
  // geometries (1-12 channels, strides and dilations 1-3, padding 0-3 per side, kernels 1-5 that
  // may overhang the input) and row counts on both sides of every route's thresholds.
  void kernelProductsOnRandomGeometries() {
    std::mt19937 rng(11);
    auto pick = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
    int checked = 0;
    while (checked < 300) {
      KernelBlock k;
      cert::ConvGeometry& g = k.geometry;
      g.inChannels = pick(1, 12), g.inHeight = pick(1, 9), g.inWidth = pick(1, 9), g.outChannels = pick(1, 10);
      g.kernelH = pick(1, 5), g.kernelW = pick(1, 5), g.strideH = pick(1, 3), g.strideW = pick(1, 3);
      g.padTop = pick(0, 3), g.padLeft = pick(0, 3), g.padBottom = pick(0, 3), g.padRight = pick(0, 3);
      g.dilationH = pick(1, 3), g.dilationW = pick(1, 3);
      const int spanH = (g.kernelH - 1) * g.dilationH + 1, spanW = (g.kernelW - 1) * g.dilationW + 1;
      if (g.inHeight + g.padTop + g.padBottom < spanH || g.inWidth + g.padLeft + g.padRight < spanW) continue;
      g.outHeight = (g.inHeight + g.padTop + g.padBottom - spanH) / g.strideH + 1;
      g.outWidth = (g.inWidth + g.padLeft + g.padRight - spanW) / g.strideW + 1;
      k.weight = cert::test::valuesOf(Eigen::VectorXd::Random(int64_t(g.outChannels) * g.inChannels * g.kernelH * g.kernelW));
      const Eigen::MatrixXd t = toeplitz(k);
      const QString where = QString("geometry %1: %2 channels, %3x%4 kernel, stride %5x%6, dilation %7x%8")
                                .arg(checked).arg(g.inChannels).arg(g.kernelH).arg(g.kernelW).arg(g.strideH)
                                .arg(g.strideW).arg(g.dilationH).arg(g.dilationW);
      for (int rows : {9, 17, 83}) {
        Eigen::MatrixXd x = Eigen::MatrixXd::Random(rows, t.rows());
        const double scale = 1e-12 * (1 + (x.cwiseAbs() * t.cwiseAbs()).maxCoeff());
        QVERIFY2((cert::runtime::cpu::timesKernel(x, k) - x * t).cwiseAbs().maxCoeff() <= scale,
                 qPrintable(where + QString(", %1 rows").arg(rows)));
        // Columns of X that are zero in every row (a ReLU's inactive neurons: their multiply-adds
        // are skipped), about 60% of them, and a column zero in every row but the last.
        for (int j = 0; j < t.rows(); ++j)
          if (std::uniform_real_distribution<double>(0, 1)(rng) < 0.6) x.col(j).setZero();
        x.col(pick(0, int(t.rows()) - 1)).head(rows - 1).setZero();
        QVERIFY2((cert::runtime::cpu::timesKernel(x, k) - x * t).cwiseAbs().maxCoeff() <= scale,
                 qPrintable(where + QString(", %1 rows, zero columns").arg(rows)));
      }
      const Eigen::MatrixXd y = Eigen::MatrixXd::Random(t.cols(), 37);
      QVERIFY2((cert::runtime::cpu::kernelTimes(k, y) - t * y).cwiseAbs().maxCoeff() <=
                   1e-12 * (1 + (t.cwiseAbs() * y.cwiseAbs()).maxCoeff()),
               qPrintable(where + ", 37 columns"));
      // S @ T for a CSR S whose rows come in groups with the same columns (run at once, rows as
      // vector lanes: 1 to 41 rows, past one and several register blocks), shuffled among rows of
      // their own columns and empty rows; stored zeros in S, none in the product.
      std::vector<std::vector<int>> rowColumns;
      for (int groupRows : {1, 3, 7, 8, 9, 16, 23, 41}) {
        std::vector<int> columns;
        const double density = std::uniform_real_distribution<double>(0.05, 0.7)(rng);
        for (int j = 0; j < t.rows(); ++j)
          if (std::uniform_real_distribution<double>(0, 1)(rng) < density) columns.push_back(j);
        for (int r = 0; r < groupRows; ++r) rowColumns.push_back(columns);
      }
      rowColumns.emplace_back();
      std::shuffle(rowColumns.begin(), rowColumns.end(), rng);
      Eigen::MatrixXd sDense = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(rowColumns.size()), t.rows());
      std::vector<Eigen::Triplet<double>> terms;
      for (size_t r = 0; r < rowColumns.size(); ++r)
        for (const int j : rowColumns[r]) {
          const double v = pick(0, 9) == 0 ? 0.0 : std::uniform_real_distribution<double>(-1, 1)(rng);
          terms.emplace_back(static_cast<int>(r), j, v);
          sDense(static_cast<Eigen::Index>(r), j) = v;
        }
      cert::runtime::cpu::SparseRM sparse(sDense.rows(), sDense.cols());
      sparse.setFromTriplets(terms.begin(), terms.end());
      sparse.makeCompressed();
      const cert::runtime::cpu::SparseRM st = cert::runtime::cpu::csrTimesKernel(sparse, k);
      QVERIFY2((Eigen::MatrixXd(st) - sDense * t).cwiseAbs().maxCoeff() <= 1e-12 * (1 + (sDense.cwiseAbs() * t.cwiseAbs()).maxCoeff()),
               qPrintable(where + ", grouped CSR rows"));
      for (Eigen::Index r = 0; r < st.rows(); ++r)
        for (int n = st.outerIndexPtr()[r]; n < st.outerIndexPtr()[r + 1]; ++n) {
          QVERIFY2(st.valuePtr()[n] != 0, qPrintable(where + ": a stored zero"));
          if (n > st.outerIndexPtr()[r]) QVERIFY(st.innerIndexPtr()[n] > st.innerIndexPtr()[n - 1]);
        }
      // The rows in groups of 8 or more (and the empty row): every row with a term is grouped, so
      // a product denser than denseAbove is written straight into a dense matrix.
      std::vector<Eigen::Index> groupedRows;
      for (size_t r = 0; r < rowColumns.size(); ++r)
        if (rowColumns[r].empty() || std::count(rowColumns.begin(), rowColumns.end(), rowColumns[r]) >= 8)
          groupedRows.push_back(static_cast<Eigen::Index>(r));
      Eigen::MatrixXd gDense(static_cast<Eigen::Index>(groupedRows.size()), sDense.cols());
      for (size_t i = 0; i < groupedRows.size(); ++i) gDense.row(static_cast<Eigen::Index>(i)) = sDense.row(groupedRows[i]);
      std::vector<Eigen::Triplet<double>> groupedTerms;  // S's stored zeros kept
      for (size_t i = 0; i < groupedRows.size(); ++i)
        for (cert::runtime::cpu::SparseRM::InnerIterator it(sparse, groupedRows[i]); it; ++it)
          groupedTerms.emplace_back(static_cast<int>(i), static_cast<int>(it.col()), it.value());
      cert::runtime::cpu::SparseRM grouped(gDense.rows(), gDense.cols());
      grouped.setFromTriplets(groupedTerms.begin(), groupedTerms.end());
      grouped.makeCompressed();
      const double gScale = 1e-12 * (1 + (gDense.cwiseAbs() * t.cwiseAbs()).maxCoeff());
      const auto asDense = cert::runtime::cpu::csrTimesKernel(grouped, k, 0.0);
      const auto asSparse = cert::runtime::cpu::csrTimesKernel(grouped, k, 1.0);
      QVERIFY2(std::holds_alternative<cert::runtime::cpu::SparseRM>(asSparse), qPrintable(where));
      QVERIFY2((Eigen::MatrixXd(std::get<cert::runtime::cpu::SparseRM>(asSparse)) - gDense * t).cwiseAbs().maxCoeff() <= gScale,
               qPrintable(where + ", grouped rows only, CSR"));
      const bool anyNonZero = (gDense * t).cwiseAbs().maxCoeff() > 0;
      QVERIFY2(std::holds_alternative<Eigen::MatrixXd>(asDense) == anyNonZero, qPrintable(where));
      if (anyNonZero)
        QVERIFY2((std::get<Eigen::MatrixXd>(asDense) - gDense * t).cwiseAbs().maxCoeff() <= gScale,
                 qPrintable(where + ", grouped rows only, dense"));
      ++checked;
    }
  }

  // The finiteness scan that guards every fast route (0 * inf must stay NaN): one infinity or NaN
  // anywhere in a strided view (whole vector steps of 32 values, then the rest of a column) is
  // found, and values outside the view are not read.
  void valuesFiniteFindsEveryValue() {
    const double bad[] = {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                          std::numeric_limits<double>::quiet_NaN()};
    Eigen::MatrixXd wide = Eigen::MatrixXd::Random(80, 5);
    wide.row(0).setConstant(bad[0]);
    wide.row(79).setConstant(bad[2]);
    const auto view = [&] { return wide.block(2, 1, 70, 3); };  // 70 rows: two steps of 32 and 6 more
    QVERIFY(cert::runtime::cpu::valuesFinite(view()));
    int found = 0;
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 70; ++i) {
        const double keep = wide(2 + i, 1 + j);
        wide(2 + i, 1 + j) = bad[(i + j) % 3];
        found += !cert::runtime::cpu::valuesFinite(view());
        wide(2 + i, 1 + j) = keep;
      }
    QCOMPARE(found, 210);
  }

  void products_data() {
    QTest::addColumn<Kind>("ka");
    QTest::addColumn<Kind>("kb");
    QTest::addColumn<double>("da");
    QTest::addColumn<double>("db");
    int n = 0;
    for (Kind a : kAllKinds)
      for (Kind b : kAllKinds)
        for (auto [da, db] : {std::pair{0.0, 0.0}, {0.0, 0.0}, {0.0, 0.0}, {1.5, 0.0}, {0.0, -kInf}})
          QTest::addRow("%s-%s-%g-%g-%d", kindName(a), kindName(b), da, db, n++) << a << b << da << db;
  }
  void products() {
    QFETCH(Kind, ka);
    QFETCH(Kind, kb);
    QFETCH(double, da);
    QFETCH(double, db);
    static uint32_t seed = 1;
    std::mt19937 rng(seed++);
    const Tensor a = makeTensor(rng, ka, da, 20, 40), b = makeTensor(rng, kb, db, 40, 36);
    const DenseTensor c = toDense(matmul(a, b)), ad = toDense(a), bd = toDense(b);
    for (size_t i = 0; i < ad.size(); ++i) {
      const Eigen::MatrixXd ref = ad[i] * bd[i];
      const Eigen::MatrixXd bound = ad[i].cwiseAbs() * bd[i].cwiseAbs();
      for (int64_t r = 0; r < ref.rows(); ++r)
        for (int64_t k = 0; k < ref.cols(); ++k) {
          const double x = c[i](r, k), y = ref(r, k);
          if (!std::isfinite(y)) QVERIFY(sameValues({Eigen::MatrixXd::Constant(1, 1, x)}, {Eigen::MatrixXd::Constant(1, 1, y)}));
          else QVERIFY2(std::abs(x - y) <= 1e-12 * (1 + bound(r, k)), qPrintable(QString("%1 vs %2").arg(x).arg(y)));
        }
    }
  }

  void keepsKinds() {
    Tensor k = Tensor::filled(1, 12, 32, 0.0);
    k.add(Block{k.whole(), smallKernel()});
    Tensor d = Tensor::filled(1, 12, 12, 0.0);
    d.add(Block{d.whole(), DiagonalBlock{{Eigen::VectorXd::Random(12)}}});
    QCOMPARE(matmul(d, d).blocks[0].kind(), Kind::Diagonal);
    Tensor c = Tensor::filled(1, 32, 5, 0.0);
    c.add(Block{c.whole(), ConstantBlock{2.0}});
    QCOMPARE(matmul(k, c).blocks[0].kind(), Kind::Broadcast);
    QVERIFY(matmul(k, c).blocks[0].shared());
  }

  void describeLayout() {
    Tensor t = Tensor::filled(2, 10, 20, -kInf);
    t.add(Block{Box::of(0, 2, 0, 4, 0, 4), DiagonalBlock{{Eigen::VectorXd::Ones(4)}}});
    t.add(Block{Box::of(0, 2, 4, 6, 0, 5), DenseBlock{{Eigen::MatrixXd::Zero(6, 5), Eigen::MatrixXd::Ones(6, 5)}}});
    t.add(Block{Box::of(0, 2, 0, 10, 10, 10), ConstantBlock{0.0}});
    const auto info = describe(t);
    QCOMPARE(info.size(), size_t(3));
    QCOMPARE(info[0].kind, Kind::Diagonal);
    QCOMPARE(info[0].bytes, int64_t(32));
    QCOMPARE(info[0].density, 0.25);
    QVERIFY(info[0].shared);
    QCOMPARE(info[1].bytes, int64_t(2 * 30 * 8));
    QCOMPARE(info[1].density, 0.5);
    QVERIFY(!info[1].shared);
    QCOMPARE(info[2].bytes, int64_t(8));
    QCOMPARE(info[2].density, 0.0);
    QCOMPARE(t.bytes(), int64_t(8 + 32 + 480 + 8));
    QCOMPARE(t.denseBytes(), int64_t(2 * 10 * 20 * 8));
    QVERIFY(describeText(t).find("Diagonal [0,2) x [0,4) x [0,4) 32 B density 0.25 shared") != std::string::npos);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.add(Block{Box::of(0, 1, 3, 2, 3, 2), ConstantBlock{1.0}}));
  }

  void detection() {
    DenseTensor d(2, Eigen::MatrixXd::Zero(8, 8));
    for (auto& m : d) m.topLeftCorner(4, 4) = Eigen::MatrixXd(Eigen::Vector4d(1, 2, 3, 4).asDiagonal());
    d[0].bottomRightCorner(4, 4).setConstant(7);
    d[1].bottomRightCorner(4, 4).setConstant(7);
    d[1](6, 1) = 5;
    const Tensor t = fromDense(d, 0.0, {0, 4, 8}, {0, 4, 8});
    const auto info = describe(t);
    QCOMPARE(info.size(), size_t(3));
    QCOMPARE(info[0].kind, Kind::Diagonal);
    QVERIFY(info[0].shared);
    QCOMPARE(info[1].kind, Kind::Csr);
    QCOMPARE(info[2].kind, Kind::Constant);
    QVERIFY(sameValues(toDense(t), d));
  }
};

QTEST_APPLESS_MAIN(TestGbcsrMatmul)
#include "tst_gbcsr_matmul.moc"
