// The interpreter of one batch item (ItemRun): binds each layer's metadata and the earlier layers'
// state, and evaluates the IR program of the layer's operator. Its methods are defined by seam:
// item_run.cpp (layers, regions, dispatch), operands.cpp (members, neurons, metadata),
// structured_values.cpp (weights kept as blocks), arithmetic.cpp (binary, reduce, matmul),
// term_frames.cpp (the term context and sparse term frames), traverse.cpp (map, traverse),
// row_refinement.cpp (traverses over some rows only), constraints.cpp (Ct members, lp),
// item_report.cpp (memory and storage layouts); layer_state.h holds a layer's members,
// unread_members.cpp says which ones a run may leave out, backward_flow.cpp runs the rev_ rules;
// runtime/executor.cpp drives it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "compiler/analysis/interval_product.h"
#include "compiler/analysis/sign_scale.h"
#include "compiler/analysis/sign_split.h"
#include "runtime/backend/backend.h"
#include "runtime/compiled_certifier.h"
#include "runtime/dense_values.h"
#include "runtime/executor.h"
#include "runtime/interpreter/layer_state.h"
#include "runtime/shared_weights.h"

namespace cert::interp {

using runtime::Atom;
using runtime::CoefBlock;
using runtime::Lin;
using runtime::Tensor;
using runtime::Value;

using ir::Instr;
using ir::NeuronRef;
using ir::Opcode;

inline Lin toLin(const Value& v, bool sym) {
  if (const Lin* l = std::get_if<Lin>(&v)) return *l;
  Lin out;
  out.sym = sym;
  out.c0 = std::get<Tensor>(v);
  return out;
}

/// The same, moving a linear form out of a temporary value.
inline Lin toLin(Value&& v, bool sym) {
  if (Lin* l = std::get_if<Lin>(&v)) return std::move(*l);
  return toLin(static_cast<const Value&>(v), sym);
}

inline const Tensor& asTensor(const Value& v) {
  if (const Tensor* t = std::get_if<Tensor>(&v)) return *t;
  throw std::runtime_error("a linear form is used where a number is needed");
}

/// The layers one run walks: the network's own, then, for an item with margins, its margins layer,
/// appended without copying the network (a copy per item cost a copy of every weight).
class LayerSequence {
 public:
  /// `extraKey`: the SharedWeights key of the appended layer's weight when items with the same
  /// key have the same layer (runtime::marginsKey), so that what is derived from it is shared;
  /// "" when it is the item's own.
  explicit LayerSequence(const Network& net, const Layer* extra = nullptr, std::string extraKey = {})
      : net_(net), extra_(extra), extraKey_(std::move(extraKey)) {}
  size_t size() const { return net_.layers.size() + (extra_ ? 1 : 0); }
  const Layer& operator[](size_t k) const { return k < net_.layers.size() ? net_.layers[k] : *extra_; }
  const Network& network() const { return net_; }
  int64_t inputSize() const { return net_.inputSize(); }
  /// The SharedWeights key of the appended layer ("" for any other layer).
  const std::string& keyOf(const Layer& layer) const { return &layer == extra_ ? extraKey_ : kNone; }
  /// True when a layer (the margins) is appended to the network's own.
  bool appended() const { return extra_ != nullptr; }

 private:
  static inline const std::string kNone;
  const Network& net_;
  const Layer* extra_;
  std::string extraKey_;
};

/// Which rows of a layer's traverses run (RunOptions::intermediate; runtime/interpreter/row_refinement.cpp).
enum class RowRefinement {
  All,       ///< every row: the spec as written
  Unstable,  ///< rows whose form's one-step interval over its terms' l/u has l < 0 < u
  None,      ///< no row: each traverse returns its form as it was given (stopped before a step)
};

/// The refinement layer k of `layers` gets under IntermediateBounds::ReluUnstable: Unstable when
/// Relu layers read it and otherwise only linear ones (Affine, Conv, AvgPool, Add); None when only
/// linear layers read it, or when it is the network's last layer and margins are appended (the
/// verdict reads the margins); All when anything else reads it or nothing does (the margins).
RowRefinement rowRefinementOf(const LayerSequence& layers, size_t k);

/// Interprets programs for one batch item over one network.
class ItemRun {
 public:
  ItemRun(const CompiledCertifier& cc, const LayerSequence& layers, bool denseOnly, runtime::SharedWeights& shared,
          const runtime::Backend& backend)
      : cc_(cc), layers_(layers), dense_(denseOnly), shared_(shared), backend_(backend) {}

