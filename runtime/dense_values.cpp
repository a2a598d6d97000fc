// Broadcasting tensor arithmetic and linear-form algebra of the dense executor.
#include "runtime/dense_values.h"

#include <algorithm>
#include <stdexcept>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace cert::runtime {

namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMajorMap = Eigen::Map<RowMajor>;
using ConstRowMajorMap = Eigen::Map<const RowMajor>;

}  // namespace

int64_t joinExtent(int64_t a, int64_t b) {
  if (a == b || b == 1) return a;
  if (a == 1) return b;
  throw std::runtime_error("tensor extents " + std::to_string(a) + " and " + std::to_string(b) + " do not match");
}

Tensor Tensor::column(const Eigen::VectorXd& x) {
  Tensor t = full(x.size(), 1, 1, 0);
  for (int64_t i = 0; i < x.size(); ++i) t.v[static_cast<size_t>(i)] = x[i];
  return t;
}

Tensor Tensor::row(const Eigen::VectorXd& x) {
  Tensor t = column(x);
  t.c = t.r;
  t.r = 1;
  return t;
}

namespace {

/// Column-major <-> row-major copy in 32 x 32 tiles (a plain element loop strides through one of
/// the two layouts and misses the cache on every element of 256-wide blocks). Values are copied
/// exactly.
constexpr int64_t kTile = 32;

void rowMajorToColMajor(const double* src, int64_t rows, int64_t cols, double* dst) {
  for (int64_t j0 = 0; j0 < cols; j0 += kTile)
    for (int64_t i0 = 0; i0 < rows; i0 += kTile) {
      const int64_t i1 = std::min(rows, i0 + kTile), j1 = std::min(cols, j0 + kTile);
      for (int64_t j = j0; j < j1; ++j)
        for (int64_t i = i0; i < i1; ++i) dst[j * rows + i] = src[i * cols + j];
    }
}

void colMajorToRowMajor(const double* src, int64_t rows, int64_t cols, double* dst) {
  for (int64_t i0 = 0; i0 < rows; i0 += kTile)
    for (int64_t j0 = 0; j0 < cols; j0 += kTile) {
      const int64_t i1 = std::min(rows, i0 + kTile), j1 = std::min(cols, j0 + kTile);
      for (int64_t i = i0; i < i1; ++i)
        for (int64_t j = j0; j < j1; ++j) dst[i * cols + j] = src[j * rows + i];
    }
}

}  // namespace

Tensor Tensor::matrix(const Eigen::MatrixXd& m) {
  Tensor t = full(m.rows(), m.cols(), 1, 0);
  colMajorToRowMajor(m.data(), m.rows(), m.cols(), t.v.data());
  return t;
}

Tensor Tensor::expand(int64_t rr, int64_t cc, int64_t dd) const {
  if (r == rr && c == cc && d == dd) return *this;
  joinExtent(rr, r), joinExtent(cc, c), joinExtent(dd, d);
  Tensor t = full(rr, cc, dd, 0);
  for (int64_t i = 0; i < rr; ++i)
    for (int64_t j = 0; j < cc; ++j)
      for (int64_t k = 0; k < dd; ++k) t.ref(i, j, k) = at(i, j, k);
  return t;
}

Eigen::MatrixXd Tensor::toMatrix(int64_t rows, int64_t cols) const {
  if (d != 1) throw std::runtime_error("a tensor with an 'other' frame cannot be a matrix");
  if (r == rows && c == cols) {
    Eigen::MatrixXd m(rows, cols);
    rowMajorToColMajor(v.data(), rows, cols, m.data());
    return m;
  }
  if (r == 1 && c == cols) return ConstRowMajorMap(v.data(), 1, cols).replicate(rows, 1);
  if (r == rows && c == 1) return ConstRowMajorMap(v.data(), rows, 1).replicate(1, cols);
  if (r == 1 && c == 1) return Eigen::MatrixXd::Constant(rows, cols, v[0]);
  const Tensor t = expand(rows, cols, 1);
  return ConstRowMajorMap(t.v.data(), rows, cols);
}

