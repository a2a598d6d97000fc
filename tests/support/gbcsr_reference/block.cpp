// Block dispatch over the kinds: materialization, sizes, restriction to a sub-box.
#include "tests/support/gbcsr_reference/block.h"
#include "tests/support/conv_toeplitz.h"

#include <algorithm>
#include <cmath>

namespace cert::gbcsr {

namespace {
template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

int64_t itemIndex(bool shared, int64_t b) { return shared ? 0 : b; }
}  // namespace

bool Block::shared() const {
  return std::visit([](const auto& d) { return d.shared(); }, data);
}
int64_t Block::bytes() const {
  return std::visit([](const auto& d) { return d.bytes(); }, data);
}
double Block::density() const {
  return std::visit([](const auto& d) { return d.density(); }, data);
}

Eigen::MatrixXd Block::item(int64_t b) const {
  const int64_t r = box.ext[1], c = box.ext[2];
  return std::visit(Overload{
                        [&](const DenseBlock& d) { return Eigen::MatrixXd(d.item(b)); },
                        [&](const ConstantBlock& d) { return d.item(r, c); },
                        [&](const DiagonalBlock& d) { return d.item(b); },
                        [&](const BroadcastBlock& d) { return d.item(b, r, c); },
                        [&](const KernelBlock& d) { return test::convToeplitz(d.geometry, d.weight); },
                        [&](const CsrBlock& d) { return d.item(b); },
                    },
                    data);
}

bool Block::allFinite() const {
  return std::visit(Overload{
                        [](const DenseBlock& d) {
                          for (const auto& m : d.items)
                            if (!m.allFinite()) return false;
                          return true;
                        },
                        [](const ConstantBlock& d) { return std::isfinite(d.value); },
                        [](const DiagonalBlock& d) {
                          for (const auto& v : d.items)
                            if (!v.allFinite()) return false;
                          return true;
                        },
                        [](const BroadcastBlock& d) {
                          for (const auto& m : d.items)
                            if (!m.allFinite()) return false;
                          return true;
                        },
                        [](const KernelBlock& d) { return std::all_of(d.weight.begin(), d.weight.end(), [](double w) { return std::isfinite(w); }); },
                        [](const CsrBlock& d) {
                          for (const auto& m : d.items)
                            for (int64_t i = 0; i < m.nonZeros(); ++i)
                              if (!std::isfinite(m.valuePtr()[i])) return false;
                          return true;
                        },
                    },
                    data);
}

BlockData denseData(std::vector<Eigen::MatrixXd> items) {
  bool same = items.size() > 1;
  for (size_t i = 1; same && i < items.size(); ++i) same = items[i] == items[0];
  if (same) items.resize(1);
  return DenseBlock{std::move(items)};
}

Block restrictTo(const Block& b, const Box& region) {
  if (region == b.box) return b;
  const Box l = b.box.local(region);
  const int64_t nb = l.ext[0], r0 = l.off[1], nr = l.ext[1], c0 = l.off[2], nc = l.ext[2];
  const auto items = [&](bool shared) { return shared ? int64_t(1) : nb; };
  Block out{region, ConstantBlock{}};
  std::visit(Overload{
                 [&](const DenseBlock& d) {
                   DenseBlock o;
                   for (int64_t i = 0; i < items(d.shared()); ++i)
                     o.items.push_back(d.item(itemIndex(d.shared(), l.off[0] + i)).block(r0, c0, nr, nc));
                   out.data = std::move(o);
                 },
                 [&](const ConstantBlock& d) { out.data = d; },
                 [&](const DiagonalBlock& d) {
                   if (r0 == c0 && nr == nc) {
                     DiagonalBlock o;
                     for (int64_t i = 0; i < items(d.shared()); ++i)
                       o.items.push_back(d.diag(itemIndex(d.shared(), l.off[0] + i)).segment(r0, nr));
                     out.data = std::move(o);
                     return;
                   }
                   DenseBlock o;
                   for (int64_t i = 0; i < items(d.shared()); ++i)
                     o.items.push_back(d.item(itemIndex(d.shared(), l.off[0] + i)).block(r0, c0, nr, nc));
                   out.data = std::move(o);
                 },
                 [&](const BroadcastBlock& d) {
                   BroadcastBlock o;
                   for (int64_t i = 0; i < items(d.shared()); ++i) {
                     const Eigen::MatrixXd& s = d.src(itemIndex(d.shared(), l.off[0] + i));
                     o.items.push_back(s.block(s.rows() == 1 ? 0 : r0, s.cols() == 1 ? 0 : c0,
                                               s.rows() == 1 ? 1 : nr, s.cols() == 1 ? 1 : nc));
                   }
                   out.data = std::move(o);
                 },
                 [&](const KernelBlock& d) {
                   if (l.off[1] == 0 && l.off[2] == 0 && nr == b.box.ext[1] && nc == b.box.ext[2]) {
                     out.data = d;  // only the batch range differs: still the whole Toeplitz matrix
                     return;
                   }
                   out.data = DenseBlock{{test::convToeplitz(d.geometry, d.weight).block(r0, c0, nr, nc)}};
                 },
                 [&](const CsrBlock& d) {
                   CsrBlock o;
                   for (int64_t i = 0; i < items(d.shared()); ++i)
                     o.items.push_back(d.sparse(itemIndex(d.shared(), l.off[0] + i)).block(r0, c0, nr, nc));
                   out.data = std::move(o);
                 },
             },
             b.data);
  return out;
}

}  // namespace cert::gbcsr