  /// Which terms of a coefficient block exist (non-zero coefficient, not stopped).
  struct TermMask {
    Tensor where;       ///< n x width, 1 where the term exists
    bool full = false;  ///< every term exists
  };

  /// A sparse coefficient block as a term frame (see sparseTerms).
  struct SparseTerms {
    std::vector<std::vector<int64_t>> windows;  ///< per row: the columns of its terms
    Tensor values;                              ///< n x width, 0 past a row's terms
    TermMask mask;                              ///< 1 at a row's terms
    int64_t width = 0;                          ///< the most terms of a row
  };


  std::vector<LayerState> states;
  /// Teaching mode: what is recorded for the traced neuron (RunOptions::trace).
  std::optional<NeuronTrace> trace;
  /// When set: each top-level instruction's time is appended (RunOptions::profile).
  std::vector<InstrTime>* profile = nullptr;
  int profileLayer = 0;  ///< the layer index profile entries get

  /// Row `row` of a materialized form as (constant, non-zero terms).
  SymbolicForm formOf(const Lin& l, int64_t row) const;

  /// After a layer: the traced neuron's members, when it is this layer's.
  void recordTracedMembers(const Layer& layer);

  /// Stored bytes of every layer's members, and their dense equivalent (see ItemResult).
  /// Bytes: {stored state, its all-neurons dense form, network weights the state references}.
  std::tuple<int64_t, int64_t, int64_t> memory() const;

  /// Every layer's storage layout (see MemberLayout).
  std::vector<LayerLayout> layouts() const;

  void input(const InputBox& box);

  /// A batch frame (runtime/batch_run.h): the input layer of every item at once, each Float member
  /// [n x 1 x items] (item k in slice k). Every later layer then computes all items together: shared
  /// values (weights, biases, constants) keep a slice extent of 1, per-item values have one slice
  /// per item, and a shared block times the items' columns is one product (a GEMM). Only for
  /// programs over Float members that never use the `other` frame (batchFrameRefusal says).
  void inputBatch(const std::vector<const InputBox*>& boxes);
  /// A batch frame of `items` whose states the caller filled (each Float member [n x 1 x items]).
  void adoptBatch(int64_t items) { batch_ = items; }
  /// Items in the batch frame (1 when running one item).
  int64_t batchItems() const { return batch_; }

  void concat(const Layer& layer);

  /// Set by the backward flow for a rev_ pooling rule: per refined input neuron, the pooling
  /// outputs whose window holds it (its prev list); empty otherwise.
  std::vector<std::vector<int64_t>> reverseWindows;

  void layer(const Layer& layer, const ir::Program& prog);

  /// Which rows the next layer's traverses run (the driver sets it per layer; All by default).
  /// Rows left out keep their form as given, which the traverse's invariant bounds as soundly
  /// as the finished traverse; a traverse whose regions read anything per row (curr, its layer's
  /// metadata, a non-scalar outer value) or that is traced runs every row.
  RowRefinement rowRefinement = RowRefinement::All;
  /// Float members the next layer leaves out (the driver sets them per layer from
  /// unreadFloatMembers; none by default): neither they nor the instructions only they need are
  /// computed, and the state marks them left out (Members::leaveOut).
  std::set<std::string> leaveOut;

