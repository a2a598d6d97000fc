// The two routes of S @ T for a CSR S and a Kernel block T (csr_times_kernel.cpp): rows that
// share their columns at once, with the rows as vector lanes (groupProduct), and any other row by
// itself (accumulateRow); T's windows and S's row groups that both read.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "runtime/backend/cpu/convolution.h"

namespace cert::runtime::cpu::csr_kernel {

using cpu::SparseRM;

/// Per output neuron j of the convolution (a row of T, a column of S): where its taps inside the
/// input start in an accumulator over the input (channel 0) and in the weights, how many rows and
/// columns of taps are inside, and the input rows and columns they cover.
struct Window {
  int64_t acc = 0, weight = 0, position = 0, channel = 0;  // channel: oc's first weight
  int rows = 0, cols = 0, h0 = 0, h1 = -1, x0 = 0, x1 = -1;
};

/// The windows of k's rows, a function of its geometry alone: built once per geometry in the
/// process (2% of a convSmall CROWN run went to building them per product) and shared.
std::shared_ptr<const std::vector<Window>> windowsOf(const gbcsr::KernelBlock& k);

/// Rows of S with the same columns (the rows of one output position of a convolution's Toeplitz
/// matrix, over all its channels, scaled per column by a ReLU's slopes) in groups of at least
/// kMinGroupRows; `of[r]` is row r's group or -1.
constexpr size_t kMinGroupRows = 8;
struct RowGroups {
  std::vector<int> of;
  std::vector<std::vector<int64_t>> rows;
};

RowGroups groupsOfSameColumns(const SparseRM& s);

/// A rectangle of input rows [hMin, hMax] and columns [xMin, xMax] (over every channel); empty
/// while hMax < 0.
struct Field {
  int hMin, hMax, xMin, xMax;
  int64_t height() const { return hMax - hMin + 1; }
  int64_t width() const { return xMax - xMin + 1; }
  /// Grown to cover window w's taps inside the input.
  void cover(const Window& w) {
    hMin = std::min(hMin, w.h0), hMax = std::max(hMax, w.h1);
    xMin = std::min(xMin, w.x0), xMax = std::max(xMax, w.x1);
  }
  /// f(column) for the field's columns over `channels` channels of `positions` input positions,
  /// `width` per input row, in column order (channel, row, column).
  template <class F>
  void forEachColumn(int channels, int64_t positions, int width, F&& f) const {
    for (int ic = 0; ic < channels; ++ic)
      for (int h = hMin; h <= hMax; ++h) {
        const int64_t base = ic * positions + int64_t(h) * width;
        for (int x = xMin; x <= xMax; ++x) f(base + x);
      }
  }
};


/// One group's product: its rows' values over their receptive field [inC x height x width]
/// (column order), `lanes` values per entry, row i of the group in lane i (lanes past the rows
/// are 0).
struct GroupProduct {
  Field field{0, -1, 0, -1};
  int64_t lanes = 0;
  std::vector<double> values;
};


/// S[rows, :] @ T for rows with the same columns.
GroupProduct groupProduct(const SparseRM& s, std::span<const int64_t> rows, const gbcsr::KernelBlock& k,
                          const std::vector<Window>& windows);
/// The same from the group's values with a column's rows adjacent: `lanes` values per column
/// (a multiple of kLanes; lanes past the group's rows 0), column i of the group being T's row
/// columnIndices[i].
GroupProduct groupProductOfColumns(const double* columns, int64_t lanes, std::span<const int> columnIndices,
                                   const gbcsr::KernelBlock& k, const std::vector<Window>& windows);

/// Per lane i of gp (gp.lanes values into sums): the sum over its field of v * (v >= 0 ?
/// onPositive[column] : onNegative[column]) for its value v at each column, in column order.
void fieldSumsBySign(const GroupProduct& gp, const gbcsr::KernelBlock& k, const double* onPositive,
                     const double* onNegative, double* sums);

/// Scratch space of rows of S multiplied one at a time: the accumulator over T's columns and the
/// output positions' taps.
struct RowScratch {
  std::vector<double> acc, byPosition;
  std::vector<int64_t> touched;
  std::vector<char> isTouched;
};

/// Scratch space for rows of S @ T (zero).
RowScratch scratchFor(const gbcsr::KernelBlock& k);

/// Row r of S @ T added into scratch.acc (zero before). The row's terms at one output position p
/// (any channel oc) first sum c * W[oc, :] into that position's taps, B[p, (ic, kh, kw)], with
/// contiguous multiply-adds; each touched position's taps are then added into the accumulator
/// once. Adding every term's taps straight into the accumulator was twice as slow: overlapping
/// windows of neighbouring terms stall the stores. Returns the row's receptive field.
Field accumulateRow(const SparseRM& s, int64_t r, const gbcsr::KernelBlock& k, const std::vector<Window>& windows,
                    RowScratch& scratch);

}  // namespace cert::runtime::cpu::csr_kernel
