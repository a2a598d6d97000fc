// ItemRun: map over a linear form's terms and traverse (back-substitution).
#include "runtime/interpreter/item_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "compiler/analysis/sign_split.h"
#include "compiler/ir/scalar_ops.h"

namespace cert::interp {

using ir::Instr;
using ir::NeuronRef;
using ir::Opcode;

namespace {

/// One block read twice (an Affine or Conv layer's L and U).
bool sameStorage(const CoefBlock& a, const CoefBlock& b) { return a.kind() == b.kind() && a.storage() == b.storage(); }

}  // namespace

Value ItemRun::map(const Instr& i) {
  const Lin e = materialized(at(i.operands[0]), i.frame == ir::FrameKind::Sym);
  Value acc = e.c0;
  const std::optional<analysis::SignSplit>& split = e.sym ? std::nullopt : signSplitFor(*i.regions[0]);
  const std::optional<analysis::SignScale>& scale = signScaleFor(*i.regions[0]);
  for (const auto& [b, blk] : e.blocks) {
    if (scale) {  // sum_j c_j * (c_j >= 0 ? a : b) in one pass over the block's stored values
      if (std::optional<Tensor> v = backend_.signSplitSum(blk, Tensor::scalar(scale->onPositive),
                                                          Tensor::scalar(scale->onNegative), sharedKernelRows_)) {
        acc = addValues(acc, *v);
        continue;
      }
    }
    if (split) {  // sum_j c_j * (c_j >= 0 ? n_j[A] : n_j[B]) in one pass over the block
      const Value& a = states.at(static_cast<size_t>(b)).members.at(split->onPositive);
      const Value& bv = states.at(static_cast<size_t>(b)).members.at(split->onNegative);
      if (std::holds_alternative<Tensor>(a) && std::holds_alternative<Tensor>(bv)) {
        std::optional<Tensor> v = parkedRowsSum(b, blk, std::get<Tensor>(a), std::get<Tensor>(bv));
        if (!v) v = backend_.signSplitSum(blk, std::get<Tensor>(a), std::get<Tensor>(bv), sharedKernelRows_);
        if (v) {
          acc = addValues(acc, *v);
          continue;
        }
      }
      // Linear members (a map that replaces each term by its neuron's L or U: one back-substitution
      // step written as a map): the traverse's fused product, pos(c) @ A + neg(c) @ B.
      const Lin* la = std::get_if<Lin>(&a);
      const Lin* lb = std::get_if<Lin>(&bv);
      if (la && lb && !la->sym && !lb->sym && la->lazy.empty() && lb->lazy.empty()) {
        Lin part;
        if (backend_.signSplit(part, blk, *la, *lb, sharedKernelRows_, runtime::blockAdder(backend_, part))) {
          acc = addValues(acc, Value(std::move(part)));
          continue;
        }
      }
    }
    if (!e.sym) {
      if (const std::optional<SparseTerms> st = sparseTerms(blk)) {  // the non-zero terms only
        const Value v = termValue(*i.regions[0], b, e.sym, *st);
        acc = addValues(acc, sumTerms(v, st->mask, st->width));
        continue;
      }
    }
    const HostCoefs c = hostCoefs(blk);
    const Value v = termValue(*i.regions[0], b, e.sym, c);
    acc = addValues(acc, sumTerms(v, nonZero(c), c.cols));
  }
  return acc;
}

Value ItemRun::traverse(const Instr& i) {
  Lin e = materialized(at(i.operands[0]), false);
  TraversalTrace* tt = nullptr;
  const int64_t tracedRow = trace && trace->layer == layer_->index ? trace->neuron : -1;
  if (tracedRow >= 0) {
    trace->traversals.emplace_back();
    tt = &trace->traversals.back();
    tt->line = i.origin.begin.line;
    tt->column = i.origin.begin.col;
    tt->forms.push_back(formOf(e, tracedRow));
  } else if (RefinedRows* refined = refinedRows(i, e)) {
    return traverseRows(i, std::move(e), *refined);
  }
  return traverseSteps(i, std::move(e), tt, tracedRow);
}

Lin ItemRun::traverseSteps(const Instr& i, Lin e, TraversalTrace* tt, int64_t tracedRow) {
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
    std::map<int, Choice> blocks;
    // Blocks whose replacement is a sign-split product (see signSplitFor): no term frame is built;
    // the whole block is replaced by one fused product when every row picks it.
    std::set<int> fused;
    // The blocks' coefficients on the host, once a step: Dense ones in place, others materialized.
    std::map<int, HostCoefs> coefs;
    auto coefOf = [&](int b, const CoefBlock& blk) -> const HostCoefs& {
      auto it = coefs.find(b);
      if (it == coefs.end()) it = coefs.emplace(b, hostCoefs(blk)).first;
      return it->second;
    };
    // Sparse blocks run their regions over their non-zero terms only, when nothing is stopped.
    std::map<int, SparseTerms> sparse;
    for (const auto& [b, blk] : e.blocks) {
      std::optional<Choice> ch = signSplitChoice(i, b, blk);
      if (!ch) ch = stoppedChoice(i, b, blk.cols());
      if (!ch) continue;
      blocks.emplace(b, std::move(*ch));
      fused.insert(b);
    }
    for (const auto& [b, blk] : e.blocks) {
      if (fused.count(b)) continue;
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
      ch.rowActive.resize(static_cast<size_t>(n_));
      for (int64_t r = 0; r < n_; ++r) ch.rowActive[static_cast<size_t>(r)] = !st->windows[static_cast<size_t>(r)].empty();
      blocks.emplace(b, std::move(ch));
      sparse.emplace(b, std::move(*st));
    }
    for (const auto& [b, blk] : e.blocks) {
      if (sparse.count(b) || fused.count(b)) continue;
      const HostCoefs& c = coefOf(b, blk);
      Choice ch;
      const Value stopValue = termValue(*i.regions[1], b, false, c);
      const Tensor& stopT = asTensor(stopValue);
      ch.active = nonZero(c);
      if (stopT.v.size() != 1 || stopT.v[0] != 0) {  // a constant false stop (DeepPoly's) stops nothing
        const Tensor stop = stopT.expand(n_, c.cols, 1);
        for (size_t k = 0; k < ch.active.where.v.size(); ++k)
          if (stop.v[k] != 0 && ch.active.where.v[k] != 0) {
            ch.active.where.v[k] = 0;
            ch.stopAny = true;
          }
        if (ch.stopAny) ch.active.full = false;
      }
      ch.priority = asTensor(termValue(*i.regions[0], b, false, c)).expand(n_, 1, 1);
      ch.rowActive.assign(static_cast<size_t>(n_), false);
      for (int64_t j = 0; j < c.cols; ++j)
        for (int64_t r = 0; r < n_; ++r)
          if (ch.active.where.v[static_cast<size_t>(j * n_ + r)] != 0) ch.rowActive[static_cast<size_t>(r)] = true;
      blocks.emplace(b, std::move(ch));
    }
    const std::optional<std::vector<double>> bestOrNone = bestPriorities(e, blocks);
    if (!bestOrNone) break;
    const std::vector<double>& best = *bestOrNone;
    std::vector<int> tracedReplaced;  // the blocks the traced row replaces in this step
    if (tt)
      for (const auto& [b, ch] : blocks)
        if (ch.rowActive[static_cast<size_t>(tracedRow)] &&
            ch.priority.at(tracedRow, 0, 0) == best[static_cast<size_t>(tracedRow)])
          tracedReplaced.push_back(b);
    Lin next;
    next.c0 = e.c0;
    for (auto& [b, blk] : e.blocks) {  // e is replaced after the loop: its blocks may be moved
      Choice& ch = blocks.at(b);
      const auto sp = sparse.find(b);
      bool some = false, allRows = true;
      std::vector<bool> chosen(static_cast<size_t>(n_));
      for (int64_t r = 0; r < n_; ++r) {
        const size_t row = static_cast<size_t>(r);
        chosen[row] = ch.rowActive[row] && ch.priority.at(r, 0, 0) == best[row];
        allRows = allRows && (chosen[row] || !ch.rowActive[row]);
        some = some || chosen[row];
      }
      if (!some) {
        Lin keep;
        keep.blocks.emplace(b, std::move(blk));
        next = runtime::linAdd(backend_, std::move(next), std::move(keep));
        continue;
      }
      // Every non-zero term chosen (the usual step: one layer's columns, no stop): nothing is
      // kept, the picked coefficients are the block itself and the mask is the active one.
      if (allRows && !ch.stopAny && sp != sparse.end()) {
        const Value rep = termValue(*i.regions[2], b, false, sp->second);
        next = runtime::linAdd(backend_, std::move(next), toLin(sumTerms(rep, sp->second.mask, sp->second.width), false));
        continue;
      }
      if (fused.count(b)) {
        // The step onto the input box and its concretization at once: b is the only block, so its
        // step leaves only the block onto the constants' layer, which the next step replaces.
        if (allRows && !tt && e.blocks.size() == 1) {
          if (const std::optional<Tensor> sums = stepsThroughReluOntoConstants(i, b, blk)) {
            next.c0 = backend_.binary(ir::Op::Add, next.c0, *sums);
            continue;
          }
          if (stepOntoConstants(i, b, blk, next)) continue;
        }
        // Some rows only (the others choose a block of a higher priority): the chosen rows step, the
        // other rows keep the block as it is. Up to a quarter of the rows step compacted (the
        // backend's selectRows, their result scattered back to their rows: 1 of 100 rows costs one
        // row's product); more as a row view of the block (keepRows).
        std::vector<int64_t> chosenRows;
        for (int64_t r = 0; !allRows && r < n_; ++r)
          if (chosen[static_cast<size_t>(r)]) chosenRows.push_back(r);
        const bool compact = !allRows && 4 * static_cast<int64_t>(chosenRows.size()) <= n_;
        const CoefBlock picked = allRows ? blk : compact ? backend_.selectRows(blk, chosenRows) : backend_.keepRows(blk, chosen);
        const std::optional<analysis::SignSplit>& split = signSplitFor(*i.regions[2]);
        Lin part;
        if (backend_.signSplit(part, picked, linMember(b, split->onPositive), linMember(b, split->onNegative),
                               sharedKernelRows_, runtime::blockAdder(backend_, part))) {
          if (compact) part = scatteredRows(std::move(part), chosenRows);
          if (!allRows) {
            std::vector<bool> unchosen(chosen.size());
            std::transform(chosen.begin(), chosen.end(), unchosen.begin(), [](bool c) { return !c; });
            next = runtime::linAdd(backend_, std::move(next),
                                   Lin{false, Tensor::scalar(0), {{b, backend_.keepRows(blk, unchosen)}}, {}});
          }
          next = runtime::linAdd(backend_, std::move(next), std::move(part));
          continue;
        }
        ch.active = nonZero(coefOf(b, blk));  // term by term below (some rows only, or not finite)
      }
      const HostCoefs& c = coefOf(b, blk);
      if (allRows && !ch.stopAny) {
        const Value rep = termValue(*i.regions[2], b, false, c);
        next = runtime::linAdd(backend_, std::move(next), toLin(sumTerms(rep, ch.active, c.cols), false));
        continue;
      }
      // Some rows only (a sparse block's mask is over its terms: rebuilt over the columns).
      const TermMask active = sp != sparse.end() ? nonZero(c) : ch.active;
      TermMask sel{active.where, false};
      for (int64_t r = 0; r < n_; ++r)
        if (!chosen[static_cast<size_t>(r)])
          for (int64_t j = 0; j < c.cols; ++j) sel.where.ref(r, j, 0) = 0;
      if (sel.where.v.size() != c.values.size()) throw std::logic_error("a term mask not over its block's coefficients");
      // The chosen terms are replaced; the others are kept as a Dense block (a NaN kept too).
      Tensor kept = Tensor::uninitialized(c.rows, c.cols, 1);
      HostCoefs picked;
      picked.rows = c.rows;
      picked.cols = c.cols;
      picked.scratch = Tensor::uninitialized(c.rows, c.cols, 1);
      bool anyKept = false;
      for (size_t k = 0; k < c.values.size(); ++k) {
        const bool replaced = sel.where.v[k] != 0;
        kept.v[k] = replaced ? 0.0 : c.values[k];
        picked.scratch.v[k] = replaced ? c.values[k] : 0.0;
        anyKept = anyKept || kept.v[k] != 0;
      }
      picked.values = picked.scratch.v;
      if (anyKept)
        next = runtime::linAdd(backend_, std::move(next),
                               Lin{false, Tensor::scalar(0), {{b, backend_.denseBlock(kept, c.rows, c.cols)}}, {}});
      const Value rep = termValue(*i.regions[2], b, false, picked);
      next = runtime::linAdd(backend_, std::move(next), toLin(sumTerms(rep, sel, c.cols), false));
    }
    e = materialized(std::move(next));
    if (tt && !tracedReplaced.empty()) {  // steps of other rows leave the traced row as it is
      tt->replaced.push_back(std::move(tracedReplaced));
      tt->forms.push_back(formOf(e, tracedRow));
    }
  }
  return e;
}