 private:
  const CompiledCertifier& cc_;
  const LayerSequence& layers_;
  const bool dense_;  ///< the dense executor: every block Dense
  int64_t batch_ = 1;  ///< items in the batch frame (a Float member's third extent), see inputBatch
  const Layer* layer_ = nullptr;
  int64_t n_ = 0;
  std::vector<std::vector<int64_t>> windows_;
  Tensor validity_;
  int64_t listExtent_ = 1;
  /// A conv layer's Toeplitz matrix, once an instruction needs the weight dense (built once a layer).
  std::optional<Tensor> convWeight_;
  runtime::SharedWeights& shared_;
  const runtime::Backend& backend_;  ///< every block operation goes through it
  const ir::Program* program_ = nullptr;  ///< the program of the layer being run
  /// Top-level instructions of program_ that no kept member needs (see leaveOut).
  std::set<int> unneeded_;
  /// Kernel rows for linSumList's gathers: the run's shared CSR rows of its kernels.
  const runtime::KernelRowsLookup sharedKernelRows_ = [this](const gbcsr::KernelBlock& k) { return shared_.kernelRows(k, backend_); };
  /// Values of the current layer that are structured matrices over [curr, prev] (its weight and
  /// zero-keeping maps of it): kept as blocks (a Kernel, the referenced matrix) and shared by the
  /// run's items; env_ holds a placeholder until an instruction needs the values dense.
  struct Structured {
    std::shared_ptr<const CoefBlock> block;  ///< null until first needed (blockOf), for a derived value
    std::string key;  ///< SharedWeights key ("" for a per-item layer)
    bool raw = false;  ///< the layer's weight itself (not a map of it)
    int base = -1;     ///< a derived value: op(structured value `base`, s), made on first need
    std::string op;
    double s = 0;
  };
  std::map<int, Structured> structured_;
  /// The block of structured value `id`, made now when it is a derived value not needed before
  /// (IBP's max(W, 0) and min(W, 0) are never made when an interval product uses W and |W|).
  const std::shared_ptr<const CoefBlock>& blockOf(int id);
  std::map<const ir::Program*, std::map<int, std::vector<const Instr*>>> consumers_;  ///< see consumersOf
  Tensor bias_;  ///< the layer's bias per neuron ([n x 1]), for `bias` metadata
  std::set<int> weightIds_;  ///< values of this layer that are its `weight` metadata
  std::vector<Value> env_;
  int nextNoise_ = 1;
  /// The term context of a map/traverse region: the term block being mapped or traversed and
  /// its coefficients. A region runs with its own context (termValueOver), and the outer one is
  /// restored after it as one value.
  struct TermContext {
    int block = -1;     ///< the layer (or noise block) of the terms
    bool sym = false;   ///< terms are noise symbols
    Tensor coeff;       ///< n x width coefficients (filled only when the region reads coeff)
    bool coeffMovable = false;  ///< the region reads coeff once: its instruction takes `coeff`
    int64_t width = 1;  ///< the term frame's width
    /// Sparse term frames: per row, the block's non-zero columns (nullptr: all columns).
    const std::vector<std::vector<int64_t>>* windows = nullptr;
  };
  TermContext term_;
  std::map<const void*, CoefBlock> kernelRows_;  ///< see kernelRows
  /// See dyingIn: per region of every program the run has met (a region belongs to one program).
  std::map<const ir::Region*, std::vector<std::vector<int>>> dying_;
  const std::vector<int>* dyingNow_ = nullptr;
  std::set<int> results_;  ///< the program's results (never moved)
  const ir::Program* dyingProgram_ = nullptr;  ///< the program results_ is for

  int inputOf(NeuronRef r) const;

  const Lin& linMember(int layer, const std::string& name) const;

  Value& at(int id) { return env_.at(static_cast<size_t>(id)); }

