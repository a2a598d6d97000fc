// ItemRun: traverses over some rows only (RunOptions::intermediate == ReluUnstable).
//
// A traverse `e.traverse(...){e <= n}` keeps its invariant at every step, the first included, so
// a row whose form is left as given is bounded as soundly by the map that follows as a row
// traversed to the end, only less tightly. Under ReluUnstable the driver names, per layer, which
// rows are worth the back-substitution (rowRefinementOf): the neurons a Relu reads whose one-step
// interval, the form over its terms' l/u, has l < 0 < u (the others' relaxation is exact
// whatever their bounds); none for a layer only linear layers read, or for the network's output
// when the margins decide the verdict. The rows run in a frame of their own (n_ = their count), so
// every product of the traverse costs only them.
#include <algorithm>
#include <cmath>
#include <utility>

#include "runtime/interpreter/item_run.h"

namespace cert::interp {

RowRefinement rowRefinementOf(const LayerSequence& layers, size_t k) {
  const int index = layers[k].index;
  bool read = false, byRelu = false;
  for (size_t j = k + 1; j < layers.size(); ++j) {
    const Layer& consumer = layers[j];
    if (std::find(consumer.inputs.begin(), consumer.inputs.end(), index) == consumer.inputs.end()) continue;
    read = true;
    switch (consumer.op) {
      case LayerOp::Relu: byRelu = true; break;
      case LayerOp::Affine: case LayerOp::Conv: case LayerOp::AvgPool: case LayerOp::Add: break;  // linear
      default: return RowRefinement::All;
    }
  }
  if (!read) {  // the network's last layer under margins (folded or not) or the margins themselves
    const bool networkOutput = k + 1 == layers.network().layers.size();
    return networkOutput && layers.appended() ? RowRefinement::None : RowRefinement::All;
  }
  return byRelu ? RowRefinement::Unstable : RowRefinement::None;
}

bool ItemRun::rowFree(const ir::Region& r, std::set<int>& defined, std::set<int>& perRow) const {
  for (const Instr& k : r.body) {
    switch (k.op) {
      case Opcode::Member:
      case Opcode::Meta:
      case Opcode::Neuron:
        if (k.ref != NeuronRef::Term) return false;  // curr, prev, ...: values per row of the layer
        break;
      case Opcode::FreshNoise:
      case Opcode::Lp: return false;
      default: break;
    }
    for (int o : k.operands) {
      if (defined.count(o)) continue;
      // An outer value: a number, or numbers per row of the layer (gathered for the rows run).
      const Tensor* t = o >= 0 && static_cast<size_t>(o) < env_.size() ? std::get_if<Tensor>(&env_[static_cast<size_t>(o)]) : nullptr;
      if (!t || (t->r != 1 && t->r != n_)) return false;
      if (t->r == n_ && n_ != 1) perRow.insert(o);
    }
    for (const auto& sub : k.regions)
      if (!rowFree(*sub, defined, perRow)) return false;
    defined.insert(k.id);
  }
  return true;
}

ItemRun::RefinedRows* ItemRun::refinedRows(const Instr& i, const Lin& e) {
  if (rowRefinement == RowRefinement::All || dense_ || batch_ != 1 || e.sym || !e.lazy.empty()) return nullptr;
  // A form over the input alone has nothing to substitute: its bound is the one-step interval.
  bool input = true;
  for (const auto& [b, blk] : e.blocks)
    input = input && b >= 0 && static_cast<size_t>(b) < layers_.size() && layers_[static_cast<size_t>(b)].op == LayerOp::Input;
  if (input) return nullptr;
  std::set<int> defined, perRow;
  for (const auto& r : i.regions)
    if (!rowFree(*r, defined, perRow)) return nullptr;
  if (rowRefinement == RowRefinement::None) return &noRows_;
  // The layer's traverses usually start from one form (an Affine's l and u both back-substitute
  // W prev + b): its rows are found once.
  RefinedRowsKey key{e.c0.v, {}};
  for (const auto& [b, blk] : e.blocks) key.blocks.emplace_back(b, blk);
  if (refinedRowsCache_ && refinedRowsCache_->first == key) return &refinedRowsCache_->second;
  // The one-step interval: e's constant plus each block against its layer's l (u) by sign.
  std::vector<double> lower(static_cast<size_t>(n_)), upper(static_cast<size_t>(n_));
  std::vector<RefinedRows::BlockSum> blockSums;
  const Tensor c0 = e.c0.expand(n_, 1, 1);
  for (int64_t r = 0; r < n_; ++r) lower[static_cast<size_t>(r)] = upper[static_cast<size_t>(r)] = c0.at(r, 0, 0);
  for (const auto& [b, blk] : e.blocks) {
    if (b < 0 || static_cast<size_t>(b) >= states.size()) return nullptr;
    const auto& members = states[static_cast<size_t>(b)].members;
    const auto l = members.find("l"), u = members.find("u");
    if (l == members.end() || u == members.end()) return nullptr;
    const Tensor* lt = std::get_if<Tensor>(&l->second);
    const Tensor* ut = std::get_if<Tensor>(&u->second);
    if (!lt || !ut) return nullptr;
    const std::optional<Tensor> lo = backend_.signSplitSum(blk, *lt, *ut, sharedKernelRows_);
    const std::optional<Tensor> hi = lo ? backend_.signSplitSum(blk, *ut, *lt, sharedKernelRows_) : std::nullopt;
    if (!lo || !hi) return nullptr;  // values that are not finite: every row, as written
    blockSums.push_back({b, lt, ut, *lo});
    blockSums.push_back({b, ut, lt, *hi});
    const std::vector<double> los = backend_.download(*lo), his = backend_.download(*hi);
    if (static_cast<int64_t>(los.size()) != n_ || static_cast<int64_t>(his.size()) != n_) return nullptr;
    for (int64_t r = 0; r < n_; ++r) {
      lower[static_cast<size_t>(r)] += los[static_cast<size_t>(r)];
      upper[static_cast<size_t>(r)] += his[static_cast<size_t>(r)];
    }
  }
  RefinedRows refined;
  refined.blockSums = std::move(blockSums);
  for (int64_t r = 0; r < n_; ++r)
    // A row whose interval is not finite is refined: its relaxation is not settled.
    if (!(lower[static_cast<size_t>(r)] >= 0) && !(upper[static_cast<size_t>(r)] <= 0)) refined.rows.push_back(r);
  if (static_cast<int64_t>(refined.rows.size()) == n_) return nullptr;
  refinedRowsCache_.emplace(std::move(key), std::move(refined));
  return &refinedRowsCache_->second;
}

std::optional<Tensor> ItemRun::parkedRowsSum(int b, const CoefBlock& blk, const Tensor& onPositive,
                                            const Tensor& onNegative) {
  if (!refinedRowsCache_) return std::nullopt;
  const RefinedRows& refined = refinedRowsCache_->second;
  const auto parked = refined.parked.find(b);
  if (parked == refined.parked.end() || parked->second.storage() != blk.storage()) return std::nullopt;
  for (const RefinedRows::BlockSum& s : refined.blockSums) {
    if (s.block != b || s.onPositive != &onPositive || s.onNegative != &onNegative) continue;
    // The parked block is the form's block with the refined rows zeroed: its rows' sums are the
    // block's, and the refined rows' are 0.
    Tensor sums = s.sums;
    if (sums.r != n_ || sums.c != 1 || sums.d != 1) return std::nullopt;
    for (int64_t r : refined.rows) sums.v[static_cast<size_t>(r)] = 0;
    return sums;
  }
  return std::nullopt;
}

std::optional<Tensor> ItemRun::reluConvOntoBoxOfRows(const Instr& i, const Lin& e, std::span<const int64_t> rows) {
  if (e.blocks.size() != 1) return std::nullopt;
  const auto& [b, blk] = *e.blocks.begin();
  // As traverseSteps's step: a sign-split block every row chooses (one block: each row with a
  // term, unless its priority is NaN), then the fused steps.
  const std::optional<Choice> choice = signSplitChoice(i, b, blk);
  if (!choice) return std::nullopt;
  for (int64_t r : rows)
    if (std::isnan(choice->priority.at(r, 0, 0))) return std::nullopt;
  return stepsThroughReluOntoConstants(i, b, blk, rows);
}

Lin ItemRun::traverseRows(const Instr& i, Lin e, RefinedRows& refined) {
  const std::vector<int64_t>& rows = refined.rows;
  if (rows.empty()) return e;
  const int64_t n = n_;
  const bool others = static_cast<int64_t>(rows.size()) < n;
  const Tensor c0 = e.c0.expand(n, 1, 1);
  Lin picked;
  picked.c0 = Tensor::uninitialized(static_cast<int64_t>(rows.size()), 1, 1);
  for (size_t k = 0; k < rows.size(); ++k) picked.c0.v[k] = c0.at(rows[k], 0, 0);
  // The rows left as given, placed back at once; the refined rows' constants are added below.
  Lin out;
  out.c0 = c0;
  for (int64_t r : rows) out.c0.v[static_cast<size_t>(r)] = 0;
  if (others && refined.parked.empty()) {  // made once for the layer's traverses of this form
    std::vector<bool> keep(static_cast<size_t>(n), true);
    for (int64_t r : rows) keep[static_cast<size_t>(r)] = false;
    for (const auto& [b, blk] : e.blocks) refined.parked.emplace(b, backend_.keepRows(blk, keep));
  }
  if (others) out.blocks = refined.parked;
  if (const std::optional<Tensor> sums = reluConvOntoBoxOfRows(i, e, rows)) {
    for (size_t k = 0; k < rows.size(); ++k)
      out.c0.v[static_cast<size_t>(rows[k])] = c0.at(rows[k], 0, 0) + sums->v[k];
    return out;
  }
  for (const auto& [b, blk] : e.blocks) picked.blocks.emplace(b, backend_.selectRows(blk, rows));
  e = Lin{};
  // Outer values the regions read per row: their rows gathered for the frame.
  std::set<int> defined, perRow;
  for (const auto& r : i.regions) rowFree(*r, defined, perRow);
  std::vector<std::pair<int, Value>> saved;
  for (int id : perRow) {
    const Tensor& t = std::get<Tensor>(env_[static_cast<size_t>(id)]);
    Tensor g = Tensor::uninitialized(static_cast<int64_t>(rows.size()), t.c, t.d);
    for (int64_t kk = 0; kk < t.d; ++kk)
      for (int64_t j = 0; j < t.c; ++j)
        for (size_t k = 0; k < rows.size(); ++k) g.ref(static_cast<int64_t>(k), j, kk) = t.at(rows[k], j, kk);
    saved.emplace_back(id, std::exchange(env_[static_cast<size_t>(id)], Value(std::move(g))));
  }
  // The traverse in a frame of rows.size() rows; n_ and the gathered values are restored however
  // it ends.
  struct RowsFrame {
    int64_t& n;
    const int64_t savedN;
    std::vector<Value>& env;
    std::vector<std::pair<int, Value>>& values;
    ~RowsFrame() {
      n = savedN;
      for (auto& [id, v] : values) env[static_cast<size_t>(id)] = std::move(v);
    }
  } frame{n_, n, env_, saved};
  n_ = static_cast<int64_t>(rows.size());
  Lin done = materialized(traverseSteps(i, std::move(picked), nullptr, -1));
  n_ = n;
  for (size_t k = 0; k < rows.size(); ++k) out.c0.v[static_cast<size_t>(rows[k])] = done.c0.at(static_cast<int64_t>(k), 0, 0);
  Lin placed;
  for (auto& [b, blk] : done.blocks) placed.blocks.emplace(b, backend_.scatterRows(blk, rows, n));
  return runtime::linAdd(backend_, std::move(out), std::move(placed));
}

}  // namespace cert::interp
