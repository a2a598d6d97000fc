// Coefficient blocks of linear forms: kinds, shared storage, and the products of
// back-substitution.
#include "runtime/coef_block.h"
#include "runtime/product_threads.h"

#include <optional>
#include <stdexcept>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace cert::runtime {

CoefBlock CoefBlock::dense(Eigen::MatrixXd m) {
  CoefBlock b;
  b.kind_ = Kind::Dense;
  b.rows_ = m.rows();
  b.cols_ = m.cols();
  b.dense_ = std::make_shared<const Eigen::MatrixXd>(std::move(m));
  b.diag_.reset();
  return b;
}

CoefBlock CoefBlock::diagonal(Eigen::VectorXd d) {
  CoefBlock b;
  b.kind_ = Kind::Diagonal;
  b.rows_ = b.cols_ = d.size();
  b.dense_.reset();
  b.diag_ = std::make_shared<const Eigen::VectorXd>(std::move(d));
  return b;
}

CoefBlock CoefBlock::kernel(std::shared_ptr<const gbcsr::KernelBlock> k) {
  CoefBlock b;
  b.kind_ = Kind::Kernel;
  b.rows_ = k->rows();
  b.cols_ = k->cols();
  b.dense_.reset();
  b.kernel_ = std::move(k);
  return b;
}

CoefBlock CoefBlock::csr(gbcsr::SparseRM m) {
  CoefBlock b;
  b.kind_ = Kind::Csr;
  b.rows_ = m.rows();
  b.cols_ = m.cols();
  b.dense_.reset();
  m.makeCompressed();
  b.csr_ = std::make_shared<const gbcsr::SparseRM>(std::move(m));
  return b;
}

CoefBlock CoefBlock::compressed(const CoefBlock& b, double density) {
  if (b.kind_ != Kind::Dense || b.dense_->size() == 0) return b;
  const Eigen::MatrixXd& m = *b.dense_;
  const int64_t nnz = (m.array() != 0).count();
  if (static_cast<double>(nnz) > density * static_cast<double>(m.size())) return b;
  return csr(m.sparseView(0.0, 0.0));  // exact: only zeros are dropped
}

CoefBlock CoefBlock::networkWeight(const Eigen::MatrixXd& w) {
  CoefBlock b;
  b.kind_ = Kind::Dense;
  b.rows_ = w.rows();
  b.cols_ = w.cols();
  b.dense_ = std::shared_ptr<const Eigen::MatrixXd>(std::shared_ptr<const Eigen::MatrixXd>(), &w);  // no owner
  b.borrowed_ = true;
  return b;
}

Eigen::MatrixXd* CoefBlock::uniqueDense() {
  if (kind_ != Kind::Dense || borrowed_ || dense_.use_count() != 1) return nullptr;
  // The storage is const for sharing; a sole owner may write it (it was created non-const).
  return const_cast<Eigen::MatrixXd*>(dense_.get());
}

namespace {
thread_local bool rowViewsOn = false;
}  // namespace

RowViews::RowViews(bool on) : saved_(rowViewsOn) { rowViewsOn = on; }
RowViews::~RowViews() { rowViewsOn = saved_; }
bool RowViews::enabled() { return rowViewsOn; }

CoefBlock CoefBlock::rowScaled(const CoefBlock& base, Eigen::VectorXd s) {
  if (base.kind() == Kind::RowScaled) return rowScaled(base.scaledBase(), base.rowScale().cwiseProduct(s));
  if (base.kind() != Kind::Dense || s.size() != base.rows()) throw std::runtime_error("a row view of a non-Dense block");
  CoefBlock b;
  b.kind_ = Kind::RowScaled;
  b.rows_ = base.rows_;
  b.cols_ = base.cols_;
  b.dense_.reset();
  b.diag_ = std::make_shared<const Eigen::VectorXd>(std::move(s));
  b.base_ = std::make_shared<const CoefBlock>(base);
  return b;
}

namespace {
/// A row view may stand for `a` scaled by rows: views are on and `a` is a finite Dense block (or
/// already a view).
bool viewable(const CoefBlock& a) {
  if (!RowViews::enabled()) return false;
  if (a.kind() == CoefBlock::Kind::RowScaled) return true;
  return a.kind() == CoefBlock::Kind::Dense && a.cols() >= 8 && a.denseMatrix().allFinite();
}
}  // namespace

