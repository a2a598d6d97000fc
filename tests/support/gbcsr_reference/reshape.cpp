// Slicing, writing back, batch repetition and reductions of g-BCSR tensors.
#include "tests/support/gbcsr_reference/reshape.h"

#include <stdexcept>

#include "tests/support/gbcsr_reference/partition.h"

namespace cert::gbcsr {

namespace {

Block shifted(Block b, int64_t dc) {
  b.box.off[2] += dc;
  return b;
}

void addRestricted(Tensor& out, const Block& b, const Box& region, int64_t dc) {
  const Box r = intersect(b.box, region);
  if (!r.empty()) out.blocks.push_back(shifted(restrictTo(b, r), dc));
}

double reduceLine(const Eigen::Ref<const Eigen::VectorXd>& v, ReduceOp op) {
  double r = op == ReduceOp::Sum ? 0.0 : v[0];
  for (int64_t i = op == ReduceOp::Sum ? 0 : 1; i < v.size(); ++i)
    r = op == ReduceOp::Sum ? r + v[i] : op == ReduceOp::Max ? (r < v[i] ? v[i] : r) : (v[i] < r ? v[i] : r);
  return r;
}

}  // namespace

Tensor sliceCols(const Tensor& t, int64_t c0, int64_t n) {
  if (c0 < 0 || n < 0 || c0 + n > t.cols) throw std::invalid_argument("gbcsr: column slice out of range");
  Tensor out = Tensor::filled(t.batch, t.rows, n, t.defaultValue);
  for (const Block& b : t.blocks) addRestricted(out, b, Box::of(0, t.batch, 0, t.rows, c0, n), -c0);
  return out;
}

Tensor writeCols(const Tensor& t, int64_t c0, const Tensor& part) {
  if (part.batch != t.batch || part.rows != t.rows || c0 < 0 || c0 + part.cols > t.cols)
    throw std::invalid_argument("gbcsr: column write out of range");
  Tensor out = Tensor::filled(t.batch, t.rows, t.cols, t.defaultValue);
  for (const Block& b : t.blocks) {
    addRestricted(out, b, Box::of(0, t.batch, 0, t.rows, 0, c0), 0);
    addRestricted(out, b, Box::of(0, t.batch, 0, t.rows, c0 + part.cols, t.cols - c0 - part.cols), 0);
  }
  for (const Block& b : part.blocks) out.blocks.push_back(shifted(b, c0));
  if (part.defaultValue != t.defaultValue)
    for (const Block& b : uncovered(part)) out.blocks.push_back(shifted(b, c0));
  return out;
}

Tensor repeatBatch(const Tensor& t, int64_t batch) {
  if (t.batch != 1) throw std::invalid_argument("gbcsr: repeatBatch needs a batch-1 tensor");
  Tensor out = t;
  out.batch = batch;
  for (Block& b : out.blocks) b.box.ext[0] = batch;
  return out;
}

Tensor reduce(const Tensor& t, int dim, ReduceOp op) {
  if (dim < 0 || dim > 2) throw std::invalid_argument("gbcsr: reduce over dim 0, 1 or 2");
  const DenseTensor d = toDense(t);
  const int64_t ext[3] = {t.batch, t.rows, t.cols};
  if (ext[dim] == 0) throw std::invalid_argument("gbcsr: reduce over an empty dim");
  DenseTensor r;
  if (dim == 0) {
    r.assign(1, Eigen::MatrixXd(t.rows, t.cols));
    Eigen::VectorXd line(t.batch);
    for (int64_t i = 0; i < t.rows; ++i)
      for (int64_t j = 0; j < t.cols; ++j) {
        for (int64_t b = 0; b < t.batch; ++b) line[b] = d[static_cast<size_t>(b)](i, j);
        r[0](i, j) = reduceLine(line, op);
      }
  } else {
    for (const auto& m : d) {
      Eigen::MatrixXd o(dim == 1 ? 1 : t.rows, dim == 1 ? t.cols : 1);
      if (dim == 1)
        for (int64_t j = 0; j < t.cols; ++j) o(0, j) = reduceLine(m.col(j), op);
      else
        for (int64_t i = 0; i < t.rows; ++i) o(i, 0) = reduceLine(m.row(i).transpose(), op);
      r.push_back(std::move(o));
    }
  }
  const double def = reduceLine(Eigen::VectorXd::Constant(ext[dim], t.defaultValue), op);
  return fromDense(r, def);
}

}  // namespace cert::gbcsr
