// The interval product of a Dense block over a batch frame's boxes (cpu::denseIntervalTimes, and
// Backend::intervalTimes, which takes it from kDenseIntervalMinColumns columns). Each result is
// compared with the products written here on dense matrices,
//     lower = W c - |W| r,  upper = W c + |W| r,  c = l/2 + u/2,  r = u/2 - l/2,
// to 1e-12 relative to max(1, |W| (|l| + |u|)), for weights of 1 to 100 rows (whole blocks of 8,
// a partial block, only a partial block) and 1 to 800 inputs, over 16 to 100 columns (whole and
// partial chunks of items, a last remainder of up to 8 joined to the chunk before: 17, 37, 100), with boxes whose inputs are [0, 0] in every item of a chunk (a
// ReLU's inactive neurons: skipped), in some items only, or points (radius 0, center not), read
// through strided views. A value of W, l or u that is not finite is refused.
#include <QtTest>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <random>

#include "runtime/backend/backend.h"
#include "runtime/backend/cpu/dense_interval_times.h"
#include "runtime/backend/cpu/item_chunks.h"

using namespace cert;
using namespace cert::runtime;

namespace {

struct Boxes {
  Eigen::MatrixXd l, u;
};

/// Boxes over `inputs` values for `columns` items: a third of the inputs [0, 0] in every item, a
/// sixth [0, 0] in every other item, a sixth points, the rest random boxes.
Boxes randomBoxes(int64_t inputs, int64_t columns, std::mt19937& rng) {
  std::uniform_real_distribution<double> value(-2, 2), width(0, 1);
  Boxes b{Eigen::MatrixXd(inputs, columns), Eigen::MatrixXd(inputs, columns)};
  for (int64_t i = 0; i < inputs; ++i)
    for (int64_t j = 0; j < columns; ++j) {
      const int kind = static_cast<int>(i % 6);
      double lo = value(rng), hi = lo + width(rng);
      if (kind <= 1 || (kind == 2 && j % 2 == 0)) lo = hi = 0;  // inactive
      else if (kind == 3) hi = lo;                              // a point
      b.l(i, j) = lo;
      b.u(i, j) = hi;
    }
  return b;
}

/// The two products as written, and the tolerance for comparing with them.
struct Expected {
  Eigen::MatrixXd lower, upper;
  double tolerance;
};
Expected expected(const Eigen::MatrixXd& w, const Eigen::MatrixXd& l, const Eigen::MatrixXd& u) {
  const Eigen::MatrixXd c = 0.5 * l + 0.5 * u, r = 0.5 * u - 0.5 * l;
  const Eigen::MatrixXd wc = w * c, ar = w.cwiseAbs() * r;
  const double scale = (w.cwiseAbs() * (l.cwiseAbs() + u.cwiseAbs())).maxCoeff();
  return {wc - ar, wc + ar, 1e-12 * std::max(1.0, scale)};
}

double maxDiff(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) { return (a - b).cwiseAbs().maxCoeff(); }

}  // namespace

class TestDenseIntervalTimes : public QObject {
  Q_OBJECT

 private slots:
  void againstTheProductsAsWritten_data() {
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("inputs");
    QTest::addColumn<int>("columns");
    for (int rows : {1, 7, 8, 13, 100})
      for (int inputs : {1, 9, 64, 800})
        for (int columns : {16, 17, 24, 37, 40, 100})
          QTest::addRow("%d x %d, %d columns", rows, inputs, columns) << rows << inputs << columns;
  }
  void againstTheProductsAsWritten() {
    QFETCH(int, rows);
    QFETCH(int, inputs);
    QFETCH(int, columns);
    std::mt19937 rng(static_cast<unsigned>(rows * 7919 + inputs * 31 + columns));
    const Eigen::MatrixXd w = Eigen::MatrixXd::Random(rows, inputs);
    const Boxes b = randomBoxes(inputs, columns, rng);
    const Expected want = expected(w, b.l, b.u);
    Eigen::MatrixXd lower(rows, columns), upper(rows, columns);
    QVERIFY(cpu::denseIntervalTimes(w, b.l, b.u, lower, upper));
    QVERIFY2(maxDiff(lower, want.lower) <= want.tolerance, qPrintable(QString::number(maxDiff(lower, want.lower))));
    QVERIFY2(maxDiff(upper, want.upper) <= want.tolerance, qPrintable(QString::number(maxDiff(upper, want.upper))));
    for (int64_t j = 0; j < columns; ++j)
      for (int64_t i = 0; i < rows; ++i) QVERIFY(lower(i, j) <= upper(i, j));
  }

