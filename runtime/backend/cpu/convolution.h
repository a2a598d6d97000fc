// Convolutions on the CPU over a Kernel block (a convolution's Toeplitz matrix, never
// materialized): its rows as CSR, its non-zero rows, T @ X, X @ T and S @ T for a CSR S.
#pragma once

#include <Eigen/Dense>

#include <algorithm>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "runtime/gbcsr/kernel_block.h"
#include "runtime/backend/cpu/block_storage.h"

namespace cert::runtime::cpu {

/// The Toeplitz matrix of k as CSR (rows in order, columns ascending; zero weights left out), its
/// entry (row, col) of weight w stored as value(row, col, w): one pass over the taps writes them
/// through raw pointers into storage sized for every tap (no per-entry capacity checks, no
/// triplets, no sort), then the storage is cut to the taps written.
template <class Value>
SparseRM kernelRowsMapped(const gbcsr::KernelBlock& k, Value&& value) {
  SparseRM m(k.rows(), k.cols());
  m.resizeNonZeros(k.rows() * k.geometry.inChannels * k.geometry.kernelH * k.geometry.kernelW);
  int* outer = m.outerIndexPtr();
  int* inner = m.innerIndexPtr();
  double* values = m.valuePtr();
  int at = 0;
  int64_t next = 0;  // the next row whose start is written
  k.forEachTap([&](int64_t row, int64_t col, double w) {
    while (next <= row) outer[next++] = at;
    inner[at] = static_cast<int>(col);
    values[at++] = value(row, col, w);
  });
  while (next <= k.rows()) outer[next++] = at;
  m.resizeNonZeros(at);
  return m;
}

/// Per kernel column kw: the output columns ow in [begin[kw], end[kw]) whose input column
/// x = ow * strideW - padLeft + kw * dilationW is inside the input (convolution.cpp and
/// transposed_convolution.cpp).
struct InsideColumns {
  std::vector<int> begin, end;
};
InsideColumns insideColumns(const ConvGeometry& g);

/// The kernel offsets k in [begin, end) whose input coordinate origin + k * dilation is inside
/// [0, extent): the taps of one output row (or column) that read inside the input.
struct TapRange {
  int begin = 0, end = 0;
};
inline TapRange insideTaps(int origin, int kernel, int dilation, int extent) {
  TapRange r{0, kernel};
  while (r.begin < r.end && origin + r.begin * dilation < 0) ++r.begin;
  while (r.end > r.begin && origin + (r.end - 1) * dilation >= extent) --r.end;
  return r;
}

/// The Toeplitz matrix of k, dense (a Kernel block's toDense: fallbacks and tests).
Eigen::MatrixXd toeplitzOf(const gbcsr::KernelBlock& k);
/// The Toeplitz matrix of k as CSR: kernelRowsMapped with the weights themselves.
SparseRM kernelRowsCsr(const gbcsr::KernelBlock& k);
/// Rows `rows` (ascending) of k's Toeplitz matrix as CSR, built from the taps of those rows only:
/// compact (rows.size() rows) when placedIn == 0, else at their own indices in a matrix of
/// placedIn rows whose other rows are empty.
SparseRM kernelRowsSelected(const gbcsr::KernelBlock& k, std::span<const int64_t> rows, int64_t placedIn = 0);
/// Rows of k's Toeplitz matrix holding a non-zero weight (from the kernel's taps per output
/// channel and each position's taps inside the input; no rows built).
std::vector<bool> kernelNonZeroRows(const gbcsr::KernelBlock& k);
/// sum_j (T_ij >= 0 ? T_ij * onPositive_j : T_ij * onNegative_j) per row i of k's Toeplitz matrix
/// T, for finite columns: max(W, 0) and min(W, 0) convolved with the two columns (im2col + GEMM).
Eigen::VectorXd kernelSignSplitSum(const gbcsr::KernelBlock& k, const Eigen::VectorXd& onPositive,
                                   const Eigen::VectorXd& onNegative);
/// T @ X for the Toeplitz matrix T of k (a convolution of every column of X): kernelTimesColumns
/// from kDirectMinColumns columns, else im2col + GEMM.
Eigen::MatrixXd kernelTimes(const gbcsr::KernelBlock& k, const Eigen::Ref<const Eigen::MatrixXd>& x);
/// Columns from which T @ X is a direct convolution with the columns fastest (direct_convolution.cpp):
/// 1.3-2.6x faster than im2col + GEMM on the convolutions of convSmall, cifar_base_kw and resnet_2b
/// at 20 and 100 columns, the transposes in and out included.
constexpr int64_t kDirectMinColumns = 4;
/// T @ X as a direct convolution over chunks of X's columns, transposed so that the columns are
/// fastest: each output value of a block of 8 channels accumulates weight * input over the
/// position's taps inside the input for 8-16 columns at once in registers. Taps in the padding are
/// skipped (not multiplied by 0), so the weights must be finite for T @ X's values.
Eigen::MatrixXd kernelTimesColumns(const gbcsr::KernelBlock& k, const Eigen::Ref<const Eigen::MatrixXd>& x);
/// The interval product per column: for the box [l, u] of each column, lower = W c - |W| r and
/// upper = W c + |W| r with c = l/2 + u/2, r = u/2 - l/2, where W is w's Toeplitz matrix and absW
/// has |w|'s weights; two direct convolutions per chunk of columns, center and radius written
/// straight into the transposed chunks; `offset` (one value per output, or null) added to both as
/// they are written. The weights must be finite; false (lower and upper partly written) when a
/// value of l or u is not.
bool kernelIntervalTimes(const gbcsr::KernelBlock& w, const gbcsr::KernelBlock& absW,
                         const Eigen::Ref<const Eigen::MatrixXd>& l, const Eigen::Ref<const Eigen::MatrixXd>& u,
                         Eigen::Ref<Eigen::MatrixXd> lower, Eigen::Ref<Eigen::MatrixXd> upper,
                         const double* offset = nullptr);
/// X @ T: a transposed convolution of every row of X (back-substitution through a conv layer):
/// timesKernelRows from kDirectMinRows rows (3+ input channels, 2+ taps), else one GEMM per kernel
/// tap at stride 1 from 8 input channels, else one GEMM and col2im adds.
/// Taps outside the input are skipped, so X and the weights must be finite for X @ T's values
/// (0 * inf is NaN in the Toeplitz product). Runs on one thread below kParallelProductWork.
Eigen::MatrixXd timesKernel(const Eigen::Ref<const Eigen::MatrixXd>& x, const gbcsr::KernelBlock& k);

/// Rows from which X @ T is a direct transposed convolution (timesKernelRows) when the convolution
/// has 3 or more input channels and more than one tap: 1.3-2x faster than the GEMM routes on the
/// convolutions of resnet_2b, cifar_base_kw and convSmall from 16 rows (8 to 1024 rows, 8+ input
/// channels; 1.0-1.4x at 3); 0.7-0.9x at 9-12 rows, and at 1 input channel or a 1x1 kernel, where
/// loads bound it or no value of X is read twice.
constexpr int64_t kDirectMinRows = 16;
/// From this many rows to kDirectMinRows - 1, timesKernel pads X with zero rows to kDirectMinRows
/// and takes the direct route all the same: at 9 and 10 rows (convSmall's margins and output
/// layer through its second conv, 157-169 us by GEMM + col2im) one CROWN run took 3.7 ms instead
/// of 3.9-4.0 (cifar_base_kw 4.6-4.7 -> 4.5-4.6).
constexpr int64_t kPaddedDirectMinRows = 8;
/// Whether X @ T over `rows` rows runs as a direct transposed convolution (timesKernelRows).
inline bool directTransposedConvolution(int64_t rows, const ConvGeometry& g) {
  return rows >= kDirectMinRows && g.inChannels >= 3 && g.kernelH * g.kernelW > 1;
}
/// X @ T as a direct transposed convolution with X's rows fastest (direct_transposed_convolution.cpp):
/// X column-major, `rows` values per column at x. Each output value of a block of 8 input channels
/// (3 or 4 under 8) accumulates weight * X over the taps and output channels that read its input
/// position, for 24 rows (40 or 32) at once in registers; X is read where it is. Columns of X that
/// are zero in every row (a ReLU's inactive neurons) are skipped: 1.07-1.24x on CROWN runs of
/// convSmall, cifar_base_kw and resnet_2b. Taps in the padding are skipped, so X and the weights
/// must be finite for X @ T's values.
Eigen::MatrixXd timesKernelRows(const double* x, int64_t rows, const gbcsr::KernelBlock& k);
/// Per row r of X @ T (computed as timesKernelRows, never stored): sum_j v_rj * (v_rj >= 0 ?
/// onPositive_j : onNegative_j) over T's columns j: back-substitution's step onto the input box
/// fused with its concretization. A value that is not finite makes its row's sum not finite.
Eigen::VectorXd timesKernelRowsSummedBySign(const double* x, int64_t rows, const gbcsr::KernelBlock& k,
                                            const Eigen::VectorXd& onPositive, const Eigen::VectorXd& onNegative);

/// S @ T for a CSR matrix S with finite values (csr_times_kernel.cpp). Rows of S with the same
/// columns, 8 or more (a conv layer's Toeplitz rows of one position over its channels, scaled by
/// a ReLU's slopes: back-substitution from every neuron of a conv layer), run at once with the
/// rows as vector lanes: per output position and up to four taps, W[oc, tap] * S[rows, (oc, p)]
/// summed over the position's channels in registers (2-3.2x faster than row by row on the
/// whole-layer products of convSmall, cifar_base_kw and resnet_2b). Any other row: its terms'
/// taps accumulated into a dense row over T's columns. Both are read back over the rows'
/// receptive field (columns ascending, zeros left out).
SparseRM csrTimesKernel(const SparseRM& s, const gbcsr::KernelBlock& k);
/// The same, Dense when more than a fraction `denseAbove` of S @ T is non-zero and every row of S
/// with a term is in a group (then its non-zeros are counted before anything is written, and the
/// values go straight into the dense matrix); otherwise CSR.
std::variant<SparseRM, Eigen::MatrixXd> csrTimesKernel(const SparseRM& s, const gbcsr::KernelBlock& k,
                                                              double denseAbove);
/// Per row r of S @ T (computed as csrTimesKernel, never stored): sum_j v_rj * (v_rj >= 0 ?
/// onPositive_j : onNegative_j), in column order: back-substitution's step onto the input box
/// fused with its concretization. A value that is not finite makes its row's sum not finite.
Eigen::VectorXd csrTimesKernelSummedBySign(const SparseRM& s, const gbcsr::KernelBlock& k,
                                           const Eigen::VectorXd& onPositive, const Eigen::VectorXd& onNegative);

/// The per-column values of back-substitution's three last steps from a conv layer's rows
/// (kernelReluKernelSummedBySign), each chosen by the sign of the value it multiplies: a ReLU's
/// slopes and constants over its neurons, the conv layer's constants over the same neurons, the
/// input box's ends over the conv layer's inputs.
struct ReluConvBoxColumns {
  Eigen::VectorXd slopePositive, slopeNegative, constantPositive, constantNegative;
  Eigen::VectorXd biasPositive, biasNegative;
  Eigen::VectorXd boxPositive, boxNegative;
};
/// Per row r of a conv layer's Toeplitz matrix R (rows), the constant that three steps of
/// back-substitution leave, none of their blocks stored: through a ReLU (value x of column j
/// scaled to s = x * (x >= 0 ? slopePositive_j : slopeNegative_j), adding x * (x >= 0 ?
/// constantPositive_j : constantNegative_j)), through the conv layer T before it (adding s * (s >= 0
/// ? biasPositive_j : biasNegative_j)) and onto the input box (the sign-split sum of (S @ T)_ri
/// with the box's ends), as the Backend's signSplit, signSplit and productSignSplitSum give them
/// one after another. The rows of one output position of R have the same columns: they run at
/// once as vector lanes, read from R's weights with the output channels fastest (no CSR rows, no
/// transposes), and their product with T is csrTimesKernel's group product. Columns scaled by 0 on
/// both sides (inactive neurons) are not multiplied. nullopt when the extents do not match or a
/// value (weights, columns, a scaled value, a sum) is not finite. With `selected` (rows of R,
/// ascending) the sums of those rows only, in that order: the positions and channel vectors that
/// hold one of them are summed, the others skipped.
std::optional<Eigen::VectorXd> kernelReluKernelSummedBySign(const gbcsr::KernelBlock& rows, const gbcsr::KernelBlock& conv,
                                                            const ReluConvBoxColumns& columns,
                                                            std::span<const int64_t> selected = {});
/// The vectors of rows (kLanes output channels at one output position) that
/// kernelReluKernelSummedBySign sums for `selected` rows of R.
int64_t kernelRowVectorsOf(const gbcsr::KernelBlock& rows, std::span<const int64_t> selected);
/// What a selected row of a conv layer's rows costs through the three last steps taken apart (its
/// taps as Csr, the group products; reluConvOntoBoxSumOfRows's other route), in rows of the
/// whole block's route (a lane of a vector of rows): that route runs for selected rows when it
/// sums at most this many lanes per selected row. Measured on one CROWN input with
/// --intermediate relu-unstable: cifar_convSmall's 457 of 1,152 rows in 141 vectors (2.5 lanes a
/// row) 7.8 -> 7.2 ms, cifar10_medium's 766 in 143 (1.5) 11.7 -> 10.7 ms; resnet_2b's 175 in 100
/// (4.6) 37.1 -> 36.3 ms taken, convSmall's 15 in 14 (7.5) 1.4 -> 1.5 ms taken: between them.
constexpr int64_t kSelectedRowCostInLanes = 6;

/// The tap count (inC * kH * kW) of the conv layers that denseReluKernelSummedBySign takes: every
/// tap's sum over a position's channels stays in a register (the first convolution of a
/// one-channel network with a 4 x 4 kernel, as convSmall's).
constexpr int kDenseReluConvTaps = 16;
/// Rows from which denseReluKernelSummedBySign runs (below, the steps one by one were faster: an
/// earlier variant took 120 us for 9 and 10 rows of convSmall, the steps one by one 60 us).
constexpr int64_t kDenseReluConvMinRows = 32;
/// kernelReluKernelSummedBySign for dense rows X (X's columns are the ReLU's neurons, the conv
/// layer's outputs), eight rows at a time as vector lanes: X read once in its own order, each value
/// scaled into a vector per column and row vector (the constants summed on the way), then per
/// output position of the conv layer every tap's sum W[oc, tap] * s over the position's active
/// channels in registers, added into the input columns it reads and summed by sign with the box at
/// the end; the product is never stored. 1.2-1.7x the steps one by one at 32 to 200 rows of
/// convSmall's first layer. For conv layers of kDenseReluConvTaps taps and kDenseReluConvMinRows
/// rows or more only (nullopt for others, and where kernelReluKernelSummedBySign gives it).
std::optional<Eigen::VectorXd> denseReluKernelSummedBySign(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                           const gbcsr::KernelBlock& conv,
                                                           const ReluConvBoxColumns& columns);

/// The cost of X @ T by timesKernel for `rows` rows of X, in scattered multiply-adds (the unit of
/// a sparse product: kScatteredCost each): GEMM multiply-adds at ~1/12 of one, plus the memory
/// the dense route writes (X dense, the GEMM's [rows * positions x taps] result, the output).
/// The gathers and sign-split products choose a transposed convolution over rows of CSR taps
/// when it is lower. Measured on convSmall (1 input channel) and cifar_base_kw / resnet_2b (3)
/// against Eigen's sparse x sparse product; csrTimesKernel, which replaced it, is 1.5-2x faster per
/// multiply-add and the constant has not been measured again (it may now pick the dense route
/// somewhat too early).
double transposedConvolutionCost(int64_t rows, const ConvGeometry& g);
constexpr double kScatteredCost = 1.5;

}  // namespace cert::runtime::cpu
