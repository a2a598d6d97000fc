// The seam between the interpreter and the machine that computes (issue 12 item 5): allocation and
// transfers of tensors, the g-BCSR blocks' operations (sums, scalings, row selection, zero-keeping
// maps, products coef @ B and B @ x, products batched over one shared block, non-zero terms,
// gathers) and the element type. The interpreter (runtime/interpreter/, runtime/dense_values.*)
// reaches blocks' values only through it. The CPU backend (runtime/backend/cpu/) implements it
// with Eigen, one file per block kind; a CUDA backend is a second implementation of this class.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiler/ir/op.h"
#include "core/diagnostics/diagnostic.h"
#include "runtime/coef_block.h"
#include "runtime/dense_values.h"

namespace cert::runtime {

/// The element type a backend computes in.
enum class DType { Float64 };
const char* dtypeName(DType t);

/// A block's rows as a sparse term frame: per row, the columns of its non-zero coefficients and
/// their values, padded to the widest row (an ELL layout).
struct RowTerms {
  std::vector<std::vector<int64_t>> windows;  ///< per row: the columns of its terms
  Tensor values;                              ///< rows x width, 0 past a row's terms
  Tensor where;                               ///< rows x width, 1 at a row's terms
  bool full = false;                          ///< every row has `width` terms
  int64_t width = 0;                          ///< the most terms of a row (at least 1)
};

/// One gather term: row i of the gather sums coef(i, j) * (row windows[i][j] of member); coef is
/// [n x (widest window)].
struct GatherTerm {
  Tensor coef;
  const Lin* member = nullptr;
};

/// A backend also answers about the values of the blocks it makes (BlockStorageReader's four
/// calls: CoefBlock's bytes, nonZeros, allFinite, sameValues).
class Backend : public BlockStorageReader {
 public:

  /// "cpu" (or "cuda").
  virtual const char* name() const = 0;
  virtual DType dtype() const = 0;

  // --- Allocation and transfers -------------------------------------------------------------
  /// An r x c x d tensor whose values are to be overwritten.
  virtual Tensor allocate(int64_t r, int64_t c, int64_t d) const = 0;
  /// Host values as an [n x 1] tensor in the backend's memory.
  virtual Tensor upload(std::span<const double> host) const = 0;
  /// A tensor's values back on the host, in its storage order.
  virtual std::vector<double> download(const Tensor& t) const = 0;
  /// A tensor's values on the host for reading: its own storage where that is host memory (the CPU
  /// backend: no copy), else downloaded into `scratch`, which must outlive the view.
  virtual std::span<const double> hostValues(const Tensor& t, std::vector<double>& scratch) const {
    scratch = download(t);
    return scratch;
  }

  // --- Element-wise tensors (the interpreter's Float arithmetic) -----------------------------
  /// op(a, b) per element over the broadcast of a and b (extents of 1 broadcast), op a binary
  /// operator of compiler/ir/scalar_ops.h with its arithmetic and poison (NaN) semantics; throws
  /// std::runtime_error on mismatched extents or an operator that is not binary.
  virtual Tensor binary(ir::Op op, const Tensor& a, const Tensor& b) const = 0;
  /// The same into the storage of an operand no longer needed (`into` 0: a is `operand`, 1: b is)
  /// when it has the result's extents, else into new storage.
  virtual Tensor binaryInto(ir::Op op, Tensor&& operand, int into, const Tensor& other) const = 0;
  /// op(a) per element, op a unary operator of compiler/ir/scalar_ops.h (neg included).
  virtual Tensor unary(ir::Op op, const Tensor& a) const = 0;
  /// cond ? a : b per element, broadcasting (no arithmetic on the unselected side: inf/NaN do not leak).
  virtual Tensor select(const Tensor& cond, const Tensor& a, const Tensor& b) const = 0;

