// Backend::nonZeroRows on the CPU: which rows of a coefficient block hold a non-zero (the rows a
// back-substitution step replaces), per kind without materializing the block.
#include "runtime/backend/cpu/sign_split.h"

#include <algorithm>
#include <vector>

#include "runtime/backend/cpu/convolution.h"

namespace cert::runtime::cpu {

namespace {

/// Rows of m holding a non-zero, column by column, stopping once every row has one (dense
/// coefficient rows usually do within a few columns: a full scan was 8% of a resnet_2b CROWN run).
/// The per-column pass is a plain OR of comparisons (vectorized); whether every row has one is
/// asked after columns 1, 2, 4, 8 and then every 8 (a per-element count of newly found rows kept
/// the loop scalar: 15% of a run of the published crown.cf, whose forms have all-zero rows).
std::vector<bool> denseNonZeroRows(const Eigen::MatrixXd& m) {
  std::vector<unsigned char> any(static_cast<size_t>(m.rows()), 0);
  unsigned char* a = any.data();
  const Eigen::Index rows = m.rows();
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    const double* src = m.col(j).data();
    for (Eigen::Index i = 0; i < rows; ++i) a[i] |= static_cast<unsigned char>(src[i] != 0);
    const Eigen::Index done = j + 1;
    if ((done < 8 ? (done & (done - 1)) == 0 : done % 8 == 0) && std::find(a, a + rows, 0) == a + rows) break;
  }
  return std::vector<bool>(any.begin(), any.end());
}

}  // namespace

std::vector<bool> nonZeroRows(const CoefBlock& c, const KernelRowsLookup& kernelRows) {
  switch (c.kind()) {
    case CoefBlock::Kind::Dense: return denseNonZeroRows(denseOf(c));
    case CoefBlock::Kind::RowScaled: {  // diag(s) @ base: row i is base's row i times s_i
      std::vector<bool> out = nonZeroRows(c.scaledBase(), kernelRows);
      for (size_t i = 0; i < out.size(); ++i) out[i] = out[i] && rowScaleOf(c)[static_cast<Eigen::Index>(i)] != 0;
      return out;
    }
    case CoefBlock::Kind::Diagonal: {
      std::vector<bool> out(static_cast<size_t>(c.rows()));
      for (size_t i = 0; i < out.size(); ++i) out[i] = diagonalOf(c)[static_cast<Eigen::Index>(i)] != 0;
      return out;
    }
    case CoefBlock::Kind::Kernel: return kernelNonZeroRows(c.kernelBlock());
    case CoefBlock::Kind::Csr: break;
  }
  (void)kernelRows;  // a Kernel's rows are read from its taps, not from its CSR rows
  SparseRM compressed;
  const SparseRM* csr = &csrOf(c);
  if (!csr->isCompressed()) {
    compressed = *csr;
    compressed.makeCompressed();
    csr = &compressed;
  }
  std::vector<bool> out(static_cast<size_t>(c.rows()), false);
  const SparseRM& s = *csr;
  for (Eigen::Index i = 0; i < s.rows(); ++i)
    for (int k = s.outerIndexPtr()[i]; k < s.outerIndexPtr()[i + 1] && !out[static_cast<size_t>(i)]; ++k)
      out[static_cast<size_t>(i)] = s.valuePtr()[k] != 0;
  return out;
}

}  // namespace cert::runtime::cpu
