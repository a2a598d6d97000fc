// Backend::reluConvOntoBoxSum (back-substitution's three last steps from a conv layer's rows at
// once: through a ReLU, through the conv layer before it, onto the input box) against the three
// steps written here term by term on dense Toeplitz matrices, per row r of R:
//     x = R_rj: s_rj = x * (x >= 0 ? slope+_j : slope-_j), constant += x * (x >= 0 ? c+_j : c-_j)
//     constant += s_rj * (s_rj >= 0 ? bias+_j : bias-_j)
//     t_r = s_r @ T,  constant += sum_i t_ri * (t_ri >= 0 ? lower_i : upper_i)
// for R a conv layer's rows (strides, padding, dilation, 1 to 4 input channels, output channel
// counts that are and are not whole vectors) and for dense rows (through a one-channel 4 x 4 conv
// layer), with inactive neurons (both slopes 0), different constants per sign and scalar
// (broadcast) columns; to 1e-12 relative to the sum of the terms' magnitudes. Non-finite
// values, extents that do not fit and blocks that are not Kernels are refused (nullopt).
#include <QtTest>

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <set>

#include "runtime/backend/backend.h"
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/cpu_backend.h"

using namespace cert;
using namespace cert::runtime;
using cert::runtime::cpu::kDenseReluConvMinRows;
using cert::runtime::cpu::kSelectedRowCostInLanes;

namespace {

struct Conv {
  int inC, inH, inW, outC, k, stride, pad, dilation;
};

ConvGeometry geometryOf(const Conv& c) {
  ConvGeometry g;
  g.inChannels = c.inC, g.inHeight = c.inH, g.inWidth = c.inW, g.outChannels = c.outC;
  g.kernelH = g.kernelW = c.k, g.strideH = g.strideW = c.stride;
  g.padTop = g.padLeft = g.padBottom = g.padRight = c.pad;
  g.dilationH = g.dilationW = c.dilation;
  g.outHeight = (c.inH + 2 * c.pad - c.dilation * (c.k - 1) - 1) / c.stride + 1;
  g.outWidth = (c.inW + 2 * c.pad - c.dilation * (c.k - 1) - 1) / c.stride + 1;
  return g;
}

class Random {
 public:
  explicit Random(uint64_t seed) : gen_(seed) {}
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(gen_); }
  Eigen::VectorXd vector(int64_t n, double lo = -1, double hi = 1) {
    Eigen::VectorXd v(n);
    for (Eigen::Index i = 0; i < n; ++i) v[i] = uniform(lo, hi);
    return v;
  }

 private:
  std::mt19937_64 gen_;
};

CoefBlock kernelOf(const ConvGeometry& g, Random& rnd) {
  Eigen::VectorXd w = rnd.vector(int64_t(g.outChannels) * g.inChannels * g.kernelH * g.kernelW);
  for (Eigen::Index i = 0; i < w.size(); i += 7) w[i] = 0;  // zero weights: taps that are no terms
  return CoefBlock::kernel(std::make_shared<gbcsr::KernelBlock>(gbcsr::KernelBlock{{w.data(), w.data() + w.size()}, g}), cpuBackend());
}

Eigen::VectorXd valuesOf(const Tensor& t, int64_t n) {
  if (t.v.size() == 1) return Eigen::VectorXd::Constant(n, t.v[0]);
  return Eigen::Map<const Eigen::VectorXd>(t.v.data(), n);
}