  /// Float members of an input layer lent to their readers instead of copied (region: a Member
  /// whose only consumers are Binary instructions of the same region, read where the layer state
  /// holds it; a ReLU's max(prev[l], 0) over a batch frame wrote a copy of the layer first).
  std::map<int, const Value*> lent_;
  /// Whether `i` (an instruction of `r`) may be lent: a Float member through prev, prev_0 or
  /// prev_1, not a program result, read only by Binary instructions of `r`.
  bool lendable(const ir::Region& r, const Instr& i);
  /// The value of `id`: the lent member, else the environment's.
  const Value& operandOf(int id) { return lent_.count(id) ? *lent_.at(id) : at(id); }
  /// Copies the lent operands of `i` into the environment (for the structured route, which reads
  /// operands there).
  void stopLending(const Instr& i);

  void region(const ir::Region& r);

  /// Per instruction of `r`: the values it reads for the last time, so that it may move them
  /// (compiler/analysis/liveness.h's lastUsesIn, once per region).
  const std::vector<std::vector<int>>& dyingIn(const ir::Region& r);

  /// True when the instruction being evaluated reads `id` for the last time.
  bool dies(int id) const;

  Value yieldOf(const ir::Region& r);

  bool isPolyMember(const std::string& name) const;

  Value member(const Instr& i);

  /// `coefficients * term` where the term is one lazy atom with unit coefficients and the
  /// coefficients (a full n x width tensor) are read for the last time: the tensor becomes the
  /// term's coefficients without a copy. False (and `out` untouched) otherwise.
  bool takeAsCoefficients(const Lin& term, int numId, Lin& out);

  /// A layer's weight times its input neurons (`W * prev` over the prev list): the product's term
  /// is tagged with the conv layer's kernel (its sum is a Kernel block, not the Toeplitz matrix)
  /// or the Affine layer's weight (its sum references the network's matrix, not a copy).
  void markKernel(Lin& product, const Lin& neurons, int weightId);

  /// The layer's weight as a dense [outputs x inputs] tensor (a copy of an Affine layer's matrix;
  /// a conv layer's Toeplitz matrix, built on first need and kept for the layer).
  Tensor denseLayerWeight();

  /// Per value of `prog`: the instructions that read it (in nested regions too).
  const std::map<int, std::vector<const Instr*>>& consumersOf(const ir::Program& prog);

  /// Instructions over structured values that keep them structured: zero-keeping maps (max/min
  /// against 0, scaling, negation: IBP's sign split of W), a product with a vector over prev
  /// (IBP's W+ l: a direct convolution for a Kernel), and the layer's `W * prev` summed over prev
  /// (DeepPoly's L: the Kernel or the referenced matrix itself). Anything else: nullopt, and the
  /// operands are made dense first (prepareOperands).
  std::optional<Value> structuredEval(const Instr& i);

  /// op(structured value, s) as a structured value, shared by the run's items (SharedWeights).
  Value derive(const Instr& i, int sId, const std::string& op, double s);
  /// The SharedWeights key of op(structured value sId, s) ("" when not shared).
  std::string derivedKey(int sId, const std::string& op, double s) const;
  /// The block of op(structured value sId, s), shared by the run's items when it has a key.
  std::shared_ptr<const CoefBlock> derivedBlock(int sId, const std::string& op, double s);

  /// The interval products of region `r` (compiler/analysis/interval_product.h), once per region.
  const std::vector<analysis::IntervalProduct>& intervalProductsFor(const ir::Region& r);
  std::map<const ir::Region*, std::vector<analysis::IntervalProduct>> intervalProducts_;
  /// Computes an interval product as W @ c -/+ |W| @ r into its two sums when W is a stored block
  /// of the layer's shape and l, u are finite rows over prev (one per item of a batch frame), and
  /// appends the instructions it did to `computed` (its parts; the adds of its offset too where the
  /// offset is one value per neuron: the sums plus the offset are written instead of the sums);
  /// false (nothing computed) otherwise: the four products then run as written.
  /// `deferred`: ends of interval products that are Float members of the prev list read by
  /// nothing but the product's parts, not yet copied out of the layer's state (deferrableEnds); the
  /// product reads them in place, and copies them into the environment when it falls back.
  bool intervalProduct(const analysis::IntervalProduct& ip, std::map<int, const Instr*>& deferred,
                       std::vector<int>& computed);
  /// The ends of `products` (instructions of `r`) that may be deferred, by id.
  std::set<int> deferrableEnds(const ir::Region& r, const std::vector<analysis::IntervalProduct>& products);

