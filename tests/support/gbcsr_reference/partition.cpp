// Piece partition on the grid of block edges, merged back into as few boxes as the grid allows.
#include "tests/support/gbcsr_reference/partition.h"

#include <algorithm>
#include <tuple>

namespace cert::gbcsr {

namespace {

std::vector<int64_t> edges(const std::vector<const Tensor*>& ts, int d, int64_t extent) {
  std::vector<int64_t> e{0, extent};
  for (const Tensor* t : ts)
    for (const Block& b : t->blocks) {
      e.push_back(b.box.off[d]);
      e.push_back(b.box.end(d));
    }
  std::sort(e.begin(), e.end());
  e.erase(std::unique(e.begin(), e.end()), e.end());
  return e;
}

/// Merges pieces with equal sources that touch along dim d and agree on the other dims.
void mergeAlong(std::vector<Piece>& ps, int d) {
  const int o1 = (d + 1) % 3, o2 = (d + 2) % 3;
  auto key = [&](const Piece& p) {
    return std::make_tuple(p.source, p.box.off[o1], p.box.ext[o1], p.box.off[o2], p.box.ext[o2], p.box.off[d]);
  };
  std::sort(ps.begin(), ps.end(), [&](const Piece& a, const Piece& b) { return key(a) < key(b); });
  std::vector<Piece> out;
  for (Piece& p : ps) {
    if (!out.empty()) {
      Piece& q = out.back();
      if (q.source == p.source && q.box.off[o1] == p.box.off[o1] && q.box.ext[o1] == p.box.ext[o1] &&
          q.box.off[o2] == p.box.off[o2] && q.box.ext[o2] == p.box.ext[o2] && q.box.end(d) == p.box.off[d]) {
        q.box.ext[d] += p.box.ext[d];
        continue;
      }
    }
    out.push_back(std::move(p));
  }
  ps = std::move(out);
}

std::vector<Piece> cells(const std::vector<const Tensor*>& ts, bool keepUncovered) {
  const Tensor& t0 = *ts[0];
  const auto eb = edges(ts, 0, t0.batch), er = edges(ts, 1, t0.rows), ec = edges(ts, 2, t0.cols);
  std::vector<Piece> ps;
  for (size_t i = 0; i + 1 < eb.size(); ++i)
    for (size_t j = 0; j + 1 < er.size(); ++j)
      for (size_t k = 0; k + 1 < ec.size(); ++k) {
        Piece p{Box::of(eb[i], eb[i + 1] - eb[i], er[j], er[j + 1] - er[j], ec[k], ec[k + 1] - ec[k]), {}};
        bool any = false;
        for (const Tensor* t : ts) {
          int found = -1;
          for (size_t b = 0; b < t->blocks.size() && found < 0; ++b)
            if (t->blocks[b].box.contains(p.box)) found = int(b);
          any = any || found >= 0;
          p.source.push_back(found);
        }
        if (any != keepUncovered) ps.push_back(std::move(p));
      }
  for (int d : {2, 1, 0}) mergeAlong(ps, d);
  return ps;
}

}  // namespace

std::vector<Piece> partition(const std::vector<const Tensor*>& tensors) {
  // Fast path: every tensor has at most one block, all on the same box.
  bool simple = true;
  const Box* box = nullptr;
  for (const Tensor* t : tensors) {
    if (t->blocks.size() > 1) simple = false;
    for (const Block& b : t->blocks) {
      if (box && !(*box == b.box)) simple = false;
      box = &b.box;
    }
  }
  if (simple) {
    if (!box) return {};
    Piece p{*box, {}};
    for (const Tensor* t : tensors) p.source.push_back(t->blocks.empty() ? -1 : 0);
    return {p};
  }
  return cells(tensors, false);
}

std::vector<Block> uncovered(const Tensor& t) {
  std::vector<Block> out;
  if (t.whole().empty()) return out;
  for (const Piece& p : cells({&t}, true)) out.push_back(Block{p.box, ConstantBlock{t.defaultValue}});
  return out;
}

}  // namespace cert::gbcsr
