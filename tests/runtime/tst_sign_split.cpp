// Sign-split products (Backend::signSplit, signSplitSum, nonZeroRows; compiler/analysis/sign_split.h).
// Each result is compared with the term-by-term sum written here on dense matrices:
//     sum_j (c_ij >= 0 ? c_ij * A_j : c_ij * B_j), zero coefficients skipped,
// for coefficient blocks of every kind (Dense, Csr, Diagonal, Kernel, RowScaled) against member
// forms whose blocks are Diagonal (ReLU relaxations), Dense, Csr or Kernel, shared between the two
// members (an Affine layer's L = U) or not, with constants as columns or scalars and keys present
// in one member only; to 1e-12 relative to max(1, |x|). Non-finite values are refused (false /
// nullopt) so the interpreter falls back to the term frames. The recognizer accepts the shipped
// specs' back-substitution and concretization regions and rejects near misses.
#include <QtTest>

#include <array>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <random>

#include "compiler/analysis/sign_split.h"
#include "compiler/driver.h"
#include "compiler/frontend.h"
#include "runtime/backend/backend.h"
#include "runtime/backend/cpu/cpu_backend.h"
#include "runtime/compiled_certifier.h"
#include "runtime/executor.h"
#include "tests/support/bundled_inputs.h"
#include "tests/support/spec_references.h"
#include "runtime/backend/cpu/convolution.h"
#include "tests/support/test_paths.h"

using namespace cert;
using namespace cert::runtime;
using Kind = CoefBlock::Kind;

namespace {

constexpr double kTol = 1e-12;

class Random {
 public:
  explicit Random(uint64_t seed) : gen_(seed) {}
  double value(double zeros = 0.2) {
    if (std::uniform_real_distribution<double>(0, 1)(gen_) < zeros) return 0.0;
    return std::uniform_real_distribution<double>(-1, 1)(gen_);
  }
  Eigen::MatrixXd matrix(int64_t r, int64_t c, double zeros = 0.2) {
    Eigen::MatrixXd m(r, c);
    for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = value(zeros);
    return m;
  }
  Eigen::VectorXd vector(int64_t n) { return matrix(n, 1).col(0); }

 private:
  std::mt19937_64 gen_;
};

ConvGeometry geometry(int inC, int inH, int inW, int outC, int k, int s, int p) {
  ConvGeometry g;
  g.inChannels = inC, g.inHeight = inH, g.inWidth = inW, g.outChannels = outC;
  g.kernelH = k, g.kernelW = k, g.strideH = s, g.strideW = s;
  g.padTop = p, g.padLeft = p, g.padBottom = p, g.padRight = p;
  g.dilationH = 1, g.dilationW = 1;
  g.outHeight = (inH + 2 * p - k) / s + 1;
  g.outWidth = (inW + 2 * p - k) / s + 1;
  return g;
}

CoefBlock kernelBlock(const ConvGeometry& g, Random& rnd) {
  const Eigen::VectorXd w = rnd.vector(int64_t(g.outChannels) * g.inChannels * g.kernelH * g.kernelW);
  return CoefBlock::kernel(std::make_shared<gbcsr::KernelBlock>(gbcsr::KernelBlock{{w.data(), w.data() + w.size()}, g}), cpuBackend());
}

/// An n x m coefficient block of `kind` (Diagonal: n == m; Kernel: of geometry g, n x m its
/// Toeplitz extents).
CoefBlock coefBlock(Kind kind, int64_t n, int64_t m, const ConvGeometry& g, Random& rnd) {
  switch (kind) {
    case Kind::Dense: return cpu::makeDense(rnd.matrix(n, m));
    case Kind::Csr: return cpu::makeCsr(cpu::SparseRM(rnd.matrix(n, m, 0.85).sparseView(0.0, 0.0)));
    case Kind::Diagonal: return cpu::makeDiagonal(rnd.vector(n));
    case Kind::RowScaled:  // a Dense block's rows scaled, or (when g's extents fit) a conv layer's
      if (int64_t(g.outChannels) * g.outHeight * g.outWidth == n && int64_t(g.inChannels) * g.inHeight * g.inWidth == m)
        return cpu::makeRowScaled(kernelBlock(g, rnd), rnd.vector(n));
      return cpu::makeRowScaled(cpu::makeDense(rnd.matrix(n, m)), rnd.vector(n));
    case Kind::Kernel: return kernelBlock(g, rnd);
  }
  return {};
}

/// The reference: constants and per-key blocks of sum_j (c_ij >= 0 ? c_ij A_j : c_ij B_j).
struct Dense {
  Eigen::VectorXd c0;
  std::map<int, Eigen::MatrixXd> blocks;
};

Eigen::VectorXd column(const Tensor& t, int64_t m) {
  if (t.v.size() == 1) return Eigen::VectorXd::Constant(m, t.v[0]);
  return cpu::hostMatrix(t, m, 1).col(0);
}

Dense reference(const Eigen::MatrixXd& c, const Lin& a, const Lin& b) {
  Dense out;
  out.c0 = Eigen::VectorXd::Zero(c.rows());
  const Eigen::VectorXd a0 = column(a.c0, c.cols()), b0 = column(b.c0, c.cols());
  std::map<int, int64_t> widths;
  for (const Lin* f : {&a, &b})
    for (const auto& [k, blk] : f->blocks) widths[k] = blk.cols();
  for (const auto& [k, w] : widths) out.blocks[k] = Eigen::MatrixXd::Zero(c.rows(), w);
  for (Eigen::Index i = 0; i < c.rows(); ++i)
    for (Eigen::Index j = 0; j < c.cols(); ++j) {
      const double x = c(i, j);
      if (x == 0) continue;
      const Lin& f = x >= 0 ? a : b;
      out.c0[i] += x * (x >= 0 ? a0[j] : b0[j]);
      for (const auto& [k, blk] : f.blocks) out.blocks[k].row(i) += x * cpu::toDense(blk).row(j);
    }
  return out;
}

bool close(const Eigen::MatrixXd& actual, const Eigen::MatrixXd& expected, QString* why) {
  if (actual.rows() != expected.rows() || actual.cols() != expected.cols()) {
    *why = QString("extents %1x%2 vs %3x%4").arg(actual.rows()).arg(actual.cols()).arg(expected.rows()).arg(expected.cols());
    return false;
  }
  for (Eigen::Index i = 0; i < actual.rows(); ++i)
    for (Eigen::Index j = 0; j < actual.cols(); ++j)
      if (!(std::abs(actual(i, j) - expected(i, j)) <= kTol * std::max(1.0, std::abs(expected(i, j))))) {
        *why = QString("(%1,%2): %3 vs %4").arg(i).arg(j).arg(actual(i, j), 0, 'g', 17).arg(expected(i, j), 0, 'g', 17);
        return false;
      }
  return true;
}

/// The forward flow's rules of a spec text; nullopt when it does not compile.
std::optional<driver::FlowPrograms> compileText(const std::string& text) {
  const FrontendResult fe = runFrontend(text);
  if (!fe.ok()) return std::nullopt;
  Result<driver::FlowPrograms> flows = driver::compileFlows(fe);
  if (!flows.ok()) return std::nullopt;
  return std::move(*flows.value);
}

std::string fileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

class TestSignSplit : public QObject {
  Q_OBJECT

