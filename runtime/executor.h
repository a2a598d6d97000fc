// The dense executor: runs a compiled certifier over a network for every item of a property.
#pragma once

#include <Eigen/Dense>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"
#include "runtime/compiled_certifier.h"
#include "runtime/gbcsr/block_info.h"
#include "runtime/layer_members.h"
#include "runtime/shared_vector.h"
#include "runtime/verdict.h"

namespace cert {

namespace runtime {
class SharedWeights;
}

/// The Float members named l and u of one layer. An item of a batch frame views its column of the
/// batch's tensors (shared by the batch's items, no copy per item).
struct LayerBoundsResult {
  SharedVector lower;
  SharedVector upper;
  double runMs = 0;  ///< time spent computing this layer's members (wall, this item's thread)
  /// False when the run left this layer's l/u out as unread (RunOptions::allLayerBounds): lower
  /// and upper are then empty, except for the margins, which keep the side their verdict reads.
  bool computed = true;
};

/// One property item's result: every layer's bounds and the bounds of the property's output rows
/// ("margins"): y_label - y_j (j != label) for a labelled item; for a VNN-LIB item, one row per
/// atom `coeffs . y + constant` of its unsafe DNF, in order (verified: every conjunction has an
/// atom whose upper bound is < 0).
/// How one shape member of one layer is stored at the end of a run, as g-BCSR blocks over
/// [batch = 1, rows = the layer's neurons, cols]: a linear form has one block per non-zero column
/// block (a layer's neurons, or a noise block for SymExp), Diagonal when the block is square with
/// zeros off the diagonal, else Dense; offsets are global (neuron numbering of the network, noise
/// symbols numbered block after block). A Float member is one Dense [1 x n] block over the
/// layer's neurons. The constant of a linear form is not listed.
struct MemberLayout {
  std::string member;
  std::vector<gbcsr::BlockInfo> blocks;
};

struct LayerLayout {
  std::vector<MemberLayout> members;  ///< in the shape's member order
};

/// Teaching mode: one neuron's symbolic bounds and the steps of its back-substitution.
/// A term of a linear form: coeff * (neuron `index` of layer `block`), or for a SymExp
/// (sym == true) coeff * (noise symbol `index` of noise block `block`; block 0 = the input box).
struct SymbolicTerm {
  int block = 0;
  int64_t index = 0;
  double coeff = 0;
};

/// c0 + sum of terms (terms with a zero coefficient are left out; ordered by block, index).
struct SymbolicForm {
  bool sym = false;
  double constant = 0;
  std::vector<SymbolicTerm> terms;
};

/// One traverse (back-substitution) of the traced neuron: the form before the first step and
/// after every step, with the layers whose terms each step replaced.
struct TraversalTrace {
  int line = 0, column = 0;  ///< where the traverse is in the spec (1-based; 0 when unknown)
  std::vector<SymbolicForm> forms;     ///< forms[0]: the start; forms[k]: after step k
  std::vector<std::vector<int>> replaced;  ///< replaced[k-1]: blocks replaced by step k
};

struct NeuronTrace {
  int layer = -1;
  int64_t neuron = -1;                        ///< 0-based within the layer
  std::vector<std::pair<std::string, SymbolicForm>> members;  ///< the neuron's Poly/Sym members
  std::vector<std::pair<std::string, double>> values;        ///< its Float members (l, u, ...)
  std::vector<TraversalTrace> traversals;     ///< in program order
};

/// Time one top-level instruction of a layer's program took (RunOptions::profile): map and
/// traverse include their regions. `what` is the opcode and operator ("traverse", "binary add").
struct InstrTime {
  int layer = 0;  ///< execution order; the margins layer is the last
  int line = 0, column = 0;  ///< the spec position the instruction comes from
  std::string what;
  double ms = 0;
};

struct ItemResult {
  int index = 0;
  std::optional<int> label;
  std::vector<LayerBoundsResult> layers;  ///< the network's layers, in execution order
  /// Without RunOptions::allLayerBounds, only the side the verdict reads (lower for a label's
  /// margins, upper for a VNN-LIB item's atoms); the other is empty.
  Eigen::VectorXd marginLower, marginUpper;
  bool verified = false;  ///< verdict == Verdict::Verified
  Verdict verdict = Verdict::NotVerified;  ///< see decideVerdict (runtime/verdict.h)
  std::string reason;                      ///< why not Verified ("" when verified)
  double timeMs = 0;
  /// Bytes of the abstract state of every layer at the end of the run (the peak: states are kept
  /// until the item is done), and what the same members take dense over all neurons / noise
  /// symbols ([n_k x (N + 1)] per linear form, n_k per Float member).
  int64_t stateBytes = 0;
  int64_t denseStateBytes = 0;
  /// Bytes of the network's own weight matrices the state references instead of copying (an
  /// Affine layer's L = W * prev + b); not in stateBytes. The dense executor copies them.
  int64_t referencedWeightBytes = 0;
  /// Per network layer (execution order, no margins layer): filled when RunOptions::keepLayouts.
  std::vector<LayerLayout> layouts;
  /// Filled when RunOptions::trace names a layer of the network.
  std::optional<NeuronTrace> trace;
  /// Filled when RunOptions::keepMembers: every layer's members at the end of the run, the
  /// margins layer last when one was appended (see withMargins).
  std::vector<LayerMembers> members;
  /// Filled when RunOptions::profile: per layer, the time of each top-level instruction.
  std::vector<InstrTime> profile;
};

/// One line per block: "layer 2 'relu_1' L: Diagonal [0,1) x [834,884) x [784,834) 400 B density 1".
std::string layoutsText(const std::vector<LayerLayout>& layouts, const Network& net);

struct RunResult {
  std::vector<ItemResult> items;
};

/// Every item's verdict becomes Invalid with the reason "verdict withheld: <why>": what a caller
/// does when a rule the run relied on is refuted (compiler/prove/run_proofs.h). Bounds stay.
void withholdVerdicts(RunResult& run, const std::string& why);

/// RunOptions::intermediate.
enum class IntermediateBounds {
  All,           ///< every neuron: the spec's bounds as written (the default)
  ReluUnstable,  ///< as auto_LiRPA's sparse intermediate bounds: a layer that Relu layers read
                 ///< (and otherwise only linear ones: Affine, Conv, AvgPool, Add) back-substitutes
                 ///< only the neurons whose one-step interval has l < 0 < u; one only linear
                 ///< layers read, and the network's last layer when margins decide the verdict,
                 ///< none; the margins and layers read by any other operator: all
};

/// "all" / "relu-unstable", and back (nullopt for another name).
const char* intermediateBoundsName(IntermediateBounds b);
std::optional<IntermediateBounds> intermediateBoundsNamed(std::string_view name);

struct RunOptions {
  bool margins = true;  ///< append the e_y - e_j layer for labelled items
  /// Called on the calling thread after each layer: item (0-based), layer done, layer count.
  std::function<void(int item, int layer, int layers)> onLayer;
  /// Polled between layers; when it reads true the run stops with the error "cancelled".
  const std::atomic<bool>* cancel = nullptr;
  /// Fill ItemResult::layouts (how each member's final state is stored).
  bool keepLayouts = false;
  /// Teaching mode: record ItemResult::trace for neuron `second` (0-based) of layer `first`.
  std::optional<std::pair<int, int64_t>> trace;
  /// Batches: items run in parallel on this many threads (0 = one per core; 1 = in sequence).
  /// Items always run in sequence when onLayer is set. Results are in item order either way.
  int threads = 0;
  /// The backend that computes (runtime/backend/backend.h): "cpu", or "cuda" (refused with the
  /// reason while this build or machine has none).
  std::string backend = "cpu";
  /// Keep every linear-form block dense (the dense executor, for comparison): no Diagonal or
  /// Kernel blocks, no storage shared between members.
  bool dense = false;
  /// Bytes the run may use (runtime/memory_plan.h): a run whose estimated peak for one item is
  /// above it is refused before it allocates, with the layer named; items run in parallel only as
  /// far as it allows. 0: three quarters of physical memory.
  int64_t memoryLimit = 0;
  /// Fill ItemResult::members (every member of every layer, dense; for soundness sampling).
  bool keepMembers = false;
  /// Fill ItemResult::profile (where the run spends its time, per layer and spec position).
  bool profile = false;
  /// Items that go through the layers together in one batch frame (runtime/batch_run.h) when the
  /// spec allows it: 0 = chunks that keep the widest layer's tensors within about 1 MB (16 to 256
  /// items), within the memory plan and split across the threads; 1 = item by item (every spec).
  /// Results are the same either way, up to the products' rounding.
  int batchSize = 0;
  /// Which neurons of a layer get the spec's own bounds (its back-substitution) and which the
  /// bound of their layer's expression over its inputs' l/u (the same traverse stopped before its
  /// first step, which the traverse's invariant makes as sound as the full one). The dense
  /// executor (`dense`) and batch frames run every neuron (All).
  IntermediateBounds intermediate = IntermediateBounds::All;
  /// Every layer's l/u in ItemResult::layers (the default). False, for a caller that reads only
  /// margins and verdicts (certc run without --json): a layer's Float members that no later rule
  /// and no verdict reads are left out, with the instructions only they need (resnet_2b under
  /// CROWN: its three conv layers that only Adds read, a third of the run), and its
  /// LayerBoundsResult says so (computed false). Margins, verdicts and every computed bound are
  /// those of the full run (runtime/interpreter/unread_members.h). Only with the g-BCSR executor,
  /// without trace, layouts or kept members; ignored otherwise. With intermediate ReluUnstable
  /// only the margins' side the verdict does not read is left out.
  bool allLayerBounds = true;
};

/// Certifies every item. Errors: a layer whose operator has no rule ("layer 3 'relu_1' (Relu):
/// the spec has no rule for Relu"), a spec without l/u members, a box that does not fit.
Result<RunResult> certify(const CompiledCertifier& cc, const Network& net, const Property& property,
                          const RunOptions& options = {});
/// The same with the weights prepared for `net` by earlier runs (conv kernels, their Toeplitz
/// rows as CSR, zero-keeping maps of weights): a caller that certifies the same network again
/// (certc run --repeat) keeps `prepared` with it and pays that preparation once. `prepared` must
/// have been made for this `net` (refused otherwise).
Result<RunResult> certify(const CompiledCertifier& cc, const Network& net, const Property& property,
                          const RunOptions& options, runtime::SharedWeights& prepared);

/// `net` with the margins layer certify appends for `item` (named "margins"), or nothing when
/// the item has no label or output constraint that fits the network.
std::optional<Network> withMargins(const Network& net, const PropertyItem& item);

/// Every layer's l/u for one input box (no margins).
Result<std::vector<LayerBoundsResult>> certifyBox(const CompiledCertifier& cc, const Network& net,
                                                  const InputBox& box);

}  // namespace cert
