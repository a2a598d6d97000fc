// vertexOptimum: every subset of variables at bounds, the rest solved from the rows.
#include "tests/support/reference_lp.h"

#include <vector>

namespace cert::test {

std::optional<double> vertexOptimum(const Eigen::VectorXd& c, const Eigen::MatrixXd& A, const Eigen::VectorXd& b,
                                    const Eigen::VectorXd& lower, const Eigen::VectorXd& upper, bool maximize,
                                    double tolerance) {
  const int n = static_cast<int>(c.size());
  const int m = static_cast<int>(A.rows());
  std::optional<double> best;
  // Every assignment of each variable to: at its lower bound, at its upper bound, or free. A
  // vertex is found where the free variables are determined by the rows (full column rank).
  std::vector<int> state(static_cast<size_t>(n), 0);  // 0 lower, 1 upper, 2 free
  for (;;) {
    std::vector<int> freeVars;
    Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
    for (int k = 0; k < n; ++k) {
      if (state[static_cast<size_t>(k)] == 2) freeVars.push_back(k);
      else x[k] = state[static_cast<size_t>(k)] == 0 ? lower[k] : upper[k];
    }
    if (static_cast<int>(freeVars.size()) <= m) {
      bool ok = true;
      if (!freeVars.empty()) {
        Eigen::MatrixXd F(m, static_cast<Eigen::Index>(freeVars.size()));
        for (size_t j = 0; j < freeVars.size(); ++j) F.col(static_cast<Eigen::Index>(j)) = A.col(freeVars[j]);
        Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(F);
        if (qr.rank() < static_cast<Eigen::Index>(freeVars.size())) ok = false;
        else {
          const Eigen::VectorXd z = qr.solve(b - A * x);
          for (size_t j = 0; j < freeVars.size(); ++j) x[freeVars[j]] = z[static_cast<Eigen::Index>(j)];
        }
      }
      if (ok && m > 0 && (A * x - b).cwiseAbs().maxCoeff() > tolerance) ok = false;
      for (int k = 0; ok && k < n; ++k)
        if (x[k] < lower[k] - tolerance || x[k] > upper[k] + tolerance) ok = false;
      if (ok) {
        const double v = c.dot(x);
        if (!best || (maximize ? v > *best : v < *best)) best = v;
      }
    }
    int k = 0;
    while (k < n && state[static_cast<size_t>(k)] == 2) state[static_cast<size_t>(k++)] = 0;
    if (k == n) break;
    ++state[static_cast<size_t>(k)];
  }
  return best;
}

}  // namespace cert::test