/// The three steps term by term; `magnitude`: per row, the sum of the terms' magnitudes.
Eigen::VectorXd threeSteps(const Eigen::MatrixXd& r, const Eigen::MatrixXd& t, const Backend::ReluConvBox& v,
                           Eigen::VectorXd& magnitude) {
  const int64_t n = r.cols(), inputs = t.cols();
  const Eigen::VectorXd sp = valuesOf(v.slopeOnPositive, n), sn = valuesOf(v.slopeOnNegative, n);
  const Eigen::VectorXd cp = valuesOf(v.constantOnPositive, n), cn = valuesOf(v.constantOnNegative, n);
  const Eigen::VectorXd bp = valuesOf(v.convConstantOnPositive, n), bn = valuesOf(v.convConstantOnNegative, n);
  const Eigen::VectorXd lo = valuesOf(v.boxOnPositive, inputs), hi = valuesOf(v.boxOnNegative, inputs);
  Eigen::VectorXd out = Eigen::VectorXd::Zero(r.rows());
  magnitude = out;
  for (Eigen::Index i = 0; i < r.rows(); ++i) {
    Eigen::RowVectorXd scaled = Eigen::RowVectorXd::Zero(n);
    for (Eigen::Index j = 0; j < n; ++j) {
      const double x = r(i, j);
      if (x == 0) continue;
      const double constant = x * (x >= 0 ? cp[j] : cn[j]);
      scaled[j] = x * (x >= 0 ? sp[j] : sn[j]);
      const double bias = scaled[j] * (scaled[j] >= 0 ? bp[j] : bn[j]);
      out[i] += constant + bias;
      magnitude[i] += std::abs(constant) + std::abs(bias);
    }
    const Eigen::RowVectorXd product = scaled * t;
    for (Eigen::Index k = 0; k < inputs; ++k) {
      const double term = product[k] * (product[k] >= 0 ? lo[k] : hi[k]);
      out[i] += term;
      magnitude[i] += std::abs(term);
    }
  }
  return out;
}

}  // namespace

class TestReluConvOntoBox : public QObject {
  Q_OBJECT
 private slots:
  void sumsEqualTheThreeStepsTermByTerm();
  void denseRowsEqualTheThreeStepsTermByTerm();
  void selectedRowsEqualTheThreeStepsTermByTerm();
  void refusesWhatItCannotSum();
};

