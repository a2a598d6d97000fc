// The dense executor (a hub): walks the network's layers, binds each layer's metadata and the
// earlier layers' state, and interprets the IR program of the layer's operator per batch item.
#include "runtime/executor.h"
#include "runtime/product_threads.h"

#include "compiler/ir/scalar_ops.h"
#include "core/network/margin_folding.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#include <chrono>
#include <functional>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <stdexcept>

#include "compiler/ir/scalar_ops.h"
#include "runtime/dense_values.h"
#include "runtime/allocator_tuning.h"
#include "runtime/layer_members_of.h"
#include "runtime/layer_rule.h"
#include "runtime/lp_rule.h"
#include "runtime/memory_plan.h"
#include "runtime/shared_weights.h"

namespace cert {

using runtime::Atom;
using runtime::CoefBlock;
using runtime::Lin;
using runtime::Tensor;
using runtime::Value;

namespace {

using ir::Instr;
using ir::NeuronRef;
using ir::Opcode;

/// One layer's members, by name: Float members as [n x 1] tensors, Poly/Sym materialized.
struct LayerState {
  std::map<std::string, Value> members;
};

Lin toLin(const Value& v, bool sym) {
  if (const Lin* l = std::get_if<Lin>(&v)) return *l;
  Lin out;
  out.sym = sym;
  out.c0 = std::get<Tensor>(v);
  return out;
}

/// The same, moving a linear form out of a temporary value.
Lin toLin(Value&& v, bool sym) {
  if (Lin* l = std::get_if<Lin>(&v)) return std::move(*l);
  return toLin(static_cast<const Value&>(v), sym);
}

const Tensor& asTensor(const Value& v) {
  if (const Tensor* t = std::get_if<Tensor>(&v)) return *t;
  throw std::runtime_error("a linear form is used where a number is needed");
}

/// Interprets programs for one batch item over one network.
/// The layers one run walks: the network's own, then, for an item with margins, its margins layer,
/// appended without copying the network (a copy per item cost a copy of every weight).
class LayerSequence {
 public:
  explicit LayerSequence(const Network& net, const Layer* extra = nullptr) : net_(net), extra_(extra) {}
  size_t size() const { return net_.layers.size() + (extra_ ? 1 : 0); }
  const Layer& operator[](size_t k) const { return k < net_.layers.size() ? net_.layers[k] : *extra_; }
  const Network& network() const { return net_; }
  int64_t inputSize() const { return net_.inputSize(); }

 private:
  const Network& net_;
  const Layer* extra_;
};

class ItemRun {
 public:
  ItemRun(const CompiledCertifier& cc, const LayerSequence& layers, bool denseOnly, runtime::SharedWeights& shared)
      : cc_(cc), layers_(layers), dense_(denseOnly), shared_(shared) {}

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

  /// Row `row` of a materialized form as (constant, non-zero terms).
  static SymbolicForm formOf(const Lin& l, int64_t row) {
    SymbolicForm f;
    f.sym = l.sym;
    f.constant = l.c0.at(row, 0, 0);
    for (const auto& [k, blk] : l.blocks) {
      const Eigen::VectorXd r = blk.rows() == 1 ? blk.row(0) : blk.row(row);
      for (Eigen::Index j = 0; j < r.size(); ++j)
        if (r[j] != 0) f.terms.push_back({k, j, r[j]});
    }
    return f;
  }

  /// After a layer: the traced neuron's members, when it is this layer's.
  void recordTracedMembers(const Layer& layer) {
    if (!trace || trace->layer != layer.index) return;
    for (size_t m = 0; m < cc_.memberNames.size(); ++m) {
      const auto it = states.back().members.find(cc_.memberNames[m]);
      if (it == states.back().members.end()) continue;
      if (const Lin* l = std::get_if<Lin>(&it->second)) trace->members.emplace_back(cc_.memberNames[m], formOf(*l, trace->neuron));
      else trace->values.emplace_back(cc_.memberNames[m], std::get<Tensor>(it->second).at(trace->neuron, 0, 0));
    }
  }

  /// Stored bytes of every layer's members, and their dense equivalent (see ItemResult).
  /// Bytes: {stored state, its all-neurons dense form, network weights the state references}.
  std::tuple<int64_t, int64_t, int64_t> memory() const {
    int64_t stored = 0, neurons = 0, noise = 0, referenced = 0;
    std::map<int, int64_t> noiseWidth;
    for (size_t k = 0; k < layers_.size(); ++k) neurons += layers_[k].size();
    std::set<const void*> counted;  // storage shared between members is stored once
    for (const LayerState& st : states)
      for (const auto& [name, v] : st.members)
        if (const Lin* l = std::get_if<Lin>(&v)) {
          stored += int64_t(l->c0.v.size()) * 8;
          for (const auto& [k, m] : l->blocks) {
            if (dense_ || counted.insert(m.storage()).second) (m.borrowed() ? referenced : stored) += m.bytes();
            if (m.kind() == CoefBlock::Kind::RowScaled && counted.insert(m.scaledBase().storage()).second)
              (m.scaledBase().borrowed() ? referenced : stored) += m.scaledBase().bytes();  // its rows, once
            if (l->sym) noiseWidth[k] = std::max<int64_t>(noiseWidth[k], m.cols());
          }
        } else {
          stored += int64_t(std::get<Tensor>(v).v.size()) * 8;
        }
    for (const auto& [k, w] : noiseWidth) noise += w;
    int64_t dense = 0;
    for (size_t k = 0; k < states.size(); ++k) {
      const int64_t n = layers_[k].size();
      for (const auto& [name, v] : states[k].members)
        if (const Lin* l = std::get_if<Lin>(&v)) dense += n * ((l->sym ? noise : neurons) + 1) * 8;
        else dense += n * 8;
    }
    return {stored, dense, referenced};
  }

  /// Every layer's storage layout (see MemberLayout).
  std::vector<LayerLayout> layouts() const {
    std::vector<LayerLayout> out;
    std::map<int, int64_t> noiseWidth;  // noise block -> widest use, for global noise offsets
    for (const LayerState& st : states)
      for (const auto& [name, v] : st.members)
        if (const Lin* l = std::get_if<Lin>(&v); l && l->sym)
          for (const auto& [k, m] : l->blocks) noiseWidth[k] = std::max<int64_t>(noiseWidth[k], m.cols());
    std::map<int, int64_t> noiseOffset;
    int64_t acc = 0;
    for (const auto& [k, w] : noiseWidth) noiseOffset[k] = acc, acc += w;
    for (size_t li = 0; li < states.size(); ++li) {
      const Layer& layer = layers_[li];
      LayerLayout ll;
      for (size_t m = 0; m < cc_.memberNames.size(); ++m) {
        const std::string& name = cc_.memberNames[m];
        const auto it = states[li].members.find(name);
        if (it == states[li].members.end()) continue;
        MemberLayout ml;
        ml.member = name;
        if (const Lin* l = std::get_if<Lin>(&it->second)) {
          for (const auto& [k, blk] : l->blocks) {
            const int64_t nnz = blk.nonZeros();
            if (nnz == 0) continue;
            const int64_t col0 = l->sym ? noiseOffset[k] : layers_[static_cast<size_t>(k)].start;
            gbcsr::BlockInfo b;
            b.box = gbcsr::Box::of(0, 1, layer.start, blk.rows(), col0, blk.cols());
            b.kind = blk.gbcsrKind();
            b.bytes = blk.bytes();
            b.density = static_cast<double>(nnz) / (static_cast<double>(blk.rows()) * static_cast<double>(blk.cols()));
            b.shared = true;
            ml.blocks.push_back(b);
          }
        } else {
          const Tensor& t = std::get<Tensor>(it->second);
          gbcsr::BlockInfo b;
          b.kind = gbcsr::Kind::Dense;
          b.box = gbcsr::Box::of(0, 1, 0, 1, layer.start, layer.size());
          b.bytes = layer.size() * 8;
          int64_t nnz = 0;
          for (int64_t i = 0; i < layer.size(); ++i) nnz += t.at(i, 0, 0) != 0 ? 1 : 0;
          b.density = layer.size() > 0 ? static_cast<double>(nnz) / static_cast<double>(layer.size()) : 0.0;
          b.shared = true;
          ml.blocks.push_back(b);
        }
        ll.members.push_back(std::move(ml));
      }
      out.push_back(std::move(ll));
    }
    return out;
  }

  void input(const InputBox& box) {
    LayerState s;
    const int64_t n = box.lower.size();
    for (size_t m = 0; m < cc_.memberNames.size(); ++m) {
      const std::string& name = cc_.memberNames[m];
      const bool isUpper = name == "u" || name == "U";
      const Eigen::VectorXd& end = isUpper ? box.upper : box.lower;
      if (isCtMember(m)) {  // the input's constraint: true (0 == 0)
        s.members[name] = trueConstraint(n);
        continue;
      }
      switch (cc_.memberTypes[m]) {
        case ir::ElemType::Poly: {
          Lin l;
          l.c0 = Tensor::column(end);
          s.members[name] = l;
          break;
        }
        case ir::ElemType::Sym: {
          Lin z;
          z.sym = true;
          z.c0 = Tensor::column((box.lower + box.upper) / 2);
          const Eigen::VectorXd radius = (box.upper - box.lower) / 2;
          z.blocks[0] = dense_ ? CoefBlock::dense(Eigen::MatrixXd(radius.asDiagonal())) : CoefBlock::diagonal(radius);
          s.members[name] = z;
          break;
        }
        default: s.members[name] = Tensor::column(end); break;
      }
    }
    (void)n;
    states.push_back(std::move(s));
  }

