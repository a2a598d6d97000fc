// The CPU backend's element-wise tensor operations (Backend::binary, binaryInto, unary, select):
// the operator resolved once per call, its arithmetic (compiler/ir/scalar_ops.h) inlined into the
// broadcasting loops of dense_values.h.
#include "runtime/backend/cpu/cpu_backend.h"
#include "runtime/backend/cpu/tensor_loops.h"

#include <stdexcept>
#include <string>

#include "compiler/ir/scalar_ops.h"

namespace cert::runtime::cpu {

namespace {

/// cond ? a : b, poison when cond is (compiler/ir/scalar_ops.h): the branch taken is unknown.
inline double selected(double cond, double a, double b) { return cond != cond ? ir::kPoison : cond != 0 ? a : b; }

/// Calls run(f) with f the element-wise arithmetic of binary operator op, inlined for the
/// operators the specs use most, ir::applyBinary otherwise.
template <class Run>
Tensor withBinary(ir::Op op, Run&& run) {
  switch (op) {
    case ir::Op::Add: return run([](double p, double q) { return p + q; });
    case ir::Op::Sub: return run([](double p, double q) { return p - q; });
    case ir::Op::Mul: return run([](double p, double q) { return p * q; });
    // Poison (NaN) is kept by every operator, comparisons included (compiler/ir/scalar_ops.h).
    case ir::Op::Div: return run([](double p, double q) { return ir::divide(p, q); });
    case ir::Op::Min: return run([](double p, double q) { return ir::minimum(p, q); });
    case ir::Op::Max: return run([](double p, double q) { return ir::maximum(p, q); });
    case ir::Op::Ge: return run([](double p, double q) { return ir::truth(p >= q, p, q); });
    case ir::Op::Le: return run([](double p, double q) { return ir::truth(p <= q, p, q); });
    case ir::Op::Gt: return run([](double p, double q) { return ir::truth(p > q, p, q); });
    case ir::Op::Lt: return run([](double p, double q) { return ir::truth(p < q, p, q); });
    default: break;
  }
  if (!ir::applyBinary(op, 0.0, 0.0))
    throw std::runtime_error(std::string("unknown binary operator '") + ir::opName(op) + "'");
  return run([op](double p, double q) { return *ir::applyBinary(op, p, q); });
}

}  // namespace

Tensor selectTensor(const Tensor& cond, const Tensor& a, const Tensor& b) {
  const int64_t r = joinExtent(joinExtent(cond.r, a.r), b.r), c = joinExtent(joinExtent(cond.c, a.c), b.c),
                d = joinExtent(joinExtent(cond.d, a.d), b.d);
  Tensor t = Tensor::uninitialized(r, c, d);
  const size_t n = t.v.size();
  auto flat = [n](const Tensor& x) { return x.v.size() == n || x.v.size() == 1; };
  if (cond.v.size() == n && flat(a) && flat(b)) {  // no index arithmetic: the executor's hot case
    const size_t sa = a.v.size() == n ? 1 : 0, sb = b.v.size() == n ? 1 : 0;
    for (size_t k = 0; k < n; ++k) t.v[k] = selected(cond.v[k], a.v[k * sa], b.v[k * sb]);
    return t;
  }
  for (int64_t k = 0; k < d; ++k)
    for (int64_t j = 0; j < c; ++j)
      for (int64_t i = 0; i < r; ++i) t.ref(i, j, k) = selected(cond.at(i, j, k), a.at(i, j, k), b.at(i, j, k));
  return t;
}

Tensor CpuBackend::binary(ir::Op op, const Tensor& a, const Tensor& b) const {
  return withBinary(op, [&](auto&& f) { return zip(a, b, f); });
}

Tensor CpuBackend::binaryInto(ir::Op op, Tensor&& operand, int into, const Tensor& other) const {
  return withBinary(op, [&](auto&& f) { return zipReusing(std::move(operand), into, other, f); });
}

Tensor CpuBackend::unary(ir::Op op, const Tensor& a) const {
  if (op == ir::Op::Neg) return mapTensor(a, [](double x) { return -x; });
  if (!ir::applyUnary(op, 0.0)) throw std::runtime_error(std::string("unknown unary operator '") + ir::opName(op) + "'");
  return mapTensor(a, [op](double x) { return *ir::applyUnary(op, x); });
}

Tensor CpuBackend::select(const Tensor& cond, const Tensor& a, const Tensor& b) const { return selectTensor(cond, a, b); }

}  // namespace cert::runtime::cpu