Tensor selectTensor(const Tensor& cond, const Tensor& a, const Tensor& b) {
  const int64_t r = joinExtent(joinExtent(cond.r, a.r), b.r), c = joinExtent(joinExtent(cond.c, a.c), b.c),
                d = joinExtent(joinExtent(cond.d, a.d), b.d);
  Tensor t = Tensor::full(r, c, d, 0);
  const size_t n = t.v.size();
  auto flat = [n](const Tensor& x) { return x.v.size() == n || x.v.size() == 1; };
  if (cond.v.size() == n && flat(a) && flat(b)) {  // no index arithmetic: the executor's hot case
    const size_t sa = a.v.size() == n ? 1 : 0, sb = b.v.size() == n ? 1 : 0;
    for (size_t k = 0; k < n; ++k) t.v[k] = cond.v[k] != 0 ? a.v[k * sa] : b.v[k * sb];
    return t;
  }
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j)
      for (int64_t k = 0; k < d; ++k) t.ref(i, j, k) = cond.at(i, j, k) != 0 ? a.at(i, j, k) : b.at(i, j, k);
  return t;
}

Lin linAdd(Lin a, const Lin& b, double sign) {
  Lin out = std::move(a);
  out.sym = out.sym || b.sym;
  out.c0 = zip(out.c0, b.c0, [sign](double x, double y) { return x + sign * y; });
  for (const auto& [k, m] : b.blocks) {
    auto it = out.blocks.find(k);
    if (it == out.blocks.end()) {
      out.blocks[k] = sign * m;
    } else if (it->second.rows() == m.rows()) {
      it->second += sign * m;
    } else {
      throw std::runtime_error("linear forms over different row counts");
    }
  }
  for (const auto& t : b.lazy) {
    LazyTerm s = t;
    if (sign != 1.0) s.coef = mapTensor(s.coef, [sign](double x) { return sign * x; });
    out.lazy.push_back(std::move(s));
  }
  return out;
}

Lin linAdd(Lin a, Lin&& b, double sign) {
  Lin out = std::move(a);
  out.sym = out.sym || b.sym;
  out.c0 = zip(out.c0, b.c0, [sign](double x, double y) { return x + sign * y; });
  for (auto& [k, m] : b.blocks) {
    auto it = out.blocks.find(k);
    if (it == out.blocks.end()) {
      if (sign != 1.0) m *= sign;
      out.blocks.emplace(k, std::move(m));
    } else if (it->second.rows() == m.rows()) {
      it->second += sign * m;
    } else {
      throw std::runtime_error("linear forms over different row counts");
    }
  }
  for (auto& t : b.lazy) {
    if (sign != 1.0) t.coef = mapTensor(t.coef, [sign](double x) { return sign * x; });
    out.lazy.push_back(std::move(t));
  }
  return out;
}

Lin linScale(const Lin& a, const Tensor& s) {
  Lin out;
  out.sym = a.sym;
  out.c0 = zip(a.c0, s, [](double x, double y) { return x * y; });
  if (!a.blocks.empty()) {
    if (s.c != 1 || s.d != 1) throw std::runtime_error("scaling a materialized linear form along a list frame");
    for (const auto& [k, m] : a.blocks) {
      if (s.r == 1) {
        out.blocks[k] = s.v[0] * m;
      } else {
        Eigen::MatrixXd scaled = m;
        for (int64_t i = 0; i < m.rows(); ++i) scaled.row(i) *= s.v[static_cast<size_t>(i)];
        out.blocks[k] = std::move(scaled);
      }
    }
  }
  for (const auto& t : a.lazy) out.lazy.push_back({zip(t.coef, s, [](double x, double y) { return x * y; }), t.atom});
  return out;
}