void TestReluConvOntoBox::sumsEqualTheThreeStepsTermByTerm() {
  const Backend& be = cpuBackend();
  Random rnd(41);
  struct Case {
    const char* name;
    Conv conv, rows;  // conv: inputs -> the ReLU's neurons; rows: the ReLU's neurons -> R's rows
  };
  const Case cases[] = {
      {"1 channel, 12 output channels, stride 2, padding 1", {1, 12, 12, 5, 3, 1, 0, 1}, {5, 10, 10, 12, 3, 2, 1, 1}},
      {"3 channels, 8 output channels (one vector)", {3, 8, 8, 4, 3, 1, 1, 1}, {4, 8, 8, 8, 2, 2, 0, 1}},
      {"2 channels, dilation 2, 20 output channels", {2, 7, 7, 3, 2, 1, 0, 1}, {3, 6, 6, 20, 2, 1, 0, 2}},
      {"4 channels, stride 2 then padding 2, 33 output channels", {4, 9, 9, 6, 4, 2, 1, 1}, {6, 4, 4, 33, 3, 1, 2, 1}},
  };
  int checks = 0;
  for (const Case& c : cases) {
    const ConvGeometry gConv = geometryOf(c.conv), gRows = geometryOf(c.rows);
    QCOMPARE(int64_t(gConv.outChannels) * gConv.outHeight * gConv.outWidth,
             int64_t(gRows.inChannels) * gRows.inHeight * gRows.inWidth);
    const CoefBlock conv = kernelOf(gConv, rnd), rows = kernelOf(gRows, rnd);
    const int64_t n = rows.cols(), inputs = conv.cols();
    // A ReLU's relaxation: a third of the neurons inactive (both slopes 0, no constants), the
    // rest with slopes in [0, 1] and constants that differ by sign.
    Eigen::VectorXd sp = rnd.vector(n, 0, 1), sn = rnd.vector(n, 0, 1), cp = rnd.vector(n, -1, 0), cn = rnd.vector(n, 0, 1);
    for (Eigen::Index j = 0; j < n; j += 3) sp[j] = sn[j] = cp[j] = cn[j] = 0;
    const Eigen::VectorXd bias = rnd.vector(n), lo = rnd.vector(inputs, -1, 0), hi = lo + rnd.vector(inputs, 0, 2);
    const Backend::ReluConvBox perColumn{cpu::columnTensor(sp), cpu::columnTensor(sn), cpu::columnTensor(cp), cpu::columnTensor(cn),
                                         cpu::columnTensor(bias),       cpu::columnTensor(bias + rnd.vector(n, 0, 1)),
                                         cpu::columnTensor(lo),         cpu::columnTensor(hi)};
    // Scalars broadcast over the columns: a lower relaxation with no constants, one bias.
    const Backend::ReluConvBox scalars{cpu::columnTensor(sp), Tensor::scalar(0), Tensor::scalar(0), Tensor::scalar(0),
                                       cpu::columnTensor(bias), cpu::columnTensor(bias), cpu::columnTensor(lo), cpu::columnTensor(hi)};
    // CROWN's after interval bounds: inactive neurons with no constants (no terms at all), stable
    // ones (slopes 1, no constants, one bias), unstable ones, and slopes 1 with a bias by sign;
    // half the inactive ones with constants (a hand-written relaxation).
    Eigen::VectorXd csp = sp, csn = sn, ccp = cp, ccn = cn, cbn = bias;
    for (Eigen::Index j = 0; j < n; ++j) {
      if (j % 4 == 0) csp[j] = csn[j] = 0;
      if (j % 8 == 0) ccp[j] = ccn[j] = 0;
      else if (j % 4 == 1) csp[j] = csn[j] = 1, ccp[j] = ccn[j] = 0;
      else if (j % 4 == 3) csp[j] = csn[j] = 1, ccp[j] = ccn[j] = 0, cbn[j] = bias[j] + 0.5;
    }
    const Backend::ReluConvBox crownLike{cpu::columnTensor(csp),  cpu::columnTensor(csn), cpu::columnTensor(ccp),
                                         cpu::columnTensor(ccn),  cpu::columnTensor(bias), cpu::columnTensor(cbn),
                                         cpu::columnTensor(lo),   cpu::columnTensor(hi)};
    for (const auto& [what, v] : {std::pair{"per column", &perColumn}, std::pair{"scalars", &scalars},
                                  std::pair{"inactive, stable and unstable", &crownLike}}) {
      const QString where = QString("%1, %2").arg(c.name, what);
      Eigen::VectorXd magnitude;
      const Eigen::VectorXd expected = threeSteps(cpu::toDense(rows), cpu::toDense(conv), *v, magnitude);
      const std::optional<Tensor> got = be.reluConvOntoBoxSum(rows, conv, *v);
      QVERIFY2(got, qPrintable(where));
      QCOMPARE(got->r, rows.rows());
      const Eigen::VectorXd sums = valuesOf(*got, rows.rows());
      for (Eigen::Index i = 0; i < sums.size(); ++i)
        QVERIFY2(std::abs(sums[i] - expected[i]) <= 1e-12 * (1 + magnitude[i]),
                 qPrintable(where + QString(", row %1: %2 vs %3").arg(i).arg(sums[i], 0, 'g', 17).arg(expected[i], 0, 'g', 17)));
      QVERIFY2(magnitude.maxCoeff() > 0, qPrintable(where));  // the sums are not all empty
      ++checks;
    }
  }
  QCOMPARE(checks, 12);
}

