// A read-only vector of doubles over storage it may share: the bounds of one item of a batch frame
// are a column of the batch's [neurons x items] tensor, kept alive by every item that views it.
#pragma once

#include <Eigen/Dense>

#include <memory>
#include <new>
#include <utility>

namespace cert {

/// An Eigen::Map<const VectorXd> (every read expression of a VectorXd works on it: size, [i],
/// minCoeff, arithmetic) that holds its storage's owner. Copies share the storage; assigning an
/// Eigen vector expression gives it storage of its own (a move of a VectorXd takes its buffer).
/// Values are written only through writable(), which copies first.
class SharedVector : public Eigen::Map<const Eigen::VectorXd> {
 public:
  using Base = Eigen::Map<const Eigen::VectorXd>;

  SharedVector() : Base(nullptr, 0) {}
  /// n values at `data`, which `owner` keeps alive.
  SharedVector(std::shared_ptr<const void> owner, const double* data, Eigen::Index n)
      : Base(data, n), owner_(std::move(owner)) {}
  SharedVector(const SharedVector& o) : Base(o.data(), o.size()), owner_(o.owner_) {}
  SharedVector(SharedVector&& o) noexcept : Base(o.data(), o.size()), owner_(std::move(o.owner_)) { o.rebind(nullptr, 0); }
  SharedVector(Eigen::VectorXd&& v) : SharedVector() { *this = std::move(v); }  // NOLINT: implicit, as a VectorXd
  template <class Derived>
  SharedVector(const Eigen::DenseBase<Derived>& v) : SharedVector() {  // NOLINT: implicit, as a VectorXd
    *this = v;
  }

  SharedVector& operator=(const SharedVector& o) {
    if (this != &o) owner_ = o.owner_, rebind(o.data(), o.size());
    return *this;
  }
  SharedVector& operator=(SharedVector&& o) noexcept {
    if (this != &o) owner_ = std::move(o.owner_), rebind(o.data(), o.size()), o.rebind(nullptr, 0);
    return *this;
  }
  SharedVector& operator=(Eigen::VectorXd&& v) {
    auto storage = std::make_shared<Eigen::VectorXd>(std::move(v));
    rebind(storage->data(), storage->size());
    owner_ = std::move(storage);
    return *this;
  }
  template <class Derived>
  SharedVector& operator=(const Eigen::DenseBase<Derived>& v) {
    return *this = Eigen::VectorXd(v);
  }
  /// The values made its own (a copy: the storage it viewed, and every copy viewing it, keep
  /// theirs), to be written in place.
  Eigen::Map<Eigen::VectorXd> writable() {
    auto storage = std::make_shared<Eigen::VectorXd>(*static_cast<Base*>(this));
    rebind(storage->data(), storage->size());
    Eigen::Map<Eigen::VectorXd> values(storage->data(), storage->size());
    owner_ = std::move(storage);
    return values;
  }

 private:
  void rebind(const double* data, Eigen::Index n) { new (static_cast<Base*>(this)) Base(data, n); }

  std::shared_ptr<const void> owner_;
};

}  // namespace cert