  void concat(const Layer& layer) {
    LayerState s;
    for (size_t m = 0; m < cc_.memberNames.size(); ++m) {
      const std::string& name = cc_.memberNames[m];
      if (isCtMember(m)) {
        s.members[name] = trueConstraint(layer.size());
        continue;
      }
      if (cc_.memberTypes[m] == ir::ElemType::Poly) {  // L = U = the source neuron
        Lin l;
        l.c0 = Tensor::full(layer.size(), 1, 1, 0);
        int64_t row = 0;
        for (int in : layer.inputs) {
          const Layer& src = layers_[static_cast<size_t>(in)];
          Eigen::MatrixXd b = Eigen::MatrixXd::Zero(layer.size(), src.size());
          for (int64_t i = 0; i < src.size(); ++i) b(row + i, i) = 1;
          auto it = l.blocks.find(in);
          if (it == l.blocks.end()) l.blocks.emplace(in, CoefBlock::dense(std::move(b)));
          else it->second = runtime::addBlocks(it->second, CoefBlock::dense(std::move(b)), 1.0);
          row += src.size();
        }
        s.members[name] = l;
        continue;
      }
      if (cc_.memberTypes[m] == ir::ElemType::Sym) {
        Lin z;
        z.sym = true;
        std::vector<double> c0;
        std::vector<std::pair<int, const Lin*>> parts;
        for (int in : layer.inputs) parts.push_back({in, &std::get<Lin>(states[static_cast<size_t>(in)].members.at(name))});
        int64_t row = 0;
        Eigen::VectorXd cv(layer.size());
        std::map<int, Eigen::MatrixXd> stacked;
        for (const auto& [in, src] : parts) {
          const int64_t ns = layers_[static_cast<size_t>(in)].size();
          for (int64_t i = 0; i < ns; ++i) cv[row + i] = src->c0.at(i, 0, 0);
          for (const auto& [k, blk] : src->blocks) {
            auto it = stacked.find(k);
            if (it == stacked.end()) it = stacked.emplace(k, Eigen::MatrixXd::Zero(layer.size(), blk.cols())).first;
            if (it->second.cols() < blk.cols()) it->second.conservativeResize(Eigen::NoChange, blk.cols());
            it->second.block(row, 0, ns, blk.cols()) += blk.toDense();
          }
          row += ns;
        }
        for (auto& [k, m] : stacked) z.blocks.emplace(k, CoefBlock::dense(std::move(m)));
        z.c0 = Tensor::column(cv);
        s.members[name] = z;
        continue;
      }
      Eigen::VectorXd v(layer.size());
      int64_t row = 0;
      for (int in : layer.inputs) {
        const Tensor& t = std::get<Tensor>(states[static_cast<size_t>(in)].members.at(name));
        const int64_t ns = layers_[static_cast<size_t>(in)].size();
        for (int64_t i = 0; i < ns; ++i) v[row + i] = t.at(i, 0, 0);
        row += ns;
      }
      s.members[name] = Tensor::column(v);
    }
    states.push_back(std::move(s));
  }

  /// Set by the backward flow for a rev_ pooling rule: per refined input neuron, the pooling
  /// outputs whose window holds it (its prev list); empty otherwise.
  std::vector<std::vector<int64_t>> reverseWindows;

  void layer(const Layer& layer, const ir::Program& prog) {
    layer_ = &layer;
    n_ = layer.size();
    windows_.clear();
    validity_ = Tensor::scalar(1);
    listExtent_ = 1;
    if (!reverseWindows.empty() || layer.op == LayerOp::MaxPool || layer.op == LayerOp::AvgPool) {
      const PoolGeometry& g = layer.pool;
      if (!reverseWindows.empty()) windows_ = reverseWindows;  // a rev_ rule over pooling outputs
      else
        for (int c = 0; c < g.channels; ++c)
          for (int oh = 0; oh < g.outHeight; ++oh)
            for (int ow = 0; ow < g.outWidth; ++ow) windows_.push_back(g.window(c, oh, ow));
      for (const auto& w : windows_) listExtent_ = std::max<int64_t>(listExtent_, static_cast<int64_t>(w.size()));
      validity_ = Tensor::full(n_, listExtent_, 1, 0);
      for (int64_t i = 0; i < n_; ++i)
        for (size_t j = 0; j < windows_[static_cast<size_t>(i)].size(); ++j) validity_.ref(i, static_cast<int64_t>(j), 0) = 1;
    } else if (!layer.inputs.empty()) {
      listExtent_ = layers_[static_cast<size_t>(layer.inputs[0])].size();
    }
    weightIds_.clear();
    structured_.clear();
    if (layer.op == LayerOp::Affine || layer.op == LayerOp::Conv) {
      // A conv layer's Toeplitz matrix is built only if an instruction needs the weight dense.
      convWeight_.resize(0, 0);
      weight_ = layer.op == LayerOp::Conv ? nullptr : &layer.weight;  // an Affine's own, not a copy
      bias_ = denseBias(layer);
    }
    env_.assign(static_cast<size_t>(prog.nextId), Value(Tensor::scalar(0)));
    program_ = &prog;
    if (dyingProgram_ != &prog) {  // liveness is per program (each layer's rule)
      dying_.clear();
      results_ = std::set<int>(prog.results.begin(), prog.results.end());
      dyingProgram_ = &prog;
    }
    region(prog.body);
    LayerState s;
    for (size_t m = 0; m < prog.results.size(); ++m) {
      const Value& v = env_[static_cast<size_t>(prog.results[m])];
      const std::string& name = cc_.memberNames[m];
      if (cc_.memberTypes[m] == ir::ElemType::Poly || cc_.memberTypes[m] == ir::ElemType::Sym) {
        Lin l = toLin(v, cc_.memberTypes[m] == ir::ElemType::Sym);
        if (!l.lazy.empty()) throw std::runtime_error("member '" + name + "' is still a list");
        for (auto& [k, blk] : l.blocks) {
          if (blk.rows() == 1 && n_ != 1) blk = runtime::repeatRow(blk, n_);
          if (!dense_) blk = CoefBlock::compressed(blk);  // sparse blocks are stored as Csr
        }
        s.members[name] = runtime::linExpandRows(l, n_);
      } else {
        s.members[name] = asTensor(v).expand(n_, 1, 1);
      }
    }
    states.push_back(std::move(s));
  }

 private:
  const CompiledCertifier& cc_;
  const LayerSequence& layers_;
  const bool dense_;  ///< the dense executor: every block Dense
  const Layer* layer_ = nullptr;
  int64_t n_ = 0;
  std::vector<std::vector<int64_t>> windows_;
  Tensor validity_;
  int64_t listExtent_ = 1;
  const Eigen::MatrixXd* weight_ = nullptr;  ///< the current layer's weight (Affine) or convWeight_
  Eigen::MatrixXd convWeight_;  ///< a conv layer's Toeplitz matrix, once something needs it dense
  runtime::SharedWeights& shared_;
  const ir::Program* program_ = nullptr;  ///< the program of the layer being run
  /// Kernel rows for linSumList's gathers: the run's shared CSR rows of its kernels.
  const runtime::KernelRowsLookup sharedKernelRows_ = [this](const gbcsr::KernelBlock& k) { return shared_.kernelRows(k); };
  /// Values of the current layer that are structured matrices over [curr, prev] (its weight and
  /// zero-keeping maps of it): kept as blocks (a Kernel, the referenced matrix) and shared by the
  /// run's items; env_ holds a placeholder until an instruction needs the values dense.
  struct Structured {
    std::shared_ptr<const CoefBlock> block;
    std::string key;  ///< SharedWeights key ("" for a per-item layer)
    bool raw = false;  ///< the layer's weight itself (not a map of it)
  };
  std::map<int, Structured> structured_;
  std::map<const ir::Program*, std::map<int, std::vector<const Instr*>>> consumers_;  ///< see consumersOf
  Eigen::VectorXd bias_;
  std::set<int> weightIds_;  ///< values of this layer that are its `weight` metadata
  std::vector<Value> env_;
  int nextNoise_ = 1;
  // The term block being mapped/traversed.
  int termBlock_ = -1;
  bool termSym_ = false;
  Tensor coeff_;
  bool coeffMovable_ = false;  ///< the region reads coeff once: its instruction takes coeff_
  /// Sparse term frames: the current block's non-zero columns per row (nullptr: all columns).
  const std::vector<std::vector<int64_t>>* termWindows_ = nullptr;
  std::map<const void*, gbcsr::SparseRM> kernelRows_;  ///< see kernelRows
  std::map<const ir::Region*, std::vector<std::vector<int>>> dying_;  ///< see dyingIn
  const std::vector<int>* dyingNow_ = nullptr;
  std::set<int> results_;  ///< the program's results (never moved)
  const ir::Program* dyingProgram_ = nullptr;  ///< the program dying_ and results_ are for
  int64_t coeffWidth_ = 1;  ///< the term block's width (coeff_ is only filled where a region reads it)

  int inputOf(NeuronRef r) const {
    const size_t k = r == NeuronRef::Prev1 ? 1 : 0;
    if (layer_->inputs.size() <= k) throw std::runtime_error("the layer has no input " + std::to_string(k));
    return layer_->inputs[k];
  }

  const Lin& linMember(int layer, const std::string& name) const {
    const Value& v = states.at(static_cast<size_t>(layer)).members.at(name);
    if (const Lin* l = std::get_if<Lin>(&v)) return *l;
    throw std::runtime_error("member '" + name + "' is not a linear form");
  }

  Value& at(int id) { return env_.at(static_cast<size_t>(id)); }

  void region(const ir::Region& r) {
    const std::vector<std::vector<int>>& dying = dyingIn(r);
    const std::vector<int>* saved = dyingNow_;
    for (size_t k = 0; k < r.body.size(); ++k) {
      const Instr& i = r.body[k];
      if (i.op == Opcode::Yield) continue;
      dyingNow_ = &dying[k];
      if (!structured_.empty()) {
        std::optional<Value> v = structuredEval(i);
        if (v) {
          at(i.id) = std::move(*v);
          continue;
        }
        prepareOperands(i);
      }
      at(i.id) = eval(i);
    }
    dyingNow_ = saved;
  }

  /// Every value `i` reads: its operands and what its nested regions read.
  static void collectReads(const Instr& i, std::set<int>& out) {
    out.insert(i.operands.begin(), i.operands.end());
    for (const auto& r : i.regions)
      for (const Instr& n : r->body) collectReads(n, out);
  }

  /// Per instruction of `r`: the values it reads for the last time, so that it may move them
  /// (defined in `r` itself, read by no later instruction, nested region or yield, and not a
  /// result of the program).
  const std::vector<std::vector<int>>& dyingIn(const ir::Region& r) {
    auto it = dying_.find(&r);
    if (it != dying_.end()) return it->second;
    std::set<int> defined;
    for (const Instr& i : r.body) defined.insert(i.id);
    std::map<int, size_t> last;
    for (size_t k = 0; k < r.body.size(); ++k) {
      std::set<int> reads;
      collectReads(r.body[k], reads);
      for (int id : reads)
        if (defined.count(id)) last[id] = k;
    }
    std::vector<std::vector<int>> d(r.body.size());
    for (const auto& [id, k] : last)
      if (!results_.count(id)) d[k].push_back(id);
    return dying_.emplace(&r, std::move(d)).first->second;
  }