Lin linSelect(const Tensor& cond, const Lin& a, const Lin& b) {
  const Tensor zero = Tensor::scalar(0);
  const Tensor notCond = mapTensor(cond, [](double x) { return x != 0 ? 0.0 : 1.0; });
  auto keep = [&](const Lin& x, const Tensor& where) {
    Lin out;
    out.sym = x.sym;
    out.c0 = selectTensor(where, x.c0, zero);
    for (const auto& [k, m] : x.blocks) {
      if (where.c != 1 || where.d != 1) throw std::runtime_error("per-term select on a materialized linear form");
      Eigen::MatrixXd sel = m;
      for (int64_t i = 0; i < m.rows(); ++i)
        if (where.at(i, 0, 0) == 0) sel.row(i).setZero();
      out.blocks[k] = std::move(sel);
    }
    for (const auto& t : x.lazy) out.lazy.push_back({selectTensor(where, t.coef, zero), t.atom});
    return out;
  };
  return linAdd(keep(a, cond), keep(b, notCond));  // the rvalue overload: b's terms are moved
}

namespace {

/// Products below this many multiply-adds run on the calling thread only: on small products the
/// OpenMP team's fork/join and barrier spinning cost more than the split saves (measured on the
/// 256-wide DeepPoly back-substitution: 2 threads 0.8-0.9 s, 1 thread 0.40 s with a busy core).
constexpr double kParallelProductWork = 64.0 * 1024 * 1024;

/// Limits Eigen's products on this thread to one thread while alive (omp_set_num_threads is per
/// thread, and Eigen reads omp_get_max_threads unless Eigen::setNbThreads was called).
class SerialProducts {
 public:
  explicit SerialProducts(bool on) {
#ifdef _OPENMP
    if (on) {
      saved_ = omp_get_max_threads();
      if (saved_ > 1) omp_set_num_threads(1);
      else saved_ = 0;
    }
#else
    (void)on;
#endif
  }
  ~SerialProducts() {
#ifdef _OPENMP
    if (saved_ > 0) omp_set_num_threads(saved_);
#endif
  }
  SerialProducts(const SerialProducts&) = delete;
  SerialProducts& operator=(const SerialProducts&) = delete;

 private:
  int saved_ = 0;
};

/// coef @ blk, serial when small.
Eigen::MatrixXd product(const Eigen::MatrixXd& coef, const Eigen::MatrixXd& blk) {
  const double work = static_cast<double>(coef.rows()) * static_cast<double>(coef.cols()) * static_cast<double>(blk.cols());
  SerialProducts serial(work < kParallelProductWork);
  return coef * blk;
}

/// Square with only zeros off the diagonal (exits at the first off-diagonal non-zero).
bool isDiagonal(const Eigen::MatrixXd& m) {
  if (m.rows() != m.cols() || m.rows() < 2) return false;
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      if (i != j && m(i, j) != 0) return false;
  return true;
}

/// The same linear form (same constant and blocks, no lazy terms), compared by value.
bool sameForm(const Lin& a, const Lin& b) {
  if (&a == &b) return true;
  if (a.sym != b.sym || !a.lazy.empty() || !b.lazy.empty() || a.blocks.size() != b.blocks.size()) return false;
  if (a.c0.r != b.c0.r || a.c0.c != b.c0.c || a.c0.d != b.c0.d || a.c0.v != b.c0.v) return false;
  for (auto ia = a.blocks.begin(), ib = b.blocks.begin(); ia != a.blocks.end(); ++ia, ++ib)
    if (ia->first != ib->first || ia->second.rows() != ib->second.rows() || ia->second.cols() != ib->second.cols() ||
        ia->second != ib->second)
      return false;
  return true;
}

}  // namespace

Lin linExpandRows(const Lin& a, int64_t n) {
  Lin out = a;
  out.c0 = a.c0.expand(n, 1, 1);
  return out;
}