CoefBlock CoefBlock::identity(int64_t n, bool denseOnly) {
  if (denseOnly) return dense(Eigen::MatrixXd::Identity(n, n));
  return diagonal(Eigen::VectorXd::Ones(n));
}

gbcsr::Kind CoefBlock::gbcsrKind() const {
  switch (kind_) {
    case Kind::Dense: return gbcsr::Kind::Dense;
    case Kind::Diagonal: return gbcsr::Kind::Diagonal;
    case Kind::Kernel: return gbcsr::Kind::Kernel;
    case Kind::Csr: return gbcsr::Kind::Csr;
    case Kind::RowScaled: return gbcsr::Kind::Dense;  // shown as the Dense block it scales
  }
  return gbcsr::Kind::Dense;
}

Eigen::MatrixXd CoefBlock::toDense() const {
  switch (kind_) {
    case Kind::Dense: return *dense_;
    case Kind::Diagonal: return Eigen::MatrixXd(diag_->asDiagonal());
    case Kind::Kernel: return kernel_->item();
    case Kind::Csr: return Eigen::MatrixXd(*csr_);
    case Kind::RowScaled: return diag_->asDiagonal() * base_->denseMatrix();
  }
  return {};
}

Eigen::VectorXd CoefBlock::row(int64_t i) const {
  switch (kind_) {
    case Kind::Dense: return dense_->row(i).transpose();
    case Kind::Diagonal: {
      Eigen::VectorXd r = Eigen::VectorXd::Zero(cols_);
      r[i] = (*diag_)[i];
      return r;
    }
    case Kind::Kernel: {
      Eigen::VectorXd r = Eigen::VectorXd::Zero(cols_);
      kernel_->forEachTap([&](int64_t o, int64_t in, double w) {
        if (o == i) r[in] += w;
      });
      return r;
    }
    case Kind::Csr: return Eigen::VectorXd(csr_->row(i).transpose());
    case Kind::RowScaled: return (*diag_)[i] * base_->denseMatrix().row(i).transpose();
  }
  return {};
}

const void* CoefBlock::storage() const {
  switch (kind_) {
    case Kind::Dense: return dense_.get();
    case Kind::Diagonal: return diag_.get();
    case Kind::Kernel: return kernel_.get();
    case Kind::Csr: return csr_.get();
    case Kind::RowScaled: return diag_.get();
  }
  return nullptr;
}

int64_t CoefBlock::bytes() const {
  switch (kind_) {
    case Kind::Dense: return dense_->size() * 8;
    case Kind::Diagonal: return diag_->size() * 8;
    case Kind::Kernel: return kernel_->bytes();
    case Kind::Csr: return csr_->nonZeros() * 12 + (csr_->rows() + 1) * 4;  // as gbcsr::CsrBlock
    case Kind::RowScaled: return diag_->size() * 8;  // the scales (the base is counted where stored)
  }
  return 0;
}

int64_t CoefBlock::nonZeros() const {
  switch (kind_) {
    case Kind::Dense: return (dense_->array() != 0).count();
    case Kind::Diagonal: return (diag_->array() != 0).count();
    case Kind::Kernel: {
      int64_t n = 0;
      kernel_->forEachTap([&](int64_t, int64_t, double) { ++n; });
      return n;
    }
    case Kind::Csr: {
      int64_t n = 0;
      for (Eigen::Index k = 0; k < csr_->nonZeros(); ++k) n += csr_->valuePtr()[k] != 0 ? 1 : 0;
      return n;
    }
    case Kind::RowScaled: return (toDense().array() != 0).count();
  }
  return 0;
}

bool CoefBlock::allFinite() const {
  switch (kind_) {
    case Kind::Dense: return dense_->allFinite();
    case Kind::Diagonal: return diag_->allFinite();
    case Kind::Kernel: return kernel_->weight.allFinite();
    case Kind::Csr: return Eigen::Map<const Eigen::VectorXd>(csr_->valuePtr(), csr_->nonZeros()).allFinite();
    case Kind::RowScaled: return diag_->allFinite() && base_->allFinite();
  }
  return true;
}