  /// True when the instruction being evaluated reads `id` for the last time.
  bool dies(int id) const {
    return dyingNow_ && std::find(dyingNow_->begin(), dyingNow_->end(), id) != dyingNow_->end();
  }

  Value yieldOf(const ir::Region& r) {
    region(r);
    const int id = r.body.back().operands.at(0);
    // A value computed by the region itself is recomputed on its next run: it is moved out,
    // not copied. A value from outside the region is copied.
    for (const Instr& i : r.body)
      if (i.op != Opcode::Yield && i.id == id) return std::move(at(id));
    return at(id);
  }

  bool isPolyMember(const std::string& name) const {
    for (size_t m = 0; m < cc_.memberNames.size(); ++m)
      if (cc_.memberNames[m] == name) return cc_.memberTypes[m] == ir::ElemType::Poly || cc_.memberTypes[m] == ir::ElemType::Sym;
    return false;
  }

  Value member(const Instr& i) {
    const bool lin = isPolyMember(i.name);
    switch (i.ref) {
      case NeuronRef::Prev:
      case NeuronRef::Prev0:
      case NeuronRef::Prev1: return states.at(static_cast<size_t>(inputOf(i.ref))).members.at(i.name);
      case NeuronRef::PrevList:
      case NeuronRef::Other: {
        const int p = inputOf(NeuronRef::Prev);
        const bool other = i.ref == NeuronRef::Other;
        if (lin) {
          if (other) throw std::runtime_error("a linear member of the other element");
          Lin l;
          l.sym = linMember(p, i.name).sym;
          l.lazy.push_back({windows_.empty() ? Tensor::full(1, listExtent_, 1, 1) : validity_,
                            Atom{windows_.empty() ? Atom::Source::ColAll : Atom::Source::Gather, p, i.name, &windows_}});
          return l;
        }
        const Tensor& src = asTensor(states.at(static_cast<size_t>(p)).members.at(i.name));
        Tensor t;
        if (windows_.empty()) {
          t = Tensor::row(src.toMatrix(src.r, 1).col(0));
        } else {
          t = Tensor::full(n_, listExtent_, 1, 0);
          for (int64_t r = 0; r < n_; ++r)
            for (size_t j = 0; j < windows_[static_cast<size_t>(r)].size(); ++j)
              t.ref(r, static_cast<int64_t>(j), 0) = src.at(windows_[static_cast<size_t>(r)][j], 0, 0);
        }
        if (other) std::swap(t.c, t.d);
        return t;
      }
      case NeuronRef::Term: {
        if (termSym_) throw std::runtime_error("a member of a noise symbol");
        if (lin) {
          Lin l;
          l.sym = linMember(termBlock_, i.name).sym;
          if (termWindows_)
            l.lazy.push_back({Tensor::full(1, coeffWidth_, 1, 1), Atom{Atom::Source::Gather, termBlock_, i.name, termWindows_}});
          else
            l.lazy.push_back({Tensor::full(1, coeffWidth_, 1, 1), Atom{Atom::Source::ColAll, termBlock_, i.name, nullptr}});
          return l;
        }
        const Tensor& src = asTensor(states.at(static_cast<size_t>(termBlock_)).members.at(i.name));
        if (termWindows_) {  // the member at each row's terms (0 past them)
          Tensor t = Tensor::full(n_, coeffWidth_, 1, 0);
          for (int64_t r = 0; r < n_; ++r) {
            const auto& w = (*termWindows_)[static_cast<size_t>(r)];
            for (size_t k = 0; k < w.size(); ++k) t.ref(r, static_cast<int64_t>(k), 0) = src.at(w[k], 0, 0);
          }
          return t;
        }
        return Tensor::row(src.toMatrix(src.r, 1).col(0));
      }
      case NeuronRef::Curr:
        // A reverse rule (backward flow) refines a layer that is already computed.
        if (states.size() > static_cast<size_t>(layer_->index))
          return states[static_cast<size_t>(layer_->index)].members.at(i.name);
        break;
    }
    throw std::runtime_error("curr's own members are not available while it is computed");
  }

  /// `coefficients * term` where the term is one lazy atom with unit coefficients and the
  /// coefficients (a full n x width tensor) are read for the last time: the tensor becomes the
  /// term's coefficients without a copy. False (and `out` untouched) otherwise.
  bool takeAsCoefficients(const Lin& term, int numId, Lin& out) {
    if (!term.blocks.empty() || term.lazy.size() != 1 || term.lazy[0].kernel || !dies(numId)) return false;
    if (term.c0.v.size() != 1 || term.c0.v[0] != 0) return false;
    const runtime::LazyTerm& t = term.lazy[0];
    Tensor* s = std::get_if<Tensor>(&at(numId));
    if (!s || s->d != 1 || t.coef.d != 1 || t.coef.r != 1 || s->c != t.coef.c || s->r < 1) return false;
    for (double x : t.coef.v)
      if (x != 1.0) return false;
    out.sym = term.sym;
    out.c0 = Tensor::scalar(0);
    out.lazy.push_back({std::move(*s), t.atom, nullptr});
    return true;
  }

  /// A layer's weight times its input neurons (`W * prev` over the prev list): the product's term
  /// is tagged with the conv layer's kernel (its sum is a Kernel block, not the Toeplitz matrix)
  /// or the Affine layer's weight (its sum references the network's matrix, not a copy).
  void markKernel(Lin& product, const Lin& neurons, int weightId) {
    if (dense_ || (layer_->op != LayerOp::Conv && layer_->op != LayerOp::Affine) || !weightIds_.count(weightId)) return;
    if (!neurons.blocks.empty() || neurons.lazy.size() != 1 || product.lazy.size() != 1) return;
    const runtime::LazyTerm& t = neurons.lazy[0];
    if (t.atom.source != Atom::Source::ColAll || !t.atom.member.empty() || t.atom.layer != inputOf(NeuronRef::Prev)) return;
    for (double x : t.coef.v)
      if (x != 1.0) return;
    for (double x : neurons.c0.v)
      if (x != 0.0) return;
    if (layer_->op == LayerOp::Affine) {  // the layer's own weight, referenced
      product.lazy[0].weight = &layer_->weight;
      return;
    }
    product.lazy[0].kernel = shared_.kernel(*layer_);
  }

  /// The layer's weight as a dense matrix (a conv layer's Toeplitz matrix, built on first need).
  const Eigen::MatrixXd& denseLayerWeight() {
    if (weight_) return *weight_;
    convWeight_ = denseWeight(*layer_);
    weight_ = &convWeight_;
    return convWeight_;
  }

  /// Per value of `prog`: the instructions that read it (in nested regions too).
  const std::map<int, std::vector<const Instr*>>& consumersOf(const ir::Program& prog) {
    auto it = consumers_.find(&prog);
    if (it != consumers_.end()) return it->second;
    std::map<int, std::vector<const Instr*>> uses;
    std::function<void(const ir::Region&)> walk = [&](const ir::Region& r) {
      for (const Instr& i : r.body) {
        for (int id : i.operands) uses[id].push_back(&i);
        for (const auto& nested : i.regions) walk(*nested);
      }
    };
    walk(prog.body);
    return consumers_.emplace(&prog, std::move(uses)).first->second;
  }

  /// Instructions over structured values that keep them structured: zero-keeping maps (max/min
  /// against 0, scaling, negation: IBP's sign split of W), a product with a vector over prev
  /// (IBP's W+ l: a direct convolution for a Kernel), and the layer's `W * prev` summed over prev
  /// (DeepPoly's L: the Kernel or the referenced matrix itself). Anything else: nullopt, and the
  /// operands are made dense first (prepareOperands).
  std::optional<Value> structuredEval(const Instr& i) {
    auto isStructured = [&](int id) { return structured_.count(id) > 0; };
    if (i.op == Opcode::Unary && i.name == ir::Op::Neg && isStructured(i.operands[0])) return derive(i, i.operands[0], "mul", -1.0);
    if (i.op == Opcode::Binary && i.operands.size() == 2) {
      const int a = i.operands[0], b = i.operands[1];
      if (isStructured(a) == isStructured(b)) return std::nullopt;
      const int sId = isStructured(a) ? a : b, oId = isStructured(a) ? b : a;
      const Value& other = at(oId);
      const Tensor* t = std::get_if<Tensor>(&other);
      if (t && t->v.size() == 1 && (i.name == ir::Op::Max || i.name == ir::Op::Min || i.name == ir::Op::Mul) &&
          runtime::zeroKeeping(i.name, t->v[0]))
        return derive(i, sId, i.name, t->v[0]);
      if (i.name == ir::Op::Mul && structured_.at(sId).raw && std::holds_alternative<Lin>(other))
        return layerProduct(i, sId, std::get<Lin>(other));
      return std::nullopt;
    }
    if (i.op == Opcode::MatMul && isStructured(i.operands[0]) && !isStructured(i.operands[1])) {
      const Tensor* tb = std::get_if<Tensor>(&at(i.operands[1]));
      const CoefBlock& blk = *structured_.at(i.operands[0]).block;
      if (tb && windows_.empty() && i.frame == ir::FrameKind::Prev && tb->r == 1 && tb->d == 1 &&
          tb->c == listExtent_ && blk.rows() == n_ && blk.cols() == listExtent_)
        return Tensor::column(runtime::applyToVector(blk, tb->toMatrix(1, listExtent_).row(0).transpose()));
    }
    return std::nullopt;
  }

  /// op(structured value, s) as a structured value, shared by the run's items (SharedWeights).
  Value derive(const Instr& i, int sId, const std::string& op, double s) {
    const std::shared_ptr<const CoefBlock> base = structured_.at(sId).block;
    const std::string& baseKey = structured_.at(sId).key;
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, "|%s%.17g", op.c_str(), s);
    const std::string key = baseKey.empty() ? std::string() : baseKey + suffix;
    structured_[i.id] = Structured{shared_.derived(key, [&] { return runtime::mapStored(*base, op, s); }), key, false};
    return Tensor::scalar(0);
  }

