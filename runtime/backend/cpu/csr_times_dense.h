// S @ D for CSR rows S and a dense D: the product of back-substitution's sparse coefficient rows
// (a ReLU's relaxation rows that only some neurons have, a conv layer's rows) with a layer's dense
// member block.
#pragma once

#include <Eigen/Dense>

#include "runtime/backend/cpu/block_storage.h"

namespace cert::runtime::cpu {

/// S @ D. Only S's non-empty rows are computed (the others are 0): as one GEMM over those rows made
/// dense when their stored values are dense enough for it (1 in kDenseRowsFraction or more) and D
/// is finite (`finiteD`: the GEMM multiplies S's zeros too, and 0 * inf would be NaN where S's
/// stored entries never meet D's inf), else per column of D, each row's stored values times D's
/// column read in place. Eigen's S * D visits every row for every column of D: for 200 x 200 S
/// with 3 non-empty rows over 784 columns, 157K row visits for 600 stored values.
Eigen::MatrixXd csrTimesDense(const SparseRM& s, const Eigen::MatrixXd& d, bool finiteD);

/// The density of S's non-empty rows (stored values over their extent) from which csrTimesDense
/// takes the GEMM: a GEMM multiply-add costs about an eighth of a gathered one.
constexpr double kDenseRowsFraction = 8;

}  // namespace cert::runtime::cpu
