// Coefficient blocks of linear forms: kinds and shared storage handles (the values, and the
// answers about them, are the backend's: runtime/backend/cpu/block_storage.cpp; the kinds'
// operations: runtime/backend/cpu/*_kind.cpp).
#include "runtime/coef_block.h"

#include <stdexcept>

namespace cert::runtime {

CoefBlock CoefBlock::overValues(Kind kind, int64_t rows, int64_t cols, std::shared_ptr<const void> values,
                                const BlockStorageReader& reader, bool borrowed) {
  if (kind != Kind::Dense && kind != Kind::Diagonal && kind != Kind::Csr)
    throw std::logic_error(std::string("CoefBlock::overValues: a ") + kindName(kind) + " block has no values of its own");
  CoefBlock b;
  b.kind_ = kind;
  b.rows_ = rows;
  b.cols_ = cols;
  b.values_ = std::move(values);
  b.reader_ = &reader;
  b.borrowed_ = borrowed;
  return b;
}

CoefBlock CoefBlock::kernel(std::shared_ptr<const gbcsr::KernelBlock> k, const BlockStorageReader& reader) {
  CoefBlock b;
  b.kind_ = Kind::Kernel;
  b.reader_ = &reader;
  b.rows_ = k->rows();
  b.cols_ = k->cols();
  b.kernel_ = std::move(k);
  return b;
}

CoefBlock CoefBlock::rowScaledOver(std::shared_ptr<const CoefBlock> base, std::shared_ptr<const void> scales,
                                   const BlockStorageReader& reader) {
  if (base->kind() != Kind::Dense && base->kind() != Kind::Kernel)
    throw std::runtime_error("a row view of a block that is neither Dense nor Kernel");
  CoefBlock b;
  b.kind_ = Kind::RowScaled;
  b.rows_ = base->rows_;
  b.cols_ = base->cols_;
  b.values_ = std::move(scales);
  b.reader_ = &reader;
  b.base_ = std::move(base);
  return b;
}

int64_t CoefBlock::bytes() const { return reader_ ? reader_->storedBytes(*this) : 0; }

int64_t CoefBlock::nonZeros() const { return reader_ ? reader_->storedNonZeros(*this) : 0; }

bool CoefBlock::allFinite() const { return reader_ ? reader_->storedAllFinite(*this) : true; }

bool CoefBlock::sameValues(const CoefBlock& o) const {
  if (rows_ != o.rows_ || cols_ != o.cols_) return false;
  if (kind_ == o.kind_ && storage() == o.storage()) return true;
  if (!reader_ || !o.reader_) return rows_ * cols_ == 0;  // an empty default block
  if (reader_ != o.reader_) return false;
  return reader_->storedSameValues(*this, o);
}

void* CoefBlock::uniqueValues() {
  if (kind_ != Kind::Dense || borrowed_ || values_.use_count() != 1) return nullptr;
  finite_ = false;  // the caller may write any value
  // The storage is const for sharing; a sole owner may write it (it was created non-const).
  return const_cast<void*>(values_.get());
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

const void* CoefBlock::storage() const { return kind_ == Kind::Kernel ? static_cast<const void*>(kernel_.get()) : values_.get(); }

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