Lin ItemRun::scatteredRows(Lin part, std::span<const int64_t> rows) const {
  for (auto& [k, blk] : part.blocks) blk = backend_.scatterRows(blk, rows, n_);
  if (part.c0.v.size() == 1 && part.c0.v[0] == 0) return part;  // no constants
  const Tensor values = part.c0.expand(static_cast<int64_t>(rows.size()), 1, 1);
  Tensor c0 = Tensor::full(n_, 1, 1, 0.0);
  for (size_t k = 0; k < rows.size(); ++k) c0.v[static_cast<size_t>(rows[k])] = values.v[k];
  part.c0 = std::move(c0);
  return part;
}

const std::optional<analysis::SignSplit>& ItemRun::signSplitFor(const ir::Region& r) {
  auto it = signSplits_.find(&r);
  if (it == signSplits_.end()) it = signSplits_.emplace(&r, analysis::signSplitOf(*program_, r)).first;
  return it->second;
}

const std::optional<analysis::SignScale>& ItemRun::signScaleFor(const ir::Region& r) {
  auto it = signScales_.find(&r);
  if (it == signScales_.end()) it = signScales_.emplace(&r, analysis::signScaleOf(*program_, r)).first;
  return it->second;
}

bool ItemRun::signSplitApplies(const Instr& i, int b, int64_t cols) {
  const std::optional<analysis::SignSplit>& split = signSplitFor(*i.regions[2]);
  if (!split || b < 0 || static_cast<size_t>(b) >= states.size()) return false;
  for (const ir::Region* r : {i.regions[0].get(), i.regions[1].get()})
    for (const Instr& k : r->body)
      if (k.op == Opcode::Coeff) return false;  // priority or stop per coefficient: term frames
  const auto& members = states[static_cast<size_t>(b)].members;
  for (const std::string* name : {&split->onPositive, &split->onNegative}) {
    const auto m = members.find(*name);
    const Lin* l = m == members.end() ? nullptr : std::get_if<Lin>(&m->second);
    if (!l || l->sym || !l->lazy.empty()) return false;
  }
  auto noCoefficients = [] { return Tensor::scalar(0); };  // the regions read none (checked above)
  const Value stop = termValueOver(*i.regions[1], b, false, cols, nullptr, noCoefficients);
  const Tensor& stopT = asTensor(stop);
  return stopT.v.size() == 1 && stopT.v[0] == 0;  // only a constant false stop
}

