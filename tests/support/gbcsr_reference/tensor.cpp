// The g-BCSR tensor: invariants, dense conversion with block detection, the layout descriptor.
#include "tests/support/gbcsr_reference/tensor.h"

#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace cert::gbcsr {

void Tensor::add(Block b) {
  if (b.box.empty()) return;
  if (!whole().contains(b.box)) throw std::invalid_argument("gbcsr: block outside the tensor");
  for (const Block& o : blocks)
    if (!intersect(o.box, b.box).empty()) throw std::invalid_argument("gbcsr: overlapping blocks");
  blocks.push_back(std::move(b));
}

int64_t Tensor::bytes() const {
  int64_t n = 8;
  for (const Block& b : blocks) n += b.bytes();
  return n;
}

std::vector<BlockInfo> describe(const Tensor& t) {
  std::vector<BlockInfo> out;
  for (const Block& b : t.blocks) out.push_back({b.kind(), b.box, b.bytes(), b.density(), b.shared()});
  return out;
}

std::string describeText(const Tensor& t) {
  std::ostringstream os;
  os << "tensor [" << t.batch << " x " << t.rows << " x " << t.cols << "] default " << t.defaultValue << ", "
     << t.bytes() << " of " << t.denseBytes() << " B\n";
  for (const BlockInfo& i : describe(t)) {
    os << kindName(i.kind);
    for (int d = 0; d < 3; ++d) os << (d ? " x [" : " [") << i.box.off[d] << "," << i.box.end(d) << ")";
    os << " " << i.bytes << " B density " << i.density << (i.shared ? " shared" : "") << "\n";
  }
  return os.str();
}

DenseTensor toDense(const Tensor& t) {
  DenseTensor d(static_cast<size_t>(t.batch), Eigen::MatrixXd::Constant(t.rows, t.cols, t.defaultValue));
  for (const Block& b : t.blocks)
    for (int64_t i = 0; i < b.box.ext[0]; ++i)
      d[static_cast<size_t>(b.box.off[0] + i)].block(b.box.off[1], b.box.off[2], b.box.ext[1], b.box.ext[2]) =
          b.item(i);
  return d;
}

namespace {

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

bool allEqual(const Eigen::MatrixXd& m, double v) {
  for (int64_t j = 0; j < m.cols(); ++j)
    for (int64_t i = 0; i < m.rows(); ++i)
      if (!same(m(i, j), v)) return false;
  return true;
}

/// The cheapest exact kind for one cell (items: the cell of every batch item).
std::optional<BlockData> detect(const std::vector<Eigen::MatrixXd>& items, double def, double csrDensity) {
  const double v0 = items[0].size() ? items[0](0, 0) : def;
  bool constant = true;
  for (const auto& m : items) constant = constant && allEqual(m, v0);
  if (constant) {
    if (same(v0, def)) return std::nullopt;
    return ConstantBlock{v0};
  }
  BlockData dense = denseData(items);
  const auto& di = std::get<DenseBlock>(dense).items;
  bool finite = true;
  for (const auto& m : di) finite = finite && m.allFinite();
  if (!finite) return dense;
  if (items[0].rows() == items[0].cols()) {
    bool diagonal = true;
    for (const auto& m : di) {
      Eigen::MatrixXd off = m;
      off.diagonal().setZero();
      diagonal = diagonal && (off.array() == 0).all();
    }
    if (diagonal) {
      DiagonalBlock d;
      for (const auto& m : di) d.items.push_back(m.diagonal());
      return d;
    }
  }
  if (std::get<DenseBlock>(dense).density() < csrDensity) {
    CsrBlock c;
    for (const auto& m : di) c.items.push_back(m.sparseView());
    return c;
  }
  return dense;
}

std::vector<int64_t> edgesOr(std::vector<int64_t> e, int64_t extent) {
  if (e.empty()) return {0, extent};
  if (e.front() != 0 || e.back() != extent) throw std::invalid_argument("gbcsr: grid edges must span the extent");
  return e;
}

}  // namespace

Tensor fromDense(const DenseTensor& d, double defaultValue, std::vector<int64_t> rowEdges,
                 std::vector<int64_t> colEdges, double csrDensity) {
  Tensor t{int64_t(d.size()), d.empty() ? 0 : d[0].rows(), d.empty() ? 0 : d[0].cols(), defaultValue, {}};
  rowEdges = edgesOr(std::move(rowEdges), t.rows);
  colEdges = edgesOr(std::move(colEdges), t.cols);
  for (size_t ri = 0; ri + 1 < rowEdges.size(); ++ri)
    for (size_t ci = 0; ci + 1 < colEdges.size(); ++ci) {
      const Box box = Box::of(0, t.batch, rowEdges[ri], rowEdges[ri + 1] - rowEdges[ri], colEdges[ci],
                              colEdges[ci + 1] - colEdges[ci]);
      if (box.empty()) continue;
      std::vector<Eigen::MatrixXd> items;
      for (const auto& m : d) items.push_back(m.block(box.off[1], box.off[2], box.ext[1], box.ext[2]));
      if (auto data = detect(items, defaultValue, csrDensity)) t.blocks.push_back(Block{box, std::move(*data)});
    }
  return t;
}

bool sameValues(const DenseTensor& a, const DenseTensor& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k].rows() != b[k].rows() || a[k].cols() != b[k].cols()) return false;
    for (int64_t j = 0; j < a[k].cols(); ++j)
      for (int64_t i = 0; i < a[k].rows(); ++i)
        if (!same(a[k](i, j), b[k](i, j))) return false;
  }
  return true;
}

}  // namespace cert::gbcsr
