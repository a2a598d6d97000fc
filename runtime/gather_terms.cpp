// Gathers of sparse term frames, all terms over the same windows in one pass.
#include "runtime/gather_terms.h"

#include <algorithm>
#include <map>
#include <memory>

namespace cert::runtime {

namespace {

/// One member block of one term (the block a gather reads rows of).
struct Source {
  const GatherTerm* term;
  const CoefBlock* block;
  const gbcsr::SparseRM* rows = nullptr;  ///< Csr / Kernel rows; nullptr for Diagonal
};

bool denseRows(const CoefBlock& b) { return b.kind() == CoefBlock::Kind::Dense || b.kind() == CoefBlock::Kind::RowScaled; }

/// The output block over dense member rows: acc.row(i) += c * src.row(windows[i][j]).
CoefBlock gatherDense(const std::vector<Source>& sources, const std::vector<std::vector<int64_t>>& windows, int64_t n,
                      int64_t width) {
  Eigen::MatrixXd acc = Eigen::MatrixXd::Zero(n, width);
  for (const Source& s : sources) {
    Eigen::MatrixXd materialized;
    const Eigen::MatrixXd& src = s.block->kind() == CoefBlock::Kind::Dense ? s.block->denseMatrix()
                                                                           : (materialized = s.block->toDense());
    for (int64_t i = 0; i < n; ++i) {
      const auto& w = windows[static_cast<size_t>(i)];
      for (size_t j = 0; j < w.size(); ++j) {
        const double c = s.term->coef(i, static_cast<int64_t>(j));
        if (c != 0) acc.row(i).head(src.cols()) += c * src.row(w[j]);
      }
    }
  }
  return CoefBlock::dense(std::move(acc));
}

/// The output block over sparse member rows, as CSR written row by row (columns in order).
CoefBlock gatherSparse(const std::vector<Source>& sources, const std::vector<std::vector<int64_t>>& windows, int64_t n,
                       int64_t width) {
  std::vector<double> accum(static_cast<size_t>(width), 0.0);
  std::vector<char> touched(static_cast<size_t>(width), 0);
  std::vector<int64_t> cols;
  std::vector<int> outer(static_cast<size_t>(n) + 1, 0), inner;
  std::vector<double> values;
  auto put = [&](int64_t col, double v) {
    if (!touched[static_cast<size_t>(col)]) {
      touched[static_cast<size_t>(col)] = 1;
      cols.push_back(col);
    }
    accum[static_cast<size_t>(col)] += v;
  };
  for (int64_t i = 0; i < n; ++i) {
    cols.clear();
    const auto& w = windows[static_cast<size_t>(i)];
    for (const Source& s : sources) {
      const double* crow = s.term->coef.data() + i * s.term->coef.cols();
      for (size_t j = 0; j < w.size(); ++j) {
        const double c = crow[j];
        if (c == 0) continue;
        if (s.rows) {
          for (gbcsr::SparseRM::InnerIterator it(*s.rows, w[j]); it; ++it) put(it.col(), c * it.value());
        } else {
          put(w[j], c * s.block->diag()[w[j]]);
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
    if (static_cast<int64_t>(cols.size()) * 16 < width) {
      std::sort(cols.begin(), cols.end());
      for (int64_t col : cols) emit(col);
    } else {
      for (int64_t col = 0; col < width; ++col)
        if (touched[static_cast<size_t>(col)]) emit(col);
    }
    outer[static_cast<size_t>(i) + 1] = static_cast<int>(inner.size());
  }
  const Eigen::Map<const gbcsr::SparseRM> view(n, width, static_cast<int64_t>(inner.size()), outer.data(), inner.data(),
                                               values.data());
  return CoefBlock::csr(gbcsr::SparseRM(view));
}

}  // namespace

void gatherInto(Lin& out, const std::vector<GatherTerm>& terms, const std::vector<std::vector<int64_t>>& windows,
                int64_t n, bool denseOnly, const KernelRowsLookup& kernelRows,
                const std::function<void(int, CoefBlock)>& addBlock) {
  Eigen::VectorXd add = Eigen::VectorXd::Zero(n);
  std::map<int, std::vector<Source>> byKey;
  for (const GatherTerm& t : terms) {
    const Lin& m = *t.member;
    out.sym = m.sym;
    for (int64_t i = 0; i < n; ++i) {
      const auto& w = windows[static_cast<size_t>(i)];
      for (size_t j = 0; j < w.size(); ++j) {
        const double c = t.coef(i, static_cast<int64_t>(j));
        if (c != 0) add[i] += c * m.c0.at(w[j], 0, 0);
      }
    }
    for (const auto& [k, blk] : m.blocks) byKey[k].push_back(Source{&t, &blk});
  }
  out.c0 = zip(out.c0, Tensor::column(add), [](double x, double y) { return x + y; });
  std::vector<std::unique_ptr<gbcsr::SparseRM>> built;  // Kernel rows made here (no shared rows)
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
        s.rows = &s.block->sparse();
      } else if (s.block->kind() == CoefBlock::Kind::Kernel) {
        s.rows = kernelRows ? kernelRows(s.block->kernelBlock()) : nullptr;
        if (!s.rows) {
          built.push_back(std::make_unique<gbcsr::SparseRM>(gbcsr::kernelRowsCsr(s.block->kernelBlock())));
          s.rows = built.back().get();
        }
      }
    }
    addBlock(k, gatherSparse(sources, windows, n, width));
  }
}

}  // namespace cert::runtime
