// The CPU backend: float64 values in host memory, the block kinds' operations by Eigen
// (runtime/backend/cpu/*_kind.cpp), convolutions by im2col + GEMM (convolution.h).
#pragma once

#include "runtime/backend/backend.h"
#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/tensor_matrix.h"

namespace cert::runtime::cpu {

class CpuBackend final : public Backend {
 public:
  const char* name() const override { return "cpu"; }
  DType dtype() const override { return DType::Float64; }

  Tensor allocate(int64_t r, int64_t c, int64_t d) const override;

  int64_t storedBytes(const CoefBlock& b) const override;
  int64_t storedNonZeros(const CoefBlock& b) const override;
  bool storedAllFinite(const CoefBlock& b) const override;
  bool storedSameValues(const CoefBlock& a, const CoefBlock& b) const override;
  Tensor upload(std::span<const double> host) const override;
  std::vector<double> download(const Tensor& t) const override;
  std::span<const double> hostValues(const Tensor& t, std::vector<double>&) const override { return t.v; }

  Tensor binary(ir::Op op, const Tensor& a, const Tensor& b) const override;
  Tensor binaryInto(ir::Op op, Tensor&& operand, int into, const Tensor& other) const override;
  Tensor unary(ir::Op op, const Tensor& a) const override;
  Tensor select(const Tensor& cond, const Tensor& a, const Tensor& b) const override;

  CoefBlock add(const CoefBlock& a, const CoefBlock& b, double sign) const override;
  void addInto(CoefBlock& a, const CoefBlock& b, double sign) const override;
  void addInto(CoefBlock& a, CoefBlock&& b, double sign) const override;
  CoefBlock scale(const CoefBlock& a, double s) const override;
  CoefBlock scaleRows(const CoefBlock& a, std::span<const double> s) const override;
  CoefBlock keepRows(const CoefBlock& a, const std::vector<bool>& keep) const override;
  CoefBlock selectRows(const CoefBlock& a, std::span<const int64_t> rows) const override;
  CoefBlock scatterRows(const CoefBlock& a, std::span<const int64_t> rows, int64_t n) const override;
  CoefBlock markedFinite(CoefBlock a) const override;
  CoefBlock repeatRow(const CoefBlock& a, int64_t n) const override;
  CoefBlock mapZeroKeeping(const CoefBlock& a, const std::function<double(double)>& f) const override;
  CoefBlock mapZeroKeeping(const CoefBlock& a, ZeroKeepingMap map) const override;

  CoefBlock denseBlock(const Tensor& m, int64_t rows, int64_t cols) const override;
  CoefBlock identityBlock(int64_t n, bool dense) const override;
  CoefBlock layerWeight(const Layer& layer) const override;
  CoefBlock compressed(const CoefBlock& b, double density) const override;
  CoefBlock diagonalBlock(const Tensor& d, bool dense) const override;
  CoefBlock selectionBlock(std::span<const std::pair<int64_t, int64_t>> pairs, int64_t n, int64_t cols,
                           bool dense) const override;
  Tensor denseValues(const CoefBlock& b) const override;
  std::span<const double> hostCoefs(const CoefBlock& b, Tensor& scratch) const override;
  std::vector<double> rowValues(const CoefBlock& b, int64_t i) const override;
  Tensor diagonalValues(const CoefBlock& b) const override;
  Tensor sumAlongList(const Tensor& t, int64_t rows, int64_t width) const override;

  CoefBlock leftMultiply(const Tensor& coef, const CoefBlock& b) const override;
  std::vector<CoefBlock> leftMultiplyBatch(const std::vector<const Tensor*>& coefs, const CoefBlock& b) const override;
  Tensor times(const CoefBlock& b, const Tensor& x) const override;
  std::optional<std::pair<Tensor, Tensor>> intervalTimes(const CoefBlock& b, const CoefBlock& absB, const Tensor& l,
                                                         const Tensor& u, const Tensor* offset) const override;
  Tensor matVec(const Tensor& m, const Tensor& x) const override;

  CoefBlock kernelRows(const gbcsr::KernelBlock& k) const override;
  std::optional<RowTerms> nonZeroTerms(const CoefBlock& b, double maxDensity,
                                       const KernelRowsLookup& kernelRows) const override;
  void gather(Lin& out, const std::vector<GatherTerm>& terms, const std::vector<std::vector<int64_t>>& windows,
              int64_t n, bool denseOnly, const KernelRowsLookup& kernelRows,
              const std::function<void(int, CoefBlock)>& addBlock) const override;

  bool signSplit(Lin& out, const CoefBlock& c, const Lin& onPositive, const Lin& onNegative,
                 const KernelRowsLookup& kernelRows, const std::function<void(int, CoefBlock)>& addBlock) const override;
  std::optional<Tensor> signSplitSum(const CoefBlock& c, const Tensor& onPositive, const Tensor& onNegative,
                                     const KernelRowsLookup& kernelRows) const override;
  std::optional<Tensor> productSignSplitSum(const CoefBlock& c, const CoefBlock& a, const Tensor& onPositive,
                                            const Tensor& onNegative, const KernelRowsLookup& kernelRows) const override;
  std::optional<Tensor> reluConvOntoBoxSum(const CoefBlock& c, const CoefBlock& conv,
                                           const ReluConvBox& columns) const override;
  std::optional<Tensor> reluConvOntoBoxSumOfRows(const CoefBlock& c, std::span<const int64_t> rows, const CoefBlock& conv,
                                                 const ReluConvBox& columns) const override;
  std::vector<bool> nonZeroRows(const CoefBlock& c, const KernelRowsLookup& kernelRows) const override;
};

/// coef @ b on host matrices, dispatched on b's kind (the CPU backend's product).
Eigen::MatrixXd leftMultiplyMatrix(const MatrixRef& coef, const CoefBlock& b);
/// The kind's operations, dispatched on b's kind.
Eigen::MatrixXd toDense(const CoefBlock& b);
Eigen::VectorXd row(const CoefBlock& b, int64_t i);
int64_t nonZeros(const CoefBlock& b);
bool allFinite(const CoefBlock& b);
/// m += sign * b, dispatched on b's kind (Dense results of the pairwise sums).
void addToDense(Eigen::MatrixXd& m, const CoefBlock& b, double sign);

}  // namespace cert::runtime::cpu