  /// `W * prev_list` whose only use is its sum over prev: the linear form whose block is the
  /// layer's weight itself (a Kernel for Conv, the referenced matrix for Affine), no coefficients.
  std::optional<Value> layerProduct(const Instr& i, int sId, const Lin& neurons) {
    if (!neurons.blocks.empty() || neurons.lazy.size() != 1) return std::nullopt;
    const runtime::LazyTerm& t = neurons.lazy[0];
    if (t.atom.source != Atom::Source::ColAll || !t.atom.member.empty() || t.atom.layer != inputOf(NeuronRef::Prev))
      return std::nullopt;
    for (double x : t.coef.v)
      if (x != 1.0) return std::nullopt;
    for (double x : neurons.c0.v)
      if (x != 0.0) return std::nullopt;
    const auto& uses = consumersOf(*program_);
    const auto it = uses.find(i.id);
    if (it == uses.end() || it->second.size() != 1) return std::nullopt;
    const Instr& use = *it->second[0];
    if (use.op != Opcode::Reduce || use.name != ir::Op::Sum || use.frame != ir::FrameKind::Prev) return std::nullopt;
    const CoefBlock& blk = *structured_.at(sId).block;
    if (blk.rows() != n_ || blk.cols() != listExtent_) return std::nullopt;
    Lin out;
    out.sym = neurons.sym;
    runtime::LazyTerm term{t.coef, t.atom, nullptr, nullptr};
    if (blk.kind() == CoefBlock::Kind::Kernel) term.kernel = blk.kernelShared();
    else if (layer_->op == LayerOp::Affine && layer_->weight.rows() == n_ && layer_->weight.cols() == listExtent_)
      term.weight = &layer_->weight;
    else
      return std::nullopt;
    out.lazy.push_back(std::move(term));
    return out;
  }

  /// Structured values that `i` (or a region nested in it) reads, made dense for it.
  void prepareOperands(const Instr& i) {
    std::set<int> reads;
    collectReads(i, reads);
    for (int id : reads) {
      const auto it = structured_.find(id);
      if (it == structured_.end()) continue;
      at(id) = it->second.raw ? Tensor::matrix(denseLayerWeight()) : Tensor::matrix(it->second.block->toDense());
      structured_.erase(it);
    }
  }

  Value meta(const Instr& i) {
    int layer = layer_->index;
    if (i.ref == NeuronRef::Term) layer = termBlock_;
    else if (i.ref != NeuronRef::Curr) layer = inputOf(i.ref);
    if (i.name == "layer") return Tensor::scalar(layer);
    if (i.name == "last_layer") return Tensor::scalar(layer + 1 == static_cast<int>(layers_.size()) ? 1 : 0);
    if (layer_->op != LayerOp::Affine && layer_->op != LayerOp::Conv)
      throw std::runtime_error("'" + i.name + "' is only defined for Affine layers");
    if (i.name == "weight") {
      weightIds_.insert(i.id);
      if (!dense_) {  // kept structured until an instruction needs it dense (see prepareOperands)
        structured_[i.id] = Structured{shared_.weight(*layer_),
                                       shared_.caches(*layer_) ? "w" + std::to_string(layer_->index) : "", true};
        return Tensor::scalar(0);
      }
      return Tensor::matrix(denseLayerWeight());
    }
    if (i.name == "bias") return Tensor::column(bias_);
    throw std::runtime_error("unknown metadata '" + i.name + "'");
  }

  Value neuron(const Instr& i) {
    Lin l;
    switch (i.ref) {
      case NeuronRef::Prev:
      case NeuronRef::Prev0:
      case NeuronRef::Prev1: l.blocks.emplace(inputOf(i.ref), CoefBlock::identity(n_, dense_)); return l;
      case NeuronRef::Curr: l.blocks.emplace(layer_->index, CoefBlock::identity(n_, dense_)); return l;
      case NeuronRef::PrevList:
        l.lazy.push_back({windows_.empty() ? Tensor::full(1, listExtent_, 1, 1) : validity_,
                          Atom{windows_.empty() ? Atom::Source::ColAll : Atom::Source::Gather,
                               inputOf(NeuronRef::Prev), "", &windows_,
                               layers_[static_cast<size_t>(inputOf(NeuronRef::Prev))].size()}});
        return l;
      case NeuronRef::Term:
        l.sym = termSym_;
        if (termWindows_ && !termSym_)
          l.lazy.push_back({Tensor::full(1, coeffWidth_, 1, 1),
                            Atom{Atom::Source::Gather, termBlock_, "", termWindows_, layers_[static_cast<size_t>(termBlock_)].size()}});
        else if (termWindows_)
          throw std::runtime_error("a noise symbol as a term of a sparse block");
        else
          l.lazy.push_back({Tensor::full(1, coeffWidth_, 1, 1), Atom{Atom::Source::ColAll, termBlock_, "", nullptr}});
        return l;
      case NeuronRef::Other: break;
    }
    throw std::runtime_error("the other element cannot be used as a linear form");
  }

  static double binaryOp(const ir::Name& op, double a, double b) {
    if (const auto v = ir::applyBinary(op.op(), a, b)) return *v;
    throw std::runtime_error("unknown binary operator '" + op + "'");
  }

  Value binary(const Instr& i) {
    const Value& a = at(i.operands[0]);
    const Value& b = at(i.operands[1]);
    const bool la = std::holds_alternative<Lin>(a), lb = std::holds_alternative<Lin>(b);
    if (!la && !lb) {
      const Tensor& x = asTensor(a);
      const Tensor& y = asTensor(b);
      // The operator is resolved once per instruction, not per element (same arithmetic as
      // ir::applyBinary, which the fallback calls for anything else).
      const ir::Name& op = i.name;
      if (op == ir::Op::Add) return runtime::zip(x, y, [](double p, double q) { return p + q; });
      if (op == ir::Op::Sub) return runtime::zip(x, y, [](double p, double q) { return p - q; });
      if (op == ir::Op::Mul) return runtime::zip(x, y, [](double p, double q) { return p * q; });
      if (op == ir::Op::Div) return runtime::zip(x, y, [](double p, double q) { return p / q; });
      if (op == ir::Op::Min) return runtime::zip(x, y, [](double p, double q) { return std::min(p, q); });
      if (op == ir::Op::Max) return runtime::zip(x, y, [](double p, double q) { return std::max(p, q); });
      if (op == ir::Op::Ge) return runtime::zip(x, y, [](double p, double q) { return p >= q ? 1.0 : 0.0; });
      if (op == ir::Op::Le) return runtime::zip(x, y, [](double p, double q) { return p <= q ? 1.0 : 0.0; });
      if (op == ir::Op::Gt) return runtime::zip(x, y, [](double p, double q) { return p > q ? 1.0 : 0.0; });
      if (op == ir::Op::Lt) return runtime::zip(x, y, [](double p, double q) { return p < q ? 1.0 : 0.0; });
      return runtime::zip(x, y, [&op](double p, double q) { return binaryOp(op, p, q); });
    }
    const bool sym = i.type == ir::ElemType::Sym;
    if (i.name == ir::Op::Add || i.name == ir::Op::Sub) {
      const double sign = i.name == ir::Op::Add ? 1.0 : -1.0;
      // Operands read for the last time are moved (no copy of their coefficient tensors).
      const int ia = i.operands[0], ib = i.operands[1];
      const bool moveA = ia != ib && la && dies(ia), moveB = ia != ib && lb && dies(ib);
      Lin left = moveA ? std::move(std::get<Lin>(at(ia))) : toLin(a, sym);
      if (moveB) return runtime::linAdd(std::move(left), std::move(std::get<Lin>(at(ib))), sign);
      if (lb) return runtime::linAdd(std::move(left), std::get<Lin>(b), sign);  // b copied once
      return runtime::linAdd(std::move(left), toLin(b, sym), sign);
    }
    if (i.name == ir::Op::Mul) {
      const int linId = la ? i.operands[0] : i.operands[1], numId = la ? i.operands[1] : i.operands[0];
      if (Lin moved; takeAsCoefficients(std::get<Lin>(at(linId)), numId, moved)) {
        markKernel(moved, std::get<Lin>(at(linId)), numId);
        return moved;
      }
      Lin out = runtime::linScale(std::get<Lin>(at(linId)), asTensor(at(numId)));
      markKernel(out, std::get<Lin>(at(linId)), numId);
      return out;
    }
    if (i.name == ir::Op::Div && !lb)
      return runtime::linScale(std::get<Lin>(a), runtime::mapTensor(asTensor(b), [](double x) { return 1.0 / x; }));
    throw std::runtime_error("'" + i.name + "' is not defined on linear forms");
  }

  /// The extent of the frame a reduce pops (prev list: the input layer or the widest window).
  Value reduce(const Instr& i) {
    const Value& v = at(i.operands[0]);
    if (const Lin* l = std::get_if<Lin>(&v)) {
      if (i.name != ir::Op::Sum && i.name != ir::Op::Avg) throw std::runtime_error("'" + i.name + "' over linear forms");
      Lin s = runtime::linSumList(*l, n_, listExtent_, [this](int layer, const std::string& m) -> const Lin& {
        return linMember(layer, m);
      }, dense_, sharedKernelRows_);
      if (i.name == ir::Op::Avg) s = runtime::linScale(s, runtime::mapTensor(count(), [](double x) { return 1.0 / x; }));
      return s;
    }
    const Tensor& t = asTensor(v);
    if (i.frame == ir::FrameKind::Other) return reduceAll(t);
    const Tensor full = t.expand(std::max(t.r, n_), listExtent_, 1);
    const Tensor valid = validity_.expand(full.r, listExtent_, 1);
    Tensor out = Tensor::full(full.r, 1, 1, 0);
    const double inf = std::numeric_limits<double>::infinity();
    for (int64_t r = 0; r < full.r; ++r) {
      double acc = i.name == ir::Op::Max ? -inf : i.name == ir::Op::Min ? inf : 0.0;
      double cnt = 0;
      for (int64_t j = 0; j < listExtent_; ++j) {
        if (valid.at(r, j, 0) == 0) continue;
        const double x = full.at(r, j, 0);
        cnt += 1;
        if (i.name == ir::Op::Max) acc = std::max(acc, x);
        else if (i.name == ir::Op::Min) acc = std::min(acc, x);
        else acc += x;
      }
      if (i.name == ir::Op::Len) acc = cnt;
      if (i.name == ir::Op::Avg) acc /= cnt;
      out.ref(r, 0, 0) = acc;
    }
    return out;
  }