bool ItemRun::stepOntoConstants(const Instr& i, int b, const CoefBlock& blk, Lin& next) {
  const std::optional<analysis::SignSplit>& split = signSplitFor(*i.regions[2]);
  const Lin& onPositive = linMember(b, split->onPositive);
  const Lin& onNegative = linMember(b, split->onNegative);
  if (onPositive.blocks.size() != 1 || onNegative.blocks.size() != 1) return false;
  const auto& [a, shared] = *onPositive.blocks.begin();
  const auto& [aNegative, sharedNegative] = *onNegative.blocks.begin();
  if (a != aNegative || !sameStorage(shared, sharedNegative)) return false;
  // Layer a's step: the only block left, replaced for every row with a term by the same sign split
  // over its members, which must be constants only.
  if (a == b || !signSplitApplies(i, a, shared.cols())) return false;
  const Lin& nextPositive = linMember(a, split->onPositive);
  const Lin& nextNegative = linMember(a, split->onNegative);
  if (!nextPositive.blocks.empty() || !nextNegative.blocks.empty()) return false;
  const std::optional<Tensor> sums =
      backend_.productSignSplitSum(blk, shared, nextPositive.c0, nextNegative.c0, sharedKernelRows_);
  if (!sums) return false;
  // Layer b's constants (the conv layer's bias) as its own step adds them.
  Lin part, constantsPositive, constantsNegative;
  constantsPositive.c0 = onPositive.c0;
  constantsNegative.c0 = onNegative.c0;
  if (!backend_.signSplit(part, blk, constantsPositive, constantsNegative, sharedKernelRows_,
                          runtime::blockAdder(backend_, part)))
    return false;
  next = runtime::linAdd(backend_, std::move(next), std::move(part));
  next.c0 = backend_.binary(ir::Op::Add, next.c0, *sums);
  return true;
}

