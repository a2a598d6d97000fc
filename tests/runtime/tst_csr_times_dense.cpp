// S @ D for CSR S and dense D (cpu::csrTimesDense): both routes (a GEMM over S's non-empty rows
// made dense, and per column of D the stored values times D's column) compared with the product
// written out here over S's stored values (summed in long double) to 1e-13 relative to
// sum |s_ik| |d_kj|; empty rows stay 0; a D with an inf that S's stored values never meet gives
// finite values on the sparse route and NaN / inf exactly where they do meet it.
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "runtime/backend/cpu/csr_times_dense.h"
#include "tests/support/product_checks.h"

using namespace cert;
using namespace cert::runtime;
using cert::test::randomMatrix;

namespace {

/// S's stored terms: (row, column, value).
struct Term {
  int row, col;
  double value;
};

cpu::SparseRM csrOf(int rows, int cols, const std::vector<Term>& terms) {
  std::vector<Eigen::Triplet<double>> t;
  for (const Term& x : terms) t.emplace_back(x.row, x.col, x.value);
  cpu::SparseRM s(rows, cols);
  s.setFromTriplets(t.begin(), t.end());
  s.makeCompressed();
  return s;
}

/// S @ D over S's stored values only (as S's own product defines it): per row the sum of
/// v * D(k, c) in long double; a row without stored values is 0.
Eigen::MatrixXd writtenProduct(const cpu::SparseRM& s, const Eigen::MatrixXd& d) {
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(s.rows(), d.cols());
  for (Eigen::Index i = 0; i < s.rows(); ++i)
    for (Eigen::Index c = 0; c < d.cols(); ++c) {
      long double sum = 0;
      for (cpu::SparseRM::InnerIterator it(s, i); it; ++it) sum += static_cast<long double>(it.value()) * d(it.col(), c);
      out(i, c) = static_cast<double>(sum);
    }
  return out;
}

/// The product's error relative to sum_k |s_ik| |d_kc| (product_checks.h).
double relativeError(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want, const cpu::SparseRM& s,
                     const Eigen::MatrixXd& d) {
  return test::productError(got, want, Eigen::MatrixXd(s.cwiseAbs()) * d.cwiseAbs());
}

/// Rows `rows` of a rows x cols S, each holding `perRow` values at random columns.
cpu::SparseRM randomRows(int n, int cols, const std::vector<int>& rows, int perRow, std::mt19937& rng) {
  std::uniform_real_distribution<double> value(-2, 2);
  std::uniform_int_distribution<int> column(0, cols - 1);
  std::vector<Term> terms;
  for (int r : rows) {
    std::vector<bool> used(static_cast<size_t>(cols));
    for (int k = 0; k < perRow; ++k) {
      int c = column(rng);
      while (used[static_cast<size_t>(c)]) c = (c + 1) % cols;
      used[static_cast<size_t>(c)] = true;
      terms.push_back({r, c, value(rng)});
    }
  }
  return csrOf(n, cols, terms);
}

}  // namespace

class TestCsrTimesDense : public QObject {
  Q_OBJECT