  // --- Blocks ---------------------------------------------------------------------------------
  /// a + sign * b (equal extents): Diagonal + Diagonal stays Diagonal, Csr/Diagonal + Csr/Diagonal
  /// stays Csr, RowScaled + RowScaled of one base stays RowScaled; otherwise Dense.
  virtual CoefBlock add(const CoefBlock& a, const CoefBlock& b, double sign) const = 0;
  /// a += sign * b: in place when a is Dense and owns its storage alone.
  virtual void addInto(CoefBlock& a, const CoefBlock& b, double sign) const = 0;
  /// The same for a b no longer needed: its storage may take the sum where a's cannot (a backend
  /// may then leave a holding b's storage); the sum's values are those of the call above.
  virtual void addInto(CoefBlock& a, CoefBlock&& b, double sign) const { addInto(a, static_cast<const CoefBlock&>(b), sign); }
  /// s * a: every kind keeps its kind (a Kernel's weights are scaled).
  virtual CoefBlock scale(const CoefBlock& a, double s) const = 0;
  /// Row i scaled by s[i] (s.size() == rows): Diagonal and Csr keep their kind, a finite Dense
  /// block becomes a RowScaled view while RowViews are on, Kernel becomes Dense.
  virtual CoefBlock scaleRows(const CoefBlock& a, std::span<const double> s) const = 0;
  /// The block with the rows where keep[i] == false set to zero.
  virtual CoefBlock keepRows(const CoefBlock& a, const std::vector<bool>& keep) const = 0;
  /// Rows `rows` of a (ascending, distinct, each < a.rows()) as a block of rows.size() rows, in
  /// that order: Dense and RowScaled give Dense, Diagonal, Kernel and Csr give Csr (a Kernel's
  /// selected rows built from their taps alone).
  virtual CoefBlock selectRows(const CoefBlock& a, std::span<const int64_t> rows) const = 0;
  /// The inverse of selectRows: a block of n rows whose row rows[k] is a's row k (a.rows() ==
  /// rows.size()) and whose other rows are zero; Csr when a is Csr or the rows are at most a
  /// quarter of n, else Dense.
  virtual CoefBlock scatterRows(const CoefBlock& a, std::span<const int64_t> rows, int64_t n) const = 0;
  /// The block marked as holding finite values (CoefBlock::checkedFinite) when it does, after one
  /// pass over its values (none when it is marked already); as it is otherwise. A layer's stored
  /// linear members are marked once: the products that read them in later layers ask the mark.
  virtual CoefBlock markedFinite(CoefBlock a) const = 0;
  /// A one-row block repeated to n rows (Dense).
  virtual CoefBlock repeatRow(const CoefBlock& a, int64_t n) const = 0;
  /// f element-wise, for an f with f(0) == 0 that keeps finite values finite: a Kernel stays a
  /// Kernel over f(weights), a Diagonal stays Diagonal, anything else becomes Dense.
  virtual CoefBlock mapZeroKeeping(const CoefBlock& a, const std::function<double(double)>& f) const = 0;
  /// The same for a map named by its operator (max / min against s == 0, abs, mul by a finite s),
  /// which a backend applies without a call per value.
  struct ZeroKeepingMap {
    enum class Op { Max, Min, Abs, Mul } op = Op::Mul;
    double s = 1;
  };
  virtual CoefBlock mapZeroKeeping(const CoefBlock& a, ZeroKeepingMap map) const = 0;

  // --- Blocks from and to host values -----------------------------------------------------------
  // The interpreter's fallbacks (term frames over a block's coefficients, the dense executor's
  // blocks, a traced neuron's form) build and read blocks through these, never through a block's
  // storage.
  /// A Dense block of m's values expanded to rows x cols (m with d == 1; extents of 1 broadcast).
  virtual CoefBlock denseBlock(const Tensor& m, int64_t rows, int64_t cols) const = 0;
  /// The n x n identity: Diagonal, or Dense when `dense` (the dense executor).
  virtual CoefBlock identityBlock(int64_t n, bool dense) const = 0;
  /// An Affine layer's weight matrix as a Dense block (the CPU backend references the network's
  /// matrix, no copy; the layer must outlive the block).
  virtual CoefBlock layerWeight(const Layer& layer) const = 0;
  /// b stored as Csr when it is Dense and at most `density` of it non-zero (exact: only zeros are
  /// dropped); else b itself.
  virtual CoefBlock compressed(const CoefBlock& b, double density) const = 0;
  /// The n x n block with d's n values ([n x 1]) on its diagonal: Diagonal, or Dense when `dense`
  /// (the dense executor).
  virtual CoefBlock diagonalBlock(const Tensor& d, bool dense) const = 0;
  /// The n x cols block with a 1 at each (row, column) pair, rows ascending and at most one pair a
  /// row: Csr marked finite, or Dense when `dense`.
  virtual CoefBlock selectionBlock(std::span<const std::pair<int64_t, int64_t>> pairs, int64_t n, int64_t cols,
                                   bool dense) const = 0;
  /// The block's coefficients as a [rows x cols] tensor (a copy).
  virtual Tensor denseValues(const CoefBlock& b) const = 0;
  /// The block's rows x cols coefficients on the host for reading, column after column: a Dense
  /// block's own storage where that is host memory (the CPU backend: no copy), else materialized
  /// into `scratch`, which must outlive the view.
  virtual std::span<const double> hostCoefs(const CoefBlock& b, Tensor& scratch) const = 0;
  /// Row i of the block on the host (b.cols() values).
  virtual std::vector<double> rowValues(const CoefBlock& b, int64_t i) const = 0;
  /// A Diagonal block's diagonal as [n x 1]; std::invalid_argument for other kinds.
  virtual Tensor diagonalValues(const CoefBlock& b) const = 0;
  /// [rows x 1]: t expanded to rows x width (d == 1), summed along the list frame (a term frame's
  /// terms per row).
  virtual Tensor sumAlongList(const Tensor& t, int64_t rows, int64_t width) const = 0;

