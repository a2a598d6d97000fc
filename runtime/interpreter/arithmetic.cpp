// ItemRun: binary operators on numbers and linear forms, reductions over frames, matrix products.
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

Value ItemRun::binary(const Instr& i) {
  // With a linear form, the routes below read and move operands in the environment.
  if (std::holds_alternative<Lin>(operandOf(i.operands[0])) || std::holds_alternative<Lin>(operandOf(i.operands[1])))
    stopLending(i);
  const Value& a = operandOf(i.operands[0]);
  const Value& b = operandOf(i.operands[1]);
  const bool la = std::holds_alternative<Lin>(a), lb = std::holds_alternative<Lin>(b);
  if (!la && !lb) {
    const Tensor& x = asTensor(a);
    const Tensor& y = asTensor(b);
    // An operand read for the last time lends its storage to the result (when it has the
    // result's extents): no new tensor, and the values are written where they were just read.
    // A member lent by the layer state is read in place, never written.
    const int ia = i.operands[0], ib = i.operands[1];
    auto own = [&](int id) { return dies(id) && !lent_.count(id); };
    const int reuse = ia == ib ? -1 : own(ia) ? 0 : own(ib) ? 1 : -1;
    if (i.name.op() == ir::Op::None) throw std::runtime_error("unknown binary operator '" + i.name + "'");
    // The backend resolves the operator once per instruction, not per element.
    if (reuse < 0) return backend_.binary(i.name.op(), x, y);
    return backend_.binaryInto(i.name.op(), std::move(std::get<Tensor>(at(reuse == 0 ? ia : ib))), reuse, reuse == 0 ? y : x);
  }
  const bool sym = i.type == ir::ElemType::Sym;
  if (i.name == ir::Op::Add || i.name == ir::Op::Sub) {
    const double sign = i.name == ir::Op::Add ? 1.0 : -1.0;
    // Operands read for the last time are moved (no copy of their coefficient tensors).
    const int ia = i.operands[0], ib = i.operands[1];
    const bool moveA = ia != ib && la && dies(ia), moveB = ia != ib && lb && dies(ib);
    Lin left = moveA ? std::move(std::get<Lin>(at(ia))) : toLin(a, sym);
    if (moveB) return runtime::linAdd(backend_, std::move(left), std::move(std::get<Lin>(at(ib))), sign);
    if (lb) return runtime::linAdd(backend_, std::move(left), std::get<Lin>(b), sign);  // b copied once
    return runtime::linAdd(backend_, std::move(left), toLin(b, sym), sign);
  }
  if (i.name == ir::Op::Mul) {
    const int linId = la ? i.operands[0] : i.operands[1], numId = la ? i.operands[1] : i.operands[0];
    if (Lin moved; takeAsCoefficients(std::get<Lin>(at(linId)), numId, moved)) {
      markKernel(moved, std::get<Lin>(at(linId)), numId);
      return moved;
    }
    Lin out = runtime::linScale(backend_, std::get<Lin>(at(linId)), asTensor(at(numId)));
    markKernel(out, std::get<Lin>(at(linId)), numId);
    return out;
  }
  if (i.name == ir::Op::Div && !lb)
    return runtime::linScale(backend_, std::get<Lin>(a), backend_.binary(ir::Op::Div, Tensor::scalar(1.0), asTensor(b)));
  throw std::runtime_error("'" + i.name + "' is not defined on linear forms");
}

