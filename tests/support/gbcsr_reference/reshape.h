// Column slices (one layer's block), writing them back, repeating along batch, reductions.
#pragma once

#include "tests/support/gbcsr_reference/tensor.h"

namespace cert::gbcsr {

/// Columns [c0, c0 + n): blocks are restricted (kinds as in restrictTo) and shifted; same default.
Tensor sliceCols(const Tensor& t, int64_t c0, int64_t n);

/// t with columns [c0, c0 + part.cols) replaced by `part` (same batch and rows). Blocks of t are
/// cut around the range (kinds as in restrictTo); part's uncovered cells become Constant blocks of
/// part's default when it differs from t's.
Tensor writeCols(const Tensor& t, int64_t c0, const Tensor& part);

/// A batch-1 tensor repeated to `batch` items: no copies, every block becomes batch-shared.
Tensor repeatBatch(const Tensor& t, int64_t batch);

enum class ReduceOp { Sum, Max, Min };
/// Reduction over dim (0 = batch, 1 = rows, 2 = cols) to extent 1. Falls back to the dense form
/// and detects blocks in the result (fromDense on one cell).
Tensor reduce(const Tensor& t, int dim, ReduceOp op);

}  // namespace cert::gbcsr
