// A hyper-rectangle [offset, offset + extent) over [batch, rows, cols]: where a g-BCSR block lies.
#pragma once

#include <algorithm>
#include <cstdint>

namespace cert::gbcsr {

/// Dims: 0 = batch, 1 = rows, 2 = cols.
struct Box {
  int64_t off[3] = {0, 0, 0};
  int64_t ext[3] = {0, 0, 0};

  static Box of(int64_t b0, int64_t nb, int64_t r0, int64_t nr, int64_t c0, int64_t nc) {
    return Box{{b0, r0, c0}, {nb, nr, nc}};
  }
  int64_t end(int d) const { return off[d] + ext[d]; }
  bool empty() const { return ext[0] <= 0 || ext[1] <= 0 || ext[2] <= 0; }
  int64_t size() const { return ext[0] * ext[1] * ext[2]; }
  bool contains(const Box& o) const {
    for (int d = 0; d < 3; ++d)
      if (o.off[d] < off[d] || o.end(d) > end(d)) return false;
    return true;
  }
  bool operator==(const Box& o) const {
    for (int d = 0; d < 3; ++d)
      if (off[d] != o.off[d] || ext[d] != o.ext[d]) return false;
    return true;
  }
  /// `o` in this box's local coordinates.
  Box local(const Box& o) const {
    Box r = o;
    for (int d = 0; d < 3; ++d) r.off[d] -= off[d];
    return r;
  }
};

/// The intersection (empty when the boxes are disjoint).
inline Box intersect(const Box& a, const Box& b) {
  Box r;
  for (int d = 0; d < 3; ++d) {
    r.off[d] = std::max(a.off[d], b.off[d]);
    r.ext[d] = std::max<int64_t>(0, std::min(a.end(d), b.end(d)) - r.off[d]);
  }
  return r;
}

}  // namespace cert::gbcsr
