// The CPU backend: dispatch on the block kind, batched products and the tensor transfers (host
// memory: copies); the pairwise sums are in block_sums.cpp.
#include "runtime/backend/cpu/cpu_backend.h"
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/dense_interval_times.h"
#include "runtime/backend/cpu/gather_terms.h"
#include "runtime/backend/cpu/gemm.h"
#include "runtime/backend/cpu/sign_split.h"
#include "runtime/backend/cpu/vector_lanes.h"

#include <algorithm>
#include <stdexcept>

namespace cert::runtime::cpu {

bool valuesFinite(const MatrixRef& m) {
  // x * 0 is 0 for a finite x and NaN otherwise; four vector accumulators keep four independent
  // chains of adds in flight (32 values per step).
  Lanes acc[4] = {};
  double rest = 0;
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    const double* p = m.col(j).data();
    const Eigen::Index n = m.rows();
    Eigen::Index i = 0;
    for (; i + 4 * kLanes <= n; i += 4 * kLanes)
      for (int k = 0; k < 4; ++k) acc[k] += loadLanes(p + i + k * kLanes) * 0.0;
    for (; i < n; ++i) rest += p[i] * 0.0;
  }
  const Lanes sum = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (int k = 0; k < kLanes; ++k) rest += sum[k];
  return rest == 0.0;
}

namespace {
thread_local bool rowViewsOn = false;
}  // namespace

}  // namespace cert::runtime::cpu

namespace cert::runtime {

RowViews::RowViews(bool on) : saved_(cpu::rowViewsOn) { cpu::rowViewsOn = on; }
RowViews::~RowViews() { cpu::rowViewsOn = saved_; }
bool RowViews::enabled() { return cpu::rowViewsOn; }

}  // namespace cert::runtime

