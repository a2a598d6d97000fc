// Checks of matrix products (product_checks.h).
#include "tests/support/product_checks.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cert::test {

double productError(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want, const Eigen::MatrixXd& scale) {
  if (got.rows() != want.rows() || got.cols() != want.cols()) return std::numeric_limits<double>::infinity();
  double worst = 0;
  for (Eigen::Index i = 0; i < got.rows(); ++i)
    for (Eigen::Index j = 0; j < got.cols(); ++j) {
      const double g = got(i, j), w = want(i, j);
      if (!std::isfinite(w)) {
        const bool same = std::isnan(w) ? std::isnan(g) : g == w;
        if (!same) return std::numeric_limits<double>::infinity();
        continue;
      }
      if (!std::isfinite(g)) return std::numeric_limits<double>::infinity();
      worst = std::max(worst, std::abs(g - w) / std::max(1.0, scale(i, j)));
    }
  return worst;
}

Eigen::MatrixXd randomMatrix(Eigen::Index rows, Eigen::Index cols, std::mt19937& rng) {
  std::uniform_real_distribution<double> value(-3, 3);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = value(rng);
  return m;
}

}  // namespace cert::test