  /// Sum over the prev frame of a * b: one matrix-vector product when b is a row over the prev
  /// list (Affine); otherwise (pooling windows, linear forms) the product then the reduce.
  Value matmul(const Instr& i) {
    const Value& a = at(i.operands[0]);
    const Value& b = at(i.operands[1]);
    const Tensor* ta = std::get_if<Tensor>(&a);
    const Tensor* tb = std::get_if<Tensor>(&b);
    if (ta && tb && windows_.empty() && i.frame == ir::FrameKind::Prev && tb->r == 1 && ta->d == 1 && tb->d == 1) {
      const Eigen::VectorXd v = tb->toMatrix(1, listExtent_).row(0).transpose();
      if (ta->c == listExtent_)  // the matrix in place (column-major like Eigen's), no copy
        return Tensor::column(Eigen::Map<const Eigen::MatrixXd>(ta->v.data(), ta->r, listExtent_) * v);
      return Tensor::column(ta->toMatrix(ta->r, listExtent_) * v);
    }
    Instr product;
    product.op = Opcode::Binary;
    product.name = "mul";
    product.type = i.type;
    product.operands = i.operands;
    Instr sum;
    sum.op = Opcode::Reduce;
    sum.name = "sum";
    sum.frame = i.frame;
    sum.type = i.type;
    sum.operands = {i.id};
    at(i.id) = binary(product);
    return reduce(sum);
  }

  Tensor count() const {
    if (windows_.empty()) return Tensor::scalar(static_cast<double>(listExtent_));
    Tensor c = Tensor::full(n_, 1, 1, 0);
    for (int64_t r = 0; r < n_; ++r) c.ref(r, 0, 0) = static_cast<double>(windows_[static_cast<size_t>(r)].size());
    return c;
  }

  /// all over Other, y != x, valid y only; an invalid x is false.
  Tensor reduceAll(const Tensor& t) const {
    const Tensor full = t.expand(std::max(t.r, n_), listExtent_, listExtent_);
    const Tensor valid = validity_.expand(full.r, listExtent_, 1);
    Tensor out = Tensor::full(full.r, listExtent_, 1, 0);
    for (int64_t r = 0; r < full.r; ++r)
      for (int64_t j = 0; j < listExtent_; ++j) {
        if (valid.at(r, j, 0) == 0) continue;
        bool all = true;
        for (int64_t k = 0; k < listExtent_ && all; ++k)
          if (k != j && valid.at(r, k, 0) != 0 && full.at(r, j, k) == 0) all = false;
        out.ref(r, j, 0) = all ? 1 : 0;
      }
    return out;
  }

  /// Sets the term context to block `b` with coefficients `c`; returns the region's value.
  Value termValue(const ir::Region& r, int b, bool sym, const Eigen::MatrixXd& c) {
    return termValueOver(r, b, sym, c.cols(), nullptr, [&c] { return Tensor::matrix(c); });
  }

  /// The same over a sparse block's non-zero terms (the term frame is its rows' ELL lists).
  Value termValue(const ir::Region& r, int b, bool sym, const SparseTerms& st) {
    return termValueOver(r, b, sym, st.width, &st.windows, [&st] { return st.values; });
  }

  template <class MakeCoeff>
  Value termValueOver(const ir::Region& r, int b, bool sym, int64_t width,
                      const std::vector<std::vector<int64_t>>* windows, MakeCoeff&& makeCoeff) {
    const int savedBlock = termBlock_;
    const bool savedSym = termSym_;
    Tensor savedCoeff = std::move(coeff_);
    const int64_t savedWidth = coeffWidth_;
    const std::vector<std::vector<int64_t>>* savedWindows = termWindows_;
    termBlock_ = b;
    termSym_ = sym;
    coeffWidth_ = width;
    termWindows_ = windows;
    // The coefficients are converted only for regions that read them (priority and stop rarely do).
    int coeffReads = 0;
    for (const Instr& i : r.body) coeffReads += i.op == Opcode::Coeff ? 1 : 0;
    coeff_ = coeffReads > 0 ? makeCoeff() : Tensor::scalar(0);
    const bool savedMovable = coeffMovable_;
    coeffMovable_ = coeffReads == 1;
    Value v = yieldOf(r);
    termBlock_ = savedBlock;
    termSym_ = savedSym;
    coeff_ = std::move(savedCoeff);
    coeffMovable_ = savedMovable;
    coeffWidth_ = savedWidth;
    termWindows_ = savedWindows;
    return v;
  }

  /// True when no linear member of layer b has a Dense block.
  bool sparseRowMembers(int b) const {
    for (const auto& [name, v] : states.at(static_cast<size_t>(b)).members)
      if (const Lin* l = std::get_if<Lin>(&v))
        for (const auto& [k, blk] : l->blocks)
          if (blk.kind() == CoefBlock::Kind::Dense || blk.kind() == CoefBlock::Kind::RowScaled) return false;
    return true;
  }

  /// The rows of a Kernel block's Toeplitz matrix as CSR, built once per kernel.
  const gbcsr::SparseRM& kernelRows(const CoefBlock& blk) {
    if (const gbcsr::SparseRM* shared = shared_.kernelRows(blk.kernelBlock())) return *shared;
    auto it = kernelRows_.find(blk.storage());
    if (it != kernelRows_.end()) return it->second;
    gbcsr::SparseRM m = gbcsr::kernelRowsCsr(blk.kernelBlock());
    return kernelRows_.emplace(blk.storage(), std::move(m)).first->second;
  }

  /// A block at most kSparseTermDensity non-zero (and wide enough to pay) as sparse terms: per
  /// row, the columns of its non-zero coefficients. Regions then run over those terms only.
  std::optional<SparseTerms> sparseTerms(const CoefBlock& blk) {
    constexpr double kSparseTermDensity = 0.25;
    constexpr int64_t kMinWidth = 32;
    if (dense_ || blk.cols() < kMinWidth || blk.rows() != n_) return std::nullopt;
    SparseTerms st;
    st.windows.assign(static_cast<size_t>(n_), {});
    std::vector<std::vector<double>> vals(static_cast<size_t>(n_));
    auto fromCsr = [&](const gbcsr::SparseRM& m) {
      for (int64_t r = 0; r < n_; ++r)
        for (gbcsr::SparseRM::InnerIterator it(m, r); it; ++it)
          if (it.value() != 0) {
            st.windows[static_cast<size_t>(r)].push_back(it.col());
            vals[static_cast<size_t>(r)].push_back(it.value());
          }
    };
    const double budget = kSparseTermDensity * static_cast<double>(blk.rows()) * static_cast<double>(blk.cols());
    switch (blk.kind()) {
      case CoefBlock::Kind::Csr:
        if (static_cast<double>(blk.sparse().nonZeros()) > budget) return std::nullopt;
        fromCsr(blk.sparse());
        break;
      case CoefBlock::Kind::Kernel: {
        const gbcsr::SparseRM& m = kernelRows(blk);
        if (static_cast<double>(m.nonZeros()) > budget) return std::nullopt;
        fromCsr(m);
        break;
      }
      case CoefBlock::Kind::Diagonal:
        for (int64_t r = 0; r < n_; ++r)
          if (blk.diag()[r] != 0) {
            st.windows[static_cast<size_t>(r)].push_back(r);
            vals[static_cast<size_t>(r)].push_back(blk.diag()[r]);
          }
        break;
      case CoefBlock::Kind::RowScaled: return std::nullopt;  // rows of a Dense block
      case CoefBlock::Kind::Dense: {
        const Eigen::MatrixXd& m = blk.denseMatrix();
        if (static_cast<double>((m.array() != 0).count()) > budget) return std::nullopt;
        for (int64_t j = 0; j < m.cols(); ++j)
          for (int64_t r = 0; r < n_; ++r)
            if (m(r, j) != 0) {
              st.windows[static_cast<size_t>(r)].push_back(j);
              vals[static_cast<size_t>(r)].push_back(m(r, j));
            }
        break;
      }
    }
    for (const auto& w : st.windows) st.width = std::max<int64_t>(st.width, static_cast<int64_t>(w.size()));
    st.width = std::max<int64_t>(st.width, 1);
    st.values = Tensor::full(n_, st.width, 1, 0);
    st.mask.where = Tensor::full(n_, st.width, 1, 0);
    bool full = true;
    for (int64_t r = 0; r < n_; ++r) {
      const auto& v = vals[static_cast<size_t>(r)];
      for (size_t k = 0; k < v.size(); ++k) {
        st.values.ref(r, static_cast<int64_t>(k), 0) = v[k];
        st.mask.where.ref(r, static_cast<int64_t>(k), 0) = 1;
      }
      full = full && static_cast<int64_t>(v.size()) == st.width;
    }
    st.mask.full = full;
    return st;
  }

  /// True when t (broadcast to where's extents) is 0 wherever `where` is 0.
  static bool zeroWhereUnset(const Tensor& t, const Tensor& where) {
    if (t.v.size() == 1 && t.v[0] == 0) return true;
    if (t.r == where.r && t.c == where.c && t.d == where.d) {
      for (size_t k = 0; k < where.v.size(); ++k)
        if (where.v[k] == 0 && t.v[k] != 0) return false;
      return true;
    }
    for (int64_t k = 0; k < where.d; ++k)
      for (int64_t j = 0; j < where.c; ++j)
        for (int64_t i = 0; i < where.r; ++i)
          if (where.at(i, j, k) == 0 && t.at(i, j, k) != 0) return false;
    return true;
  }

  /// Sum over the term frame of `v`, over the terms of `mask` only.
  Value sumTerms(const Value& v, const TermMask& mask, int64_t width) {
    const Tensor& where = mask.where;
    if (const Lin* l = std::get_if<Lin>(&v)) {
      // Masking sets coefficients to 0 where `where` is 0. When the form's constant and every
      // term's coefficients are 0 there already (a mask without zeros; DeepPoly's max(c,0)
      // against the zeros of a convolution's coefficients) it changes nothing: the form is summed
      // as it is, without copying its coefficients through a select.
      bool allSet = mask.full || zeroWhereUnset(l->c0, where);
      for (const auto& t : l->lazy) allSet = allSet && (mask.full || zeroWhereUnset(t.coef, where));
      Lin maskedStore;
      if (!allSet) maskedStore = runtime::linSelect(where, *l, Lin{l->sym, Tensor::scalar(0), {}, {}});
      const Lin& masked = allSet ? *l : maskedStore;
      const int64_t saved = listExtent_;
      listExtent_ = width;
      Lin s = runtime::linSumList(masked, n_, width, [this](int layer, const std::string& m) -> const Lin& {
        return linMember(layer, m);
      }, dense_, sharedKernelRows_);
      listExtent_ = saved;
      return s;
    }
    const Tensor& x = asTensor(v);
    Tensor maskedStore;
    const bool asIs = mask.full || zeroWhereUnset(x, where);
    if (!asIs) maskedStore = runtime::selectTensor(where, x, Tensor::scalar(0));
    const Tensor& t = asIs ? x : maskedStore;
    if (t.r == n_ && t.c == width && t.d == 1)
      return Tensor::column(Eigen::Map<const Eigen::MatrixXd>(t.v.data(), n_, width).rowwise().sum());
    return Tensor::column(t.toMatrix(n_, width).rowwise().sum());
  }

