// The sign-split sums over a coefficient view (coef_view.h): per row, sum_j x_ij * (x_ij >= 0 ?
// p_j : q_j), alone or in the one pass of a ReLU step that also scales x, vectorized over Dense
// columns, with interleaved sums over CSR rows, and with their finiteness probes.
#include "runtime/backend/cpu/coef_view.h"
#include "runtime/backend/cpu/vector_lanes.h"

#include <vector>

namespace cert::runtime::cpu {


/// sum_j x_ij * (x_ij >= 0 ? onPositive_j : onNegative_j) per row i. With `finite` (Dense x only),
/// it also says whether every value of x is finite, found in the same pass.
Eigen::VectorXd sumBySign(const CoefView& x, const Eigen::VectorXd& onPositive, const Eigen::VectorXd& onNegative,
                          bool* finite) {
  Eigen::VectorXd v = Eigen::VectorXd::Zero(x.rows);
  if (x.dense) {
    const Eigen::MatrixXd& c = *x.dense;
    // Sums of the values * 0, NaN once any is inf or NaN: per lane (a scalar sum's in-order adds
    // bound the loop).
    Lanes probes = {};
    double probe = 0;
    const Eigen::Index whole = c.rows() / kLanes * kLanes;
    for (Eigen::Index j = 0; j < c.cols(); ++j) {
      const double p = onPositive[j], q = onNegative[j];
      const double* src = c.col(j).data();
      for (Eigen::Index i = 0; i < whole; i += kLanes) {
        const Lanes x = loadLanes(src + i);
        storeLanes(v.data() + i, loadLanes(v.data() + i) + x * bySign(x, p, q));
        probes += x * 0;
      }
      for (Eigen::Index i = whole; i < c.rows(); ++i) {
        v[i] += src[i] * (src[i] >= 0 ? p : q);
        probe += src[i] * 0;
      }
    }
    for (int k = 0; k < kLanes; ++k) probe += probes[k];
    if (finite) *finite = probe == 0;
    return v;
  }
  const SparseRM& s = *x.csr;
  const double* values = s.valuePtr();
  const int* columns = s.innerIndexPtr();
  const double* p = onPositive.data();
  const double* q = onNegative.data();
  auto term = [&](int k) {
    const double c = values[k];
    return c * (c >= 0 ? p[columns[k]] : q[columns[k]]);
  };
  for (Eigen::Index i = 0; i < s.rows(); ++i) {
    // Four partial sums: one chain of dependent adds per row was the loop's bound (latency).
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int k = s.outerIndexPtr()[i];
    const int end = s.outerIndexPtr()[i + 1];
    for (; k + 4 <= end; k += 4) {
      a0 += term(k);
      a1 += term(k + 1);
      a2 += term(k + 2);
      a3 += term(k + 3);
    }
    for (; k < end; ++k) a0 += term(k);
    v[i] = (a0 + a1) + (a2 + a3);
  }
  return v;
}

/// scaledBySign and sumBySign in one pass over x (a ReLU step's coefficients and constants: the
/// block is read once): returns x scaled by (sp, sn) per column, marked checkedFinite (Csr x: the
/// columns whose sp and sn are both 0 left out), and adds x @ (cp | cn) to v; nullopt (v then undefined) when a scaled value is not finite (so when a
/// value of x is not: each is scaled once), found in the same pass.
std::optional<CoefBlock> scaledAndSummedBySign(const CoefView& x, const Eigen::VectorXd& sp, const Eigen::VectorXd& sn,
                                               const Eigen::VectorXd& cp, const Eigen::VectorXd& cn, Eigen::VectorXd& v) {
  double probe = 0;  // sum of the scaled values * 0: NaN once any is inf or NaN
  if (!x.dense) {  // each value scaled and summed in one loop
    const SparseRM& c = *x.csr;
    // Per column, its scale and constant for a positive value, then for a negative one, adjacent:
    // one cache line per value instead of four arrays' (each as long as a row).
    std::vector<double> byColumn(static_cast<size_t>(4 * c.cols()));
    // Columns scaled by 0 on both sides (a ReLU's inactive neurons) are left out of the result, so
    // that the next product does not multiply their zeros (a third to three quarters of a conv
    // layer's neurons here). The rows keep their other columns, so rows that had the same columns
    // still do.
    std::vector<unsigned char> keep(static_cast<size_t>(c.cols()));
    bool dropsSome = false;
    for (Eigen::Index j = 0; j < c.cols(); ++j) {
      double* f = byColumn.data() + 4 * j;
      f[0] = sp[j], f[1] = cp[j], f[2] = sn[j], f[3] = cn[j];
      keep[static_cast<size_t>(j)] = !(sp[j] == 0 && sn[j] == 0);
      dropsSome |= !keep[static_cast<size_t>(j)];
    }
    SparseRM out(c.rows(), c.cols());
    out.resizeNonZeros(c.nonZeros());
    if (!dropsSome) {
      std::copy_n(c.outerIndexPtr(), c.rows() + 1, out.outerIndexPtr());
      std::copy_n(c.innerIndexPtr(), c.nonZeros(), out.innerIndexPtr());
    }
    const double* src = c.valuePtr();
    const int* col = c.innerIndexPtr();
    double* dst = out.valuePtr();
    int* dstColumn = out.innerIndexPtr();
    int at = 0;
    // Four independent sums and probes per row: one chain of dependent adds through every value
    // bound the loop (a quarter of its time on convSmall's CSR rows). A dropped value is probed
    // too (inf * 0 is NaN).
    double probes[4] = {0, 0, 0, 0};
    for (Eigen::Index r = 0; r < c.rows(); ++r) {
      double acc[4] = {0, 0, 0, 0};
      const int end = c.outerIndexPtr()[r + 1];
      int k = c.outerIndexPtr()[r];
      auto scale = [&](int k, int lane) {
        const double* f = byColumn.data() + 4 * int64_t(col[k]) + (src[k] >= 0 ? 0 : 2);
        const double scaled = src[k] * f[0];
        acc[lane] += src[k] * f[1];
        probes[lane] += scaled * 0;
        return scaled;
      };
      if (!dropsSome) {
        for (; k + 4 <= end; k += 4)
          for (int lane = 0; lane < 4; ++lane) dst[k + lane] = scale(k + lane, lane);
        for (; k < end; ++k) dst[k] = scale(k, 0);
      } else {
        out.outerIndexPtr()[r] = at;
        auto kept = [&](int k, int lane) {
          dst[at] = scale(k, lane);
          dstColumn[at] = col[k];
          at += keep[static_cast<size_t>(col[k])];
        };
        for (; k + 4 <= end; k += 4)
          for (int lane = 0; lane < 4; ++lane) kept(k + lane, lane);
        for (; k < end; ++k) kept(k, 0);
      }
      v[r] += (acc[0] + acc[1]) + (acc[2] + acc[3]);
    }
    if (dropsSome) {
      out.outerIndexPtr()[c.rows()] = at;
      out.resizeNonZeros(at);
    }
    probe = (probes[0] + probes[1]) + (probes[2] + probes[3]);
    if (probe != 0) return std::nullopt;  // NaN
    return makeCsr(std::move(out)).checkedFinite();
  }
  const Eigen::MatrixXd& c = *x.dense;
  Eigen::MatrixXd out(c.rows(), c.cols());
  double* acc = v.data();
  Lanes probes = {};  // per lane, as in sumBySign
  const Eigen::Index whole = c.rows() / kLanes * kLanes;
  for (Eigen::Index j = 0; j < c.cols(); ++j) {
    const double p = sp[j], q = sn[j], a = cp[j], b = cn[j];
    const double* src = c.col(j).data();
    double* dst = out.col(j).data();
    for (Eigen::Index i = 0; i < whole; i += kLanes) {
      const Lanes x = loadLanes(src + i), scaled = x * bySign(x, p, q);
      storeLanes(dst + i, scaled);
      storeLanes(acc + i, loadLanes(acc + i) + x * bySign(x, a, b));
      probes += scaled * 0;
    }
    for (Eigen::Index i = whole; i < c.rows(); ++i) {
      const bool positive = src[i] >= 0;
      dst[i] = src[i] * (positive ? p : q);
      acc[i] += src[i] * (positive ? a : b);
      probe += dst[i] * 0;
    }
  }
  for (int k = 0; k < kLanes; ++k) probe += probes[k];
  if (probe != 0) return std::nullopt;  // NaN
  return makeDense(std::move(out)).checkedFinite();
}

}  // namespace cert::runtime::cpu
