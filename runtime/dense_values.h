// The dense executor's values: numeric tensors over [curr, list, other] with broadcasting, and
// linear forms (PolyExp/SymExp) as a constant plus coefficient blocks per layer / noise block.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace cert::runtime {

/// A float64 tensor of extents r x c x d (curr, list frame, argmax's other frame); an extent of 1
/// broadcasts. Bool values are 0/1.
struct Tensor {
  int64_t r = 1, c = 1, d = 1;
  std::vector<double> v{0.0};

  static Tensor scalar(double x) { return Tensor{1, 1, 1, {x}}; }
  static Tensor full(int64_t r, int64_t c, int64_t d, double x) {
    return Tensor{r, c, d, std::vector<double>(static_cast<size_t>(r * c * d), x)};
  }
  static Tensor column(const Eigen::VectorXd& x);     ///< [n x 1]
  static Tensor row(const Eigen::VectorXd& x);        ///< [1 x n]
  static Tensor matrix(const Eigen::MatrixXd& m);     ///< [r x c]

  double at(int64_t i, int64_t j, int64_t k) const {
    return v[static_cast<size_t>(((r == 1 ? 0 : i) * c + (c == 1 ? 0 : j)) * d + (d == 1 ? 0 : k))];
  }
  double& ref(int64_t i, int64_t j, int64_t k) { return v[static_cast<size_t>((i * c + j) * d + k)]; }
  /// This tensor repeated to r x c x d (extents must be 1 or equal).
  Tensor expand(int64_t r, int64_t c, int64_t d) const;
  /// The r x c matrix (d must be 1), broadcast extents expanded to rows x cols.
  Eigen::MatrixXd toMatrix(int64_t rows, int64_t cols) const;
};

/// The extent of a broadcast of a and b along one dim; throws std::runtime_error on a mismatch.
int64_t joinExtent(int64_t a, int64_t b);

/// Element-wise f over the broadcast of a and b; throws std::runtime_error on mismatched extents.
/// A template so that f inlines: the executor's element-wise work runs without per-element calls.
template <class F>
Tensor zip(const Tensor& a, const Tensor& b, F&& f) {
  const int64_t r = joinExtent(a.r, b.r), c = joinExtent(a.c, b.c), d = joinExtent(a.d, b.d);
  Tensor t;
  t.r = r, t.c = c, t.d = d;
  t.v.resize(static_cast<size_t>(r * c * d));
  const size_t n = t.v.size();
  const bool aFull = a.v.size() == n, bFull = b.v.size() == n;
  if (aFull && bFull) {
    for (size_t k = 0; k < n; ++k) t.v[k] = f(a.v[k], b.v[k]);
  } else if (aFull && b.v.size() == 1) {
    const double y = b.v[0];
    for (size_t k = 0; k < n; ++k) t.v[k] = f(a.v[k], y);
  } else if (bFull && a.v.size() == 1) {
    const double x = a.v[0];
    for (size_t k = 0; k < n; ++k) t.v[k] = f(x, b.v[k]);
  } else if (d == 1 && a.d == 1 && b.d == 1 && (aFull || bFull) && (a.r == 1 || b.r == 1) && a.c == c && b.c == c) {
    // A row [1 x c] against a full [r x c] (a lazy term's coefficients times a per-element
    // scale): no per-element index arithmetic.
    for (int64_t i = 0; i < r; ++i) {
      const double* pa = a.v.data() + (a.r == 1 ? 0 : i * c);
      const double* pb = b.v.data() + (b.r == 1 ? 0 : i * c);
      double* pt = t.v.data() + i * c;
      for (int64_t j = 0; j < c; ++j) pt[j] = f(pa[j], pb[j]);
    }
  } else {
    for (int64_t i = 0; i < r; ++i)
      for (int64_t j = 0; j < c; ++j)
        for (int64_t k = 0; k < d; ++k) t.ref(i, j, k) = f(a.at(i, j, k), b.at(i, j, k));
  }
  return t;
}

template <class F>
Tensor mapTensor(const Tensor& a, F&& f) {
  Tensor t = a;
  for (double& x : t.v) x = f(x);
  return t;
}
/// cond ? a : b per element (no arithmetic on the unselected side: inf/NaN do not leak).
Tensor selectTensor(const Tensor& cond, const Tensor& a, const Tensor& b);

/// Where a lazy term's neuron comes from (before a sum over the list frame materializes it).
struct Atom {
  enum class Source {
    ColAll,     ///< column j = neuron j of `layer` (Affine's prev list, a map/traverse term block)
    Gather,     ///< (row i, column j) = neuron windows[i][j] of `layer` (pooling)
  } source = Source::ColAll;
  int layer = 0;
  std::string member;  ///< the Poly/Sym member read, or "" for the neuron itself
  const std::vector<std::vector<int64_t>>* windows = nullptr;
};

/// coef * atom over the list frame.
struct LazyTerm {
  Tensor coef;
  Atom atom;
};

/// A linear form per element: c0 + sum over blocks (layer or noise block) + lazy terms.
struct Lin {
  bool sym = false;
  Tensor c0 = Tensor::scalar(0);
  std::map<int, Eigen::MatrixXd> blocks;  ///< key -> [rows x block width]; rows = curr neurons
  std::vector<LazyTerm> lazy;
};

using Value = std::variant<Tensor, Lin>;

/// a + sign * b (a by value: pass an rvalue to add in place).
Lin linAdd(Lin a, const Lin& b, double sign = 1.0);
/// The same with b's blocks and lazy terms moved rather than copied.
Lin linAdd(Lin a, Lin&& b, double sign = 1.0);
/// a * s; s must not vary along the list frame when a has materialized blocks.
Lin linScale(const Lin& a, const Tensor& s);
/// cond ? a : b per element (by coefficient selection, no arithmetic on the unselected side).
Lin linSelect(const Tensor& cond, const Lin& a, const Lin& b);

/// Resolves a member of a layer as a materialized linear form (rows = the layer's neurons).
using MemberLookup = std::function<const Lin&(int layer, const std::string& member)>;

/// Sums `a` over the list frame (axis 1) into rows = n: constants are summed, lazy terms become
/// blocks via matrix products (C @ member blocks) or identity blocks for neuron atoms.
Lin linSumList(const Lin& a, int64_t n, int64_t listExtent, const MemberLookup& members);

/// The rows-n materialized form of a Lin without lazy terms (c0 expanded to [n x 1]).
Lin linExpandRows(const Lin& a, int64_t n);

}  // namespace cert::runtime