// Dense rows (back-substitution from a dense layer's neurons) through a ReLU and a conv layer of
// 16 taps (one input channel, a 4 x 4 kernel, as the first layer of convSmall) onto the box: 32 to
// 41 rows (whole vectors and a tail), with zero rows and zero columns, and strides and padding;
// random relaxations, and CROWN's after interval bounds (inactive columns with no constants,
// stable ones with slopes 1, unstable ones, and slopes 1 with a conv constant that differs by
// sign), which the route reads in different ways.
void TestReluConvOntoBox::denseRowsEqualTheThreeStepsTermByTerm() {
  const Backend& be = cpuBackend();
  Random rnd(47);
  int checks = 0;
  for (const Conv& shape : {Conv{1, 12, 12, 5, 4, 2, 1, 1}, Conv{1, 9, 9, 3, 4, 1, 0, 1}, Conv{1, 10, 10, 17, 4, 3, 2, 1}}) {
    const ConvGeometry g = geometryOf(shape);
    const CoefBlock conv = kernelOf(g, rnd);
    const int64_t n = conv.rows(), inputs = conv.cols();
    for (const int64_t rows : {int64_t(32), int64_t(41)})
    for (const bool crownLike : {false, true}) {
      Eigen::MatrixXd x(rows, n);
      for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rnd.uniform(-1, 1);
      x.row(3).setZero();
      for (int64_t j = 0; j < n; j += 5) x.col(j).setZero();
      Eigen::VectorXd sp = rnd.vector(n, 0, 1), sn = rnd.vector(n, 0, 1), cp = rnd.vector(n, -1, 0), cn = rnd.vector(n, 0, 1);
      for (Eigen::Index j = 1; j < n; j += 3) sp[j] = sn[j] = 0;  // inactive, with constants left
      Eigen::VectorXd bp = rnd.vector(n), bn = rnd.vector(n);
      if (crownLike)  // a CROWN relaxation after interval bounds: the route's three kinds of columns
        for (Eigen::Index j = 0; j < n; ++j) {
          bn[j] = bp[j];  // the conv layer's own bias, the same for both signs
          if (j % 4 == 0) sp[j] = sn[j] = cp[j] = cn[j] = 0;  // inactive: read by no vector of rows
          else if (j % 4 == 1) sp[j] = sn[j] = 1, cp[j] = cn[j] = 0;  // stable active: x itself
          else if (j % 4 == 3) sp[j] = sn[j] = 1, cp[j] = cn[j] = 0, bn[j] = bp[j] + 0.5;  // bias by sign
        }
      const Eigen::VectorXd lo = rnd.vector(inputs, -1, 0), hi = lo + rnd.vector(inputs, 0, 2);
      const Backend::ReluConvBox v{cpu::columnTensor(sp), cpu::columnTensor(sn), cpu::columnTensor(cp), cpu::columnTensor(cn),
                                   cpu::columnTensor(bp), cpu::columnTensor(bn), cpu::columnTensor(lo), cpu::columnTensor(hi)};
      const QString where = QString("%1 neurons, %2 rows, stride %3%4")
                                .arg(n)
                                .arg(rows)
                                .arg(shape.stride)
                                .arg(crownLike ? ", inactive, stable and unstable columns" : "");
      Eigen::VectorXd magnitude;
      const Eigen::VectorXd expected = threeSteps(x, cpu::toDense(conv), v, magnitude);
      const std::optional<Tensor> got = be.reluConvOntoBoxSum(cpu::makeDense(x), conv, v);
      QVERIFY2(got, qPrintable(where));
      const Eigen::VectorXd sums = valuesOf(*got, rows);
      for (Eigen::Index i = 0; i < rows; ++i)
        QVERIFY2(std::abs(sums[i] - expected[i]) <= 1e-12 * (1 + magnitude[i]),
                 qPrintable(where + QString(", row %1: %2 vs %3").arg(i).arg(sums[i], 0, 'g', 17).arg(expected[i], 0, 'g', 17)));
      QCOMPARE(sums[3], 0.0);  // a zero row adds nothing
      // Not finite: a value of X (in an inactive neuron's column too: with no constants, one no
      // vector of rows reads; in a stable one), or fewer rows than the route takes (the caller then
      // takes the steps one by one).
      for (const int64_t column : {int64_t(0), int64_t(1), int64_t(2)}) {
        Eigen::MatrixXd bad = x;
        bad(rows - 1, column) = std::numeric_limits<double>::infinity();
        QVERIFY2(!be.reluConvOntoBoxSum(cpu::makeDense(bad), conv, v), qPrintable(where));
      }
      QVERIFY2(!be.reluConvOntoBoxSum(cpu::makeDense(x.topRows(kDenseReluConvMinRows - 1)), conv, v), qPrintable(where));
      ++checks;
    }
  }
  QCOMPARE(checks, 12);
}

