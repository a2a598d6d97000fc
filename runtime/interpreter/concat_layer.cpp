// ItemRun::concat: a Concat layer (several layers' neurons one after the other, or one layer's in
// a permuted order) is an index map. No rule runs: each member is its sources' rows, in order.
// Float members are gathered; a PolyExp member is the source neuron itself (one 1 per row: a
// Diagonal identity, else Csr, never dense); a SymExp member is its sources' rows (the selection
// times each source's form, one product per block).
#include <stdexcept>

#include "runtime/dense_values.h"
#include "runtime/interpreter/item_run.h"

namespace cert::interp {

namespace {

/// Per input layer (a layer read twice appears once): its neurons' rows in the Concat layer, as
/// (row, source neuron) pairs in row order.
std::map<int, std::vector<std::pair<int64_t, int64_t>>> sourcesByLayer(const Layer& layer, const LayerSequence& layers) {
  std::vector<std::pair<int, int64_t>> stacked;  // position among the inputs -> (layer, neuron)
  for (int in : layer.inputs)
    for (int64_t i = 0; i < layers[static_cast<size_t>(in)].size(); ++i) stacked.emplace_back(in, i);
  if (!layer.order.empty() && static_cast<int64_t>(layer.order.size()) != layer.size())
    throw std::runtime_error("its order has " + std::to_string(layer.order.size()) + " entries for " +
                             std::to_string(layer.size()) + " neurons");
  if (layer.order.empty() && static_cast<int64_t>(stacked.size()) != layer.size())
    throw std::runtime_error("its inputs have " + std::to_string(stacked.size()) + " neurons, not " +
                             std::to_string(layer.size()));
  std::map<int, std::vector<std::pair<int64_t, int64_t>>> out;
  for (int64_t j = 0; j < layer.size(); ++j) {
    const int64_t s = layer.concatSource(j);
    if (s < 0 || s >= static_cast<int64_t>(stacked.size()))
      throw std::runtime_error("its order reads neuron " + std::to_string(s) + " of " + std::to_string(stacked.size()));
    out[stacked[static_cast<size_t>(s)].first].emplace_back(j, stacked[static_cast<size_t>(s)].second);
  }
  return out;
}

/// The n x cols selection with a 1 at (row, source) for each pair: the identity as Diagonal, else
/// Csr (Dense for the dense executor).
CoefBlock selection(const runtime::Backend& backend, const std::vector<std::pair<int64_t, int64_t>>& pairs, int64_t n,
                    int64_t cols, bool denseOnly) {
  bool identity = n == cols && static_cast<int64_t>(pairs.size()) == n;
  for (size_t k = 0; identity && k < pairs.size(); ++k) identity = pairs[k].first == pairs[k].second;
  if (identity) return backend.identityBlock(n, denseOnly);
  return backend.selectionBlock(pairs, n, cols, denseOnly);  // one source per row, rows ascending
}

}  // namespace

void ItemRun::concat(const Layer& layer) {
  const int64_t n = layer.size();
  const auto sources = sourcesByLayer(layer, layers_);
  // One selection per input layer, shared by every member (a PolyExp's L and U are one expression:
  // a back-substitution step multiplies the shared storage once).
  std::map<int, CoefBlock> picks;
  for (const auto& [in, pairs] : sources) picks.emplace(in, selection(backend_, pairs, n, layers_[static_cast<size_t>(in)].size(), dense_));
  LayerState s;
  for (size_t m = 0; m < cc_.memberNames.size(); ++m) {
    const std::string& name = cc_.memberNames[m];
    if (leaveOut.count(name)) {  // nothing reads it (unread_members.h): not copied
      s.members.leaveOut(name);
      continue;
    }
    if (isCtMember(m)) {
      s.members[name] = trueConstraint(n);
      continue;
    }
    if (cc_.memberTypes[m] == ir::ElemType::Poly) {  // L = U = the source neuron
      Lin l;
      l.c0 = Tensor::full(n, 1, 1, 0);
      for (const auto& [in, pick] : picks) l.blocks.emplace(in, pick);
      s.members[name] = std::move(l);
      continue;
    }
    if (cc_.memberTypes[m] == ir::ElemType::Sym) {  // the sources' rows: the selection times each form
      Lin z;
      z.sym = true;
      z.c0 = Tensor::full(n, 1, 1, 0);
      for (const auto& [in, pairs] : sources) {
        const Lin& src = std::get<Lin>(states[static_cast<size_t>(in)].members.at(name));
        const CoefBlock& pick = picks.at(in);
        if (!dense_ && backend_.signSplit(z, pick, src, src, sharedKernelRows_, runtime::blockAdder(backend_, z)))
          continue;
        // The dense executor, or a value that is not finite: the rows copied one by one.
        Tensor c0 = z.c0.expand(n, 1, 1);
        for (const auto& [row, i] : pairs) c0.ref(row, 0, 0) += src.c0.at(i, 0, 0);
        z.c0 = std::move(c0);
        for (const auto& [k, blk] : src.blocks) {
          Tensor scratch;
          const std::span<const double> d = backend_.hostCoefs(blk, scratch);  // column after column
          const int64_t from = blk.rows(), cols = blk.cols();
          Tensor rows = Tensor::full(n, cols, 1, 0.0);
          for (const auto& [row, i] : pairs) {
            const int64_t at = from == 1 ? 0 : i;  // a single row stands for every row
            if (at >= from) throw std::runtime_error("its source form has fewer rows than its neurons");
            for (int64_t j = 0; j < cols; ++j) rows.ref(row, j, 0) = d[static_cast<size_t>(j * from + at)];
          }
          runtime::blockAdder(backend_, z)(k, backend_.denseBlock(rows, n, cols));
        }
      }
      s.members[name] = std::move(z);
      continue;
    }
    Tensor v = Tensor::uninitialized(n, 1, batch_);  // each item's rows gathered
    for (const auto& [in, pairs] : sources) {
      const Tensor& t = std::get<Tensor>(states[static_cast<size_t>(in)].members.at(name));
      for (int64_t k = 0; k < batch_; ++k)
        for (const auto& [row, i] : pairs) v.ref(row, 0, k) = t.at(i, 0, k);
    }
    s.members[name] = std::move(v);
  }
  states.push_back(std::move(s));
}

}  // namespace cert::interp
