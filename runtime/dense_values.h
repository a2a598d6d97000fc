// The dense executor's values: numeric tensors over [curr, list, other] with broadcasting, and
// linear forms (PolyExp/SymExp) as a constant plus coefficient blocks per layer / noise block.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "runtime/coef_block.h"

namespace cert::runtime {

class Backend;  // runtime/backend/backend.h: the block operations the linear-form algebra calls

/// std::allocator whose value-less construct leaves doubles uninitialized: a tensor about to be
/// overwritten is not zero-filled first (resize(n) costs no memset).
template <class T>
struct UninitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitAllocator<U>;
  };
  UninitAllocator() = default;
  template <class U>
  UninitAllocator(const UninitAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using Values = std::vector<double, UninitAllocator<double>>;

/// A float64 tensor of extents r x c x d (curr, list frame, argmax's other frame); an extent of 1
/// broadcasts. Bool values are 0/1. Stored column-major (element (i, j, k) at (k * c + j) * r + i),
/// so that a backend's conversions to and from its matrices are plain copies (the CPU's:
/// backend/cpu/tensor_matrix.h).
struct Tensor {
  int64_t r = 1, c = 1, d = 1;
  Values v{0.0};

  static Tensor scalar(double x) { return Tensor{1, 1, 1, {x}}; }
  static Tensor full(int64_t r, int64_t c, int64_t d, double x) {
    return Tensor{r, c, d, Values(static_cast<size_t>(r * c * d), x)};
  }
  /// Extents r x c x d with unspecified values (to be overwritten).
  static Tensor uninitialized(int64_t r, int64_t c, int64_t d) {
    Tensor t{r, c, d, {}};
    t.v.resize(static_cast<size_t>(r * c * d));
    return t;
  }

  double at(int64_t i, int64_t j, int64_t k) const {
    return v[static_cast<size_t>(((d == 1 ? 0 : k) * c + (c == 1 ? 0 : j)) * r + (r == 1 ? 0 : i))];
  }
  double& ref(int64_t i, int64_t j, int64_t k) { return v[static_cast<size_t>((k * c + j) * r + i)]; }
  /// This tensor repeated to r x c x d (extents must be 1 or equal).
  Tensor expand(int64_t r, int64_t c, int64_t d) const;
};

/// The extent of a broadcast of a and b along one dim; throws std::runtime_error on a mismatch.
int64_t joinExtent(int64_t a, int64_t b);

/// Where a lazy term's neuron comes from (before a sum over the list frame materializes it).
struct Atom {
  enum class Source {
    ColAll,     ///< column j = neuron j of `layer` (Affine's prev list, a map/traverse term block)
    Gather,     ///< (row i, column j) = neuron windows[i][j] of `layer` (pooling)
  } source = Source::ColAll;
  int layer = 0;
  std::string member;  ///< the Poly/Sym member read, or "" for the neuron itself
  const std::vector<std::vector<int64_t>>* windows = nullptr;
  int64_t width = 0;  ///< Gather: the source layer's neuron count (0: the widest window's reach)
};

/// coef * atom over the list frame. `block`, when set, is the layer's weight the term stands for
/// (ItemRun::layerProduct; coef then holds ones): a conv layer's Kernel or an Affine layer's shared
/// weight block (the network's matrix referenced, or Csr when sparse). Summing the term gives that
/// block (atom: the input neurons) or that block times the member's blocks (atom: a linear member
/// of the inputs) instead of a Dense copy of the weight. Made only where the sum is the term's one
/// use (no arithmetic on coef in between).
struct LazyTerm {
  Tensor coef;
  Atom atom;
  std::shared_ptr<const CoefBlock> block = nullptr;
};

/// A linear form per element: c0 + sum over blocks (layer or noise block) + lazy terms.
struct Lin {
  bool sym = false;
  Tensor c0 = Tensor::scalar(0);
  std::map<int, CoefBlock> blocks;  ///< key -> [rows x block width]; rows = curr neurons
  std::vector<LazyTerm> lazy;
};

using Value = std::variant<Tensor, Lin>;

/// Adds blocks into `out`: a new key is stored, an existing one summed in place (addInto). The
/// sink linSumList, gathers and sign-split products write their blocks through.
std::function<void(int, CoefBlock)> blockAdder(const Backend& backend, Lin& out);

/// a + sign * b (a by value: pass an rvalue to add in place).
Lin linAdd(const Backend& backend, Lin a, const Lin& b, double sign = 1.0);
/// The same with b's blocks and lazy terms moved rather than copied.
Lin linAdd(const Backend& backend, Lin a, Lin&& b, double sign = 1.0);
/// a * s; s must not vary along the list frame when a has materialized blocks.
Lin linScale(const Backend& backend, const Lin& a, const Tensor& s);
/// cond ? a : b per element (by coefficient selection, no arithmetic on the unselected side).
Lin linSelect(const Backend& backend, const Tensor& cond, const Lin& a, const Lin& b);

/// Resolves a member of a layer as a materialized linear form (rows = the layer's neurons).
using MemberLookup = std::function<const Lin&(int layer, const std::string& member)>;

/// Sums `a` over the list frame (axis 1) into rows = n: constants are summed, lazy terms become
/// blocks via matrix products (C @ member blocks) or identity blocks for neuron atoms. With
/// `denseOnly` (the dense executor) Kernel terms become Dense blocks.
/// `kernelRows`, when given, returns a Kernel's Toeplitz rows as CSR built once (nullptr: build them here).
Lin linSumList(const Backend& backend, const Lin& a, int64_t n, int64_t listExtent, const MemberLookup& members,
               bool denseOnly = false, const KernelRowsLookup& kernelRows = nullptr);

/// The rows-n materialized form of a Lin without lazy terms (c0 expanded to [n x 1]).
Lin linExpandRows(const Lin& a, int64_t n);

}  // namespace cert::runtime