  // --- Products -------------------------------------------------------------------------------
  /// coef @ b as a Dense block, coef a full m x b.rows() tensor: a column scaling for Diagonal, a
  /// transposed convolution for Kernel, dense x sparse for Csr, a GEMM for Dense. With
  /// non-finite values the dense product's 0 * inf = NaN is kept.
  virtual CoefBlock leftMultiply(const Tensor& coef, const CoefBlock& b) const = 0;
  /// coefs[k] @ b for several coefficient tensors over one block: one product over their stacked
  /// rows (one GEMM / one transposed convolution), split back in order.
  virtual std::vector<CoefBlock> leftMultiplyBatch(const std::vector<const Tensor*>& coefs, const CoefBlock& b) const = 0;
  /// b @ X for k columns X (b.cols() * k values, column after column; one column per item of a
  /// batch): [b.rows() x 1 x k], column j in slice j; a GEMM for Dense, a direct convolution of every
  /// column for a Kernel.
  virtual Tensor times(const CoefBlock& b, const Tensor& x) const = 0;
  /// The interval product per column: for the box [l, u] of each of k columns (b.cols() values
  /// each, as for times), the bounds of b @ x over the box, b @ c - absB @ r and b @ c + absB @ r
  /// with c = l/2 + u/2 and r = u/2 - l/2 (halves first: l + u may overflow where they do not);
  /// absB holds |b|'s values (the caller keeps it). Both [b.rows() x 1 x k]; nullopt when a value
  /// of l or u is not finite (the caller keeps the four products, whose inf * 0 = NaN cases are as
  /// written). One fused pass of two direct convolutions for a Kernel block over several columns;
  /// for a Dense block over several columns, one pass over W's rows in blocks of 8 that skips the
  /// inputs [0, 0] in every item of a chunk (the CPU backend takes |b| from b itself there).
  /// `offset` (null, or one value per row of b: an Affine rule's bias) is added to both bounds as
  /// they are written, (b @ c - absB @ r) + offset[i]: the sums an add after the product computes.
  virtual std::optional<std::pair<Tensor, Tensor>> intervalTimes(const CoefBlock& b, const CoefBlock& absB, const Tensor& l,
                                                  const Tensor& u, const Tensor* offset) const = 0;
  /// m @ x for an r x c matrix tensor m (broadcast extents expanded) and x with c values: [r x 1]
  /// (x of one value broadcasts); or x with k columns of c values each, column after column (a
  /// batch frame's items): [r x 1 x k], one matrix product (a GEMM on the CPU).
  virtual Tensor matVec(const Tensor& m, const Tensor& x) const = 0;

  /// A Kernel block's Toeplitz rows as a Csr block (its taps inside the input, one row per
  /// output neuron): what the KernelRowsLookup of the block operations returns, built once per
  /// kernel by the caller's cache.
  virtual CoefBlock kernelRows(const gbcsr::KernelBlock& k) const = 0;

  // --- Term frames ----------------------------------------------------------------------------
  /// The block's rows as sparse terms when at most `maxDensity` of it is non-zero (a Kernel's rows
  /// come from `kernelRows` when it has them); nullopt when denser or kept as rows of a Dense block.
  virtual std::optional<RowTerms> nonZeroTerms(const CoefBlock& b, double maxDensity,
                                               const KernelRowsLookup& kernelRows) const = 0;
  /// Adds the sum over `terms` of the gather to `out`: its constant to out.c0 (n x 1) and one block
  /// per key of the members' blocks through addBlock (Dense over dense member rows or denseOnly;
  /// Csr built row by row over Diagonal, Csr and Kernel rows). Terms over the same windows are
  /// summed in one pass.
  virtual void gather(Lin& out, const std::vector<GatherTerm>& terms, const std::vector<std::vector<int64_t>>& windows,
                      int64_t n, bool denseOnly, const KernelRowsLookup& kernelRows,
                      const std::function<void(int, CoefBlock)>& addBlock) const = 0;