  /// `W * prev_list` whose only use is its sum over prev: the linear form whose block is the
  /// layer's weight itself (a Kernel for Conv, the referenced matrix for Affine), no coefficients.
  std::optional<Value> layerProduct(const Instr& i, int sId, const Lin& neurons);

  /// Structured values that `i` (or a region nested in it) reads, made dense for it.
  void prepareOperands(const Instr& i);

  Value meta(const Instr& i);

  Value neuron(const Instr& i);


  Value binary(const Instr& i);

  /// The extent of the frame a reduce pops (prev list: the input layer or the widest window).
  Value reduce(const Instr& i);

  /// Sum over the prev frame of a * b: one matrix-vector product when b is a row over the prev
  /// list (Affine); otherwise (pooling windows, linear forms) the product then the reduce.
  Value matmul(const Instr& i);

  Tensor count() const;

  /// all over Other, y != x, valid y only; an invalid x is false.
  Tensor reduceAll(const Tensor& t) const;

  /// A block's coefficients on the host, column after column (Backend::hostCoefs): a Dense
  /// block's own storage, else materialized into `scratch`.
  struct HostCoefs {
    int64_t rows = 0, cols = 0;
    std::span<const double> values;
    Tensor scratch;
    HostCoefs() = default;
    HostCoefs(HostCoefs&&) = default;  // a moved vector keeps its storage: `values` stays valid
    HostCoefs& operator=(HostCoefs&&) = default;
    HostCoefs(const HostCoefs&) = delete;
    HostCoefs& operator=(const HostCoefs&) = delete;
  };
  HostCoefs hostCoefs(const CoefBlock& blk) const;

  /// Sets the term context to block `b` with coefficients `c`; returns the region's value.
  Value termValue(const ir::Region& r, int b, bool sym, const HostCoefs& c);

  /// The same over a sparse block's non-zero terms (the term frame is its rows' ELL lists).
  Value termValue(const ir::Region& r, int b, bool sym, const SparseTerms& st);

  template <class MakeCoeff>
  Value termValueOver(const ir::Region& r, int b, bool sym, int64_t width,
                      const std::vector<std::vector<int64_t>>* windows, MakeCoeff&& makeCoeff) {
    // The coefficients are converted only for regions that read them (priority and stop rarely do).
    int coeffReads = 0;
    for (const Instr& i : r.body) coeffReads += i.op == Opcode::Coeff ? 1 : 0;
    TermContext inner{b, sym, coeffReads > 0 ? makeCoeff() : Tensor::scalar(0), coeffReads == 1, width, windows};
    TermContext outer = std::exchange(term_, std::move(inner));
    Value v = yieldOf(r);
    term_ = std::move(outer);
    return v;
  }

  /// True when no linear member of layer b has a Dense block.
  bool sparseRowMembers(int b) const;

  /// The rows of a Kernel block's Toeplitz matrix as CSR, built once per kernel.
  const CoefBlock& kernelRows(const CoefBlock& blk);

  /// A block at most kSparseTermDensity non-zero (and wide enough to pay) as sparse terms: per
  /// row, the columns of its non-zero coefficients. Regions then run over those terms only.
  std::optional<SparseTerms> sparseTerms(const CoefBlock& blk);

  /// True when t (broadcast to where's extents) is 0 wherever `where` is 0.
  static bool zeroWhereUnset(const Tensor& t, const Tensor& where);

  /// Sum over the term frame of `v`, over the terms of `mask` only.
  Value sumTerms(const Value& v, const TermMask& mask, int64_t width);

