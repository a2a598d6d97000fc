// Broadcasting tensor arithmetic and linear-form algebra of the dense executor.
#include "runtime/dense_values.h"

#include "compiler/ir/scalar_ops.h"
#include "runtime/backend/backend.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace cert::runtime {


int64_t joinExtent(int64_t a, int64_t b) {
  if (a == b || b == 1) return a;
  if (a == 1) return b;
  throw std::runtime_error("tensor extents " + std::to_string(a) + " and " + std::to_string(b) + " do not match");
}

Tensor Tensor::expand(int64_t rr, int64_t cc, int64_t dd) const {
  if (r == rr && c == cc && d == dd) return *this;
  joinExtent(rr, r), joinExtent(cc, c), joinExtent(dd, d);
  Tensor t = uninitialized(rr, cc, dd);
  for (int64_t k = 0; k < dd; ++k)
    for (int64_t j = 0; j < cc; ++j)
      for (int64_t i = 0; i < rr; ++i) t.ref(i, j, k) = at(i, j, k);
  return t;
}

namespace {
/// Add for sign 1, Sub for -1 (a linear form's sum or difference).
ir::Op addOrSub(double sign) {
  if (sign != 1.0 && sign != -1.0) throw std::logic_error("linAdd: a sign that is not 1 or -1");
  return sign == 1.0 ? ir::Op::Add : ir::Op::Sub;
}
}  // namespace

Lin linAdd(const Backend& backend, Lin a, const Lin& b, double sign) {
  Lin out = std::move(a);
  out.sym = out.sym || b.sym;
  out.c0 = backend.binaryInto(addOrSub(sign), std::move(out.c0), 0, b.c0);
  for (const auto& [k, m] : b.blocks) {
    auto it = out.blocks.find(k);
    if (it == out.blocks.end()) out.blocks.emplace(k, sign == 1.0 ? m : backend.scale(m, sign));
    else backend.addInto(it->second, m, sign);
  }
  for (const auto& t : b.lazy) {
    LazyTerm s = t;
    if (sign != 1.0) {
      s.coef = backend.unary(ir::Op::Neg, s.coef);
      s.block = nullptr;
    }
    out.lazy.push_back(std::move(s));
  }
  return out;
}

Lin linAdd(const Backend& backend, Lin a, Lin&& b, double sign) {
  Lin out = std::move(a);
  out.sym = out.sym || b.sym;
  out.c0 = backend.binaryInto(addOrSub(sign), std::move(out.c0), 0, b.c0);
  for (auto& [k, m] : b.blocks) {
    auto it = out.blocks.find(k);
    if (it == out.blocks.end()) out.blocks.emplace(k, sign == 1.0 ? std::move(m) : backend.scale(m, sign));
    else backend.addInto(it->second, std::move(m), sign);
  }
  for (auto& t : b.lazy) {
    if (sign != 1.0) {
      t.coef = backend.unary(ir::Op::Neg, t.coef);
      t.block = nullptr;
    }
    out.lazy.push_back(std::move(t));
  }
  return out;
}

Lin linScale(const Backend& backend, const Lin& a, const Tensor& s) {
  Lin out;
  out.sym = a.sym;
  out.c0 = backend.binary(ir::Op::Mul, a.c0, s);
  if (!a.blocks.empty()) {
    if (s.c != 1 || s.d != 1) throw std::runtime_error("scaling a materialized linear form along a list frame");
    for (const auto& [k, m] : a.blocks) {
      if (s.r == 1) out.blocks.emplace(k, s.v[0] == 1.0 ? m : backend.scale(m, s.v[0]));
      else out.blocks.emplace(k, backend.scaleRows(m, std::span<const double>(s.v.data(), static_cast<size_t>(s.r))));
    }
  }
  for (const auto& t : a.lazy) out.lazy.push_back({backend.binary(ir::Op::Mul, t.coef, s), t.atom, nullptr});
  return out;
}