// reluConvOntoBoxSumOfRows (the rows a row refinement keeps, e.g. --intermediate relu-unstable's
// unstable neurons): the sums of the selected rows, in their order, equal the three steps term by
// term on those rows; where the selection is too thin for the whole block's route (fewer rows
// than kSelectedRowCostInLanes per summed lane) the backend declines and the rows are taken apart.
void TestReluConvOntoBox::selectedRowsEqualTheThreeStepsTermByTerm() {
  const Backend& be = cpuBackend();
  Random rnd(53);
  int checks = 0, declined = 0;
  // 1 -> 3 channels of 8 x 8 (stride 1, padding 1), then 20 output channels (three vectors, the
  // last not whole) of 4 x 4 positions: R has 320 rows.
  const ConvGeometry gConv = geometryOf({1, 10, 10, 3, 3, 1, 0, 1}), gRows = geometryOf({3, 8, 8, 20, 3, 2, 1, 1});
  const CoefBlock conv = kernelOf(gConv, rnd), rows = kernelOf(gRows, rnd);
  const int64_t n = rows.cols(), inputs = conv.cols(), total = rows.rows();
  QCOMPARE(total, int64_t(320));
  Eigen::VectorXd sp = rnd.vector(n, 0, 1), sn = rnd.vector(n, 0, 1), cp = rnd.vector(n, -1, 0), cn = rnd.vector(n, 0, 1);
  for (Eigen::Index j = 0; j < n; j += 4) sp[j] = sn[j] = 0;
  const Eigen::VectorXd lo = rnd.vector(inputs, -1, 0), hi = lo + rnd.vector(inputs, 0, 2);
  const Backend::ReluConvBox v{cpu::columnTensor(sp),           cpu::columnTensor(sn),
                               cpu::columnTensor(cp),           cpu::columnTensor(cn),
                               cpu::columnTensor(rnd.vector(n)), cpu::columnTensor(rnd.vector(n)),
                               cpu::columnTensor(lo),           cpu::columnTensor(hi)};
  Eigen::VectorXd magnitude;
  const Eigen::VectorXd expected = threeSteps(cpu::toDense(rows), cpu::toDense(conv), v, magnitude);
  std::vector<std::pair<QString, std::vector<int64_t>>> selections;
  std::vector<int64_t> all(static_cast<size_t>(total)), half, single{int64_t(161)}, lastChannels, sparse;
  for (int64_t r = 0; r < total; ++r) {
    all[static_cast<size_t>(r)] = r;
    if (rnd.uniform(0, 1) < 0.5) half.push_back(r);
    if (r >= 16 * 16) lastChannels.push_back(r);  // channels 16..19: the last vector, 4 lanes of 8
    if (r % 37 == 5) sparse.push_back(r);
  }
  selections = {{"every row", all}, {"half the rows at random", half}, {"one row", single},
                {"the last vector's channels", lastChannels}, {"every 37th row", sparse}};
  for (const auto& [what, selected] : selections) {
    const std::optional<Tensor> got = be.reluConvOntoBoxSumOfRows(rows, selected, conv, v);
    // The rule the backend states: lanes summed (a vector per position with a selected row) at
    // most kSelectedRowCostInLanes per selected row.
    std::set<std::pair<int64_t, int64_t>> vectorsHit;
    for (int64_t r : selected) vectorsHit.emplace(r % 16, (r / 16) / 8);
    const bool takes = int64_t(vectorsHit.size()) * 8 <= kSelectedRowCostInLanes * int64_t(selected.size());
    QVERIFY2(bool(got) == takes, qPrintable(what));
    if (!got) {
      ++declined;
      continue;
    }
    QCOMPARE(got->r, int64_t(selected.size()));
    for (size_t k = 0; k < selected.size(); ++k) {
      const int64_t r = selected[k];
      QVERIFY2(std::abs(got->v[k] - expected[r]) <= 1e-12 * (1 + magnitude[r]),
               qPrintable(what + QString(", row %1: %2 vs %3").arg(r).arg(got->v[k], 0, 'g', 17).arg(expected[r], 0, 'g', 17)));
    }
    ++checks;
  }
  QCOMPARE(checks, 3);  // every row, half, the last vector's (4 rows a vector, 2 lanes each)
  QCOMPARE(declined, 2);  // one row (8 lanes for 1), every 37th (a vector each)
  // A value that is not finite (a selected row's column too), a row out of range, other kinds.
  Eigen::VectorXd nanSlope = sp;
  nanSlope[5] = std::numeric_limits<double>::quiet_NaN();
  Backend::ReluConvBox bad = v;
  bad.slopeOnPositive = cpu::columnTensor(nanSlope);
  QVERIFY(!be.reluConvOntoBoxSumOfRows(rows, all, conv, bad));
  QVERIFY(!be.reluConvOntoBoxSumOfRows(rows, std::vector<int64_t>{0, 1, 2, 3, total}, conv, v));
  QVERIFY(!be.reluConvOntoBoxSumOfRows(cpu::makeDense(cpu::toDense(rows)), all, conv, v));
  QVERIFY(!be.reluConvOntoBoxSumOfRows(rows, std::vector<int64_t>{}, conv, v));
}