bool CoefBlock::sameValues(const CoefBlock& o) const {
  if (rows_ != o.rows_ || cols_ != o.cols_) return false;
  if (kind_ == o.kind_ && storage() == o.storage()) return true;
  if (kind_ == Kind::Dense && o.kind_ == Kind::Dense) return *dense_ == *o.dense_;
  if (kind_ == Kind::Diagonal && o.kind_ == Kind::Diagonal) return *diag_ == *o.diag_;
  return toDense() == o.toDense();
}

CoefBlock addBlocks(const CoefBlock& a, const CoefBlock& b, double sign) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) throw std::runtime_error("linear forms over different row counts");
  using K = CoefBlock::Kind;
  if (a.kind() == K::Diagonal && b.kind() == K::Diagonal) return CoefBlock::diagonal(a.diag() + sign * b.diag());
  auto sparseOf = [](const CoefBlock& x) -> gbcsr::SparseRM {
    if (x.kind() == K::Csr) return x.sparse();
    gbcsr::SparseRM d(x.rows(), x.cols());
    d.reserve(Eigen::VectorXi::Constant(x.rows(), 1));
    for (Eigen::Index i = 0; i < x.diag().size(); ++i) d.insert(i, i) = x.diag()[i];
    return d;
  };
  if (a.kind() == K::RowScaled && b.kind() == K::RowScaled && a.scaledBase().storage() == b.scaledBase().storage())
    return CoefBlock::rowScaled(a.scaledBase(), a.rowScale() + sign * b.rowScale());
  const bool sa = a.kind() == K::Csr || a.kind() == K::Diagonal, sb = b.kind() == K::Csr || b.kind() == K::Diagonal;
  if (sa && sb) return CoefBlock::csr(gbcsr::SparseRM(sparseOf(a) + sign * sparseOf(b)));
  Eigen::MatrixXd m = a.toDense();
  switch (b.kind()) {
    case K::Dense: m += sign * b.denseMatrix(); break;
    case K::Diagonal: m.diagonal() += sign * b.diag(); break;
    case K::Kernel:
      b.kernelBlock().forEachTap([&](int64_t o, int64_t i, double w) { m(o, i) += sign * w; });
      break;
    case K::Csr: m += sign * b.sparse(); break;
    case K::RowScaled: m += sign * b.toDense(); break;
  }
  return CoefBlock::dense(std::move(m));
}

void addInto(CoefBlock& a, const CoefBlock& b, double sign) {
  Eigen::MatrixXd* m = a.uniqueDense();
  if (!m || a.rows() != b.rows() || a.cols() != b.cols()) {
    a = addBlocks(a, b, sign);
    return;
  }
  switch (b.kind()) {  // the same arithmetic as addBlocks's Dense result
    case CoefBlock::Kind::Dense: *m += sign * b.denseMatrix(); break;
    case CoefBlock::Kind::Diagonal: m->diagonal() += sign * b.diag(); break;
    case CoefBlock::Kind::Kernel:
      b.kernelBlock().forEachTap([&](int64_t o, int64_t i, double w) { (*m)(o, i) += sign * w; });
      break;
    case CoefBlock::Kind::Csr: *m += sign * b.sparse(); break;
    case CoefBlock::Kind::RowScaled: *m += sign * b.toDense(); break;
  }
}

CoefBlock scaleBlock(const CoefBlock& a, double s) {
  switch (a.kind()) {
    case CoefBlock::Kind::Dense: return CoefBlock::dense(s * a.denseMatrix());
    case CoefBlock::Kind::Diagonal: return CoefBlock::diagonal(s * a.diag());
    case CoefBlock::Kind::Kernel: {
      auto k = std::make_shared<gbcsr::KernelBlock>(a.kernelBlock());
      k->weight *= s;
      return CoefBlock::kernel(std::move(k));
    }
    case CoefBlock::Kind::Csr: return CoefBlock::csr(gbcsr::SparseRM(s * a.sparse()));
    case CoefBlock::Kind::RowScaled: return CoefBlock::rowScaled(a.scaledBase(), s * a.rowScale());
  }
  return a;
}

