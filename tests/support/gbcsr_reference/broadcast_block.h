// Broadcast kind: a smaller tensor repeated along some dims (a weight shared by the batch, a bias
// row repeated over rows). Each source extent is 1 (repeated) or the block's extent.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace cert::gbcsr {

/// items.size() is 1 (repeated along batch) or the block's batch extent; each item is
/// (1 or rows) x (1 or cols).
struct BroadcastBlock {
  std::vector<Eigen::MatrixXd> items;

  bool shared() const { return items.size() == 1; }
  const Eigen::MatrixXd& src(int64_t b) const { return items[shared() ? 0 : static_cast<size_t>(b)]; }
  Eigen::MatrixXd item(int64_t b, int64_t rows, int64_t cols) const {
    const Eigen::MatrixXd& s = src(b);
    return s.replicate(s.rows() == 1 ? rows : 1, s.cols() == 1 ? cols : 1);
  }
  int64_t bytes() const {
    int64_t n = 0;
    for (const auto& m : items) n += m.size() * 8;
    return n;
  }
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