namespace cert::runtime::cpu {

bool viewable(const CoefBlock& a) {
  if (!RowViews::enabled()) return false;
  if (a.kind() == CoefBlock::Kind::RowScaled) return true;
  return a.kind() == CoefBlock::Kind::Dense && a.cols() >= 8 && valuesFinite(denseOf(a));
}

/// Calls kind::op(args...) for the kind of block `b`.
#define CERT_BY_KIND(b, op, ...)                                     \
  switch ((b).kind()) {                                              \
    case CoefBlock::Kind::Dense: return dense::op(__VA_ARGS__);      \
    case CoefBlock::Kind::Diagonal: return diagonal::op(__VA_ARGS__); \
    case CoefBlock::Kind::Kernel: return kernel::op(__VA_ARGS__);    \
    case CoefBlock::Kind::Csr: return csr::op(__VA_ARGS__);          \
    case CoefBlock::Kind::RowScaled: return row_scaled::op(__VA_ARGS__); \
  }                                                                  \
  throw std::logic_error("a block of no known kind")

Eigen::MatrixXd toDense(const CoefBlock& b) { CERT_BY_KIND(b, toDense, b); }
Eigen::VectorXd row(const CoefBlock& b, int64_t i) { CERT_BY_KIND(b, row, b, i); }
int64_t nonZeros(const CoefBlock& b) { CERT_BY_KIND(b, nonZeros, b); }
bool allFinite(const CoefBlock& b) {
  if (b.knownFinite()) return true;
  CERT_BY_KIND(b, allFinite, b);
}

void addToDense(Eigen::MatrixXd& m, const CoefBlock& b, double sign) { CERT_BY_KIND(b, addTo, m, b, sign); }

Eigen::MatrixXd leftMultiplyMatrix(const MatrixRef& coef, const CoefBlock& b) {
  if (coef.cols() != b.rows()) throw std::runtime_error("coefficient product with a wrong extent");
  CERT_BY_KIND(b, leftMultiply, coef, b);
}

Tensor CpuBackend::allocate(int64_t r, int64_t c, int64_t d) const { return Tensor::uninitialized(r, c, d); }

Tensor CpuBackend::upload(std::span<const double> host) const {
  Tensor t = Tensor::uninitialized(static_cast<int64_t>(host.size()), 1, 1);
  std::copy(host.begin(), host.end(), t.v.begin());
  return t;
}

std::vector<double> CpuBackend::download(const Tensor& t) const { return std::vector<double>(t.v.begin(), t.v.end()); }

CoefBlock CpuBackend::scale(const CoefBlock& a, double s) const { CERT_BY_KIND(a, scale, a, s); }

CoefBlock CpuBackend::scaleRows(const CoefBlock& a, std::span<const double> s) const {
  if (static_cast<int64_t>(s.size()) != a.rows()) throw std::runtime_error("row scaling of a linear form with a wrong extent");
  const Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(s.data(), static_cast<Eigen::Index>(s.size()));
  CERT_BY_KIND(a, scaleRows, a, v);
}

namespace {

/// `out`, made of a's values and zeros only (rows kept, selected or placed), with a's finite mark.
CoefBlock withFiniteMarkOf(const CoefBlock& a, CoefBlock out) {
  if (a.knownFinite()) return std::move(out).checkedFinite();
  return out;
}

}  // namespace

CoefBlock CpuBackend::keepRows(const CoefBlock& a, const std::vector<bool>& keep) const {
  if (static_cast<int64_t>(keep.size()) != a.rows()) throw std::runtime_error("row selection with a wrong extent");
  if (std::all_of(keep.begin(), keep.end(), [](bool k) { return k; })) return a;
  return withFiniteMarkOf(a, [&]() -> CoefBlock { CERT_BY_KIND(a, keepRows, a, keep); }());
}

namespace {

/// scatterRows' values (its finite mark aside).
CoefBlock placedRows(const CoefBlock& a, std::span<const int64_t> rows, int64_t n) {
  if (a.rows() != static_cast<int64_t>(rows.size())) throw std::runtime_error("row placement with a wrong extent");
  for (size_t k = 0; k < rows.size(); ++k)
    if (rows[k] < 0 || rows[k] >= n || (k > 0 && rows[k] <= rows[k - 1]))
      throw std::runtime_error("row placement: rows must ascend within the block");
  if (a.kind() == CoefBlock::Kind::Csr || 4 * static_cast<int64_t>(rows.size()) <= n) {
    // Row k's values move to row rows[k]: CSR storage with empty rows in between.
    const SparseRM own = a.kind() == CoefBlock::Kind::Csr ? SparseRM() : SparseRM(toDense(a).sparseView(0.0, 0.0));
    const SparseRM& m = a.kind() == CoefBlock::Kind::Csr ? csrOf(a) : own;
    SparseRM out(n, a.cols());
    out.resizeNonZeros(m.nonZeros());
    std::copy(m.innerIndexPtr(), m.innerIndexPtr() + m.nonZeros(), out.innerIndexPtr());
    std::copy(m.valuePtr(), m.valuePtr() + m.nonZeros(), out.valuePtr());
    int* outer = out.outerIndexPtr();
    const int* from = m.outerIndexPtr();
    size_t k = 0;
    for (int64_t r = 0; r <= n; ++r) {
      while (k < rows.size() && rows[k] < r) ++k;  // rows before r that are placed
      outer[r] = from[k];
    }
    return makeCsr(std::move(out));
  }
  const Eigen::MatrixXd m = toDense(a);
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(n, a.cols());
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (size_t k = 0; k < rows.size(); ++k) out(rows[k], j) = m(static_cast<Eigen::Index>(k), j);
  return makeDense(std::move(out));
}

}  // namespace

CoefBlock CpuBackend::selectRows(const CoefBlock& a, std::span<const int64_t> rows) const {
  for (size_t k = 0; k < rows.size(); ++k)
    if (rows[k] < 0 || rows[k] >= a.rows() || (k > 0 && rows[k] <= rows[k - 1]))
      throw std::runtime_error("row selection: rows must ascend within the block");
  return withFiniteMarkOf(a, [&]() -> CoefBlock { CERT_BY_KIND(a, selectRows, a, rows); }());
}

CoefBlock CpuBackend::scatterRows(const CoefBlock& a, std::span<const int64_t> rows, int64_t n) const {
  return withFiniteMarkOf(a, placedRows(a, rows, n));
}

CoefBlock CpuBackend::kernelRows(const gbcsr::KernelBlock& k) const { return makeCsr(kernelRowsCsr(k)); }

CoefBlock CpuBackend::markedFinite(CoefBlock a) const {
  if (a.knownFinite() || !allFinite(a)) return a;
  return std::move(a).checkedFinite();
}

CoefBlock CpuBackend::repeatRow(const CoefBlock& a, int64_t n) const {
  if (a.rows() != 1) throw std::runtime_error("repeating a block of more than one row");
  return makeDense(toDense(a).replicate(n, 1));
}

CoefBlock CpuBackend::mapZeroKeeping(const CoefBlock& a, const std::function<double(double)>& f) const {
  CERT_BY_KIND(a, map, a, f);
}

CoefBlock CpuBackend::mapZeroKeeping(const CoefBlock& a, ZeroKeepingMap map) const {
  auto apply = [&](auto f) {  // inlined over Dense, Diagonal and Kernel values; else per value
    std::optional<CoefBlock> out = mapStoredValues(a, f);
    return out ? std::move(*out) : mapZeroKeeping(a, std::function<double(double)>(f));
  };
  const double s = map.s;
  switch (map.op) {
    case ZeroKeepingMap::Op::Max: return apply([s](double x) { return std::max(x, s); });
    case ZeroKeepingMap::Op::Min: return apply([s](double x) { return std::min(x, s); });
    case ZeroKeepingMap::Op::Abs: return apply([](double x) { return std::abs(x); });
    case ZeroKeepingMap::Op::Mul: break;
  }
  return apply([s](double x) { return x * s; });
}

namespace {
/// A full r x c tensor as a matrix view (a broadcast one expanded first into `storage`).
Eigen::Map<const Eigen::MatrixXd> matrixOf(const Tensor& t, int64_t rows, int64_t cols, Eigen::MatrixXd& storage) {
  if (t.r == rows && t.c == cols && t.d == 1) return Eigen::Map<const Eigen::MatrixXd>(t.v.data(), rows, cols);
  storage = hostMatrix(t, rows, cols);
  return Eigen::Map<const Eigen::MatrixXd>(storage.data(), rows, cols);
}
}  // namespace

CoefBlock CpuBackend::leftMultiply(const Tensor& coef, const CoefBlock& b) const {
  Eigen::MatrixXd storage;
  return makeDense(leftMultiplyMatrix(matrixOf(coef, coef.r, b.rows(), storage), b));
}

std::vector<CoefBlock> CpuBackend::leftMultiplyBatch(const std::vector<const Tensor*>& coefs, const CoefBlock& b) const {
  std::vector<CoefBlock> out;
  if (coefs.size() == 1) {
    out.push_back(leftMultiply(*coefs[0], b));
    return out;
  }
  int64_t rows = 0;
  for (const Tensor* c : coefs) rows += c->r;
  Eigen::MatrixXd stacked(rows, b.rows());
  int64_t at = 0;
  for (const Tensor* c : coefs) {
    Eigen::MatrixXd storage;
    stacked.middleRows(at, c->r) = matrixOf(*c, c->r, b.rows(), storage);
    at += c->r;
  }
  const Eigen::MatrixXd product = leftMultiplyMatrix(stacked, b);
  at = 0;
  for (const Tensor* c : coefs) {
    out.push_back(makeDense(product.middleRows(at, c->r)));
    at += c->r;
  }
  return out;
}

Tensor CpuBackend::times(const CoefBlock& b, const Tensor& x) const {
  const int64_t columns = b.cols() > 0 ? static_cast<int64_t>(x.v.size()) / b.cols() : 0;
  if (columns < 1 || columns * b.cols() != static_cast<int64_t>(x.v.size()))
    throw std::logic_error("a block times columns of a wrong extent");
  const Eigen::Map<const Eigen::MatrixXd> xs(x.v.data(), b.cols(), columns);
  auto product = [&]() -> Eigen::MatrixXd { CERT_BY_KIND(b, times, b, xs); };
  const Eigen::MatrixXd p = product();
  Tensor out = Tensor::uninitialized(b.rows(), 1, columns);  // column k of p is item k's [rows x 1]
  std::copy(p.data(), p.data() + p.size(), out.v.data());
  return out;
}

std::optional<std::pair<Tensor, Tensor>> CpuBackend::intervalTimes(const CoefBlock& b, const CoefBlock& absB,
                                                                   const Tensor& l, const Tensor& u,
                                                                   const Tensor* offset) const {
  const int64_t columns = b.cols() > 0 ? static_cast<int64_t>(l.v.size()) / b.cols() : 0;
  if (columns < 1 || columns * b.cols() != static_cast<int64_t>(l.v.size()) || l.v.size() != u.v.size())
    throw std::logic_error("an interval product over columns of a wrong extent");
  if (offset && static_cast<int64_t>(offset->v.size()) != b.rows())
    throw std::logic_error("an interval product's offset has not one value per row");
  const double* add = offset ? offset->v.data() : nullptr;
  using Columns = Eigen::Map<const Eigen::MatrixXd>;
  const Columns ls(l.v.data(), b.cols(), columns), us(u.v.data(), b.cols(), columns);
  Tensor lower = Tensor::uninitialized(b.rows(), 1, columns), upper = Tensor::uninitialized(b.rows(), 1, columns);
  if (b.kind() == CoefBlock::Kind::Kernel && absB.kind() == CoefBlock::Kind::Kernel && columns >= kDirectMinColumns &&
      valuesFinite(b.kernelBlock().weight)) {
    Eigen::Map<Eigen::MatrixXd> lo(lower.v.data(), b.rows(), columns), up(upper.v.data(), b.rows(), columns);
    if (!kernelIntervalTimes(b.kernelBlock(), absB.kernelBlock(), ls, us, lo, up, add)) return std::nullopt;
    return std::pair{std::move(lower), std::move(upper)};
  }
  if (b.kind() == CoefBlock::Kind::Dense && columns >= kDenseIntervalMinColumns) {
    Eigen::Map<Eigen::MatrixXd> lo(lower.v.data(), b.rows(), columns), up(upper.v.data(), b.rows(), columns);
    if (!denseIntervalTimes(denseOf(b), ls, us, lo, up, add)) return std::nullopt;
    return std::pair{std::move(lower), std::move(upper)};
  }
  if (!valuesFinite(ls) || !valuesFinite(us)) return std::nullopt;
  Tensor center = Tensor::uninitialized(l.r, l.c, l.d), radius = Tensor::uninitialized(l.r, l.c, l.d);
  for (size_t k = 0; k < l.v.size(); ++k) {
    center.v[k] = 0.5 * l.v[k] + 0.5 * u.v[k];
    radius.v[k] = 0.5 * u.v[k] - 0.5 * l.v[k];
  }
  const Tensor wc = times(b, center), ar = times(absB, radius);
  for (size_t k = 0; k < wc.v.size(); ++k) {
    lower.v[k] = wc.v[k] - ar.v[k];
    upper.v[k] = wc.v[k] + ar.v[k];
    if (add) {  // item k / rows, row k % rows
      lower.v[k] += add[k % static_cast<size_t>(b.rows())];
      upper.v[k] += add[k % static_cast<size_t>(b.rows())];
    }
  }
  return std::pair{std::move(lower), std::move(upper)};
}

Tensor CpuBackend::matVec(const Tensor& m, const Tensor& x) const {
  Eigen::MatrixXd storage;
  const auto mm = matrixOf(m, m.r, m.c, storage);
  const int64_t columns = m.c > 0 ? static_cast<int64_t>(x.v.size()) / m.c : 0;
  if (x.v.size() != 1 && (columns < 1 || columns * m.c != static_cast<int64_t>(x.v.size())))
    throw std::logic_error("a matrix product over columns of a wrong extent");
  if (x.v.size() == 1 || columns == 1) {
    Eigen::VectorXd xs;
    if (x.v.size() == 1) xs = Eigen::VectorXd::Constant(m.c, x.v[0]);
    else xs = Eigen::Map<const Eigen::VectorXd>(x.v.data(), m.c);
    return columnTensor(mm * xs);
  }
  const Eigen::MatrixXd product = gemm(mm, Eigen::Map<const Eigen::MatrixXd>(x.v.data(), m.c, columns));
  Tensor out = Tensor::uninitialized(m.r, 1, columns);
  std::copy(product.data(), product.data() + product.size(), out.v.data());
  return out;
}

std::optional<RowTerms> CpuBackend::nonZeroTerms(const CoefBlock& b, double maxDensity,
                                                 const KernelRowsLookup& kernelRows) const {
  const int64_t n = b.rows();
  RowLists lists;
  lists.columns.assign(static_cast<size_t>(n), {});
  lists.values.assign(static_cast<size_t>(n), {});
  const double budget = maxDensity * static_cast<double>(b.rows()) * static_cast<double>(b.cols());
  auto fill = [&]() -> bool { CERT_BY_KIND(b, rowTerms, b, budget, kernelRows, lists); };
  if (!fill()) return std::nullopt;
  RowTerms st;
  st.windows = std::move(lists.columns);
  for (const auto& w : st.windows) st.width = std::max<int64_t>(st.width, static_cast<int64_t>(w.size()));
  st.width = std::max<int64_t>(st.width, 1);
  st.values = Tensor::full(n, st.width, 1, 0);
  st.where = Tensor::full(n, st.width, 1, 0);
  bool full = true;
  for (int64_t r = 0; r < n; ++r) {
    const auto& v = lists.values[static_cast<size_t>(r)];
    for (size_t k = 0; k < v.size(); ++k) {
      st.values.ref(r, static_cast<int64_t>(k), 0) = v[k];
      st.where.ref(r, static_cast<int64_t>(k), 0) = 1;
    }
    full = full && static_cast<int64_t>(v.size()) == st.width;
  }
  st.full = full;
  return st;
}

void CpuBackend::gather(Lin& out, const std::vector<GatherTerm>& terms, const std::vector<std::vector<int64_t>>& windows,
                        int64_t n, bool denseOnly, const KernelRowsLookup& kernelRows,
                        const std::function<void(int, CoefBlock)>& addBlock) const {
  gatherInto(out, terms, windows, n, denseOnly, kernelRows, addBlock);
}

bool CpuBackend::signSplit(Lin& out, const CoefBlock& c, const Lin& onPositive, const Lin& onNegative,
                           const KernelRowsLookup& kernelRows,
                           const std::function<void(int, CoefBlock)>& addBlock) const {
  return signSplitInto(out, c, onPositive, onNegative, kernelRows, addBlock);
}

std::optional<Tensor> CpuBackend::signSplitSum(const CoefBlock& c, const Tensor& onPositive, const Tensor& onNegative,
                                               const KernelRowsLookup& kernelRows) const {
  return cpu::signSplitSum(c, onPositive, onNegative, kernelRows);
}

std::optional<Tensor> CpuBackend::productSignSplitSum(const CoefBlock& c, const CoefBlock& a, const Tensor& onPositive,
                                                      const Tensor& onNegative, const KernelRowsLookup& kernelRows) const {
  return cpu::productSignSplitSum(c, a, onPositive, onNegative, kernelRows);
}

namespace {

/// Whether t is one value per column of n (a scalar broadcast, or [n x 1] of one item): what
/// columnOf reads.
bool columnFits(const Tensor& t, int64_t n) { return t.v.size() == 1 || (t.r == n && t.c == 1 && t.d == 1); }

/// The columns of a ReluConvBox over c's n columns and conv's inputs, as the CPU routes read
/// them; nullopt when one has other extents.
std::optional<ReluConvBoxColumns> reluConvBoxColumnsOf(const Backend::ReluConvBox& columns, int64_t n, int64_t inputs) {
  for (const Tensor* t : {&columns.slopeOnPositive, &columns.slopeOnNegative, &columns.constantOnPositive,
                          &columns.constantOnNegative, &columns.convConstantOnPositive, &columns.convConstantOnNegative})
    if (!columnFits(*t, n)) return std::nullopt;
  for (const Tensor* t : {&columns.boxOnPositive, &columns.boxOnNegative})
    if (!columnFits(*t, inputs)) return std::nullopt;
  return ReluConvBoxColumns{columnOf(columns.slopeOnPositive, n),        columnOf(columns.slopeOnNegative, n),
                            columnOf(columns.constantOnPositive, n),     columnOf(columns.constantOnNegative, n),
                            columnOf(columns.convConstantOnPositive, n), columnOf(columns.convConstantOnNegative, n),
                            columnOf(columns.boxOnPositive, inputs),     columnOf(columns.boxOnNegative, inputs)};
}

}  // namespace

std::optional<Tensor> CpuBackend::reluConvOntoBoxSum(const CoefBlock& c, const CoefBlock& conv,
                                                     const ReluConvBox& columns) const {
  const bool denseRows = c.kind() == CoefBlock::Kind::Dense;
  if ((c.kind() != CoefBlock::Kind::Kernel && !denseRows) || conv.kind() != CoefBlock::Kind::Kernel) return std::nullopt;
  const std::optional<ReluConvBoxColumns> v = reluConvBoxColumnsOf(columns, c.cols(), conv.cols());
  if (!v) return std::nullopt;
  std::optional<Eigen::VectorXd> sums = denseRows ? denseReluKernelSummedBySign(denseOf(c), conv.kernelBlock(), *v)
                                                  : kernelReluKernelSummedBySign(c.kernelBlock(), conv.kernelBlock(), *v);
  if (!sums) return std::nullopt;
  return columnTensor(*sums);
}

std::optional<Tensor> CpuBackend::reluConvOntoBoxSumOfRows(const CoefBlock& c, std::span<const int64_t> rows,
                                                           const CoefBlock& conv, const ReluConvBox& columns) const {
  if (c.kind() != CoefBlock::Kind::Kernel || conv.kind() != CoefBlock::Kind::Kernel || rows.empty()) return std::nullopt;
  // The whole block's route sums every row of a vector that holds a selected row: taken where
  // those lanes cost less than the selected rows taken apart.
  if (kernelRowVectorsOf(c.kernelBlock(), rows) * kLanes > kSelectedRowCostInLanes * static_cast<int64_t>(rows.size()))
    return std::nullopt;
  const std::optional<ReluConvBoxColumns> v = reluConvBoxColumnsOf(columns, c.cols(), conv.cols());
  if (!v) return std::nullopt;
  std::optional<Eigen::VectorXd> sums = kernelReluKernelSummedBySign(c.kernelBlock(), conv.kernelBlock(), *v, rows);
  if (!sums) return std::nullopt;
  return columnTensor(*sums);
}

std::vector<bool> CpuBackend::nonZeroRows(const CoefBlock& c, const KernelRowsLookup& kernelRows) const {
  return cpu::nonZeroRows(c, kernelRows);
}

#undef CERT_BY_KIND

}  // namespace cert::runtime::cpu
