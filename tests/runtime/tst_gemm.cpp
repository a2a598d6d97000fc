// The CPU backend's dense GEMM seam (cpu::gemm): OpenBLAS on a one-thread budget for shapes
// usesBlas accepts, Eigen's product otherwise. Every result is compared with a product written
// here (a triple loop summing in long double) to 1e-13 relative to sum_k |a_ik| |b_kj|, on both
// routes (shapes below and above the thresholds, a one- and a two-thread budget), through strided
// views of larger matrices, and with values that are not finite: an inf times a 0 is NaN, as in
// the product written out (the runtime's soundness relies on NaN reaching the bounds).
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

#include "runtime/backend/cpu/gemm.h"
#include "runtime/product_threads.h"
#include "tests/support/product_checks.h"

using namespace cert::runtime;
using cert::test::randomMatrix;

namespace {

/// a @ b term by term: NaN where any term is (inf * 0, inf - inf), the sum in long double.
Eigen::MatrixXd writtenProduct(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd out(a.rows(), b.cols());
  for (Eigen::Index i = 0; i < a.rows(); ++i)
    for (Eigen::Index j = 0; j < b.cols(); ++j) {
      long double s = 0;
      for (Eigen::Index k = 0; k < a.cols(); ++k) s += static_cast<long double>(a(i, k)) * b(k, j);
      out(i, j) = static_cast<double>(s);
    }
  return out;
}

/// The product's error relative to sum_k |a_ik| |b_kj| (product_checks.h).
double relativeError(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want, const Eigen::MatrixXd& a,
                     const Eigen::MatrixXd& b) {
  return cert::test::productError(got, want, a.cwiseAbs() * b.cwiseAbs());
}

}  // namespace

class TestGemm : public QObject {
  Q_OBJECT

 private slots:
  void bothRoutesMatchTheWrittenProduct_data() {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("inner");
    QTest::addColumn<int>("cols");
    QTest::addColumn<bool>("blas");
    QTest::newRow("200x200x784 (back-substitution onto a 784-input layer)") << 200 << 200 << 784 << true;
    QTest::newRow("256x256x256") << 256 << 256 << 256 << true;
    QTest::newRow("32x16x16 (the smallest BLAS shape)") << 32 << 16 << 16 << true;
    QTest::newRow("33x100x17 (odd extents)") << 33 << 100 << 17 << true;
    QTest::newRow("31x200x200 (too few rows: Eigen)") << 31 << 200 << 200 << false;
    QTest::newRow("9x200x784 (a margins layer's rows: Eigen)") << 9 << 200 << 784 << false;
    QTest::newRow("200x15x200 (a short inner extent: Eigen)") << 200 << 15 << 200 << false;
    QTest::newRow("200x200x1 (a vector: Eigen)") << 200 << 200 << 1 << false;
    QTest::newRow("0x10x40 (empty)") << 0 << 10 << 40 << false;
  }

  void bothRoutesMatchTheWrittenProduct() {
    QFETCH(int, rows);
    QFETCH(int, inner);
    QFETCH(int, cols);
    QFETCH(bool, blas);
    std::mt19937 rng(static_cast<unsigned>(rows * 7919 + inner * 31 + cols));
    const Eigen::MatrixXd a = randomMatrix(rows, inner, rng), b = randomMatrix(inner, cols, rng);
    QCOMPARE(cpu::usesBlas(a, b), blas);
    const Eigen::MatrixXd want = writtenProduct(a, b);
    for (int threads : {1, 2}) {
      ScopedProductThreads budget(threads);
      const Eigen::MatrixXd got = cpu::gemm(a, b);
      const double err = relativeError(got, want, a, b);
      if (!(err <= 1e-13)) QFAIL(qPrintable(QString("%1 thread(s): relative error %2").arg(threads).arg(err)));
    }
  }

  void stridedViews() {
    // Blocks of larger matrices: each column of the view lies `outerStride` doubles after the last.
    std::mt19937 rng(11);
    const Eigen::MatrixXd bigA = randomMatrix(300, 260, rng), bigB = randomMatrix(270, 500, rng);
    const auto a = bigA.block(5, 3, 120, 200);
    const auto b = bigB.block(40, 7, 200, 333);
    QVERIFY(cpu::usesBlas(a, b));
    ScopedProductThreads one(1);
    const Eigen::MatrixXd got = cpu::gemm(a, b);
    const double err = relativeError(got, writtenProduct(a, b), a, b);
    QVERIFY2(err <= 1e-13, qPrintable(QString("relative error %1").arg(err)));
  }

  void nonFiniteValuesPropagate() {
    // An inf in a meeting a 0 in b, an inf against a non-zero, a NaN, and inf - inf within one sum:
    // each result entry is what the written product gives (NaN, +-inf), on the BLAS route too.
    std::mt19937 rng(5);
    Eigen::MatrixXd a = randomMatrix(64, 40, rng), b = randomMatrix(40, 48, rng);
    const double inf = std::numeric_limits<double>::infinity();
    a(3, 7) = inf;
    b.row(7).setZero();  // row 3 of the result: inf * 0 = NaN in every column
    a(10, 2) = -inf;     // row 10: -inf times b's row 2 (non-zero): -inf or +inf by sign
    a(20, 5) = std::numeric_limits<double>::quiet_NaN();
    a(30, 8) = inf;
    a(30, 9) = inf;
    b(8, 0) = 1;
    b(9, 0) = -1;  // entry (30, 0): inf - inf = NaN
    QVERIFY(cpu::usesBlas(a, b));
    const Eigen::MatrixXd want = writtenProduct(a, b);
    QVERIFY(std::isnan(want(3, 0)) && std::isinf(want(10, 0)) && std::isnan(want(20, 0)) && std::isnan(want(30, 0)));
    for (int threads : {1, 2}) {
      ScopedProductThreads budget(threads);
      const double err = relativeError(cpu::gemm(a, b), want, a, b);
      if (!(err <= 1e-13)) QFAIL(qPrintable(QString("%1 thread(s): relative error %2").arg(threads).arg(err)));
    }
  }

  void mismatchedExtentsAreRefused() {
    const Eigen::MatrixXd a = Eigen::MatrixXd::Ones(40, 20), b = Eigen::MatrixXd::Ones(21, 40);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, cpu::gemm(a, b));
  }
};

QTEST_APPLESS_MAIN(TestGemm)
#include "tst_gemm.moc"
