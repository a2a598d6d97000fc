// Constant kind: one value for every element of the block (e.g. -inf for an uncomputed layer).
#pragma once

#include <Eigen/Dense>

#include <cstdint>

namespace cert::gbcsr {

struct ConstantBlock {
  double value = 0.0;

  bool shared() const { return true; }
  Eigen::MatrixXd item(int64_t rows, int64_t cols) const { return Eigen::MatrixXd::Constant(rows, cols, value); }
  int64_t bytes() const { return 8; }
  double density() const { return value != 0 ? 1.0 : 0.0; }
};

}  // namespace cert::gbcsr