 private slots:
  void productsEqualTheTermByTermSum();
  void sumsEqualTheTermByTermSum();
  void productSumsEqualTheTermByTermSum();
  void reluStepOverRowsWithTheSameColumns();
  void nonFiniteValuesAreRefused();
  void nonZeroRowsOfEveryKind();
  void recognizesTheShippedSpecsRegions();
  void rejectsNearMisses();
  void mapOverLinearMembersAsTheTermFrame();
};

void TestSignSplit::productsEqualTheTermByTermSum() {
  const Backend& be = cpuBackend();
  Random rnd(7);
  // c: the traverse's form over a term layer of m neurons (a conv output: 2 x 5 x 5 = 50); the
  // members map those m neurons to layers 3 (m neurons, Diagonal/Dense/Csr) and 2 (a conv input
  // of 3 x 7 x 7 = 147, Kernel/Dense).
  const ConvGeometry term = geometry(3, 7, 7, 2, 3, 1, 0);  // 147 -> 50
  const int64_t m = int64_t(term.outChannels) * term.outHeight * term.outWidth;
  const ConvGeometry onTerm = geometry(2, 5, 5, 2, 3, 1, 1);  // 50 -> 50: a Kernel coefficient block
  int checks = 0;
  // Coefficient kinds, RowScaled twice: over a Dense block (9 rows) and over a conv layer's rows.
  for (int variant = 0; variant < 6; ++variant) {
    const Kind ck = std::array{Kind::Dense, Kind::Csr, Kind::Diagonal, Kind::RowScaled, Kind::RowScaled, Kind::Kernel}[size_t(variant)];
    const int64_t n = ck == Kind::Diagonal || ck == Kind::Kernel || variant == 4 ? m : 9;
    const CoefBlock c = coefBlock(ck, n, m, onTerm, rnd);
    QCOMPARE(ck == Kind::RowScaled ? c.scaledBase().kind() : ck, variant == 4 ? Kind::Kernel : variant == 3 ? Kind::Dense : ck);
    const Eigen::MatrixXd cd = cpu::toDense(c);
    // Member pairs: ReLU-like (Diagonal + column constants), Affine-like (one shared Kernel or
    // Dense block, shared constant), different Dense/Csr blocks, and a key in one member only.
    struct Case {
      const char* name;
      Lin a, b;
    };
    std::vector<Case> cases;
    {
      Lin a, b;
      a.blocks.emplace(3, cpu::makeDiagonal(rnd.vector(m)));
      b.blocks.emplace(3, cpu::makeDiagonal(rnd.vector(m)));
      a.c0 = Tensor::scalar(0);
      b.c0 = cpu::columnTensor(rnd.vector(m));
      cases.push_back({"relu", a, b});
    }
    {
      // A ReLU with inactive neurons (slope 0 on both sides: every third column), whose columns a
      // Csr result leaves out (checked below).
      Lin a, b;
      Eigen::VectorXd sa = rnd.vector(m), sb = rnd.vector(m), cb = rnd.vector(m);
      for (int64_t j = 0; j < m; j += 3) sa[j] = sb[j] = 0;
      a.blocks.emplace(3, cpu::makeDiagonal(sa));
      b.blocks.emplace(3, cpu::makeDiagonal(sb));
      a.c0 = Tensor::scalar(0);
      b.c0 = cpu::columnTensor(cb);
      cases.push_back({"relu with inactive neurons", a, b});
    }
    {
      Lin a;
      a.blocks.emplace(2, kernelBlock(term, rnd));
      a.c0 = cpu::columnTensor(rnd.vector(m));
      cases.push_back({"conv shared", a, a});
    }
    {
      Lin a;
      a.blocks.emplace(2, cpu::makeDense(rnd.matrix(m, 147)));
      a.c0 = Tensor::scalar(0.5);
      cases.push_back({"affine shared", a, a});
    }
    {
      Lin a, b;
      a.blocks.emplace(2, cpu::makeDense(rnd.matrix(m, 147)));
      b.blocks.emplace(2, cpu::makeCsr(cpu::SparseRM(rnd.matrix(m, 147, 0.9).sparseView(0.0, 0.0))));
      b.blocks.emplace(3, cpu::makeDiagonal(rnd.vector(m)));
      a.c0 = cpu::columnTensor(rnd.vector(m));
      cases.push_back({"dense vs csr, key in one only", a, b});
    }
    {
      Lin a, b;
      a.blocks.emplace(2, kernelBlock(term, rnd));
      b.blocks.emplace(2, kernelBlock(term, rnd));
      cases.push_back({"two kernels", a, b});
    }
    {
      // Row scalings of one block (a ReLU's L and U written over the layer before its affine
      // layer: diag(sL) W and diag(sU) W, zero scales for dropped rows), W itself against a
      // scaling of it, and a scaling whose other member lacks the key: one product each.
      const CoefBlock w = cpu::makeDense(rnd.matrix(m, 147));
      Eigen::VectorXd sa = rnd.vector(m), sb = rnd.vector(m);
      for (int64_t j = 0; j < m; j += 4) sa[j] = 0;
      Lin a, b;
      a.blocks.emplace(2, cpu::makeRowScaled(w, sa));
      b.blocks.emplace(2, cpu::makeRowScaled(w, sb));
      b.c0 = cpu::columnTensor(rnd.vector(m));
      cases.push_back({"row scalings of one block", a, b});
      Lin whole;
      whole.blocks.emplace(2, w);
      cases.push_back({"a block and a row scaling of it", whole, b});
      Lin none;
      none.blocks.emplace(3, cpu::makeDiagonal(rnd.vector(m)));
      cases.push_back({"a row scaling, the other member without its key", a, none});
      // The same over a conv layer's rows (a Kernel base): the product is its convolution.
      const CoefBlock conv = kernelBlock(term, rnd);
      Lin ka, kb, kwhole;
      ka.blocks.emplace(2, cpu::makeRowScaled(conv, sa));
      kb.blocks.emplace(2, cpu::makeRowScaled(conv, sb));
      kb.c0 = cpu::columnTensor(rnd.vector(m));
      kwhole.blocks.emplace(2, conv);
      cases.push_back({"row scalings of one conv", ka, kb});
      cases.push_back({"a conv and a row scaling of it", kwhole, kb});
      cases.push_back({"a conv's row scaling, the other member without its key", ka, none});
      Lin other;
      other.blocks.emplace(2, cpu::makeRowScaled(kernelBlock(term, rnd), sb));
      cases.push_back({"row scalings of two convs", ka, other});
    }
    {
      // An Add layer: L = U = prev_0 + prev_1, identities over two layers of m neurons.
      Lin a;
      a.blocks.emplace(3, cpuBackend().identityBlock(m, false));
      a.blocks.emplace(4, cpuBackend().identityBlock(m, false));
      cases.push_back({"add of two layers", a, a});
    }
    {
      // The input layer: L and U are its box's ends, constants only (back-substitution's last step).
      Lin a, b;
      a.c0 = cpu::columnTensor(rnd.vector(m));
      b.c0 = cpu::columnTensor(rnd.vector(m));
      cases.push_back({"input box", a, b});
      cases.push_back({"input point (equal ends)", a, a});
    }
    for (const Case& k : cases) {
      const Dense expected = reference(cd, k.a, k.b);
      Lin out;
      std::map<int, int> added;
      const std::function<void(int, CoefBlock)> add = blockAdder(be, out);
      const bool ok = be.signSplit(out, c, k.a, k.b, nullptr, [&](int key, CoefBlock blk) {
        ++added[key];
        add(key, std::move(blk));
      });
      const QString where = QString("%1 coefficients, %2").arg(kindName(ck)).arg(k.name);
      QVERIFY2(ok, qPrintable(where));
      QString why;
      QVERIFY2(close(column(out.c0, n), expected.c0, &why), qPrintable(where + " constants: " + why));
      QCOMPARE(out.blocks.size(), expected.blocks.size());
      for (const auto& [key, blk] : expected.blocks) {
        QVERIFY2(out.blocks.count(key), qPrintable(where));
        QCOMPARE(added[key], 1);  // one block per key
        QVERIFY2(close(cpu::toDense(out.blocks.at(key)), blk, &why), qPrintable(where + QString(" key %1: ").arg(key) + why));
        if (std::string(k.name) == "relu with inactive neurons" && out.blocks.at(key).kind() == Kind::Csr) {
          const cpu::SparseRM& sp = cpu::csrOf(out.blocks.at(key));
          for (Eigen::Index e = 0; e < sp.nonZeros(); ++e)
            QVERIFY2(sp.innerIndexPtr()[e] % 3 != 0, qPrintable(where + ": an inactive neuron's column is stored"));
        }
        ++checks;
      }
    }
  }
  QVERIFY(checks >= 6 * 6);
}

void TestSignSplit::sumsEqualTheTermByTermSum() {
  const Backend& be = cpuBackend();
  Random rnd(11);
  const ConvGeometry g = geometry(2, 6, 6, 2, 3, 1, 1);  // 72 x 72
  for (Kind ck : {Kind::Dense, Kind::Csr, Kind::Diagonal, Kind::RowScaled, Kind::Kernel}) {
    const CoefBlock c = coefBlock(ck, 72, 72, g, rnd);
    const Eigen::MatrixXd cd = cpu::toDense(c);
    const Eigen::VectorXd l = rnd.vector(72), u = rnd.vector(72);
    Eigen::VectorXd expected = Eigen::VectorXd::Zero(72);
    for (Eigen::Index i = 0; i < cd.rows(); ++i)
      for (Eigen::Index j = 0; j < cd.cols(); ++j)
        if (cd(i, j) != 0) expected[i] += cd(i, j) * (cd(i, j) >= 0 ? l[j] : u[j]);
    const std::optional<Tensor> got = be.signSplitSum(c, cpu::columnTensor(l), cpu::columnTensor(u), nullptr);
    QVERIFY(got);
    QString why;
    QVERIFY2(close(column(*got, 72), expected, &why), qPrintable(QString(kindName(ck)) + ": " + why));
    // Scalars broadcast over the columns.
    const std::optional<Tensor> scalars = be.signSplitSum(c, Tensor::scalar(2), Tensor::scalar(-3), nullptr);
    QVERIFY(scalars);
    Eigen::VectorXd e2 = Eigen::VectorXd::Zero(72);
    for (Eigen::Index i = 0; i < cd.rows(); ++i)
      for (Eigen::Index j = 0; j < cd.cols(); ++j) e2[i] += cd(i, j) * (cd(i, j) >= 0 ? 2.0 : -3.0);
    QVERIFY2(close(column(*scalars, 72), e2, &why), qPrintable(why));
  }
}

// Backend::productSignSplitSum (the step through a conv layer onto the input box fused with its
// concretization, the product never stored) against the term-by-term sum of the product written
// here: for dense coefficient rows (the direct transposed convolution from 16 rows, with a tail of
// rows past a vector and with zero columns; 5 rows, 1 input channel and 1x1 kernels by the
// product and then its sum) and CSR rows (grouped Toeplitz rows of a following convolution,
// scattered rows, and rows dense enough for the dense route); non-finite values refused.
void TestSignSplit::productSumsEqualTheTermByTermSum() {
  const Backend& be = cpuBackend();
  Random rnd(17);
  int checks = 0;
  for (const ConvGeometry& g : {geometry(3, 7, 7, 4, 3, 1, 1), geometry(10, 8, 8, 6, 3, 2, 1), geometry(1, 6, 6, 3, 2, 1, 0),
                                geometry(4, 5, 5, 5, 1, 1, 0)}) {
    const CoefBlock a = kernelBlock(g, rnd);
    const Eigen::MatrixXd t = cpu::toDense(a);  // Toeplitz: [outputs x inputs]
    const int64_t outputs = t.rows(), inputs = t.cols();
    // The Toeplitz rows of a convolution reading a's output, 9 channels: 9 rows per position with
    // the same columns.
    const ConvGeometry next = geometry(g.outChannels, g.outHeight, g.outWidth, 9, std::min(2, g.outHeight), 1, 0);
    const Eigen::MatrixXd nextRows = cpu::toDense(kernelBlock(next, rnd));
    Eigen::MatrixXd withZeroColumns = rnd.matrix(37, outputs);
    for (int64_t j = 0; j < outputs; j += 3) withZeroColumns.col(j).setZero();
    struct Case {
      const char* name;
      CoefBlock c;
    };
    const std::vector<Case> cases = {
        {"dense, 37 rows", cpu::makeDense(rnd.matrix(37, outputs))},
        {"dense, 37 rows, zero columns", cpu::makeDense(withZeroColumns)},
        {"dense, 5 rows", cpu::makeDense(rnd.matrix(5, outputs))},
        {"csr, grouped rows", cpu::makeCsr(cpu::SparseRM(nextRows.sparseView(0.0, 0.0)))},
        {"csr, scattered rows", cpu::makeCsr(cpu::SparseRM(rnd.matrix(23, outputs, 0.95).sparseView(0.0, 0.0)))},
        {"csr, dense rows", cpu::makeCsr(cpu::SparseRM(rnd.matrix(40, outputs, 0.1).sparseView(0.0, 0.0)))},
    };
    const Eigen::VectorXd l = rnd.vector(inputs), u = l + rnd.vector(inputs).cwiseAbs();
    for (const Case& k : cases) {
      const QString where = QString("%1 input channels, %2x%2 kernel, %3").arg(g.inChannels).arg(g.kernelH).arg(k.name);
      const Eigen::MatrixXd product = cpu::toDense(k.c) * t;
      Eigen::VectorXd expected = Eigen::VectorXd::Zero(product.rows()), scale = expected;
      for (Eigen::Index i = 0; i < product.rows(); ++i)
        for (Eigen::Index j = 0; j < product.cols(); ++j) {
          const double v = product(i, j), term = v * (v >= 0 ? l[j] : u[j]);
          expected[i] += term;
          scale[i] += std::abs(term);
        }
      const std::optional<Tensor> got = be.productSignSplitSum(k.c, a, cpu::columnTensor(l), cpu::columnTensor(u), nullptr);
      QVERIFY2(got, qPrintable(where));
      const Eigen::VectorXd sums = column(*got, product.rows());
      for (Eigen::Index i = 0; i < product.rows(); ++i)
        QVERIFY2(std::abs(sums[i] - expected[i]) <= 1e-12 * (1 + scale[i]),
                 qPrintable(where + QString(", row %1: %2 vs %3").arg(i).arg(sums[i], 0, 'g', 17).arg(expected[i], 0, 'g', 17)));
      ++checks;
      // Not finite: a coefficient, an end, or a value of the product (finite factors overflowing).
      Eigen::MatrixXd bad = cpu::toDense(k.c);
      bad(bad.rows() - 1, 0) = std::numeric_limits<double>::infinity();
      QVERIFY2(!be.productSignSplitSum(cpu::makeDense(bad), a, cpu::columnTensor(l), cpu::columnTensor(u), nullptr),
               qPrintable(where));
      Eigen::VectorXd badEnd = u;
      badEnd[inputs - 1] = std::numeric_limits<double>::quiet_NaN();
      QVERIFY2(!be.productSignSplitSum(k.c, a, cpu::columnTensor(l), cpu::columnTensor(badEnd), nullptr), qPrintable(where));
      const Eigen::MatrixXd huge = cpu::toDense(k.c).unaryExpr([](double v) { return v == 0 ? 0.0 : 1e308 * (v > 0 ? 1 : -1); });
      const CoefBlock hugeC = k.c.kind() == Kind::Csr ? cpu::makeCsr(cpu::SparseRM(huge.sparseView(0.0, 0.0)))
                                                       : cpu::makeDense(huge);
      bool overflows = false;
      for (Eigen::Index i = 0; i < huge.rows(); ++i) overflows |= !(huge.row(i) * t).allFinite();
      if (overflows)
        QVERIFY2(!be.productSignSplitSum(hugeC, a, cpu::columnTensor(l), cpu::columnTensor(u), nullptr),
                 qPrintable(where + ", overflow"));
    }
  }
  QCOMPARE(checks, 4 * 6);
}

// The ReLU step over CSR rows as a conv layer's back-substitution makes them: rows that share
// their columns (three column sets of 10 rows each, one with the first column and count of
// another but other columns; 17 and 43 values), short rows between them; inactive neurons (both
// slopes 0) at every fourth column. Against the term-by-term sum; no inactive column stored; a
// bad value anywhere refused.
void TestSignSplit::reluStepOverRowsWithTheSameColumns() {
  const Backend& be = cpuBackend();
  Random rnd(23);
  const int64_t m = 60;
  std::mt19937 gen(5);
  std::vector<std::vector<int>> sets;
  for (const int count : {43, 17, 17}) {
    std::vector<int> columns(m);
    std::iota(columns.begin(), columns.end(), 0);
    std::shuffle(columns.begin() + 1, columns.end(), gen);  // column 0 first in every set
    columns.resize(static_cast<size_t>(count));
    std::sort(columns.begin(), columns.end());
    sets.push_back(columns);
  }
  QVERIFY(sets[1] != sets[2]);  // same first column and count, other columns
  Eigen::MatrixXd cd = Eigen::MatrixXd::Zero(37, m);
  std::vector<Eigen::Triplet<double>> terms;
  for (int r = 0; r < 37; ++r) {
    const std::vector<int> shortRow = {r % 7, 10 + r % 5, 30 + r % 11, 50, 59};
    const std::vector<int>& columns = r % 4 == 3 ? shortRow : sets[static_cast<size_t>(r % 3)];
    for (const int j : columns) {
      const double v = rnd.value(0.0);
      cd(r, j) = v;
      terms.emplace_back(r, j, v);
    }
  }
  cpu::SparseRM sparse(37, m);
  sparse.setFromTriplets(terms.begin(), terms.end());
  sparse.makeCompressed();
  Eigen::VectorXd lower = rnd.vector(m), upper = rnd.vector(m);
  for (int64_t j = 0; j < m; j += 4) lower[j] = upper[j] = 0;
  Lin relu, reluUpper;
  relu.blocks.emplace(1, cpu::makeDiagonal(lower));
  reluUpper.blocks.emplace(1, cpu::makeDiagonal(upper));
  reluUpper.c0 = cpu::columnTensor(rnd.vector(m));
  for (const bool withInactive : {true, false}) {
    Lin a = relu, b = reluUpper;
    if (!withInactive) {
      a.blocks.at(1) = cpu::makeDiagonal(rnd.vector(m).cwiseAbs().array() + 0.1);
      b.blocks.at(1) = cpu::makeDiagonal(rnd.vector(m).cwiseAbs().array() + 0.1);
    }
    const Dense expected = reference(cd, a, b);
    Lin out;
    QVERIFY(be.signSplit(out, cpu::makeCsr(cpu::SparseRM(sparse)), a, b, nullptr, blockAdder(be, out)));
    QString why;
    QVERIFY2(close(column(out.c0, 37), expected.c0, &why), qPrintable("constants: " + why));
    QVERIFY2(close(cpu::toDense(out.blocks.at(1)), expected.blocks.at(1), &why), qPrintable("coefficients: " + why));
    QVERIFY(out.blocks.at(1).kind() == Kind::Csr);
    const cpu::SparseRM& result = cpu::csrOf(out.blocks.at(1));
    for (Eigen::Index e = 0; e < result.nonZeros(); ++e)
      QVERIFY2(!withInactive || result.innerIndexPtr()[e] % 4 != 0, "an inactive neuron's column is stored");
    // Stored: the columns with a slope that is not 0 (also the random slopes can both be 0).
    const Eigen::VectorXd& sa = cpu::diagonalOf(a.blocks.at(1));
    const Eigen::VectorXd& sb = cpu::diagonalOf(b.blocks.at(1));
    QCOMPARE(result.nonZeros(), Eigen::Index(std::count_if(terms.begin(), terms.end(), [&](const auto& t) {
               return sa[t.col()] != 0 || sb[t.col()] != 0;
             })));
  }
  // A bad value at every place of rows 0-2 (one of each column set) and of row 3 (short).
  for (int r = 0; r < 4; ++r)
    for (cpu::SparseRM::InnerIterator it(sparse, r); it; ++it) {
      cpu::SparseRM bad = sparse;
      bad.coeffRef(r, it.col()) = it.col() % 2 ? std::numeric_limits<double>::infinity()
                                               : std::numeric_limits<double>::quiet_NaN();
      Lin o;
      QVERIFY2(!be.signSplit(o, cpu::makeCsr(std::move(bad)), relu, reluUpper, nullptr, [](int, CoefBlock) {}),
               qPrintable(QString("bad value at row %1, column %2").arg(r).arg(it.col())));
    }
}

void TestSignSplit::nonFiniteValuesAreRefused() {
  const Backend& be = cpuBackend();
  Random rnd(3);
  const double inf = std::numeric_limits<double>::infinity();
  Eigen::MatrixXd cm = rnd.matrix(4, 5);
  const CoefBlock c = cpu::makeDense(cm);
  Eigen::VectorXd l = rnd.vector(5);
  l[2] = -inf;
  QVERIFY(!be.signSplitSum(c, cpu::columnTensor(l), cpu::columnTensor(rnd.vector(5)), nullptr));
  cm(1, 1) = std::numeric_limits<double>::quiet_NaN();
  QVERIFY(!be.signSplitSum(cpu::makeDense(cm), Tensor::scalar(1), Tensor::scalar(1), nullptr));
  Lin a, b;
  Eigen::VectorXd d = rnd.vector(5);
  d[0] = inf;
  a.blocks.emplace(1, cpu::makeDiagonal(d));
  b.blocks.emplace(1, cpu::makeDiagonal(rnd.vector(5)));
  Lin out;
  int calls = 0;
  QVERIFY(!be.signSplit(out, c, a, b, nullptr, [&](int, CoefBlock) { ++calls; }));
  QCOMPARE(calls, 0);
  QVERIFY(out.blocks.empty());
  QCOMPARE(out.c0.v.size(), size_t(1));
  QCOMPARE(out.c0.v[0], 0.0);
  // Coefficients that are not finite, Dense and Csr, against a ReLU step with constants (the
  // check made inside the step's one pass), against one shared block (checked before the
  // product) and against the input box's ends (constants only: checked in the sum's pass):
  // refused, nothing added. 21 rows: the bad value in a vector step of 8 rows (row 10) and in the
  // rows after the last step (row 20).
  const double bads[] = {inf, -inf, std::numeric_limits<double>::quiet_NaN()};
  for (const auto& [rows, badRow, bad] : {std::tuple{4, 3, bads[0]}, {4, 3, bads[1]}, {4, 3, bads[2]},
                                          {21, 10, bads[0]}, {21, 20, bads[1]}, {21, 10, bads[2]}}) {
    Eigen::MatrixXd cb = rnd.matrix(rows, 5);
    cb(badRow, badRow % 5) = bad;
    for (const CoefBlock& cc : {cpu::makeDense(cb), cpu::makeCsr(cpu::SparseRM(cb.sparseView(0.0, 0.0)))}) {
      Lin relu, reluUpper, affine;
      relu.blocks.emplace(1, cpu::makeDiagonal(rnd.vector(5)));
      reluUpper.blocks.emplace(1, cpu::makeDiagonal(rnd.vector(5)));
      reluUpper.c0 = cpu::columnTensor(rnd.vector(5));
      affine.blocks.emplace(1, cpu::makeDense(rnd.matrix(5, 3)));
      affine.c0 = cpu::columnTensor(rnd.vector(5));
      Lin boxLower, boxUpper;
      boxLower.c0 = cpu::columnTensor(rnd.vector(5));
      boxUpper.c0 = cpu::columnTensor(rnd.vector(5));
      for (const auto& [pos, neg] :
           {std::pair<const Lin*, const Lin*>{&relu, &reluUpper}, {&affine, &affine}, {&boxLower, &boxUpper}}) {
        Lin o;
        int n = 0;
        QVERIFY(!be.signSplit(o, cc, *pos, *neg, nullptr, [&](int, CoefBlock) { ++n; }));
        QCOMPARE(n, 0);
        QVERIFY(o.blocks.empty());
        QCOMPARE(o.c0.v.size(), size_t(1));
        QCOMPARE(o.c0.v[0], 0.0);
      }
    }
  }
  // CSR rows of 11 values, every one stored: a bad value at each of the 33 places (each of the
  // ReLU step's four interleaved sums and probes, and the values after the last group of four).
  for (int place = 0; place < 33; ++place)
    for (const double bad : bads) {
      Eigen::MatrixXd cb = rnd.matrix(3, 11).cwiseAbs().array() + 0.5;
      cb(place / 11, place % 11) = bad;
      const CoefBlock cc = cpu::makeCsr(cpu::SparseRM(cb.sparseView(0.0, 0.0)));
      QCOMPARE(cpu::csrOf(cc).nonZeros(), Eigen::Index(33));
      // Also where the bad value's neuron is inactive (both slopes 0): its column is left out of
      // the result, and the value is still probed.
      for (const bool inactive : {false, true}) {
        Eigen::VectorXd lower = rnd.vector(11), upper = rnd.vector(11);
        if (inactive) lower[place % 11] = upper[place % 11] = 0;
        Lin relu, reluUpper;
        relu.blocks.emplace(1, cpu::makeDiagonal(lower));
        reluUpper.blocks.emplace(1, cpu::makeDiagonal(upper));
        reluUpper.c0 = cpu::columnTensor(rnd.vector(11));
        Lin o;
        QVERIFY2(!be.signSplit(o, cc, relu, reluUpper, nullptr, [](int, CoefBlock) {}),
                 qPrintable(QString("bad value at %1%2").arg(place).arg(inactive ? ", inactive neuron" : "")));
        QVERIFY(o.blocks.empty());
      }
    }
}

void TestSignSplit::nonZeroRowsOfEveryKind() {
  const Backend& be = cpuBackend();
  Random rnd(5);
  const ConvGeometry g = geometry(1, 4, 4, 1, 3, 1, 1);  // 16 x 16
  for (Kind ck : {Kind::Dense, Kind::Csr, Kind::Diagonal, Kind::RowScaled, Kind::Kernel}) {
    CoefBlock c = coefBlock(ck, 16, 16, g, rnd);
    // Zero rows 3 and 7.
    std::vector<bool> keep(16, true);
    keep[3] = keep[7] = false;
    c = ck == Kind::Kernel ? be.keepRows(c, keep) : be.keepRows(c, keep);
    const Eigen::MatrixXd d = cpu::toDense(c);
    const std::vector<bool> rows = be.nonZeroRows(c, nullptr);
    QCOMPARE(rows.size(), size_t(16));
    for (int i = 0; i < 16; ++i) QCOMPARE(bool(rows[size_t(i)]), (d.row(i).array() != 0).any());
    QVERIFY(!rows[3] && !rows[7]);
  }
  // Dense rows whose one non-zero sits in any column (the scan stops only once every row has
  // one, checked after columns 1, 2, 4, 8, 16, ...), some rows all zero, and a block whose first
  // column already answers every row.
  for (int zeroRows : {0, 3}) {
    Eigen::MatrixXd m = Eigen::MatrixXd::Zero(40, 37);
    for (Eigen::Index r = zeroRows; r < m.rows(); ++r) m(r, (r * 7) % m.cols()) = r % 2 ? -0.5 : 2.0;
    for (const Eigen::MatrixXd& x : {m, Eigen::MatrixXd(Eigen::MatrixXd::Ones(40, 37))}) {
      const std::vector<bool> rows = be.nonZeroRows(cpu::makeDense(x), nullptr);
      QCOMPARE(rows.size(), size_t(40));
      for (Eigen::Index i = 0; i < x.rows(); ++i) QCOMPARE(bool(rows[size_t(i)]), (x.row(i).array() != 0).any());
    }
  }
  // A Kernel block's own zero rows, read from its taps: an output channel of zero weights,
  // positions whose taps all read padding (1x1 kernel, pad 1), and a kernel with zero taps.
  for (const ConvGeometry& kg : {geometry(2, 3, 3, 3, 1, 1, 1), geometry(1, 4, 4, 2, 2, 2, 1), geometry(2, 5, 4, 2, 3, 2, 2)}) {
    auto k = std::make_shared<gbcsr::KernelBlock>();
    k->geometry = kg;
    const Eigen::VectorXd w = rnd.vector(int64_t(kg.outChannels) * kg.inChannels * kg.kernelH * kg.kernelW);
    k->weight.assign(w.data(), w.data() + w.size());
    const int64_t perChannel = int64_t(kg.inChannels) * kg.kernelH * kg.kernelW;
    std::fill_n(k->weight.begin() + perChannel, perChannel, 0.0);  // output channel 1
    for (size_t t = 0; t < k->weight.size(); t += 3) k->weight[t] = 0;
    const CoefBlock c = CoefBlock::kernel(k, cpuBackend());
    const Eigen::MatrixXd d = cpu::toDense(c);
    const std::vector<bool> rows = be.nonZeroRows(c, nullptr);
    QCOMPARE(int64_t(rows.size()), d.rows());
    int zero = 0;
    for (Eigen::Index i = 0; i < d.rows(); ++i) {
      QCOMPARE(bool(rows[size_t(i)]), (d.row(i).array() != 0).any());
      zero += rows[size_t(i)] ? 0 : 1;
    }
    QVERIFY(zero >= kg.outHeight * kg.outWidth);  // channel 1 at least
  }
}

void TestSignSplit::recognizesTheShippedSpecsRegions() {
  // DeepPoly and CROWN: each Affine rule's two traverses replace by (L, U) and (U, L), and their
  // maps concretize by (l, u) and (u, l).
  for (const char* spec : {"specs/deeppoly.cf", "specs/crown.cf"}) {
    const auto compiled = compileText(fileText(cert::test::sourcePath(spec)));
    QVERIFY2(compiled, spec);
    const ir::Program* affine = nullptr;
    for (const auto& p : compiled->rules)
      if (p.op == "Affine") affine = &p;
    QVERIFY2(affine, spec);
    std::vector<std::pair<std::string, std::string>> traverses, maps;
    for (const ir::Instr& i : affine->body.body) {
      if (i.op == ir::Opcode::Traverse) {
        const auto s = analysis::signSplitOf(*affine, *i.regions[2]);
        QVERIFY2(s, spec);
        traverses.emplace_back(s->onPositive, s->onNegative);
        QVERIFY(!analysis::signSplitOf(*affine, *i.regions[0]));  // the priority is not one
      }
      if (i.op == ir::Opcode::Map) {
        const auto s = analysis::signSplitOf(*affine, *i.regions[0]);
        QVERIFY2(s, spec);
        maps.emplace_back(s->onPositive, s->onNegative);
      }
    }
    const std::vector<std::pair<std::string, std::string>> lu{{"L", "U"}, {"U", "L"}}, fu{{"l", "u"}, {"u", "l"}};
    QCOMPARE(traverses, lu);
    QCOMPARE(maps, fu);
  }
}

void TestSignSplit::rejectsNearMisses() {
  // CROWN with its lower concretization rewritten by hand: the clamp against 1, an extra factor,
  // and (c <= 0) ? c * l : c * u, which is the sign split with its members swapped.
  const std::string crown = fileText(cert::test::sourcePath("specs/crown.cf"));
  const std::string original = "func simplify_lower(Neuron n, Float c) = (c >= 0) ? (c * n[l]) : (c * n[u]);";
  QVERIFY(crown.find(original) != std::string::npos);
  const std::vector<std::pair<std::string, std::optional<std::pair<std::string, std::string>>>> variants = {
      {"(c >= 1) ? (c * n[l]) : (c * n[u])", std::nullopt},
      {"(c >= 0) ? (2 * c * n[l]) : (c * n[u])", std::nullopt},
      {"(c >= 0) ? (c * n[l]) : (c * n[layer])", std::nullopt},
      {"(c <= 0) ? (c * n[l]) : (c * n[u])", std::make_pair(std::string("u"), std::string("l"))},
  };
  for (const auto& [body, expected] : variants) {
    std::string text = crown;
    text.replace(text.find(original), original.size(), "func simplify_lower(Neuron n, Float c) = " + body + ";");
    const auto compiled = compileText(text);
    QVERIFY2(compiled, body.c_str());
    const ir::Program* affine = nullptr;
    for (const auto& p : compiled->rules)
      if (p.op == "Affine") affine = &p;
    QVERIFY(affine);
    std::vector<std::optional<analysis::SignSplit>> maps;
    for (const ir::Instr& i : affine->body.body)
      if (i.op == ir::Opcode::Map) maps.push_back(analysis::signSplitOf(*affine, *i.regions[0]));
    QCOMPARE(maps.size(), size_t(2));  // l's (rewritten) and u's (as shipped)
    QCOMPARE(maps[0].has_value(), expected.has_value());
    if (expected) {
      QCOMPARE(maps[0]->onPositive, expected->first);
      QCOMPARE(maps[0]->onNegative, expected->second);
    }
    QVERIFY(maps[1] && maps[1]->onPositive == "u" && maps[1]->onNegative == "l");
  }
}

/// A map whose body replaces each term by its neuron's U or L (a back-substitution step written as
/// a map, as published CROWN variants write a Relu's upper bound) runs as the traverse's fused
/// product over the members' blocks: the same bounds as the term frame, which the same function
/// written so that it is not recognized takes.
void TestSignSplit::mapOverLinearMembersAsTheTermFrame() {
  const std::string crown = fileText(cert::test::sourcePath("specs/crown.cf"));
  const std::string original = "func relu_upper(Neuron n) = (n[u] / pos(n[u] - n[l])) * n - (n[u] * n[l]) / pos(n[u] - n[l]);";
  QVERIFY(crown.find(original) != std::string::npos);
  auto variant = [&](const std::string& body) {
    std::string text = crown;
    text.replace(text.find(original), original.size(),
                 "func map_upper(Neuron n, Float c) = " + body +
                     ";\nfunc relu_upper(Neuron n) = (n[u] / pos(n[u] - n[l])) * (n[U].map(map_upper)) - (n[u] * n[l]) / "
                     "pos(n[u] - n[l]);");
    return text;
  };
  const std::string fused = variant("(c >= 0) ? (c * n[U]) : (c * n[L])");
  const std::string termFrame = variant("(c >= 0) ? (c * n[U]) : (c * n[L] + 0 * c)");
  auto reluMapSplit = [&](const std::string& text) {
    const auto compiled = compileText(text);
    if (!compiled) qFatal("a variant does not compile");
    for (const auto& p : compiled->rules)
      if (p.op == "Relu") {
        std::function<std::optional<analysis::SignSplit>(const ir::Region&)> find =
            [&](const ir::Region& r) -> std::optional<analysis::SignSplit> {
          for (const ir::Instr& i : r.body) {
            if (i.op == ir::Opcode::Map) return analysis::signSplitOf(p, *i.regions[0]);
            for (const auto& nested : i.regions)
              if (auto s = find(*nested)) return s;
          }
          return std::nullopt;
        };
        return find(p.body);
      }
    return std::optional<analysis::SignSplit>{};
  };
  const auto split = reluMapSplit(fused);
  QVERIFY(split && split->onPositive == "U" && split->onNegative == "L");
  QVERIFY(!reluMapSplit(termFrame));
  const Result<CompiledCertifier> a = compileCertifier(fused), b = compileCertifier(termFrame);
  QVERIFY(a.ok() && b.ok());
  RunOptions options;
  options.threads = 1;
  for (const char* name : {"cnn_small", "mlp_784_50_50_10", "resnet_small"}) {
    const Network net = cert::test::bundledNetwork(name);
    const Property prop = cert::test::mnistRows(net, 0, 2, 0.02);
    const Result<RunResult> ra = certify(*a.value, net, prop, options), rb = certify(*b.value, net, prop, options);
    QVERIFY2(ra.ok() && rb.ok(), name);
    for (size_t k = 0; k < ra.value->items.size(); ++k) {
      std::string where;
      const double d = cert::test::maxRelativeDifference(cert::test::toLayerBounds(ra.value->items[k].layers),
                                                         cert::test::toLayerBounds(rb.value->items[k].layers), &where);
      QVERIFY2(d >= 0 && d <= 1e-12, qPrintable(QString("%1 item %2: %3 at %4").arg(name).arg(k).arg(d).arg(where.c_str())));
    }
  }
}

QTEST_GUILESS_MAIN(TestSignSplit)
#include "tst_sign_split.moc"