CoefBlock scaleRows(const CoefBlock& a, const Eigen::VectorXd& s) {
  if (s.size() != a.rows()) throw std::runtime_error("row scaling of a linear form with a wrong extent");
  if (a.kind() == CoefBlock::Kind::Diagonal) return CoefBlock::diagonal(a.diag().cwiseProduct(s));
  if (a.kind() == CoefBlock::Kind::Csr) return CoefBlock::csr(gbcsr::SparseRM(s.asDiagonal() * a.sparse()));
  if (viewable(a)) return CoefBlock::rowScaled(a, s);
  Eigen::MatrixXd m = a.toDense();
  m = s.asDiagonal() * m;  // column by column (rows of a column-major matrix are strided)
  return CoefBlock::dense(std::move(m));
}

CoefBlock keepRows(const CoefBlock& a, const std::vector<bool>& keep) {
  if (static_cast<int64_t>(keep.size()) != a.rows()) throw std::runtime_error("row selection with a wrong extent");
  if (a.kind() == CoefBlock::Kind::Diagonal) {
    Eigen::VectorXd d = a.diag();
    for (Eigen::Index i = 0; i < d.size(); ++i)
      if (!keep[static_cast<size_t>(i)]) d[i] = 0;
    return CoefBlock::diagonal(std::move(d));
  }
  if (a.kind() == CoefBlock::Kind::Csr) {
    gbcsr::SparseRM m = a.sparse();
    m.prune([&](Eigen::Index i, Eigen::Index, double) { return keep[static_cast<size_t>(i)]; });
    return CoefBlock::csr(std::move(m));
  }
  std::vector<Eigen::Index> zeroed;
  for (Eigen::Index i = 0; i < a.rows(); ++i)
    if (!keep[static_cast<size_t>(i)]) zeroed.push_back(i);
  if (zeroed.empty()) return a;
  if (a.kind() == CoefBlock::Kind::RowScaled) {  // the zeroed rows' scales set to 0 (not multiplied:
    Eigen::VectorXd s = a.rowScale();             // an infinite scale times 0 would be NaN)
    for (Eigen::Index i : zeroed) s[i] = 0.0;
    return CoefBlock::rowScaled(a.scaledBase(), std::move(s));
  }
  if (viewable(a)) {  // finite values: a 0 scale gives exact zeros
    Eigen::VectorXd s = Eigen::VectorXd::Ones(a.rows());
    for (Eigen::Index i : zeroed) s[i] = 0.0;
    return CoefBlock::rowScaled(a, std::move(s));
  }
  Eigen::MatrixXd m = a.toDense();
  for (Eigen::Index j = 0; j < m.cols(); ++j) {  // column by column: contiguous
    double* col = m.col(j).data();
    for (Eigen::Index i : zeroed) col[i] = 0.0;
  }
  return CoefBlock::dense(std::move(m));
}

CoefBlock repeatRow(const CoefBlock& a, int64_t n) {
  if (a.rows() != 1) throw std::runtime_error("repeating a block of more than one row");
  return CoefBlock::dense(a.toDense().replicate(n, 1));
}

