// Coefficient blocks of linear forms: kinds, constructors, shared storage (their operations are
// the backend's: runtime/backend/cpu/*_kind.cpp).
#include "runtime/coef_block.h"
#include "runtime/backend/cpu/cpu_backend.h"

#include <stdexcept>

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

CoefBlock CoefBlock::csr(gbcsr::SparseRM&& m) {
  CoefBlock b;
  b.kind_ = Kind::Csr;
  b.rows_ = m.rows();
  b.cols_ = m.cols();
  b.dense_.reset();
  m.makeCompressed();
  // Swapped in, not moved: Eigen 3.4's SparseMatrix has no move constructor, and std::move copied
  // every index and value (a tenth of a convSmall CROWN run in memcpy).
  auto stored = std::make_shared<gbcsr::SparseRM>();
  stored->swap(m);
  b.csr_ = std::move(stored);
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
  finite_ = false;  // the caller may write any value
  // The storage is const for sharing; a sole owner may write it (it was created non-const).
  return const_cast<Eigen::MatrixXd*>(dense_.get());
}

CoefBlock CoefBlock::rowScaled(const CoefBlock& base, Eigen::VectorXd s) {
  if (base.kind() == Kind::RowScaled) return rowScaled(base.scaledBase(), base.rowScale().cwiseProduct(s));
  if ((base.kind() != Kind::Dense && base.kind() != Kind::Kernel) || s.size() != base.rows())
    throw std::runtime_error("a row view of a block that is neither Dense nor Kernel");
  CoefBlock b;
  b.kind_ = Kind::RowScaled;
  b.rows_ = base.rows_;
  b.cols_ = base.cols_;
  b.dense_.reset();
  b.diag_ = std::make_shared<const Eigen::VectorXd>(std::move(s));
  b.base_ = std::make_shared<const CoefBlock>(base);
  return b;
}

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
    case Kind::RowScaled: return base_->gbcsrKind();  // shown as the block it scales
  }
  return gbcsr::Kind::Dense;
}

Eigen::MatrixXd CoefBlock::toDense() const { return cpu::toDense(*this); }

Eigen::VectorXd CoefBlock::row(int64_t i) const { return cpu::row(*this, i); }

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

int64_t CoefBlock::nonZeros() const { return cpu::nonZeros(*this); }

bool CoefBlock::allFinite() const { return cpu::allFinite(*this); }

bool CoefBlock::sameValues(const CoefBlock& o) const {
  if (rows_ != o.rows_ || cols_ != o.cols_) return false;
  if (kind_ == o.kind_ && storage() == o.storage()) return true;
  if (kind_ == Kind::Dense && o.kind_ == Kind::Dense) return *dense_ == *o.dense_;
  if (kind_ == Kind::Diagonal && o.kind_ == Kind::Diagonal) return *diag_ == *o.diag_;
  return toDense() == o.toDense();
}

const char* kindName(CoefBlock::Kind k) {
  switch (k) {
    case CoefBlock::Kind::Dense: return "Dense";
    case CoefBlock::Kind::Diagonal: return "Diagonal";
    case CoefBlock::Kind::Kernel: return "Kernel";
    case CoefBlock::Kind::Csr: return "Csr";
    case CoefBlock::Kind::RowScaled: return "RowScaled";
  }
  return "?";
}

}  // namespace cert::runtime
