// Dense kind: one Eigen matrix per batch item, or one shared by every batch item.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace cert::gbcsr {

/// items.size() == 1: the same matrix for every batch item of the block.
struct DenseBlock {
  std::vector<Eigen::MatrixXd> items;

  bool shared() const { return items.size() == 1; }
  const Eigen::MatrixXd& item(int64_t b) const { return items[shared() ? 0 : static_cast<size_t>(b)]; }
  int64_t bytes() const {
    int64_t n = 0;
    for (const auto& m : items) n += m.size() * 8;
    return n;
  }
  /// Fraction of non-zero stored values.
  double density() const {
    int64_t nz = 0, n = 0;
    for (const auto& m : items) {
      nz += (m.array() != 0).count();
      n += m.size();
    }
    return n ? double(nz) / double(n) : 0.0;
  }
};

}  // namespace cert::gbcsr