Lin linSelect(const Backend& backend, const Tensor& cond, const Lin& a, const Lin& b) {
  const Tensor zero = Tensor::scalar(0);
  // Poison in cond stays poison in both (compiler/ir/scalar_ops.h): the branch taken is unknown.
  const Tensor notCond = backend.unary(ir::Op::Not, cond);
  auto keep = [&](const Lin& x, const Tensor& where) {
    Lin out;
    out.sym = x.sym;
    out.c0 = backend.select(where, x.c0, zero);
    if (!x.blocks.empty()) {
      if (where.c != 1 || where.d != 1) throw std::runtime_error("per-term select on a materialized linear form");
      std::vector<bool> rows;
      bool all = true, none = true;
      for (const auto& [k, m] : x.blocks) {
        if (rows.empty()) {
          rows.resize(static_cast<size_t>(m.rows()));
          for (int64_t i = 0; i < m.rows(); ++i) {
            rows[static_cast<size_t>(i)] = where.at(i, 0, 0) != 0;
            all = all && rows[static_cast<size_t>(i)];
            none = none && !rows[static_cast<size_t>(i)];
          }
        }
        if (none) continue;  // every row zero: the block is dropped
        out.blocks.emplace(k, all ? m : backend.keepRows(m, rows));
      }
    }
    for (const auto& t : x.lazy) out.lazy.push_back({backend.select(where, t.coef, zero), t.atom, nullptr});
    return out;
  };
  return linAdd(backend, keep(a, cond), keep(b, notCond));  // the rvalue overload: b's terms are moved
}

namespace {

/// The same linear form (same constant and blocks, no lazy terms): by storage, then by value.
bool sameForm(const Lin& a, const Lin& b) {
  if (&a == &b) return true;
  if (a.sym != b.sym || !a.lazy.empty() || !b.lazy.empty() || a.blocks.size() != b.blocks.size()) return false;
  if (a.c0.r != b.c0.r || a.c0.c != b.c0.c || a.c0.d != b.c0.d || a.c0.v != b.c0.v) return false;
  for (auto ia = a.blocks.begin(), ib = b.blocks.begin(); ia != a.blocks.end(); ++ia, ++ib)
    if (ia->first != ib->first || !ia->second.sameValues(ib->second)) return false;
  return true;
}

}  // namespace

Lin linExpandRows(const Lin& a, int64_t n) {
  Lin out = a;
  out.c0 = a.c0.expand(n, 1, 1);
  return out;
}

std::function<void(int, CoefBlock)> blockAdder(const Backend& backend, Lin& out) {
  return [&backend, &out](int key, CoefBlock m) {
    auto it = out.blocks.find(key);
    if (it == out.blocks.end()) out.blocks.emplace(key, std::move(m));
    else backend.addInto(it->second, std::move(m), 1.0);
  };
}

