// The interval product of a dense block over a batch frame's boxes, on the CPU
// (dense_interval_times.cpp).
#pragma once

#include <Eigen/Dense>

#include <cstdint>

namespace cert::runtime::cpu {

/// Columns (items) from which denseIntervalTimes replaces two GEMMs.
constexpr int64_t kDenseIntervalMinColumns = 16;

/// Per column j, for the box [l_j, u_j]: lower_j = W c - |W| r and upper_j = W c + |W| r with
/// c = l_j/2 + u_j/2 and r = u_j/2 - l_j/2. Chunks of kChunkItems columns are transposed so that
/// the items are fastest; each output value of a block of 8 rows sums w * value over the chunk's
/// inputs for 16 items at once in registers, and only over the inputs whose center (for W) or
/// radius (for |W|) is non-zero in some item of the chunk: a ReLU's inactive neurons, [0, 0] in
/// every item, cost nothing. |W| is taken while W is packed (no second matrix read). The
/// products are those of W c and |W| r up to the order of the sums; `offset` (one value per row
/// of W, or null) is added to both bounds as they are written. False (nothing promised about
/// lower and upper) when a value of W, l or u is not finite: the caller then takes the products as
/// written, where 0 * inf is NaN.
bool denseIntervalTimes(const Eigen::MatrixXd& w, const Eigen::Ref<const Eigen::MatrixXd>& l,
                        const Eigen::Ref<const Eigen::MatrixXd>& u, Eigen::Ref<Eigen::MatrixXd> lower,
                        Eigen::Ref<Eigen::MatrixXd> upper, const double* offset = nullptr);

}  // namespace cert::runtime::cpu