  Value addValues(const Value& a, const Value& b) const;

  Lin materialized(const Value& v, bool sym) { return materialized(toLin(v, sym)); }

  /// In place (no copy of the blocks): the constant expanded to [n x 1], single-row blocks repeated.
  Lin materialized(Lin l);
  /// A form over `rows.size()` rows placed at rows `rows` (ascending) of a form over the layer's n
  /// rows, the other rows zero (the backend's scatterRows for the blocks).
  Lin scatteredRows(Lin part, std::span<const int64_t> rows) const;

  static TermMask nonZero(const HostCoefs& c);

  Value map(const Instr& i);

  Value traverse(const Instr& i);
  /// The traverse's steps on `e` (rows = n_) until no term is replaced.
  Lin traverseSteps(const Instr& i, Lin e, TraversalTrace* tt, int64_t tracedRow);

  // Row refinement (row_refinement.cpp).
  /// The rows a traverse runs (ascending) and, once made, e's blocks with those rows zeroed.
  struct RefinedRows {
    std::vector<int64_t> rows;
    std::map<int, CoefBlock> parked;
    /// The one-step interval's parts, per block of the form: its sign-split sum against the l
    /// and u members of the block's layer (each order), every row. A map over a parked block
    /// against the same members takes them instead of summing again.
    struct BlockSum {
      int block;
      const Tensor* onPositive;
      const Tensor* onNegative;
      Tensor sums;
    };
    std::vector<BlockSum> blockSums;
  };
  /// The rows of `e` the traverse `i` runs under rowRefinement; nullptr for every row
  /// (RowRefinement::All, or a traverse that must run every row). Valid until the next call.
  RefinedRows* refinedRows(const Instr& i, const Lin& e);
  /// When `blk` is the block refinedRows parked for layer `b` (the form's rows with the refined
  /// ones zeroed, as the traverse left them) and the members are those its one-step interval was
  /// summed against: that sum with the refined rows' zeroed (no second pass over the block);
  /// nullopt otherwise.
  std::optional<Tensor> parkedRowsSum(int b, const CoefBlock& blk, const Tensor& onPositive, const Tensor& onNegative);
  /// True when region r reads nothing per row of the current layer but outer values with one
  /// number per row (their ids added to perRow) or one for all: no curr, prev or metadata of the
  /// layer, no linear form from outside (`defined`: the ids defined inside so far).
  bool rowFree(const ir::Region& r, std::set<int>& defined, std::set<int>& perRow) const;
  /// The traverse on `rows` of e only (the others keep their form): the rows gathered into a
  /// smaller frame, traversed, and placed back.
  Lin traverseRows(const Instr& i, Lin e, RefinedRows& refined);
  /// traverseRows's rows at once where the traverse's first step is stepsThroughReluOntoConstants
  /// (e one conv layer's rows, Kernel, through a ReLU and a conv layer onto the box) and the
  /// backend sums those rows in the whole block's route: [rows.size() x 1], the constants the
  /// steps add to each row; nullopt otherwise (the rows are then taken apart).
  std::optional<Tensor> reluConvOntoBoxOfRows(const Instr& i, const Lin& e, std::span<const int64_t> rows);
  /// What refinedRows last decided on in this layer: the form's constant and blocks (held, so
  /// that their storage is not reused by another form while compared by identity).
  struct RefinedRowsKey {
    runtime::Values c0;
    std::vector<std::pair<int, CoefBlock>> blocks;
    bool operator==(const RefinedRowsKey& o) const {
      if (c0 != o.c0 || blocks.size() != o.blocks.size()) return false;
      for (size_t k = 0; k < blocks.size(); ++k)
        if (blocks[k].first != o.blocks[k].first || blocks[k].second.storage() != o.blocks[k].second.storage()) return false;
      return true;
    }
  };
  std::optional<std::pair<RefinedRowsKey, RefinedRows>> refinedRowsCache_;
  RefinedRows noRows_;  ///< RowRefinement::None: no row runs