  static Value addValues(const Value& a, const Value& b) {
    if (std::holds_alternative<Lin>(a) || std::holds_alternative<Lin>(b)) {
      const bool sym = (std::holds_alternative<Lin>(a) && std::get<Lin>(a).sym) ||
                       (std::holds_alternative<Lin>(b) && std::get<Lin>(b).sym);
      return runtime::linAdd(toLin(a, sym), toLin(b, sym));
    }
    return runtime::zip(std::get<Tensor>(a), std::get<Tensor>(b), [](double x, double y) { return x + y; });
  }

  Lin materialized(const Value& v, bool sym) { return materialized(toLin(v, sym)); }

  /// In place (no copy of the blocks): the constant expanded to [n x 1], single-row blocks repeated.
  Lin materialized(Lin l) {
    if (!l.lazy.empty()) throw std::runtime_error("a list where a linear form is needed");
    if (l.c0.r != n_ || l.c0.c != 1 || l.c0.d != 1) l.c0 = l.c0.expand(n_, 1, 1);
    for (auto& [k, blk] : l.blocks)
      if (blk.rows() == 1 && n_ != 1) blk = runtime::repeatRow(blk, n_);
    return l;
  }

  static TermMask nonZero(const Eigen::MatrixXd& c) {
    TermMask m;
    m.where = Tensor::uninitialized(c.rows(), c.cols(), 1);  // same column-major order
    const double* src = c.data();
    int64_t zeros = 0;
    for (Eigen::Index k = 0; k < c.size(); ++k) {
      const bool nz = src[k] != 0;
      m.where.v[static_cast<size_t>(k)] = nz ? 1 : 0;
      zeros += nz ? 0 : 1;
    }
    m.full = zeros == 0;
    return m;
  }

  Value map(const Instr& i) {
    const Lin e = materialized(at(i.operands[0]), i.frame == ir::FrameKind::Sym);
    Value acc = e.c0;
    for (const auto& [b, blk] : e.blocks) {
      if (!e.sym) {
        if (const std::optional<SparseTerms> st = sparseTerms(blk)) {  // the non-zero terms only
          const Value v = termValue(*i.regions[0], b, e.sym, *st);
          acc = addValues(acc, sumTerms(v, st->mask, st->width));
          continue;
        }
      }
      const Eigen::MatrixXd c = blk.toDense();
      const Value v = termValue(*i.regions[0], b, e.sym, c);
      acc = addValues(acc, sumTerms(v, nonZero(c), c.cols()));
    }
    return acc;
  }

  Value traverse(const Instr& i) {
    Lin e = materialized(at(i.operands[0]), false);
    TraversalTrace* tt = nullptr;
    const int64_t tracedRow = trace && trace->layer == layer_->index ? trace->neuron : -1;
    if (tracedRow >= 0) {
      trace->traversals.emplace_back();
      tt = &trace->traversals.back();
      tt->line = i.origin.begin.line;
      tt->column = i.origin.begin.col;
      tt->forms.push_back(formOf(e, tracedRow));
    }
    // A traverse that replaces terms forever (a priority that keeps choosing terms whose
    // replacement brings them back) is an error naming the spec position, never a silent stop
    // with a half-substituted form.
    constexpr int kMaxTraverseSteps = 100000;
    for (int iter = 0;; ++iter) {
      if (iter == kMaxTraverseSteps)
        throw std::runtime_error("the traverse at spec line " + std::to_string(i.origin.begin.line) + ":" +
                                 std::to_string(i.origin.begin.col) + " did not finish after " +
                                 std::to_string(kMaxTraverseSteps) +
                                 " steps: its replacement keeps producing terms it chooses again");
      struct Choice {
        TermMask active;  // n x width
        Tensor priority;  // n x 1
        Eigen::VectorXd rowActive;
        bool stopAny = false;  // some non-zero term is stopped
      };
      std::map<int, Choice> blocks;
      // The blocks as coefficient matrices: Dense ones in place, others materialized.
      std::map<int, Eigen::MatrixXd> materializedCoefs;
      std::map<int, const Eigen::MatrixXd*> coefs;
      auto coefOf = [&](int b, const CoefBlock& blk) -> const Eigen::MatrixXd& {
        if (blk.kind() == CoefBlock::Kind::Dense) return blk.denseMatrix();
        auto it = materializedCoefs.find(b);
        if (it == materializedCoefs.end()) it = materializedCoefs.emplace(b, blk.toDense()).first;
        return it->second;
      };
      // Sparse blocks run their regions over their non-zero terms only, when nothing is stopped.
      std::map<int, SparseTerms> sparse;
      for (const auto& [b, blk] : e.blocks) {
        // Replacing terms gathers rows of the term layer's linear members: that pays when they are
        // sparse rows (Diagonal, Kernel, Csr); against Dense rows a GEMM is faster.
        if (!sparseRowMembers(b)) continue;
        std::optional<SparseTerms> st = sparseTerms(blk);
        if (!st) continue;
        const Value stopValue = termValue(*i.regions[1], b, false, *st);
        const Tensor& stopT = asTensor(stopValue);
        if (stopT.v.size() != 1 || stopT.v[0] != 0) continue;
        const Tensor priority = asTensor(termValue(*i.regions[0], b, false, *st));
        if (priority.c != 1 || priority.d != 1) continue;
        Choice ch;
        ch.active = st->mask;
        ch.priority = priority.expand(n_, 1, 1);
        ch.rowActive = Eigen::VectorXd::Zero(n_);
        for (int64_t r = 0; r < n_; ++r) ch.rowActive[r] = st->windows[static_cast<size_t>(r)].empty() ? 0 : 1;
        blocks.emplace(b, std::move(ch));
        sparse.emplace(b, std::move(*st));
      }
      for (const auto& [b, blk] : e.blocks) {
        if (sparse.count(b)) continue;
        const Eigen::MatrixXd& c = coefOf(b, blk);
        coefs.emplace(b, &c);
        Choice ch;
        const Value stopValue = termValue(*i.regions[1], b, false, c);
        const Tensor& stopT = asTensor(stopValue);
        ch.active = nonZero(c);
        if (stopT.v.size() != 1 || stopT.v[0] != 0) {  // a constant false stop (DeepPoly's) stops nothing
          const Tensor stop = stopT.expand(n_, c.cols(), 1);
          for (size_t k = 0; k < ch.active.where.v.size(); ++k)
            if (stop.v[k] != 0 && ch.active.where.v[k] != 0) {
              ch.active.where.v[k] = 0;
              ch.stopAny = true;
            }
          if (ch.stopAny) ch.active.full = false;
        }
        ch.priority = asTensor(termValue(*i.regions[0], b, false, c)).expand(n_, 1, 1);
        ch.rowActive = Eigen::VectorXd::Zero(n_);
        for (int64_t j = 0; j < c.cols(); ++j)
          for (int64_t r = 0; r < n_; ++r)
            if (ch.active.where.v[static_cast<size_t>(j * n_ + r)] != 0) ch.rowActive[r] = 1;
        blocks.emplace(b, std::move(ch));
      }
      // Per row: the greatest priority among blocks with active terms.
      const double ninf = -std::numeric_limits<double>::infinity();
      Eigen::VectorXd best = Eigen::VectorXd::Constant(n_, ninf);
      bool any = false;
      for (const auto& [b, ch] : blocks)
        for (int64_t r = 0; r < n_; ++r)
          if (ch.rowActive[r] != 0) {
            best[r] = std::max(best[r], ch.priority.at(r, 0, 0));
            any = true;
          }
      if (!any) break;
      std::vector<int> tracedReplaced;  // the blocks the traced row replaces in this step
      if (tt)
        for (const auto& [b, ch] : blocks)
          if (ch.rowActive[tracedRow] != 0 && ch.priority.at(tracedRow, 0, 0) == best[tracedRow]) tracedReplaced.push_back(b);
      Lin next;
      next.c0 = e.c0;
      for (auto& [b, blk] : e.blocks) {  // e is replaced after the loop: its blocks may be moved
        const Choice& ch = blocks.at(b);
        const auto sp = sparse.find(b);
        bool some = false, allRows = true;
        std::vector<bool> chosen(static_cast<size_t>(n_));
        for (int64_t r = 0; r < n_; ++r) {
          chosen[static_cast<size_t>(r)] = ch.rowActive[r] != 0 && ch.priority.at(r, 0, 0) == best[r];
          allRows = allRows && (chosen[static_cast<size_t>(r)] || ch.rowActive[r] == 0);
          some = some || chosen[static_cast<size_t>(r)];
        }
        if (!some) {
          Lin keep;
          keep.blocks.emplace(b, std::move(blk));
          next = runtime::linAdd(std::move(next), std::move(keep));
          continue;
        }
        // Every non-zero term chosen (the usual step: one layer's columns, no stop): nothing is
        // kept, the picked coefficients are the block itself and the mask is the active one.
        if (allRows && !ch.stopAny && sp != sparse.end()) {
          const Value rep = termValue(*i.regions[2], b, false, sp->second);
          next = runtime::linAdd(std::move(next), toLin(sumTerms(rep, sp->second.mask, sp->second.width), false));
          continue;
        }
        const Eigen::MatrixXd& c = coefs.count(b) ? *coefs.at(b) : coefOf(b, blk);
        if (allRows && !ch.stopAny) {
          const Value rep = termValue(*i.regions[2], b, false, c);
          next = runtime::linAdd(std::move(next), toLin(sumTerms(rep, ch.active, c.cols()), false));
          continue;
        }
        // Some rows only (a sparse block's mask is over its terms: rebuilt over the columns).
        const TermMask active = sp != sparse.end() ? nonZero(c) : ch.active;
        TermMask sel{active.where, false};
        for (int64_t r = 0; r < n_; ++r)
          if (!chosen[static_cast<size_t>(r)])
            for (int64_t j = 0; j < c.cols(); ++j) sel.where.ref(r, j, 0) = 0;
        const Eigen::MatrixXd selM = sel.where.toMatrix(n_, c.cols());
        const Eigen::MatrixXd kept = (selM.array() != 0).select(0.0, c);
        const Eigen::MatrixXd picked = (selM.array() != 0).select(c, 0.0);
        if (kept.cwiseAbs().maxCoeff() > 0)
          next = runtime::linAdd(std::move(next), Lin{false, Tensor::scalar(0), {{b, CoefBlock::dense(kept)}}, {}});
        const Value rep = termValue(*i.regions[2], b, false, picked);
        next = runtime::linAdd(std::move(next), toLin(sumTerms(rep, sel, c.cols()), false));
      }
      e = materialized(std::move(next));
      if (tt && !tracedReplaced.empty()) {  // steps of other rows leave the traced row as it is
        tt->replaced.push_back(std::move(tracedReplaced));
        tt->forms.push_back(formOf(e, tracedRow));
      }
    }
    return e;
  }

