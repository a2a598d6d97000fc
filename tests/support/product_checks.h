// Checks of matrix products against products written out in tests: the error relative to the
// product's scale, with non-finite values compared exactly, and random operands.
#pragma once

#include <Eigen/Dense>

#include <random>

namespace cert::test {

/// Largest |got - want| over `scale` (at least 1) entry by entry (scale: sum_k |a_ik| |b_kj| of
/// the product); a non-finite value of `want` must be in `got` at the same place with the same
/// value (NaN for NaN), and `got` finite elsewhere, else +inf (as are mismatched extents).
double productError(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want, const Eigen::MatrixXd& scale);

/// rows x cols of values uniform in [-3, 3].
Eigen::MatrixXd randomMatrix(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng);

}  // namespace cert::test
