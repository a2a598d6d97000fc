// What every item of a run shares, built once per run (or once for every run over one network,
// certify's `prepared`) and read by every item's interpreter:
// a layer's weight as a structured block (a conv layer's Kernel, never its Toeplitz matrix; an
// Affine layer's matrix, referenced), the zero-keeping element-wise images of those blocks (IBP's
// max(W, 0) and min(W, 0)), and a Kernel's Toeplitz rows as CSR for sparse gathers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "core/network/finite_check.h"
#include "core/network/network.h"
#include "runtime/coef_block.h"

namespace cert::runtime {

class Backend;

/// True when x -> op(x, s) maps 0 to 0 and finite values to finite values ("max"/"min" against
/// s == 0, "mul" by a finite s, "abs"): such a map keeps a block's structure (its zeros stay zeros).
bool zeroKeeping(const std::string& op, double s);
/// op(b, s) element-wise (zeroKeeping(op, s) must hold): a Kernel stays a Kernel over op(weights)
/// (every Toeplitz entry is one tap or 0), a Diagonal stays Diagonal, anything else becomes Dense.
CoefBlock mapStored(const Backend& backend, const CoefBlock& b, const std::string& op, double s);

/// An Affine weight at most this fraction non-zero is kept as a Csr block (below it a dense x
/// sparse product beats the GEMM over the zeros).
constexpr double kSparseWeightDensity = 0.05;

/// Thread-safe cache shared by the items of one run over one network.
class SharedWeights {
 public:
  /// Caches the layers of `net` (by index); the weights of other layers (the per-item margins
  /// layer) are built per use. `net` must outlive the cache.
  explicit SharedWeights(const Network& net) : net_(net) {}
  SharedWeights(const SharedWeights&) = delete;
  SharedWeights& operator=(const SharedWeights&) = delete;

  /// The network whose layers it caches.
  const Network& network() const { return net_; }
  /// True when `layer` is the cached network's layer of that index (not a per-item layer).
  bool caches(const Layer& layer) const;
  /// A conv layer's kernel (weights and geometry), built once.
  std::shared_ptr<const gbcsr::KernelBlock> kernel(const Layer& layer);
  /// The layer's weight as a block: Kernel (Conv), the network's matrix referenced (Affine), or
  /// its Csr form when at most kSparseWeightDensity of it is non-zero.
  std::shared_ptr<const CoefBlock> weight(const Layer& layer, const Backend& backend);
  /// The block named `key` (a cached layer's weight and the maps applied to it), made by `make`
  /// on first use. An empty key is never cached.
  std::shared_ptr<const CoefBlock> derived(const std::string& key, const std::function<CoefBlock()>& make);
  /// The Toeplitz rows of a kernel this cache made (kernel() or derived()) as a Csr block, built by
  /// the backend once per kernel; nullptr for any other kernel (whose storage may not outlive one item).
  const CoefBlock* kernelRows(const gbcsr::KernelBlock& k, const Backend& backend);
  /// The network's non-finite parameters (badParameters), scanned once for every run over it.
  const std::vector<BadParameter>& badParameters();

 private:
  const Network& net_;
  std::mutex mu_;
  std::map<int, std::shared_ptr<const gbcsr::KernelBlock>> kernels_;
  std::map<std::string, std::shared_ptr<const CoefBlock>> blocks_;
  std::set<const gbcsr::KernelBlock*> owned_;
  std::map<const gbcsr::KernelBlock*, std::unique_ptr<CoefBlock>> rows_;
  std::optional<std::vector<BadParameter>> badParameters_;
};

}  // namespace cert::runtime
