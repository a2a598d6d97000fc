// S @ T for a CSR S and a Kernel block T (back-substitution of sparse coefficient rows through a
// conv layer): rows that share their columns at once, with the rows as vector lanes; any other
// row by itself, with its terms' taps summed per position (csr_kernel_routes.h). Written as CSR,
// dense, or summed by sign without being stored (convolution.h).
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/csr_kernel_routes.h"
#include "runtime/backend/cpu/vector_lanes.h"

#include <algorithm>
#include <limits>
#include <variant>
#include <vector>

namespace cert::runtime::cpu {

using namespace csr_kernel;

namespace {

/// What both S @ T products read: T's windows and input extents, and S's rows in groups.
struct Plan {
  std::shared_ptr<const std::vector<Window>> windows;
  RowGroups groups;
  int inW, inC;
  int64_t pin;
};
Plan planOf(const SparseRM& s, const gbcsr::KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  return Plan{windowsOf(k), groupsOfSameColumns(s), g.inWidth, g.inChannels, int64_t(g.inHeight) * g.inWidth};
}

}  // namespace

Eigen::VectorXd csrTimesKernelSummedBySign(const SparseRM& s, const gbcsr::KernelBlock& k,
                                           const Eigen::VectorXd& onPositive, const Eigen::VectorXd& onNegative) {
  const Plan plan = planOf(s, k);
  const RowGroups& groups = plan.groups;
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(s.rows());
  std::vector<double> laneSums;
  // Per group, its lanes' sums over the field in column order, a vector of rows at a time.
  for (const std::vector<int64_t>& rows : groups.rows) {
    const GroupProduct gp = groupProduct(s, rows, k, *plan.windows);
    if (gp.values.empty()) continue;
    laneSums.resize(static_cast<size_t>(gp.lanes));
    fieldSumsBySign(gp, k, onPositive.data(), onNegative.data(), laneSums.data());
    for (size_t i = 0; i < rows.size(); ++i) sums[rows[i]] = laneSums[i];
  }
  RowScratch scratch = scratchFor(k);
  for (Eigen::Index r = 0; r < s.rows(); ++r) {
    if (groups.of[static_cast<size_t>(r)] >= 0) continue;
    const Field f = accumulateRow(s, r, k, *plan.windows, scratch);
    if (f.hMax < 0) continue;
    double sum = 0;
    f.forEachColumn(plan.inC, plan.pin, plan.inW, [&](int64_t column) {  // taken and cleared
      const double value = scratch.acc[static_cast<size_t>(column)];
      scratch.acc[static_cast<size_t>(column)] = 0;
      sum += value * (value >= 0 ? onPositive[column] : onNegative[column]);
    });
    sums[r] = sum;
  }
  return sums;
}

SparseRM csrTimesKernel(const SparseRM& s, const gbcsr::KernelBlock& k) {
  return std::get<SparseRM>(csrTimesKernel(s, k, std::numeric_limits<double>::infinity()));
}

std::variant<SparseRM, Eigen::MatrixXd> csrTimesKernel(const SparseRM& s, const gbcsr::KernelBlock& k,
                                                              double denseAbove) {
  const ConvGeometry& g = k.geometry;
  const int64_t taps = int64_t(g.kernelH) * g.kernelW;
  // Rows that share their columns first, each group at once.
  const Plan plan = planOf(s, k);
  const RowGroups& groups = plan.groups;
  const int inC = plan.inC;
  std::vector<GroupProduct> products;
  std::vector<int64_t> laneOf(groups.rows.empty() ? 0 : static_cast<size_t>(s.rows()), 0);
  for (const std::vector<int64_t>& rows : groups.rows) {
    products.push_back(groupProduct(s, rows, k, *plan.windows));
    for (size_t i = 0; i < rows.size(); ++i) laneOf[static_cast<size_t>(rows[i])] = static_cast<int64_t>(i);
  }
  // Every row with a term in a group: the product's non-zeros are known before it is written, and
  // a product that is Dense anyway (back-substitution's last step onto the input, whose fields
  // cover most of it) is written straight into a dense matrix, never as CSR first.
  bool allGrouped = !products.empty();
  for (Eigen::Index r = 0; r < s.rows() && allGrouped; ++r)
    allGrouped = groups.of[static_cast<size_t>(r)] >= 0 || s.outerIndexPtr()[r + 1] == s.outerIndexPtr()[r];
  if (allGrouped) {
    int64_t nonZeros = 0;
    for (const GroupProduct& gp : products)
      nonZeros += std::count_if(gp.values.begin(), gp.values.end(), [](double v) { return v != 0; });
    if (static_cast<double>(nonZeros) > denseAbove * static_cast<double>(s.rows()) * static_cast<double>(k.cols())) {
      Eigen::MatrixXd dense = Eigen::MatrixXd::Zero(s.rows(), k.cols());
      for (size_t group = 0; group < products.size(); ++group) {
        const GroupProduct& gp = products[group];
        const std::vector<int64_t>& rows = groups.rows[group];
        if (gp.values.empty()) continue;
        const double* v = gp.values.data();
        gp.field.forEachColumn(plan.inC, plan.pin, plan.inW, [&](int64_t j) {
          double* column = dense.data() + j * s.rows();
          for (size_t i = 0; i < rows.size(); ++i) column[rows[i]] = v[i];
          v += gp.lanes;
        });
      }
      return dense;
    }
  }
  RowScratch scratch = scratchFor(k);
  // Written in place, row by row, through raw pointers: room for a quarter of the matrix at first
  // (a denser product is made Dense by its callers), grown before a row that might not fit.
  SparseRM out(s.rows(), k.cols());
  int64_t capacity = std::max<int64_t>(1, std::min<int64_t>(s.nonZeros() * inC * taps, s.rows() * k.cols() / 4 + 1));
  out.resizeNonZeros(capacity);
  int64_t at = 0;
  auto reserveField = [&](const Field& f) {
    const int64_t field = int64_t(inC) * f.height() * f.width();
    if (at + field > capacity) {
      capacity = std::max(2 * capacity, at + field);
      out.data().resize(capacity);  // keeps the values and indices written so far
    }
  };
  // The field's values of a row in column order (channel, row, column), zeros left out; `next`
  // gives them in that order.
  auto emitField = [&](const Field& f, auto&& next) {
    reserveField(f);
    int* inner = out.innerIndexPtr();
    double* values = out.valuePtr();
    f.forEachColumn(plan.inC, plan.pin, plan.inW, [&](int64_t column) {
      const double v = next(static_cast<int>(column));
      inner[at] = static_cast<int>(column);
      values[at] = v;
      at += v != 0;
    });
  };
  for (Eigen::Index r = 0; r < s.rows(); ++r) {
    out.outerIndexPtr()[r] = static_cast<int>(at);
    if (const int group = groups.of[static_cast<size_t>(r)]; group >= 0) {
      // The row's lane of its group's product.
      const GroupProduct& gp = products[static_cast<size_t>(group)];
      if (gp.values.empty()) continue;
      const double* v = gp.values.data() + laneOf[static_cast<size_t>(r)];
      emitField(gp.field, [&](int) {
        const double value = *v;
        v += gp.lanes;
        return value;
      });
      continue;
    }
    const Field f = accumulateRow(s, r, k, *plan.windows, scratch);
    if (f.hMax < 0) continue;
    emitField(f, [&](int column) {  // taken and cleared
      const double value = scratch.acc[static_cast<size_t>(column)];
      scratch.acc[static_cast<size_t>(column)] = 0;
      return value;
    });
  }
  out.outerIndexPtr()[s.rows()] = static_cast<int>(at);
  out.resizeNonZeros(at);
  return out;
}

}  // namespace cert::runtime::cpu
