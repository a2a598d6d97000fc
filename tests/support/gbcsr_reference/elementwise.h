// Element-wise operations on g-BCSR tensors with default-value algebra: the result's default is
// op(defaults); regions where every operand is its default cost nothing.
#pragma once

#include "tests/support/gbcsr_reference/tensor.h"

namespace cert::gbcsr {

enum class BinOp { Add, Sub, Mul, Div, Min, Max, Lt, Le, Gt, Ge, Eq, Ne };
enum class UnOp { Neg, Abs, Sigma, Relu, Clamp, Not };

/// The scalar semantics (comparisons give 1/0; min/max as (y < x ? y : x) / (x < y ? y : x)).
double apply(BinOp op, double x, double y);
double apply(UnOp op, double x, double lo = 0, double hi = 0);

/// a op b over equal extents (throws std::invalid_argument otherwise), piece by piece:
/// - both sides Constant/default: Constant;
/// - block op scalar: identity (x+0, x-0, x*1, x/1, min(x,+inf), max(x,-inf)) keeps the block;
///   annihilators (x*0, min(x,-inf), max(x,+inf)) give a Constant when the block's values are all
///   finite; otherwise Constant, Dense, Broadcast keep their kind, Diagonal and Csr keep it when
///   op(0, s) == 0, Kernel when op is Mul by a finite s; else Dense;
/// - block op block: Diagonal x Diagonal (square on the same diagonal) when op(0,0) == 0,
///   Broadcast x Broadcast with the same repeated dims; every other pair Dense.
/// Shared (batch-independent) operands give shared results. A Constant equal to the result's
/// default is dropped.
Tensor binary(const Tensor& a, const Tensor& b, BinOp op);
/// a op s and s op a: the scalar as a block-free tensor of default s.
Tensor binary(const Tensor& a, BinOp op, double s);
Tensor binary(double s, BinOp op, const Tensor& a);

/// f(a): Constant, Dense, Broadcast keep their kind; Diagonal and Csr when f(0) == 0; Kernel for
/// Neg; else Dense. Relu = max(x, 0), Clamp to [lo, hi], Not = (x == 0).
Tensor unary(const Tensor& a, UnOp op, double lo = 0, double hi = 0);

/// cond != 0 ? a : b per element, without arithmetic on the unselected side (inf/NaN do not leak).
/// Where cond is a Constant or default the chosen side's block is kept; elsewhere Dense.
Tensor select(const Tensor& cond, const Tensor& a, const Tensor& b);

}  // namespace cert::gbcsr