void TestReluConvOntoBox::refusesWhatItCannotSum() {
  const Backend& be = cpuBackend();
  Random rnd(43);
  const ConvGeometry gConv = geometryOf({1, 8, 8, 4, 3, 1, 0, 1}), gRows = geometryOf({4, 6, 6, 9, 3, 1, 1, 1});
  const CoefBlock conv = kernelOf(gConv, rnd), rows = kernelOf(gRows, rnd);
  const int64_t n = rows.cols(), inputs = conv.cols();
  const Eigen::VectorXd lo = rnd.vector(inputs, -1, 0), hi = lo + rnd.vector(inputs, 0, 1);
  auto box = [&](Eigen::VectorXd sp, Eigen::VectorXd up) {
    return Backend::ReluConvBox{cpu::columnTensor(sp), Tensor::scalar(0), Tensor::scalar(0), Tensor::scalar(0),
                                Tensor::scalar(0),  Tensor::scalar(0), cpu::columnTensor(lo), cpu::columnTensor(up)};
  };
  const Eigen::VectorXd slopes = rnd.vector(n, 0, 1);
  QVERIFY(be.reluConvOntoBoxSum(rows, conv, box(slopes, hi)));
  Eigen::VectorXd nanSlope = slopes;
  nanSlope[n / 2] = std::numeric_limits<double>::quiet_NaN();
  QVERIFY(!be.reluConvOntoBoxSum(rows, conv, box(nanSlope, hi)));
  Eigen::VectorXd infEnd = hi;
  infEnd[0] = std::numeric_limits<double>::infinity();
  QVERIFY(!be.reluConvOntoBoxSum(rows, conv, box(slopes, infEnd)));
  // Finite factors whose scaled values overflow.
  const CoefBlock hugeRows = CoefBlock::kernel(std::make_shared<gbcsr::KernelBlock>(
      gbcsr::KernelBlock{std::vector<double>(rows.kernelBlock().weight.size(), 1e300), gRows}), cpuBackend());
  QVERIFY(!be.reluConvOntoBoxSum(hugeRows, conv, box(Eigen::VectorXd::Constant(n, 1e300), hi)));
  // Extents that do not fit, and blocks that are not Kernels.
  QVERIFY(!be.reluConvOntoBoxSum(rows, conv, box(slopes.head(n - 1), hi)));
  QVERIFY(!be.reluConvOntoBoxSum(rows, conv, box(slopes, hi.head(inputs - 1))));
  QVERIFY(!be.reluConvOntoBoxSum(cpu::makeDense(cpu::toDense(rows)), conv, box(slopes, hi)));
  QVERIFY(!be.reluConvOntoBoxSum(rows, cpu::makeDense(cpu::toDense(conv)), box(slopes, hi)));
  QVERIFY(!be.reluConvOntoBoxSum(rows, rows, box(slopes, hi)));  // conv's rows are not R's columns
}

QTEST_GUILESS_MAIN(TestReluConvOntoBox)
#include "tst_relu_conv_onto_box.moc"
