// Diagonal kind: a square block whose off-diagonal elements are 0 (ReLU relaxations, identities).
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace cert::gbcsr {

/// items[b] is the diagonal of batch item b; items.size() == 1: shared by every batch item.
struct DiagonalBlock {
  std::vector<Eigen::VectorXd> items;

  bool shared() const { return items.size() == 1; }
  const Eigen::VectorXd& diag(int64_t b) const { return items[shared() ? 0 : static_cast<size_t>(b)]; }
  Eigen::MatrixXd item(int64_t b) const { return Eigen::MatrixXd(diag(b).asDiagonal()); }
  int64_t bytes() const {
    int64_t n = 0;
    for (const auto& v : items) n += v.size() * 8;
    return n;
  }
  double density() const {
    int64_t nz = 0, n = 0;
    for (const auto& v : items) {
      nz += (v.array() != 0).count();
      n += v.size() * v.size();
    }
    return n ? double(nz) / double(n) : 0.0;
  }
};

}  // namespace cert::gbcsr
