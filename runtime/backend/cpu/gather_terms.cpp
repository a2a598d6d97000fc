// Gathers of sparse term frames, all terms over the same windows in one pass.
#include "runtime/backend/cpu/gather_terms.h"
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/cpu_backend.h"
#include "runtime/backend/cpu/tensor_loops.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

namespace cert::runtime::cpu {

namespace {

/// A gather term with its coefficients row after row (each row's terms contiguous).
struct RowMajorTerm {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> coef;
  const Lin* member = nullptr;
};

/// One member block of one term (the block a gather reads rows of).
struct Source {
  const RowMajorTerm* term;
  const CoefBlock* block;
  const SparseRM* rows = nullptr;  ///< Csr / Kernel rows; nullptr for Diagonal
};

bool denseRows(const CoefBlock& b) {
  return b.kind() == CoefBlock::Kind::Dense ||
         (b.kind() == CoefBlock::Kind::RowScaled && b.scaledBase().kind() == CoefBlock::Kind::Dense);
}

/// The output block over dense member rows: acc.row(i) += c * src.row(windows[i][j]).
CoefBlock gatherDense(const std::vector<Source>& sources, const std::vector<std::vector<int64_t>>& windows, int64_t n,
                      int64_t width) {
  Eigen::MatrixXd acc = Eigen::MatrixXd::Zero(n, width);
  for (const Source& s : sources) {
    Eigen::MatrixXd materialized;
    const Eigen::MatrixXd& src = s.block->kind() == CoefBlock::Kind::Dense ? denseOf(*s.block)
                                                                           : (materialized = toDense(*s.block));
    for (int64_t i = 0; i < n; ++i) {
      const auto& w = windows[static_cast<size_t>(i)];
      for (size_t j = 0; j < w.size(); ++j) {
        const double c = s.term->coef(i, static_cast<int64_t>(j));
        if (c != 0) acc.row(i).head(src.cols()) += c * src.row(w[j]);
      }
    }
  }
  return makeDense(std::move(acc));
}

/// Strictly increasing (a window read from CSR rows is).
bool ascending(const std::vector<int64_t>& w) {
  for (size_t j = 1; j < w.size(); ++j)
    if (w[j] <= w[j - 1]) return false;
  return true;
}

/// Over Diagonal member rows only, with every window ascending: row i of the output has exactly
/// the columns windows[i], each the sum over sources of coef * diag (no scatter, no sort).
std::optional<CoefBlock> gatherDiagonal(const std::vector<Source>& sources,
                                        const std::vector<std::vector<int64_t>>& windows, int64_t n, int64_t width) {
  for (const Source& s : sources)
    if (s.block->kind() != CoefBlock::Kind::Diagonal) return std::nullopt;
  for (const auto& w : windows)
    if (!ascending(w)) return std::nullopt;
  std::vector<int> outer(static_cast<size_t>(n) + 1, 0), inner;
  std::vector<double> values;
  for (int64_t i = 0; i < n; ++i) {
    const auto& w = windows[static_cast<size_t>(i)];
    for (size_t j = 0; j < w.size(); ++j) {
      double v = 0;
      bool any = false;
      for (const Source& s : sources) {
        const double c = s.term->coef(i, static_cast<int64_t>(j));
        if (c == 0) continue;
        v += c * diagonalOf(*s.block)[w[j]];
        any = true;
      }
      if (!any) continue;  // as the scatter: a column no source reaches is not stored
      inner.push_back(static_cast<int>(w[j]));
      values.push_back(v);
    }
    outer[static_cast<size_t>(i) + 1] = static_cast<int>(inner.size());
  }
  const Eigen::Map<const SparseRM> view(n, width, static_cast<int64_t>(inner.size()), outer.data(), inner.data(),
                                               values.data());
  return makeCsr(SparseRM(view));
}

/// The output block over sparse member rows, as CSR written row by row (columns in order).
CoefBlock gatherSparse(const std::vector<Source>& sources, const std::vector<std::vector<int64_t>>& windows, int64_t n,
                       int64_t width) {
  std::vector<double> accum(static_cast<size_t>(width), 0.0);
  std::vector<char> touched(static_cast<size_t>(width), 0);
  std::vector<int64_t> cols;
  std::vector<int> outer(static_cast<size_t>(n) + 1, 0), inner;
  std::vector<double> values;
  for (int64_t i = 0; i < n; ++i) {
    cols.clear();
    const auto& w = windows[static_cast<size_t>(i)];
    // A row that reaches many columns is scanned for the touched ones (no column list, no branch
    // per product); a row that reaches few lists its columns and sorts them.
    int64_t reach = 0;
    for (const Source& s : sources)
      for (int64_t r : w) reach += s.rows ? s.rows->outerIndexPtr()[r + 1] - s.rows->outerIndexPtr()[r] : 1;
    const bool scan = reach * 16 >= width;
    for (const Source& s : sources) {
      const double* crow = s.term->coef.data() + i * s.term->coef.cols();
      for (size_t j = 0; j < w.size(); ++j) {
        const double c = crow[j];
        if (c == 0) continue;
        if (s.rows) {
          const int* outer = s.rows->outerIndexPtr();
          const int* idx = s.rows->innerIndexPtr();
          const double* val = s.rows->valuePtr();
          const int begin = outer[w[j]], end = outer[w[j] + 1];
          if (scan) {
            for (int e = begin; e < end; ++e) {
              accum[static_cast<size_t>(idx[e])] += c * val[e];
              touched[static_cast<size_t>(idx[e])] = 1;
            }
          } else {
            for (int e = begin; e < end; ++e) {
              const auto col = static_cast<size_t>(idx[e]);
              if (!touched[col]) {
                touched[col] = 1;
                cols.push_back(idx[e]);
              }
              accum[col] += c * val[e];
            }
          }
        } else {
          const auto col = static_cast<size_t>(w[j]);
          if (!touched[col]) {
            touched[col] = 1;
            if (!scan) cols.push_back(w[j]);
          }
          accum[col] += c * diagonalOf(*s.block)[w[j]];
        }
      }
    }
    auto emit = [&](int64_t col) {
      inner.push_back(static_cast<int>(col));
      values.push_back(accum[static_cast<size_t>(col)]);
      accum[static_cast<size_t>(col)] = 0.0;
      touched[static_cast<size_t>(col)] = 0;
    };
    // Columns in order: sorted when few, else one scan of the flags (cheaper than a sort once a
    // row touches more than about 1/16 of the columns).
    if (!scan) {
      std::sort(cols.begin(), cols.end());
      for (int64_t col : cols) emit(col);
    } else {
      for (int64_t col = 0; col < width; ++col)
        if (touched[static_cast<size_t>(col)]) emit(col);
    }
    outer[static_cast<size_t>(i) + 1] = static_cast<int>(inner.size());
  }
  const Eigen::Map<const SparseRM> view(n, width, static_cast<int64_t>(inner.size()), outer.data(), inner.data(),
                                               values.data());
  return makeCsr(SparseRM(view));
}

/// Over convolutions' kernels, when many rows reach far: the coefficients scattered into a dense
/// n x (kernel rows) matrix, times each kernel by im2col GEMMs (a transposed convolution,
/// leftMultiply). Chosen over the sparse gather by transposedConvolutionCost.
/// Empty when a source is not a Kernel block or a value is not finite (the gather skips zero
/// coefficients, where a product would turn 0 * inf into NaN).
std::optional<CoefBlock> gatherThroughKernels(const std::vector<Source>& sources,
                                              const std::vector<std::vector<int64_t>>& windows, int64_t n) {
  double scattered = 0, dense = 0;
  for (const Source& s : sources) {
    if (s.block->kind() != CoefBlock::Kind::Kernel || !s.rows || !s.block->allFinite() || !s.term->coef.allFinite())
      return std::nullopt;
    const int* outer = s.rows->outerIndexPtr();
    for (const auto& w : windows)
      for (int64_t r : w) scattered += outer[r + 1] - outer[r];
    dense += transposedConvolutionCost(n, s.block->kernelBlock().geometry);
  }
  if (dense >= kScatteredCost * scattered) return std::nullopt;
  Eigen::MatrixXd out;
  std::vector<bool> summed(sources.size(), false);  // coefficients summed into an earlier source's
  for (size_t a = 0; a < sources.size(); ++a) {
    if (summed[a]) continue;
    Eigen::MatrixXd coef = Eigen::MatrixXd::Zero(n, sources[a].block->rows());
    for (size_t b = a; b < sources.size(); ++b) {
      if (summed[b] || sources[b].block->kernelShared() != sources[a].block->kernelShared()) continue;
      summed[b] = true;
      for (int64_t i = 0; i < n; ++i) {
        const auto& w = windows[static_cast<size_t>(i)];
        const double* crow = sources[b].term->coef.data() + i * sources[b].term->coef.cols();
        for (size_t j = 0; j < w.size(); ++j) coef(i, w[j]) += crow[j];
      }
    }
    Eigen::MatrixXd part = leftMultiplyMatrix(coef, *sources[a].block);
    if (out.size() == 0) out = std::move(part);
    else out += part;
  }
  return makeDense(std::move(out));
}

}  // namespace

void gatherInto(Lin& out, const std::vector<GatherTerm>& terms, const std::vector<std::vector<int64_t>>& windows,
                int64_t n, bool denseOnly, const KernelRowsLookup& kernelRows,
                const std::function<void(int, CoefBlock)>& addBlock) {
  Eigen::VectorXd add = Eigen::VectorXd::Zero(n);
  std::vector<RowMajorTerm> rowMajor;
  rowMajor.reserve(terms.size());  // Sources point into it
  for (const GatherTerm& t : terms) {
    if (t.coef.r != n || t.coef.d != 1 || t.coef.v.size() != static_cast<size_t>(t.coef.r * t.coef.c))
      throw std::invalid_argument("a gather term's coefficients are not n x width");
    rowMajor.push_back({Eigen::Map<const Eigen::MatrixXd>(t.coef.v.data(), t.coef.r, t.coef.c), t.member});
  }
  std::map<int, std::vector<Source>> byKey;
  for (const RowMajorTerm& t : rowMajor) {
    const Lin& m = *t.member;
    out.sym = m.sym;
    // The members' constants: none to add when the constant is a scalar 0 (Kernel and Diagonal
    // forms without offsets); read in place when it is a column.
    const bool zeroConstant = m.c0.v.size() == 1 && m.c0.v[0] == 0;
    const bool column = m.c0.c == 1 && m.c0.d == 1 && m.c0.r > 1;
    for (int64_t i = 0; i < n && !zeroConstant; ++i) {
      const auto& w = windows[static_cast<size_t>(i)];
      const double* crow = t.coef.data() + i * t.coef.cols();
      double sum = 0;
      for (size_t j = 0; j < w.size(); ++j) {
        const double c = crow[j];
        if (c != 0) sum += c * (column ? m.c0.v[static_cast<size_t>(w[j])] : m.c0.at(w[j], 0, 0));
      }
      add[i] += sum;
    }
    for (const auto& [k, blk] : m.blocks) byKey[k].push_back(Source{&t, &blk});
  }
  out.c0 = zip(out.c0, columnTensor(add), [](double x, double y) { return x + y; });
  std::vector<std::unique_ptr<SparseRM>> built;  // Kernel rows made here (no shared rows)
  for (auto& [k, sources] : byKey) {
    int64_t width = 0;
    bool dense = denseOnly;
    for (const Source& s : sources) {
      width = std::max(width, s.block->cols());
      dense = dense || denseRows(*s.block);
    }
    if (dense) {
      addBlock(k, gatherDense(sources, windows, n, width));
      continue;
    }
    for (Source& s : sources) {
      if (s.block->kind() == CoefBlock::Kind::Csr) {
        s.rows = &csrOf(*s.block);
      } else if (s.block->kind() == CoefBlock::Kind::Kernel) {
        s.rows = kernelRows ? csrOf(kernelRows(s.block->kernelBlock())) : nullptr;
        if (!s.rows) {
          built.push_back(std::make_unique<SparseRM>(kernelRowsCsr(s.block->kernelBlock())));
          s.rows = built.back().get();
        }
      } else if (s.block->kind() == CoefBlock::Kind::RowScaled) {  // over a Kernel (denseRows: not Dense)
        const bool finite = valuesFinite(rowScaleOf(*s.block));
        built.push_back(std::make_unique<SparseRM>(
            finite ? rowScaledKernelRows(*s.block, kernelRows) : SparseRM(toDense(*s.block).sparseView(0.0, 0.0))));
        s.rows = built.back().get();
      }
      if (s.rows && !s.rows->isCompressed()) {
        built.push_back(std::make_unique<SparseRM>(*s.rows));
        built.back()->makeCompressed();
        s.rows = built.back().get();
      }
    }
    if (std::optional<CoefBlock> diagonal = gatherDiagonal(sources, windows, n, width)) {
      addBlock(k, std::move(*diagonal));
      continue;
    }
    if (std::optional<CoefBlock> viaKernels = gatherThroughKernels(sources, windows, n)) {
      addBlock(k, std::move(*viaKernels));
      continue;
    }
    addBlock(k, gatherSparse(sources, windows, n, width));
  }
}

}  // namespace cert::runtime::cpu