  /// One block's part in a traverse step.
  struct Choice {
    TermMask active;  ///< n x width: the terms that exist and are not stopped
    Tensor priority;  ///< n x 1
    std::vector<bool> rowActive;  ///< per row: whether it has a term to replace
    bool stopAny = false;  ///< some non-zero term is stopped
    /// rowActive not asked yet (a sign-split block: a pass over its values); traverseSteps asks
    /// it only when the block's priority can win a row.
    bool rowsPending = false;
  };

  /// The members of a sign-split region (compiler/analysis/sign_split.h), once per region.
  const std::optional<analysis::SignSplit>& signSplitFor(const ir::Region& r);

  /// Block b's choice in a traverse step without a term frame, when the replacement is a
  /// sign-split product over linear members of layer b and the priority and stop do not read
  /// coefficients (the stop a constant false); nullopt otherwise. Its rows are pending.
  std::optional<Choice> signSplitChoice(const Instr& i, int b, const CoefBlock& blk);
  /// Block b's choice when the traverse's stop reads no coefficient and is true for every term of
  /// layer b (a depth-limited back-substitution's layers below its depth): no row replaces it, and
  /// nothing is materialized; nullopt otherwise.
  std::optional<Choice> stoppedChoice(const Instr& i, int b, int64_t cols);
  /// Per row, the greatest priority among the blocks with a term in that row (-inf where none);
  /// asks a pending block's rows only when its priority can win a row (else it has none this
  /// step: it is kept); nullopt when no row has a term.
  std::optional<std::vector<double>> bestPriorities(const Lin& e, std::map<int, Choice>& blocks);
  /// Whether signSplitChoice applies to layer b (whose blocks have `cols` columns).
  bool signSplitApplies(const Instr& i, int b, int64_t cols);
  /// The step of block b (every row) when layer b's members are one shared block over an earlier
  /// layer a whose members are constants only (a conv layer onto the input box), together with
  /// the next step, a's sign-split sum, which then replaces the only block left: their sum by
  /// Backend::productSignSplitSum, the product over layer a never stored. Adds to `next`; false,
  /// with nothing added, where that does not apply or a value is not finite.
  bool stepOntoConstants(const Instr& i, int b, const CoefBlock& blk, Lin& next);
  /// Three steps at once, for block b a conv layer's rows (Kernel) or dense rows (the backend
  /// says which it takes) when layer b's members are a
  /// column scaling chosen by sign (a ReLU's relaxation: Diagonal blocks over one layer a and
  /// constants) and layer a is a conv layer onto constants as in stepOntoConstants: b's, a's and
  /// the constants' steps by Backend::reluConvOntoBoxSum, nothing between them stored: the
  /// constants they add ([n x 1]), or those of `rows` only ([rows.size() x 1], by
  /// Backend::reluConvOntoBoxSumOfRows, where the backend has a cheaper route for them than the
  /// rows taken apart); nullopt where that does not apply or a value is not finite.
  std::optional<Tensor> stepsThroughReluOntoConstants(const Instr& i, int b, const CoefBlock& blk,
                                                      std::span<const int64_t> rows = {});
  std::map<const ir::Region*, std::optional<analysis::SignSplit>> signSplits_;
  /// The factors of a sign-scale map body (compiler/analysis/sign_scale.h), once per region.
  const std::optional<analysis::SignScale>& signScaleFor(const ir::Region& r);
  std::map<const ir::Region*, std::optional<analysis::SignScale>> signScales_;

  bool isCtMember(size_t m) const { return m < cc_.ctMembers.size() && cc_.ctMembers[m]; }

  static Lin trueConstraint(int64_t n);

  /// `lp`: one LP per neuron over the constraints the instruction names (runtime/lp_rule.h).
  Value lp(const Instr& i);

  Value eval(const Instr& i);
};

}  // namespace cert::interp