 private slots:
  void matchesTheWrittenProduct_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("inner");
    QTest::addColumn<int>("cols");
    QTest::addColumn<QList<int>>("rows");
    QTest::addColumn<int>("perRow");
    QTest::addColumn<bool>("finiteD");
    // A ReLU's relaxation rows that only three unstable neurons have, over a 200-neuron layer
    // (dense rows: the GEMM route), onto a 784-input layer.
    QTest::newRow("3 dense rows of 200, 784 columns (GEMM)") << 200 << 200 << 784 << QList<int>{4, 77, 199} << 200 << true;
    QTest::newRow("the same, D not known finite (per column)") << 200 << 200 << 784 << QList<int>{4, 77, 199} << 200 << false;
    QTest::newRow("27 rows of one value each (per column)") << 200 << 200 << 200 << QList<int>{0, 3, 5, 8, 13, 21, 34, 55, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 120, 140, 160, 180, 197, 198, 199} << 1 << true;
    QTest::newRow("every row, 25 of 200 values (GEMM at the threshold)") << 40 << 200 << 50 << QList<int>{} << 25 << true;
    QTest::newRow("every row, 20 of 200 values (per column)") << 40 << 200 << 50 << QList<int>{} << 20 << true;
    QTest::newRow("one column of D") << 50 << 30 << 1 << QList<int>{1, 2, 49} << 30 << true;
    QTest::newRow("no stored values") << 20 << 30 << 10 << QList<int>{} << 0 << true;
  }

  void matchesTheWrittenProduct() {
    QFETCH(int, n);
    QFETCH(int, inner);
    QFETCH(int, cols);
    QFETCH(QList<int>, rows);
    QFETCH(int, perRow);
    QFETCH(bool, finiteD);
    std::mt19937 rng(static_cast<unsigned>(n * 7919 + inner * 31 + cols + perRow));
    std::vector<int> which(rows.begin(), rows.end());
    if (which.empty() && perRow > 0)
      for (int i = 0; i < n; ++i) which.push_back(i);
    const cpu::SparseRM s = randomRows(n, inner, which, perRow, rng);
    const Eigen::MatrixXd d = randomMatrix(inner, cols, rng);
    const Eigen::MatrixXd got = runtime::cpu::csrTimesDense(s, d, finiteD);
    QCOMPARE(got.rows(), Eigen::Index(n));
    QCOMPARE(got.cols(), Eigen::Index(cols));
    QVERIFY2(relativeError(got, writtenProduct(s, d), s, d) <= 1e-13, "S @ D differs from the written product");
    for (int i = 0; i < n; ++i)
      if (std::find(which.begin(), which.end(), i) == which.end() || perRow == 0) QVERIFY(got.row(i).isZero(0));
  }

  // D's row 5 holds an inf and a NaN; S's stored values meet row 5 in row 2 only. D is not known
  // finite, so S's zeros are never multiplied: rows 0 and 1 stay finite, row 2 is inf or NaN
  // exactly where the written product is.
  void nonFiniteValuesOnlyWhereStoredValuesMeetThem() {
    cpu::SparseRM s = csrOf(4, 8, {{0, 0, 1.5}, {0, 7, -2}, {1, 3, 0.25}, {2, 5, 2}, {2, 6, 1}});
    Eigen::MatrixXd d = Eigen::MatrixXd::Constant(8, 3, 1.0);
    d(5, 0) = std::numeric_limits<double>::infinity();
    d(5, 2) = std::numeric_limits<double>::quiet_NaN();
    const Eigen::MatrixXd got = runtime::cpu::csrTimesDense(s, d, false);
    const Eigen::MatrixXd want = writtenProduct(s, d);
    QVERIFY(std::isinf(want(2, 0)) && std::isnan(want(2, 2)));
    QCOMPARE(relativeError(got, want, s, d), 0.0);
    QVERIFY(got.topRows(2).allFinite());
    QVERIFY(got.row(3).isZero(0));
  }

  // A CSR S not compressed (rows with free space) gives the same product.
  void uncompressedRows() {
    cpu::SparseRM s(5, 6);
    s.reserve(Eigen::VectorXi::Constant(5, 3));
    s.insert(1, 2) = 3;
    s.insert(4, 0) = -1;
    s.insert(4, 5) = 0.5;
    QVERIFY(!s.isCompressed());
    std::mt19937 rng(3);
    const Eigen::MatrixXd d = randomMatrix(6, 7, rng);
    QCOMPARE(relativeError(runtime::cpu::csrTimesDense(s, d, true), writtenProduct(s, d), s, d), 0.0);
  }

  void mismatchedExtentsAreRefused() {
    const cpu::SparseRM s(3, 4);
    QVERIFY_THROWS_EXCEPTION(std::logic_error, runtime::cpu::csrTimesDense(s, Eigen::MatrixXd::Zero(5, 2), true));
  }
};

QTEST_GUILESS_MAIN(TestCsrTimesDense)
#include "tst_csr_times_dense.moc"