  // --- Sign-split products (compiler/analysis/sign_split.h) -----------------------------------
  /// Adds sum_j (c_ij >= 0 ? c_ij * row j of onPositive : c_ij * row j of onNegative), zero
  /// coefficients skipped, to `out`: the constants to out.c0 (n x 1), one block per key of the
  /// two forms through addBlock. One product c @ A when both forms share a key's block, one pass
  /// over c when both are Diagonal, else pos(c) @ A + neg(c) @ B. False, with nothing added, when
  /// a value is not finite (the caller evaluates the terms one by one, where 0 * inf = NaN).
  virtual bool signSplit(Lin& out, const CoefBlock& c, const Lin& onPositive, const Lin& onNegative,
                         const KernelRowsLookup& kernelRows,
                         const std::function<void(int, CoefBlock)>& addBlock) const = 0;
  /// [c.rows() x 1]: sum_j (c_ij >= 0 ? c_ij * onPositive_j : c_ij * onNegative_j) for columns of
  /// c.cols() values (or scalars); nullopt when a value is not finite.
  virtual std::optional<Tensor> signSplitSum(const CoefBlock& c, const Tensor& onPositive, const Tensor& onNegative,
                                             const KernelRowsLookup& kernelRows) const = 0;
  /// signSplitSum of the product c @ a, the product never stored where the block kinds allow
  /// (back-substitution's step through a conv layer onto the input box fused with the box's
  /// concretization); nullopt when a value of c, of the ends or of the product is not finite.
  virtual std::optional<Tensor> productSignSplitSum(const CoefBlock& c, const CoefBlock& a, const Tensor& onPositive,
                                                    const Tensor& onNegative,
                                                    const KernelRowsLookup& kernelRows) const = 0;
  /// The values of back-substitution's three last steps, each chosen by the sign of what it
  /// multiplies: a ReLU's slopes (its members' Diagonal blocks; a missing one is 0) and constants
  /// over its neurons, the constants of the conv layer before it over the same neurons, the input
  /// box's ends (its members' constants) over the conv layer's inputs.
  struct ReluConvBox {
    Tensor slopeOnPositive, slopeOnNegative, constantOnPositive, constantOnNegative;
    Tensor convConstantOnPositive, convConstantOnNegative;
    Tensor boxOnPositive, boxOnNegative;
  };
  /// [c.rows() x 1]: the constants that signSplit through the ReLU step, signSplit of the conv
  /// layer `conv`'s constants and productSignSplitSum of the result @ conv onto the box (in that
  /// order) add, for c a conv layer's rows and conv the shared block of the conv layer before the
  /// ReLU, no block between them stored. nullopt where the backend has no such route for the
  /// kinds (the default) or a value is not finite: the caller then takes the steps one by one. The
  /// CPU backend's routes: c a Kernel (a conv layer's own rows), or c Dense through a conv layer of
  /// 16 taps (a one-channel 4 x 4 first layer) from 32 rows.
  virtual std::optional<Tensor> reluConvOntoBoxSum(const CoefBlock& c, const CoefBlock& conv,
                                                   const ReluConvBox& columns) const {
    (void)c, (void)conv, (void)columns;
    return std::nullopt;
  }
  /// reluConvOntoBoxSum's constants for c's rows `rows` only (ascending; [rows.size() x 1]), where
  /// the backend has a route for them cheaper than those rows taken apart (selectRows, then the
  /// steps one by one); nullopt otherwise (the default) or where a value is not finite. The CPU
  /// backend's route: c a Kernel, summed by output positions as the whole block's, those
  /// positions and channel vectors that hold a row of `rows` only, where they are few enough.
  virtual std::optional<Tensor> reluConvOntoBoxSumOfRows(const CoefBlock& c, std::span<const int64_t> rows,
                                                         const CoefBlock& conv, const ReluConvBox& columns) const {
    (void)c, (void)rows, (void)conv, (void)columns;
    return std::nullopt;
  }
  /// Per row of c: whether it has a non-zero coefficient.
  virtual std::vector<bool> nonZeroRows(const CoefBlock& c, const KernelRowsLookup& kernelRows) const = 0;
};

/// A layer's bound member ([n x 1], or one value broadcast) on the host as n values.
std::vector<double> downloadColumn(const Backend& backend, const Tensor& t, int64_t n);

/// The CPU backend (float64, Eigen).
const Backend& cpuBackend();
/// The backend named `name` ("cpu" or "cuda"); an error that says why when it cannot run here.
Result<const Backend*> backendNamed(const std::string& name);

}  // namespace cert::runtime