  bool isCtMember(size_t m) const { return m < cc_.ctMembers.size() && cc_.ctMembers[m]; }

  static Lin trueConstraint(int64_t n) {
    Lin l;
    l.c0 = Tensor::full(n, 1, 1, 0);
    return l;
  }

  /// `lp`: one LP per neuron over the constraints the instruction names (runtime/lp_rule.h).
  Value lp(const Instr& i) {
    runtime::LpRuleInputs in;
    const int p = inputOf(NeuronRef::Prev);
    if (const size_t at = i.name.find(" members "); at != std::string::npos) {
      in.ctMember = &linMember(p, i.name.substr(at + 9));
      in.ctRows = layers_[static_cast<size_t>(p)].size();
    } else if (weight_) {  // rev_Affine: curr is the layer's input, prev its output
      in.weight = weight_;
      in.bias = &layer_->bias;  // bias_ is sized by curr here
      in.currLayer = layer_->index;
      in.outputLayer = p;
    }
    in.interval = [this](int layer, int64_t index) -> std::pair<double, double> {
      constexpr double inf = std::numeric_limits<double>::infinity();
      if (layer < 0 || static_cast<size_t>(layer) >= states.size()) return {-inf, inf};
      const auto& m = states[static_cast<size_t>(layer)].members;
      const auto get = [&](const char* name, double dflt) {
        const auto it = m.find(name);
        const Tensor* t = it == m.end() ? nullptr : std::get_if<Tensor>(&it->second);
        return t && index < t->r ? t->at(index, 0, 0) : dflt;
      };
      return {get("l", -inf), get("u", inf)};
    };
    return runtime::lpRule(i.name, materialized(at(i.operands[0]), false), n_, in);
  }

  Value eval(const Instr& i) {
    switch (i.op) {
      case Opcode::Const: return Tensor::scalar(i.number);
      case Opcode::Member: return member(i);
      case Opcode::Meta: return meta(i);
      case Opcode::Neuron: return neuron(i);
      case Opcode::Coeff:
        if (coeffMovable_) {
          coeffMovable_ = false;
          return std::move(coeff_);
        }
        return coeff_;
      case Opcode::FreshNoise: {
        Lin z;
        z.sym = true;
        z.blocks.emplace(nextNoise_++, CoefBlock::identity(n_, dense_));
        return z;
      }
      case Opcode::Unary: {
        const Value& v = at(i.operands[0]);
        if (i.name == ir::Op::Neg) {
          if (const Lin* l = std::get_if<Lin>(&v)) return runtime::linScale(*l, Tensor::scalar(-1));
          return runtime::mapTensor(asTensor(v), [](double x) { return -x; });
        }
        if (!ir::applyUnary(i.name.op(), 0.0)) throw std::runtime_error("unknown unary operator '" + i.name + "'");
        return runtime::mapTensor(asTensor(v), [&i](double x) { return *ir::applyUnary(i.name.op(), x); });
      }
      case Opcode::Binary: return binary(i);
      case Opcode::Select: {
        const Tensor& c = asTensor(at(i.operands[0]));
        const Value& a = at(i.operands[1]);
        const Value& b = at(i.operands[2]);
        if (std::holds_alternative<Lin>(a) || std::holds_alternative<Lin>(b)) {
          const bool sym = i.type == ir::ElemType::Sym;
          Lin sa, sb;  // conversions of non-linear operands only: linear ones are read in place
          const Lin& la = std::holds_alternative<Lin>(a) ? std::get<Lin>(a) : (sa = toLin(a, sym));
          const Lin& lb = std::holds_alternative<Lin>(b) ? std::get<Lin>(b) : (sb = toLin(b, sym));
          return runtime::linSelect(c, la, lb);
        }
        return runtime::selectTensor(c, asTensor(a), asTensor(b));
      }
      case Opcode::Reduce: return reduce(i);
      case Opcode::Map: return map(i);
      case Opcode::Traverse: return traverse(i);
      case Opcode::MatMul: return matmul(i);
      case Opcode::Lp: return lp(i);
      case Opcode::Yield: break;
    }
    throw std::runtime_error(std::string("the executor does not run '") + ir::opcodeName(i.op) + "'");
  }
};

std::string where(const Layer& layer) {
  return "layer " + std::to_string(layer.index) + " '" + layer.name + "' (" + layerOpName(layer.op) + ")";
}

int memberIndex(const CompiledCertifier& cc, const std::string& name) {
  for (size_t m = 0; m < cc.memberNames.size(); ++m)
    if (cc.memberNames[m] == name && cc.memberTypes[m] == ir::ElemType::Float) return static_cast<int>(m);
  return -1;
}

/// A backward flow after the forward one: from the output to the input, each layer whose
/// operator has a rev_ rule refines the layer(s) it reads. The rule runs as a layer whose own
/// neurons (curr) are those of the refined input, whose prev / prev_0 is the layer's output and
/// whose prev_1 is the other input of a two-input operator; its results replace the input's
/// members. For pooling, prev is the list of outputs whose window holds curr. For rev_Affine, prev
/// is the list of the layer's outputs and the layer's W, b give curr[equations] (lp). A layer
/// without a rev_ rule keeps its forward members.
void runBackwardFlow(ItemRun& run, const CompiledCertifier& cc, const LayerSequence& layers) {
  for (size_t li = layers.size(); li-- > 0;) {
    const Layer* l = &layers[li];
    if (l->op == LayerOp::Input || l->op == LayerOp::Concat) continue;
    const auto it = cc.reverseRules.find("rev_" + ruleOperatorFor(*l));
    if (it == cc.reverseRules.end()) continue;
    const bool pair = l->op == LayerOp::Add;
    const bool pool = l->op == LayerOp::MaxPool || l->op == LayerOp::AvgPool;
    const bool affine = l->op == LayerOp::Affine;  // rev_Affine: curr[equations] (lp) over W, b
    if (!pair && (l->inputs.size() != 1 || l->op == LayerOp::Conv)) continue;
    if (pool) {  // prev of an input neuron: the outputs whose window holds it
      const Layer& in = layers[static_cast<size_t>(l->inputs[0])];
      run.reverseWindows.assign(static_cast<size_t>(in.size()), {});
      int64_t out = 0;
      const PoolGeometry& g = l->pool;
      for (int c = 0; c < g.channels; ++c)
        for (int oh = 0; oh < g.outHeight; ++oh)
          for (int ow = 0; ow < g.outWidth; ++ow, ++out)
            for (int64_t j : g.window(c, oh, ow)) run.reverseWindows[static_cast<size_t>(j)].push_back(out);
    }
    for (size_t k = 0; k < (pair ? 2u : 1u); ++k) {
      const int refined = l->inputs[k];
      const Layer& in = layers[static_cast<size_t>(refined)];
      if (!pool && !affine && in.size() != l->size()) continue;
      Layer as = *l;  // the rule's layer: curr = the refined input's neurons
      as.index = refined;
      as.start = in.start;
      as.end = in.end;
      as.inputs = {l->index};
      if (pair) as.inputs.push_back(l->inputs[1 - k]);
      run.layer(as, it->second);
      run.states[static_cast<size_t>(refined)] = std::move(run.states.back());
      run.states.pop_back();
    }
    run.reverseWindows.clear();
  }
}

/// Runs every layer of `net` on one box; the states of every layer.
Result<std::vector<LayerBoundsResult>> runNetwork(const CompiledCertifier& cc, const LayerSequence& layers,
                                                  const InputBox& box,
                                                  const RunOptions* options = nullptr, int item = 0,
                                                  std::tuple<int64_t, int64_t, int64_t>* memory = nullptr,
                                                  std::vector<LayerLayout>* layouts = nullptr,
                                                  std::optional<NeuronTrace>* trace = nullptr,
                                                  std::vector<LayerMembers>* members = nullptr,
                                                  runtime::SharedWeights* shared = nullptr) {
  using R = Result<std::vector<LayerBoundsResult>>;
  if (memberIndex(cc, "l") < 0 || memberIndex(cc, "u") < 0)
    return R::failure(Diagnostic::error("the shape has no Float members named l and u to report"));
  if (layers.size() == 0 || box.lower.size() != layers.inputSize())
    return R::failure(Diagnostic::error("the input box has " + std::to_string(box.lower.size()) +
                                        " values; the network takes " + std::to_string(layers.inputSize())));
  std::optional<runtime::SharedWeights> own;
  if (!shared) shared = &own.emplace(layers.network());
  ItemRun run(cc, layers, options && options->dense, *shared);
  const runtime::RowViews views(!(options && options->dense));  // the dense executor copies rows
  if (options && options->trace && options->trace->first >= 0 &&
      options->trace->first < static_cast<int>(layers.size()) && options->trace->second >= 0 &&
      options->trace->second < layers[static_cast<size_t>(options->trace->first)].size()) {
    run.trace.emplace();
    run.trace->layer = options->trace->first;
    run.trace->neuron = options->trace->second;
  }
  R out;
  out.value.emplace();
  for (size_t li = 0; li < layers.size(); ++li) {
    const Layer& layer = layers[li];
    if (options && options->cancel && options->cancel->load(std::memory_order_relaxed))
      return R::failure(Diagnostic::error("cancelled"));
    const auto layerStart = std::chrono::steady_clock::now();
    try {
      if (layer.op == LayerOp::Input) {
        run.input(box);
      } else if (layer.op == LayerOp::Concat) {
        run.concat(layer);
      } else {
        const std::string rule = ruleOperatorFor(layer);
        const auto it = rule.empty() ? cc.rules.end() : cc.rules.find(rule);
        if (it == cc.rules.end()) {
          Diagnostic d = Diagnostic::error(where(layer) + ": the spec has no rule for " +
                                           (rule.empty() ? std::string("this operator") : rule));
          d.node = layer.name;
          return R::failure(d);
        }
        run.layer(layer, it->second);
      }
    } catch (const std::exception& e) {
      Diagnostic d = Diagnostic::error(where(layer) + ": " + e.what());
      d.node = layer.name;
      return R::failure(d);
    }
    run.recordTracedMembers(layer);
    const auto& members = run.states.back().members;
    LayerBoundsResult b;
    b.lower = std::get<Tensor>(members.at("l")).toMatrix(layer.size(), 1).col(0);
    b.upper = std::get<Tensor>(members.at("u")).toMatrix(layer.size(), 1).col(0);
    b.runMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - layerStart).count();
    out.value->push_back(std::move(b));
    if (options && options->onLayer) options->onLayer(item, layer.index, static_cast<int>(layers.size()));
  }
  if (!cc.reverseRules.empty()) {
    try {
      runBackwardFlow(run, cc, layers);
    } catch (const std::exception& e) {
      return R::failure(Diagnostic::error(std::string("backward flow: ") + e.what()));
    }
    for (size_t k = 0; k < out.value->size(); ++k) {  // the refined bounds
      const auto& members = run.states[k].members;
      const int64_t n = layers[k].size();
      (*out.value)[k].lower = std::get<Tensor>(members.at("l")).toMatrix(n, 1).col(0);
      (*out.value)[k].upper = std::get<Tensor>(members.at("u")).toMatrix(n, 1).col(0);
    }
  }
  if (memory) *memory = run.memory();
  if (layouts) *layouts = run.layouts();
  if (trace) *trace = std::move(run.trace);
  if (members)
    for (size_t k = 0; k < run.states.size(); ++k)
      members->push_back(denseMembers(run.states[k].members, cc.memberNames, layers[k].size()));
  return out;
}

