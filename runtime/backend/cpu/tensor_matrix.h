// The CPU backend's conversions between the executor's tensors and Eigen's matrices: a tensor's
// storage is column-major like Eigen's, so each is a copy. Tensor itself names no Eigen type (the
// executor's value type is backend-neutral); the CPU kernels and the test references convert here.
#pragma once

#include <Eigen/Dense>

#include <cstdint>

#include "runtime/dense_values.h"

namespace cert::runtime::cpu {

/// [n x 1]
Tensor columnTensor(const Eigen::Ref<const Eigen::VectorXd>& x);
/// [r x c]
Tensor matrixTensor(const Eigen::Ref<const Eigen::MatrixXd>& m);
/// The r x c matrix of t (t.d must be 1), broadcast extents expanded to rows x cols; throws
/// std::runtime_error for a tensor with an 'other' frame or extents that do not broadcast.
Eigen::MatrixXd hostMatrix(const Tensor& t, int64_t rows, int64_t cols);

}  // namespace cert::runtime::cpu