Lin linSumList(const Lin& a, int64_t n, int64_t listExtent, const MemberLookup& members) {
  if (!a.blocks.empty()) throw std::runtime_error("sum over a list of a materialized linear form");
  Lin out;
  out.sym = a.sym;
  const Eigen::MatrixXd c0 = a.c0.toMatrix(n, listExtent);
  out.c0 = Tensor::column(c0.rowwise().sum());
  auto addBlock = [&](int key, Eigen::MatrixXd m) {
    auto it = out.blocks.find(key);
    if (it == out.blocks.end()) out.blocks.emplace(key, std::move(m));
    else it->second += m;
  };
  // Terms over the same member form (DeepPoly's max(C,0) @ L + min(C,0) @ U where an Affine
  // layer's L and U are one expression) are multiplied once with their summed coefficients.
  std::vector<bool> merged(a.lazy.size(), false);
  for (size_t ti = 0; ti < a.lazy.size(); ++ti) {
    if (merged[ti]) continue;
    const LazyTerm& t = a.lazy[ti];
    const Atom& at = t.atom;
    if (at.source == Atom::Source::ColAll) {
      Eigen::MatrixXd coef = t.coef.toMatrix(n, listExtent);
      if (at.member.empty()) {
        addBlock(at.layer, coef);
        continue;
      }
      const Lin& m = members(at.layer, at.member);
      for (size_t tj = ti + 1; tj < a.lazy.size(); ++tj) {
        const Atom& o = a.lazy[tj].atom;
        if (merged[tj] || o.source != Atom::Source::ColAll || o.layer != at.layer || o.member.empty()) continue;
        if (o.member != at.member && !sameForm(m, members(o.layer, o.member))) continue;
        coef += a.lazy[tj].coef.toMatrix(n, listExtent);
        merged[tj] = true;
      }
      out.sym = m.sym;
      const Eigen::VectorXd mc0 = m.c0.toMatrix(listExtent, 1).col(0);
      out.c0 = zip(out.c0, Tensor::column(coef * mc0), [](double x, double y) { return x + y; });
      const bool finite = coef.allFinite();
      for (const auto& [k, blk] : m.blocks) {
        // A diagonal block (ReLU relaxations, identities) is a column scaling, not a GEMM; with
        // finite coefficients the products are the same (the GEMM adds exact zeros).
        if (finite && isDiagonal(blk)) addBlock(k, coef * blk.diagonal().asDiagonal());
        else addBlock(k, product(coef, blk));
      }
      continue;
    }
    // Gather: row i sums coef(i, j) * source neuron windows[i][j].
    const Eigen::MatrixXd coef = t.coef.toMatrix(n, listExtent);
    const auto& win = *at.windows;
    if (at.member.empty()) {
      int64_t width = 0;
      for (const auto& w : win)
        for (int64_t idx : w) width = std::max(width, idx + 1);
      Eigen::MatrixXd blk = Eigen::MatrixXd::Zero(n, width);
      for (int64_t i = 0; i < n; ++i)
        for (size_t j = 0; j < win[static_cast<size_t>(i)].size(); ++j)
          blk(i, win[static_cast<size_t>(i)][j]) += coef(i, static_cast<int64_t>(j));
      addBlock(at.layer, std::move(blk));
      continue;
    }
    const Lin& m = members(at.layer, at.member);
    out.sym = m.sym;
    Eigen::VectorXd add = Eigen::VectorXd::Zero(n);
    std::map<int, Eigen::MatrixXd> blocks;
    for (const auto& [k, blk] : m.blocks) blocks[k] = Eigen::MatrixXd::Zero(n, blk.cols());
    for (int64_t i = 0; i < n; ++i)
      for (size_t j = 0; j < win[static_cast<size_t>(i)].size(); ++j) {
        const int64_t src = win[static_cast<size_t>(i)][j];
        const double c = coef(i, static_cast<int64_t>(j));
        if (c == 0) continue;
        add[i] += c * m.c0.at(src, 0, 0);
        for (const auto& [k, blk] : m.blocks) blocks[k].row(i) += c * blk.row(src);
      }
    out.c0 = zip(out.c0, Tensor::column(add), [](double x, double y) { return x + y; });
    for (auto& [k, blk] : blocks) addBlock(k, std::move(blk));
  }
  return out;
}

}  // namespace cert::runtime