std::optional<Tensor> ItemRun::stepsThroughReluOntoConstants(const Instr& i, int b, const CoefBlock& blk,
                                                             std::span<const int64_t> rows) {
  if (blk.kind() != CoefBlock::Kind::Kernel && blk.kind() != CoefBlock::Kind::Dense) return std::nullopt;
  const std::optional<analysis::SignSplit>& split = signSplitFor(*i.regions[2]);
  const Lin& reluPositive = linMember(b, split->onPositive);
  const Lin& reluNegative = linMember(b, split->onNegative);
  // Layer b's step: a column scaling chosen by sign onto one earlier layer a (a ReLU's relaxation).
  int a = -1;
  for (const Lin* form : {&reluPositive, &reluNegative})
    for (const auto& [k, block] : form->blocks) {
      if (block.kind() != CoefBlock::Kind::Diagonal || (a >= 0 && k != a)) return std::nullopt;
      a = k;
    }
  if (a < 0 || a == b || !signSplitApplies(i, a, blk.cols())) return std::nullopt;
  // Layer a's step: one shared Kernel block over a layer c whose members are constants only.
  const Lin& convPositive = linMember(a, split->onPositive);
  const Lin& convNegative = linMember(a, split->onNegative);
  if (convPositive.blocks.size() != 1 || convNegative.blocks.size() != 1) return std::nullopt;
  const auto& [c, conv] = *convPositive.blocks.begin();
  const auto& [cNegative, convOnNegative] = *convNegative.blocks.begin();
  if (c != cNegative || c == a || c == b || conv.kind() != CoefBlock::Kind::Kernel || !sameStorage(conv, convOnNegative) ||
      !signSplitApplies(i, c, conv.cols()))
    return std::nullopt;
  const Lin& boxPositive = linMember(c, split->onPositive);
  const Lin& boxNegative = linMember(c, split->onNegative);
  if (!boxPositive.blocks.empty() || !boxNegative.blocks.empty()) return std::nullopt;
  auto slopes = [this](const Lin& relu) {
    return relu.blocks.empty() ? Tensor::scalar(0) : backend_.diagonalValues(relu.blocks.begin()->second);
  };
  const runtime::Backend::ReluConvBox columns{slopes(reluPositive), slopes(reluNegative), reluPositive.c0,
                                              reluNegative.c0,        convPositive.c0,      convNegative.c0,
                                              boxPositive.c0,         boxNegative.c0};
  return rows.empty() ? backend_.reluConvOntoBoxSum(blk, conv, columns)
                      : backend_.reluConvOntoBoxSumOfRows(blk, rows, conv, columns);
}

}  // namespace cert::interp