namespace {

/// Products below this many multiply-adds run on the calling thread only: on small products the
/// OpenMP team's fork/join and barrier spinning cost more than the split saves (measured on the
/// 256-wide DeepPoly back-substitution: 2 threads 0.8-0.9 s, 1 thread 0.40 s with a busy core).
constexpr double kParallelProductWork = 64.0 * 1024 * 1024;

/// Limits Eigen's products on this thread to one thread while alive.
class SerialProducts : public ScopedProductThreads {
 public:
  explicit SerialProducts(bool on) : ScopedProductThreads(on ? 1 : 0) {}
};

/// Square with only zeros off the diagonal (exits at the first off-diagonal non-zero).
bool isDiagonal(const Eigen::MatrixXd& m) {
  if (m.rows() != m.cols() || m.rows() < 2) return false;
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (i != j && m(i, j) != 0) return false;
  return true;
}

/// coef * m over the columns of coef that hold a non-zero (rows of m that matter), when at least a
/// fifth of coef's columns are zero: back-substitution through a ReLU layer leaves a zero column
/// for every neuron whose relaxation has slope 0 (inactive), and the GEMM then skips those rows
/// of the next weight. Empty (the full product is taken) when the columns are mostly non-zero or
/// when a skipped row of m holds a non-finite value (the full product's 0 * inf = NaN is kept).
std::optional<Eigen::MatrixXd> productOverNonZeroColumns(const Eigen::Ref<const Eigen::MatrixXd>& coef,
                                                         const Eigen::MatrixXd& m) {
  if (coef.cols() < 16 || coef.rows() * m.cols() < 4096) return std::nullopt;
  std::vector<Eigen::Index> used;
  used.reserve(static_cast<size_t>(coef.cols()));
  for (Eigen::Index j = 0; j < coef.cols(); ++j) {
    if ((coef.col(j).array() != 0).any()) used.push_back(j);
    else if (!m.row(j).allFinite()) return std::nullopt;
  }
  if (static_cast<Eigen::Index>(used.size()) * 5 > coef.cols() * 4) return std::nullopt;
  const auto k = static_cast<Eigen::Index>(used.size());
  Eigen::MatrixXd c(coef.rows(), k), rows(k, m.cols());
  for (Eigen::Index t = 0; t < k; ++t) {
    c.col(t) = coef.col(used[static_cast<size_t>(t)]);
    rows.row(t) = m.row(used[static_cast<size_t>(t)]);
  }
  const double work = static_cast<double>(coef.rows()) * static_cast<double>(k) * static_cast<double>(m.cols());
  SerialProducts serial(work < kParallelProductWork);
  return Eigen::MatrixXd(c * rows);
}

}  // namespace

Eigen::MatrixXd leftMultiply(const Eigen::Ref<const Eigen::MatrixXd>& coef, const CoefBlock& b) {
  if (coef.cols() != b.rows()) throw std::runtime_error("coefficient product with a wrong extent");
  switch (b.kind()) {
    case CoefBlock::Kind::Diagonal: {
      // A column scaling. Non-finite coefficients show in the result (inf * d or NaN at the same
      // place); then the dense product is taken instead, so that its 0 * inf = NaN is kept.
      if (!b.allFinite()) return coef * b.toDense();
      Eigen::MatrixXd out(coef.rows(), coef.cols());
      const Eigen::VectorXd& d = b.diag();
      bool finite = true;
      for (Eigen::Index j = 0; j < coef.cols(); ++j) {  // scaled and checked while in cache
        out.col(j) = coef.col(j) * d[j];
        finite = finite && out.col(j).allFinite();
      }
      if (!finite) return coef * b.toDense();
      return out;
    }
    case CoefBlock::Kind::Kernel:
      if (coef.allFinite() && b.allFinite()) {  // a transposed convolution by GEMMs (col2im)
        const ConvGeometry& g = b.kernelBlock().geometry;
        const double work = static_cast<double>(coef.rows()) * g.outHeight * g.outWidth * g.outChannels *
                            g.inChannels * g.kernelH * g.kernelW;
        SerialProducts serial(work < kParallelProductWork);
        return gbcsr::timesKernel(Eigen::MatrixXd(coef), b.kernelBlock());
      }
      return coef * b.toDense();
    case CoefBlock::Kind::Csr:
      if (b.allFinite() && coef.allFinite()) return coef * b.sparse();
      return coef * b.toDense();
    case CoefBlock::Kind::RowScaled:
      if (coef.allFinite()) return leftMultiply(coef * b.rowScale().asDiagonal(), b.scaledBase());
      return coef * b.toDense();
    case CoefBlock::Kind::Dense: {
      const Eigen::MatrixXd& m = b.denseMatrix();
      // The dense executor's blocks may be diagonal in value (identities, ReLU relaxations): a
      // column scaling gives the same result (the GEMM only adds exact zeros).
      if (isDiagonal(m) && m.allFinite() && coef.allFinite()) return coef * m.diagonal().asDiagonal();
      if (std::optional<Eigen::MatrixXd> packed = productOverNonZeroColumns(coef, m)) return std::move(*packed);
      const double work = static_cast<double>(coef.rows()) * static_cast<double>(coef.cols()) * static_cast<double>(m.cols());
      SerialProducts serial(work < kParallelProductWork);
      return coef * m;
    }
  }
  return {};
}

}  // namespace cert::runtime