Value ItemRun::reduce(const Instr& i) {
  const Value& v = at(i.operands[0]);
  if (const Lin* l = std::get_if<Lin>(&v)) {
    if (i.name != ir::Op::Sum && i.name != ir::Op::Avg) throw std::runtime_error("'" + i.name + "' over linear forms");
    Lin s = runtime::linSumList(backend_, *l, n_, listExtent_, [this](int layer, const std::string& m) -> const Lin& {
      return linMember(layer, m);
    }, dense_, sharedKernelRows_);
    if (i.name == ir::Op::Avg) s = runtime::linScale(backend_, s, backend_.binary(ir::Op::Div, Tensor::scalar(1.0), count()));
    return s;
  }
  const Tensor& t = asTensor(v);
  if (i.frame == ir::FrameKind::Other) return reduceAll(t);
  const Tensor full = t.expand(std::max(t.r, n_), listExtent_, t.d);  // t.d: a batch frame's items
  const Tensor valid = validity_.expand(full.r, listExtent_, 1);
  Tensor out = Tensor::full(full.r, 1, full.d, 0);
  const double inf = std::numeric_limits<double>::infinity();
  for (int64_t kr = 0; kr < full.d * full.r; ++kr) {
    const int64_t k = kr / full.r, r = kr % full.r;
    double acc = i.name == ir::Op::Max ? -inf : i.name == ir::Op::Min ? inf : 0.0;
    double cnt = 0;
    for (int64_t j = 0; j < listExtent_; ++j) {
      if (valid.at(r, j, 0) == 0) continue;
      const double x = full.at(r, j, k);
      cnt += 1;
      if (i.name == ir::Op::Max) acc = ir::maximum(acc, x);  // poison kept
      else if (i.name == ir::Op::Min) acc = ir::minimum(acc, x);
      else acc += x;
    }
    if (i.name == ir::Op::Len) acc = cnt;
    if (i.name == ir::Op::Avg) acc /= cnt;
    out.ref(r, 0, k) = acc;
  }
  return out;
}

Value ItemRun::matmul(const Instr& i) {
  const Value& a = at(i.operands[0]);
  const Value& b = at(i.operands[1]);
  const Tensor* ta = std::get_if<Tensor>(&a);
  const Tensor* tb = std::get_if<Tensor>(&b);
  if (ta && tb && windows_.empty() && i.frame == ir::FrameKind::Prev && tb->r == 1 && ta->d == 1 &&
      (tb->d == 1 || tb->c == listExtent_)) {
    // One matrix product on the backend (a batch frame: the items' rows as the columns of one GEMM);
    // the matrix read in place when it is full (column-major like the backend's), else expanded.
    const Tensor expandedMatrix = ta->c == listExtent_ ? Tensor{} : ta->expand(ta->r, listExtent_, 1);
    const Tensor expandedRow = tb->c == listExtent_ || tb->v.size() == 1 ? Tensor{} : tb->expand(1, listExtent_, 1);
    return backend_.matVec(ta->c == listExtent_ ? *ta : expandedMatrix,
                           tb->c == listExtent_ || tb->v.size() == 1 ? *tb : expandedRow);
  }
  Instr product;
  product.op = Opcode::Binary;
  product.name = "mul";
  product.type = i.type;
  product.operands = i.operands;
  Instr sum;
  sum.op = Opcode::Reduce;
  sum.name = "sum";
  sum.frame = i.frame;
  sum.type = i.type;
  sum.operands = {i.id};
  at(i.id) = binary(product);
  return reduce(sum);
}

Tensor ItemRun::count() const {
  if (windows_.empty()) return Tensor::scalar(static_cast<double>(listExtent_));
  Tensor c = Tensor::full(n_, 1, 1, 0);
  for (int64_t r = 0; r < n_; ++r) c.ref(r, 0, 0) = static_cast<double>(windows_[static_cast<size_t>(r)].size());
  return c;
}

Tensor ItemRun::reduceAll(const Tensor& t) const {
  const Tensor full = t.expand(std::max(t.r, n_), listExtent_, listExtent_);
  const Tensor valid = validity_.expand(full.r, listExtent_, 1);
  Tensor out = Tensor::full(full.r, listExtent_, 1, 0);
  for (int64_t r = 0; r < full.r; ++r)
    for (int64_t j = 0; j < listExtent_; ++j) {
      if (valid.at(r, j, 0) == 0) continue;
      bool all = true, poison = false;
      for (int64_t k = 0; k < listExtent_; ++k) {
        if (k == j || valid.at(r, k, 0) == 0) continue;
        const double x = full.at(r, j, k);
        poison = poison || x != x;
        all = all && x != 0;
      }
      out.ref(r, j, 0) = poison ? ir::kPoison : all ? 1 : 0;
    }
  return out;
}

}  // namespace cert::interp
