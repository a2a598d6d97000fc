// The memory plan of a run, made before it allocates: estimated peak bytes per item from the
// network's layer sizes, the compiled certifier's member types and the block kinds the runtime
// keeps (Kernel and Diagonal blocks, receptive fields of convolutions), so that a run too big for
// the machine is refused with the layer named instead of ending in std::bad_alloc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "runtime/compiled_certifier.h"

namespace cert::runtime {

/// What one layer costs at most while it is computed (working) and after (stored, kept until
/// the item is done).
struct LayerMemory {
  int layer = 0;
  int64_t storedBytes = 0;   ///< the layer's members as stored
  int64_t workingBytes = 0;  ///< coefficient matrices of its back-substitution / noise terms
  int64_t rows = 0, cols = 0;  ///< the largest coefficient matrix of the layer (rows x non-zeros per row)
  /// RunOptions::keepMembers: the layer's members kept dense until the item is done (Float: n
  /// values; PolyExp: constant + [n x size] over each input layer; SymExp: constant + [n x width]
  /// over the input box's symbols and each earlier noise block), every block counted twice: the
  /// sampling check keeps its |coefficients| beside it (runtime/member_check.cpp).
  int64_t keptBytes = 0;
};

struct MemoryPlan {
  std::vector<LayerMemory> layers;  ///< the network's layers plus one for the margins rows
  int64_t peakBytesPerItem = 0;     ///< sum of stored + the largest working set
  int worstLayer = -1;              ///< the layer whose working set is the largest
  int64_t keptBytes = 0;            ///< keepMembers: sum of LayerMemory::keptBytes (in the peak)
  int worstKeptLayer = -1;          ///< keepMembers: the layer whose kept members are the largest
};

/// The estimate for one item of `net` (plus `outputRows` margin rows when > 0). Linear forms are
/// counted with the non-zeros a row can have: a neuron behind convolutions and pooling reads only
/// its receptive field of an earlier layer; behind an Affine layer, all of it.
/// keepMembers: also every layer's members kept dense (soundness sampling, RunOptions::keepMembers).
MemoryPlan planMemory(const CompiledCertifier& cc, const Network& net, int64_t outputRows, bool keepMembers = false);

/// The bytes of layer `k`'s members kept dense (LayerMemory::keptBytes); k == net.layers.size()
/// is the margins layer of `outputRows` rows over the last layer.
int64_t keptMemberBytes(const CompiledCertifier& cc, const Network& net, size_t k, int64_t outputRows);

/// The default budget: three quarters of the machine's physical memory.
int64_t defaultMemoryLimit();

/// How many items may run at once within `limitBytes` (at most `threads`); an error naming the
/// worst layer when not even one fits.
Result<int> itemsWithinBudget(const MemoryPlan& plan, const Network& net, int threads, int64_t limitBytes);

/// "1.5 GB", "312 MB", "4.0 kB".
std::string formatBytes(int64_t bytes);
/// Parses "8G", "512M", "1.5GB", "2000000000" (bytes); nullopt when malformed or not positive.
std::optional<int64_t> parseBytes(const std::string& text);

}  // namespace cert::runtime