Lin linSumList(const Backend& backend, const Lin& a, int64_t n, int64_t listExtent, const MemberLookup& members,
               bool denseOnly, const KernelRowsLookup& kernelRows) {
  if (!a.blocks.empty()) throw std::runtime_error("sum over a list of a materialized linear form");
  Lin out;
  out.sym = a.sym;
  if (a.c0.v.size() == 1 && a.c0.v[0] == 0) out.c0 = Tensor::scalar(0);  // the usual case: no constant
  else out.c0 = backend.sumAlongList(a.c0, n, listExtent);
  const std::function<void(int, CoefBlock)> addBlock = blockAdder(backend, out);
  // Terms over the same member form (DeepPoly's max(C,0) @ L + min(C,0) @ U where an Affine
  // layer's L and U are one expression) are multiplied once with their summed coefficients.
  std::vector<bool> merged(a.lazy.size(), false);
  for (size_t ti = 0; ti < a.lazy.size(); ++ti) {
    if (merged[ti]) continue;
    const LazyTerm& t = a.lazy[ti];
    const Atom& at = t.atom;
    if (at.source == Atom::Source::ColAll) {
      if (at.member.empty()) {
        // A layer's weight times its inputs: the weight's own block (a Kernel, the network's matrix
        // or its Csr form), when the term is one row per output neuron.
        if (t.block && !denseOnly && t.block->rows() == n && t.block->cols() == listExtent)
          addBlock(at.layer, *t.block);
        else
          addBlock(at.layer, backend.denseBlock(t.coef, n, listExtent));
        continue;
      }
      const Lin& m = members(at.layer, at.member);
      if (t.block && !denseOnly) {
        // A layer's weight times a linear member of its inputs (DeepZ's prev[z].dot(weight)): the
        // weight's own block (a Kernel: its rows) times the member's blocks, W @ Z, never W dense;
        // a value that is not finite takes the dense product below, where 0 * inf is NaN.
        out.sym = m.sym;
        if (t.block->rows() == n && t.block->cols() == listExtent && backend.signSplit(out, *t.block, m, m, kernelRows, addBlock))
          continue;
        const Tensor w = backend.denseValues(*t.block);
        if (!(m.c0.v.size() == 1 && m.c0.v[0] == 0))
          out.c0 = backend.binaryInto(ir::Op::Add, std::move(out.c0), 0, backend.matVec(w, m.c0.expand(listExtent, 1, 1)));
        for (const auto& [k, blk] : m.blocks) addBlock(k, backend.leftMultiply(w, blk));
        continue;
      }
      std::vector<const Tensor*> parts{&t.coef};
      for (size_t tj = ti + 1; tj < a.lazy.size(); ++tj) {
        const Atom& o = a.lazy[tj].atom;
        if (merged[tj] || o.source != Atom::Source::ColAll || o.layer != at.layer || o.member.empty()) continue;
        if (o.member != at.member && !sameForm(m, members(o.layer, o.member))) continue;
        parts.push_back(&a.lazy[tj].coef);
        merged[tj] = true;
      }
      // The summed coefficients (one term: its own tensor, not copied).
      Tensor summed;
      const Tensor* coef = parts[0];
      if (parts.size() > 1) {
        summed = parts[0]->expand(n, listExtent, 1);
        for (size_t k = 1; k < parts.size(); ++k)
          summed = backend.binaryInto(ir::Op::Add, std::move(summed), 0, *parts[k]);
        coef = &summed;
      } else if (parts[0]->r != n || parts[0]->c != listExtent || parts[0]->d != 1) {
        summed = parts[0]->expand(n, listExtent, 1);
        coef = &summed;
      }
      out.sym = m.sym;
      if (!(m.c0.v.size() == 1 && m.c0.v[0] == 0))
        out.c0 = backend.binaryInto(ir::Op::Add, std::move(out.c0), 0, backend.matVec(*coef, m.c0.expand(listExtent, 1, 1)));
      for (const auto& [k, blk] : m.blocks) addBlock(k, backend.leftMultiply(*coef, blk));
      continue;
    }
    // Gather: row i sums coef(i, j) * source neuron windows[i][j].
    const auto& win = *at.windows;
    if (at.member.empty()) {
      const Tensor coef = t.coef.expand(n, listExtent, 1);
      int64_t width = at.width;
      for (const auto& w : win)
        for (int64_t idx : w) width = std::max(width, idx + 1);
      Tensor blk = Tensor::full(n, width, 1, 0.0);
      for (int64_t i = 0; i < n; ++i)
        for (size_t j = 0; j < win[static_cast<size_t>(i)].size(); ++j)
          blk.ref(i, win[static_cast<size_t>(i)][j], 0) += coef.at(i, static_cast<int64_t>(j), 0);
      addBlock(at.layer, backend.denseBlock(blk, n, width));
      continue;
    }
    // Member terms over the same windows are gathered in one pass (gatherInto); terms over the same
    // member form (DeepPoly's max(C,0) * L + min(C,0) * U where a conv layer's L and U are one
    // expression) first have their coefficients summed.
    std::vector<GatherTerm> group;
    for (size_t tj = ti; tj < a.lazy.size(); ++tj) {
      const Atom& o = a.lazy[tj].atom;
      if (tj != ti && (merged[tj] || o.source != Atom::Source::Gather || o.windows != at.windows ||
                       o.layer != at.layer || o.member.empty()))
        continue;
      merged[tj] = true;
      const Lin& m = members(o.layer, o.member);
      auto same = std::find_if(group.begin(), group.end(), [&](const GatherTerm& g) { return g.member == &m || sameForm(*g.member, m); });
      if (same != group.end()) same->coef = backend.binaryInto(ir::Op::Add, std::move(same->coef), 0, a.lazy[tj].coef);
      else group.push_back(GatherTerm{a.lazy[tj].coef.expand(n, listExtent, 1), &m});
    }
    backend.gather(out, group, win, n, denseOnly, kernelRows, addBlock);
  }
  return out;
}

}  // namespace cert::runtime
