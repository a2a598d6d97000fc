// ItemRun: the term context of map/traverse regions, sparse term frames, and sums over terms.
#include "runtime/interpreter/item_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "compiler/ir/scalar_ops.h"

namespace cert::interp {

using ir::Instr;
using ir::NeuronRef;
using ir::Opcode;

ItemRun::HostCoefs ItemRun::hostCoefs(const CoefBlock& blk) const {
  HostCoefs c;
  c.rows = blk.rows();
  c.cols = blk.cols();
  c.values = backend_.hostCoefs(blk, c.scratch);
  return c;
}

Value ItemRun::termValue(const ir::Region& r, int b, bool sym, const HostCoefs& c) {
  return termValueOver(r, b, sym, c.cols, nullptr, [&c] {
    Tensor t = Tensor::uninitialized(c.rows, c.cols, 1);  // same column-major order
    std::copy(c.values.begin(), c.values.end(), t.v.begin());
    return t;
  });
}

Value ItemRun::termValue(const ir::Region& r, int b, bool sym, const SparseTerms& st) {
  return termValueOver(r, b, sym, st.width, &st.windows, [&st] { return st.values; });
}

bool ItemRun::sparseRowMembers(int b) const {
  for (const auto& [name, v] : states.at(static_cast<size_t>(b)).members)
    if (const Lin* l = std::get_if<Lin>(&v))
      for (const auto& [k, blk] : l->blocks)
        if (blk.kind() == CoefBlock::Kind::Dense ||
            (blk.kind() == CoefBlock::Kind::RowScaled && blk.scaledBase().kind() == CoefBlock::Kind::Dense))
          return false;
  return true;
}

const CoefBlock& ItemRun::kernelRows(const CoefBlock& blk) {
  if (const CoefBlock* shared = shared_.kernelRows(blk.kernelBlock(), backend_)) return *shared;
  auto it = kernelRows_.find(blk.storage());
  if (it != kernelRows_.end()) return it->second;
  CoefBlock m = backend_.kernelRows(blk.kernelBlock());
  return kernelRows_.emplace(blk.storage(), std::move(m)).first->second;
}

std::optional<ItemRun::SparseTerms> ItemRun::sparseTerms(const CoefBlock& blk) {
  constexpr double kSparseTermDensity = 0.25;
  constexpr int64_t kMinWidth = 32;
  if (dense_ || blk.cols() < kMinWidth || blk.rows() != n_) return std::nullopt;
  std::optional<runtime::RowTerms> rt = backend_.nonZeroTerms(
      blk, kSparseTermDensity, [this, &blk](const gbcsr::KernelBlock&) { return &kernelRows(blk); });
  if (!rt) return std::nullopt;
  SparseTerms st;
  st.windows = std::move(rt->windows);
  st.values = std::move(rt->values);
  st.mask.where = std::move(rt->where);
  st.mask.full = rt->full;
  st.width = rt->width;
  return st;
}

bool ItemRun::zeroWhereUnset(const Tensor& t, const Tensor& where) {
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

Value ItemRun::sumTerms(const Value& v, const TermMask& mask, int64_t width) {
  const Tensor& where = mask.where;
  if (const Lin* l = std::get_if<Lin>(&v)) {
    // Masking sets coefficients to 0 where `where` is 0. When the form's constant and every
    // term's coefficients are 0 there already (a mask without zeros; DeepPoly's max(c,0)
    // against the zeros of a convolution's coefficients) it changes nothing: the form is summed
    // as it is, without copying its coefficients through a select.
    bool allSet = mask.full || zeroWhereUnset(l->c0, where);
    for (const auto& t : l->lazy) allSet = allSet && (mask.full || zeroWhereUnset(t.coef, where));
    Lin maskedStore;
    if (!allSet) maskedStore = runtime::linSelect(backend_, where, *l, Lin{l->sym, Tensor::scalar(0), {}, {}});
    const Lin& masked = allSet ? *l : maskedStore;
    const int64_t saved = listExtent_;
    listExtent_ = width;
    Lin s = runtime::linSumList(backend_, masked, n_, width, [this](int layer, const std::string& m) -> const Lin& {
      return linMember(layer, m);
    }, dense_, sharedKernelRows_);
    listExtent_ = saved;
    return s;
  }
  const Tensor& x = asTensor(v);
  Tensor maskedStore;
  const bool asIs = mask.full || zeroWhereUnset(x, where);
  if (!asIs) maskedStore = backend_.select(where, x, Tensor::scalar(0));
  const Tensor& t = asIs ? x : maskedStore;
  return backend_.sumAlongList(t, n_, width);
}

Value ItemRun::addValues(const Value& a, const Value& b) const {
  if (std::holds_alternative<Lin>(a) || std::holds_alternative<Lin>(b)) {
    const bool sym = (std::holds_alternative<Lin>(a) && std::get<Lin>(a).sym) ||
                     (std::holds_alternative<Lin>(b) && std::get<Lin>(b).sym);
    return runtime::linAdd(backend_, toLin(a, sym), toLin(b, sym));
  }
  return backend_.binary(ir::Op::Add, std::get<Tensor>(a), std::get<Tensor>(b));
}

Lin ItemRun::materialized(Lin l) {
  if (!l.lazy.empty()) throw std::runtime_error("a list where a linear form is needed");
  if (l.c0.r != n_ || l.c0.c != 1 || l.c0.d != 1) l.c0 = l.c0.expand(n_, 1, 1);
  for (auto& [k, blk] : l.blocks)
    if (blk.rows() == 1 && n_ != 1) blk = backend_.repeatRow(blk, n_);
  return l;
}

ItemRun::TermMask ItemRun::nonZero(const HostCoefs& c) {
  TermMask m;
  m.where = Tensor::uninitialized(c.rows, c.cols, 1);  // same column-major order
  const double* src = c.values.data();
  int64_t zeros = 0;
  for (size_t k = 0; k < c.values.size(); ++k) {
    const bool nz = src[k] != 0;
    m.where.v[static_cast<size_t>(k)] = nz ? 1 : 0;
    zeros += nz ? 0 : 1;
  }
  m.full = zeros == 0;
  return m;
}

}  // namespace cert::interp