/// The rows appended to the network for an item: e_label - e_j (j != label) for a labelled item;
/// for a VNN-LIB item, one row per atom `coeffs . y + constant >= 0` of its unsafe DNF.
struct OutputRows {
  Eigen::MatrixXd weight;
  Eigen::VectorXd bias;
};

std::optional<OutputRows> outputRows(const PropertyItem& item, int64_t outputs) {
  OutputRows rows;
  if (item.label) {
    if (*item.label < 0 || *item.label >= outputs || outputs < 2) return std::nullopt;
    rows.weight = Eigen::MatrixXd::Zero(outputs - 1, outputs);
    rows.bias = Eigen::VectorXd::Zero(outputs - 1);
    int64_t row = 0;
    for (int64_t j = 0; j < outputs; ++j) {
      if (j == *item.label) continue;
      rows.weight(row, *item.label) = 1;
      rows.weight(row++, j) = -1;
    }
    return rows;
  }
  int64_t atoms = 0;
  for (const auto& conj : item.unsafe) atoms += static_cast<int64_t>(conj.size());
  if (atoms == 0) return std::nullopt;
  rows.weight = Eigen::MatrixXd::Zero(atoms, outputs);
  rows.bias = Eigen::VectorXd::Zero(atoms);
  int64_t row = 0;
  for (const auto& conj : item.unsafe)
    for (const OutputInequality& atom : conj) {
      if (atom.coeffs.size() != outputs) return std::nullopt;
      rows.weight.row(row) = atom.coeffs.transpose();
      rows.bias[row++] = atom.constant;
    }
  return rows;
}

/// The margins layer computing `rows` from the output of `net` (core/network/margin_folding.h:
/// folded into the last layer when it is affine), appended after its last layer (index, neuron
/// range) and certified by the same rule.
Layer marginsLayer(const Network& net, const OutputRows& rows) {
  Layer m = cert::marginsLayer(net, rows.weight, rows.bias);
  m.index = static_cast<int>(net.layers.size());
  m.start = net.neuronCount();
  m.end = m.start + rows.weight.rows();
  return m;
}

/// `net` with its margins layer (a copy: for callers that need a Network of their own).
Network withOutputRows(const Network& net, const OutputRows& rows) {
  Network ext = net;
  ext.layers.push_back(marginsLayer(net, rows));
  assignNeuronRanges(ext);
  return ext;
}

}  // namespace

std::string layoutsText(const std::vector<LayerLayout>& layouts, const Network& net) {
  std::string out;
  auto range = [](const gbcsr::Box& b, int d) {
    return "[" + std::to_string(b.off[d]) + "," + std::to_string(b.end(d)) + ")";
  };
  for (size_t li = 0; li < layouts.size(); ++li) {
    const std::string head = li < net.layers.size()
                                 ? "layer " + std::to_string(li) + " '" + net.layers[li].name + "' "
                                 : "layer " + std::to_string(li) + " ";
    for (const MemberLayout& m : layouts[li].members) {
      if (m.blocks.empty()) out += head + m.member + ": (no non-zero blocks)\n";
      for (const gbcsr::BlockInfo& b : m.blocks) {
        char density[32];
        std::snprintf(density, sizeof density, "%g", b.density);
        out += head + m.member + ": " + gbcsr::kindName(b.kind) + " " + range(b.box, 0) + " x " + range(b.box, 1) +
               " x " + range(b.box, 2) + " " + std::to_string(b.bytes) + " B density " + density + "\n";
      }
    }
  }
  return out;
}

std::optional<Network> withMargins(const Network& net, const PropertyItem& item) {
  const std::optional<OutputRows> rows = outputRows(item, net.outputSize());
  if (!rows) return std::nullopt;
  return withOutputRows(net, *rows);
}

Result<std::vector<LayerBoundsResult>> certifyBox(const CompiledCertifier& cc, const Network& net, const InputBox& box) {
  return runNetwork(cc, LayerSequence(net), box);
}

namespace {

/// One item of a property: its network run (with the margins layer appended when labelled).
/// `badParams`: badParameters(net), scanned once per run.
Result<ItemResult> certifyItem(const CompiledCertifier& cc, const Network& net, const PropertyItem& item,
                               const RunOptions& options, int position, runtime::SharedWeights& shared,
                               const std::vector<BadParameter>& badParams) {
  const auto start = std::chrono::steady_clock::now();
  ItemResult r;
  r.index = item.index;
  r.label = item.label;
  const std::optional<OutputRows> rows = options.margins ? outputRows(item, net.outputSize()) : std::nullopt;
  const bool margins = rows.has_value();
  const Layer marginsRows = margins ? marginsLayer(net, *rows) : Layer{};
  std::tuple<int64_t, int64_t, int64_t> memory{0, 0, 0};
  std::vector<LayerLayout>* layouts = options.keepLayouts ? &r.layouts : nullptr;
  Result<std::vector<LayerBoundsResult>> layers =
      runNetwork(cc, margins ? LayerSequence(net, &marginsRows) : LayerSequence(net), item.box, &options, position,
                 &memory, layouts, &r.trace, options.keepMembers ? &r.members : nullptr, &shared);
  r.stateBytes = std::get<0>(memory);
  r.denseStateBytes = std::get<1>(memory);
  r.referencedWeightBytes = std::get<2>(memory);
  if (!layers.ok()) return Result<ItemResult>::failure(layers.diagnostics);
  r.layers = std::move(*layers.value);
  if (margins) {
    r.marginLower = r.layers.back().lower;
    r.marginUpper = r.layers.back().upper;
    r.layers.pop_back();
    if (!r.layouts.empty()) r.layouts.pop_back();
  }
  const VerdictDecision verdict = decideVerdict(net, badParams, item, r.layers, r.marginLower, r.marginUpper);
  r.verdict = verdict.verdict;
  r.reason = verdict.reason;
  r.verified = r.verdict == Verdict::Verified;
  r.timeMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  Result<ItemResult> out;
  out.value = std::move(r);
  return out;
}

int batchThreads(const RunOptions& options, size_t items) {
  if (items < 2 || options.onLayer || options.threads == 1) return 1;
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int want = options.threads > 0 ? options.threads : hw;
  return static_cast<int>(std::min<size_t>(static_cast<size_t>(want), items));
}

}  // namespace

Result<RunResult> certify(const CompiledCertifier& cc, const Network& net, const Property& property,
                          const RunOptions& options) {
  Result<RunResult> out;
  out.value.emplace();
  const size_t n = property.items.size();
  int threads = batchThreads(options, n);
  // The memory plan, before anything is allocated: refuse a run that cannot fit, and run no more
  // items at once than fit.
  int64_t outputRows = 0;
  for (const PropertyItem& item : property.items) {
    int64_t rows = item.label ? net.outputSize() - 1 : 0;
    for (const auto& conj : item.unsafe) rows += static_cast<int64_t>(conj.size());
    outputRows = std::max(outputRows, options.margins ? rows : 0);
  }
  const runtime::MemoryPlan plan = runtime::planMemory(cc, net, outputRows, options.keepMembers);
  const Result<int> fit = runtime::itemsWithinBudget(
      plan, net, threads, options.memoryLimit > 0 ? options.memoryLimit : runtime::defaultMemoryLimit());
  if (!fit.ok()) return Result<RunResult>::failure(fit.diagnostics);
  threads = std::min(threads, *fit.value);
  static std::once_flag tuned;
  std::call_once(tuned, runtime::tuneAllocatorForRuns);
  runtime::SharedWeights shared(net);  // weights and kernels, built once for every item
  const std::vector<BadParameter> badParams = badParameters(net);  // scanned once, not per item
  if (threads == 1) {
    // Items in sequence: products may use the whole thread budget (--threads 1: one thread).
    runtime::ScopedProductThreads productThreads(options.threads);
    for (size_t k = 0; k < n; ++k) {
      Result<ItemResult> r = certifyItem(cc, net, property.items[k], options, static_cast<int>(k), shared, badParams);
      if (!r.ok()) return Result<RunResult>::failure(r.diagnostics);
      out.value->items.push_back(std::move(*r.value));
    }
    return out;
  }
  // A batch: items are independent, so workers take them in turn, each item on one thread (its
  // products serial), and the results are put back in item order.
  std::vector<std::optional<Result<ItemResult>>> results(n);
  std::atomic<size_t> next{0};
  auto worker = [&] {
#ifdef _OPENMP
    omp_set_num_threads(1);  // per thread: this worker's products stay on it
#endif
    for (size_t k = next++; k < n; k = next++) {
      if (options.cancel && options.cancel->load(std::memory_order_relaxed)) break;
      try {
        results[k] = certifyItem(cc, net, property.items[k], options, static_cast<int>(k), shared, badParams);
      } catch (const std::exception& e) {
        results[k] = Result<ItemResult>::failure(Diagnostic::error(e.what()));
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  for (size_t k = 0; k < n; ++k) {
    if (!results[k]) return Result<RunResult>::failure(Diagnostic::error("cancelled"));
    if (!results[k]->ok()) return Result<RunResult>::failure(results[k]->diagnostics);
    out.value->items.push_back(std::move(*results[k]->value));
  }
  return out;
}

}  // namespace cert
