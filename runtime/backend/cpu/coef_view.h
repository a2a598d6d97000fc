// A coefficient block read as a dense matrix or as CSR rows, and the sign-split sums over such a
// view that the sign-split products (sign_split.cpp) run in one pass (sign_sums.cpp).
#pragma once

#include <Eigen/Dense>

#include <optional>

#include "runtime/backend/backend.h"
#include "runtime/backend/cpu/block_storage.h"

namespace cert::runtime::cpu {

/// A coefficient block read as a dense matrix or as compressed CSR rows (Kernel: its Toeplitz
/// rows; Diagonal: one entry per row; RowScaled: materialized).
struct CoefView {
  const Eigen::MatrixXd* dense = nullptr;
  const SparseRM* csr = nullptr;
  Eigen::MatrixXd denseStore;
  SparseRM csrStore;
  int64_t rows = 0, cols = 0;
};

/// c viewed: Dense as itself, Csr as itself (compressed), Kernel as its Toeplitz rows (the run's
/// shared ones when kernelRows has them), Diagonal as CSR, RowScaled materialized.
void viewOf(const CoefBlock& c, const KernelRowsLookup& kernelRows, CoefView& v);

/// sum_j x_ij * (x_ij >= 0 ? onPositive_j : onNegative_j) per row i. With `finite` (Dense x only),
/// it also says whether every value of x is finite, found in the same pass.
Eigen::VectorXd sumBySign(const CoefView& x, const Eigen::VectorXd& onPositive, const Eigen::VectorXd& onNegative,
                          bool* finite = nullptr);

/// scaledBySign and sumBySign in one pass over x (a ReLU step's coefficients and constants: the
/// block is read once): returns x scaled by (sp, sn) per column, marked checkedFinite (Csr x: the
/// columns whose sp and sn are both 0 left out), and adds x @ (cp | cn) to v; nullopt (v then undefined) when a scaled value is not finite (so when a
/// value of x is not: each is scaled once), found in the same pass.
std::optional<CoefBlock> scaledAndSummedBySign(const CoefView& x, const Eigen::VectorXd& sp, const Eigen::VectorXd& sn,
                                               const Eigen::VectorXd& cp, const Eigen::VectorXd& cn, Eigen::VectorXd& v);

}  // namespace cert::runtime::cpu