  // Ends and bounds as views into larger matrices (an outer stride other than the rows).
  void stridedViews() {
    std::mt19937 rng(5);
    const Eigen::MatrixXd w = Eigen::MatrixXd::Random(21, 40);
    const Boxes b = randomBoxes(50, 33, rng);
    const auto l = b.l.middleRows(4, 40), u = b.u.middleRows(4, 40);
    Eigen::MatrixXd lowerStore = Eigen::MatrixXd::Constant(30, 33, 7.0), upperStore = lowerStore;
    QVERIFY(cpu::denseIntervalTimes(w, l, u, lowerStore.middleRows(2, 21), upperStore.middleRows(2, 21)));
    const Expected want = expected(w, l, u);
    QVERIFY(maxDiff(lowerStore.middleRows(2, 21), want.lower) <= want.tolerance);
    QVERIFY(maxDiff(upperStore.middleRows(2, 21), want.upper) <= want.tolerance);
    QCOMPARE(lowerStore.topRows(2).minCoeff(), 7.0);  // the rows around the view untouched
    QCOMPARE(upperStore.bottomRows(7).maxCoeff(), 7.0);
  }

  // A value of W, l or u that is not finite: false, so the caller keeps the products as written
  // (where 0 * inf is NaN, which skipping an inactive input would hide).
  void nonFiniteValuesRefused() {
    std::mt19937 rng(9);
    const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
    const Boxes b = randomBoxes(24, 20, rng);
    Eigen::MatrixXd lower(10, 20), upper(10, 20);
    for (double bad : {inf, -inf, nan}) {
      Eigen::MatrixXd w = Eigen::MatrixXd::Random(10, 24);
      w(9, 0) = bad;  // in the partial block, on an inactive input
      QVERIFY(!cpu::denseIntervalTimes(w, b.l, b.u, lower, upper));
      w(9, 0) = 0;
      w(3, 5) = bad;  // in a whole block
      QVERIFY(!cpu::denseIntervalTimes(w, b.l, b.u, lower, upper));
    }
    const Eigen::MatrixXd w = Eigen::MatrixXd::Random(10, 24);
    Eigen::MatrixXd u = b.u;
    u(23, 19) = inf;  // past the last whole tile of 8 inputs, in the partial chunk of items
    QVERIFY(!cpu::denseIntervalTimes(w, b.l, u, lower, upper));
    Eigen::MatrixXd l = b.l;
    l(2, 3) = nan;
    QVERIFY(!cpu::denseIntervalTimes(w, l, b.u, lower, upper));
  }

  // Through the backend: a Dense block's interval product over 8 columns (the GEMMs) and over
  // kDenseIntervalMinColumns and more (this route), the same products either way; the batch
  // frame's layout ([rows x 1 x items], item k's values adjacent).
  void throughTheBackend() {
    static_assert(cpu::kDenseIntervalMinColumns > 8 && cpu::kDenseIntervalMinColumns <= 48);
    const Backend& be = cpuBackend();
    std::mt19937 rng(3);
    const Eigen::MatrixXd w = Eigen::MatrixXd::Random(19, 70);
    const CoefBlock block = cpu::makeDense(w), absBlock = cpu::makeDense(w.cwiseAbs());
    for (int columns : {8, 48}) {
      const Boxes b = randomBoxes(70, columns, rng);
      Tensor l = Tensor::full(70, 1, columns, 0), u = l;
      for (int64_t k = 0; k < columns; ++k)
        for (int64_t i = 0; i < 70; ++i) {
          l.ref(i, 0, k) = b.l(i, k);
          u.ref(i, 0, k) = b.u(i, k);
        }
      const auto bounds = be.intervalTimes(block, absBlock, l, u, nullptr);
      QVERIFY(bounds.has_value());
      const Expected want = expected(w, b.l, b.u);
      QCOMPARE(bounds->first.r, int64_t(19));
      QCOMPARE(bounds->first.d, int64_t(columns));
      for (int64_t k = 0; k < columns; ++k)
        for (int64_t i = 0; i < 19; ++i) {
          QVERIFY(std::abs(bounds->first.at(i, 0, k) - want.lower(i, k)) <= want.tolerance);
          QVERIFY(std::abs(bounds->second.at(i, 0, k) - want.upper(i, k)) <= want.tolerance);
        }
      // With an offset (an Affine rule's bias, one value per row): each bound plus its row's
      // offset, bit for bit, by either route (19 rows: two tiles of 8 and 3 rows past them).
      Tensor offset = Tensor::full(19, 1, 1, 0);
      for (int64_t i = 0; i < 19; ++i) offset.ref(i, 0, 0) = std::ldexp(double(rng() % 1000) - 500.0, -7) + 0.1 * double(i);
      const auto offsetBounds = be.intervalTimes(block, absBlock, l, u, &offset);
      QVERIFY(offsetBounds.has_value());
      for (int64_t k = 0; k < columns; ++k)
        for (int64_t i = 0; i < 19; ++i) {
          QVERIFY(offsetBounds->first.at(i, 0, k) == bounds->first.at(i, 0, k) + offset.at(i, 0, 0));
          QVERIFY(offsetBounds->second.at(i, 0, k) == bounds->second.at(i, 0, k) + offset.at(i, 0, 0));
        }
      Tensor wrongOffset = Tensor::full(18, 1, 1, 0);
      QVERIFY_THROWS_EXCEPTION(std::logic_error, be.intervalTimes(block, absBlock, l, u, &wrongOffset));
    }
  }
};

QTEST_APPLESS_MAIN(TestDenseIntervalTimes)
#include "tst_dense_interval_times.moc"
