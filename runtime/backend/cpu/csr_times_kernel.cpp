// S @ T for a CSR S and a Kernel block T (back-substitution of sparse coefficient rows through a
// conv layer): rows that share their columns at once, with the rows as vector lanes; any other
// row by itself, with its terms' taps summed per position (convolution.h).
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/vector_lanes.h"

#include <algorithm>
#include <limits>
#include <variant>
#include <vector>

namespace cert::runtime::cpu {

namespace {

using gbcsr::SparseRM;

/// Per output neuron j of the convolution (a row of T, a column of S): where its taps inside the
/// input start in an accumulator over the input (channel 0) and in the weights, how many rows and
/// columns of taps are inside, and the input rows and columns they cover.
struct Window {
  int64_t acc = 0, weight = 0, position = 0, channel = 0;  // channel: oc's first weight
  int rows = 0, cols = 0, h0 = 0, h1 = -1, x0 = 0, x1 = -1;
};

std::vector<Window> windowsOf(const gbcsr::KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  const int inH = g.inHeight, inW = g.inWidth, dH = g.dilationH, dW = g.dilationW;
  const int64_t pout = int64_t(g.outHeight) * g.outWidth, taps = int64_t(g.kernelH) * g.kernelW;
  std::vector<Window> windows(static_cast<size_t>(k.rows()));
  for (int64_t j = 0; j < k.rows(); ++j) {
    const int oc = static_cast<int>(j / pout), oy = static_cast<int>((j % pout) / g.outWidth), ox = static_cast<int>(j % g.outWidth);
    const int h = oy * g.strideH - g.padTop, x = ox * g.strideW - g.padLeft;
    const TapRange kh = insideTaps(h, g.kernelH, dH, inH), kw = insideTaps(x, g.kernelW, dW, inW);
    const int khB = kh.begin, khE = kh.end, kwB = kw.begin, kwE = kw.end;
    Window& w = windows[static_cast<size_t>(j)];
    w.position = j % pout;
    w.channel = int64_t(oc) * g.inChannels * taps;
    if (khB >= khE || kwB >= kwE) continue;
    w.rows = khE - khB, w.cols = kwE - kwB;
    w.h0 = h + khB * dH, w.h1 = h + (khE - 1) * dH, w.x0 = x + kwB * dW, w.x1 = x + (kwE - 1) * dW;
    w.acc = int64_t(w.h0) * inW + w.x0;
    w.weight = w.channel + int64_t(khB) * g.kernelW + kwB;
  }
  return windows;
}

/// Rows of S with the same columns (the rows of one output position of a convolution's Toeplitz
/// matrix, over all its channels, scaled per column by a ReLU's slopes) in groups of at least
/// kMinGroupRows; `of[r]` is row r's group or -1.
constexpr size_t kMinGroupRows = 8;
struct RowGroups {
  std::vector<int> of;
  std::vector<std::vector<int64_t>> rows;
};

RowGroups groupsOfSameColumns(const SparseRM& s) {
  RowGroups out;
  out.of.assign(static_cast<size_t>(s.rows()), -1);
  if (static_cast<size_t>(s.rows()) < kMinGroupRows) return out;
  const int* outer = s.outerIndexPtr();
  const int* inner = s.innerIndexPtr();
  // Rows by a hash of their columns (their count, first, middle and last, and their sum: no chain
  // of dependent multiplies through every index as in FNV; equal hashes are compared below),
  // then runs of one hash split into runs of the same columns (rows in order within each).
  std::vector<std::pair<uint64_t, int64_t>> byHash;
  byHash.reserve(static_cast<size_t>(s.rows()));
  for (int64_t r = 0; r < s.rows(); ++r) {
    const int b = outer[r], e = outer[r + 1];
    if (b == e) continue;
    uint64_t sum = 0;
    for (int n = b; n < e; ++n) sum += static_cast<uint64_t>(inner[n]);
    uint64_t h = 0;
    for (const uint64_t part : {static_cast<uint64_t>(e - b), static_cast<uint64_t>(inner[b]),
                                static_cast<uint64_t>(inner[(b + e) / 2]), static_cast<uint64_t>(inner[e - 1]), sum})
      h = (h ^ part) * 1099511628211ull;
    byHash.emplace_back(h, r);
  }
  std::sort(byHash.begin(), byHash.end());
  auto sameColumns = [&](int64_t a, int64_t b) {
    return outer[a + 1] - outer[a] == outer[b + 1] - outer[b] &&
           std::equal(inner + outer[a], inner + outer[a + 1], inner + outer[b]);
  };
  std::vector<int64_t> run, rest;
  for (size_t b = 0, e = 0; b < byHash.size(); b = e) {
    for (e = b; e < byHash.size() && byHash[e].first == byHash[b].first;) ++e;
    if (e - b < kMinGroupRows) continue;
    rest.clear();
    for (size_t i = b; i < e; ++i) rest.push_back(byHash[i].second);
    while (rest.size() >= kMinGroupRows) {  // a hash shared by different columns: split
      run.clear();
      std::vector<int64_t> others;
      for (const int64_t r : rest) (sameColumns(rest.front(), r) ? run : others).push_back(r);
      if (run.size() >= kMinGroupRows) {
        for (const int64_t r : run) out.of[static_cast<size_t>(r)] = static_cast<int>(out.rows.size());
        out.rows.push_back(run);
      }
      rest.swap(others);
    }
  }
  return out;
}

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
};

/// One group's product: its rows' values over their receptive field [inC x height x width]
/// (column order), `lanes` values per entry, row i of the group in lane i (lanes past the rows
/// are 0).
struct GroupProduct {
  Field field{0, -1, 0, -1};
  int64_t lanes = 0;
  std::vector<double> values;
};

/// Taps (kh, kw0 .. kw0 + Taps) of one output position for V vectors of rows: per tap, the sum
/// over S's columns (oc, p) of W[oc, tap] * S[., (oc, p)] in registers (each column's values
/// loaded once for all Taps taps), then added into the field. `weights`: W[0] at the first tap;
/// `terms`: (the column's index among the group's columns, W[oc]'s first weight) pairs;
/// `columns` and `field`: from the block's first lane, `lanes` values per column or field entry;
/// `step`: the distance between two taps' field entries.
template <int V, int Taps>
void tapsAtOnce(const double* weights, std::span<const int64_t> terms, const double* columns, int64_t lanes,
                double* field, int64_t step) {
  Lanes acc[Taps][V];
  zeroLanes(acc);
  for (size_t n = 0; n < terms.size(); n += 2) {
    const double* w = weights + terms[n + 1];
    const double* c = columns + terms[n] * lanes;
    Lanes v[V];
#pragma GCC unroll 4
    for (int j = 0; j < V; ++j) v[j] = loadLanes(c + j * kLanes);
#pragma GCC unroll 4
    for (int t = 0; t < Taps; ++t) {
      const double wt = w[t];
#pragma GCC unroll 4
      for (int j = 0; j < V; ++j) acc[t][j] += wt * v[j];
    }
  }
#pragma GCC unroll 4
  for (int t = 0; t < Taps; ++t)
#pragma GCC unroll 4
    for (int j = 0; j < V; ++j) {
      double* o = field + t * step + j * kLanes;
      storeLanes(o, loadLanes(o) + acc[t][j]);
    }
}

/// The taps of one output position p for V vectors of rows, up to four taps of a kernel row at
/// once (tapsAtOnce).
template <int V>
void accumulatePosition(const double* weights, std::span<const int64_t> terms, const double* columns, double* field,
                        const Window& w, const ConvGeometry& g, const GroupProduct& gp) {
  const int64_t taps = int64_t(g.kernelH) * g.kernelW, lanes = gp.lanes;
  const int64_t first = w.weight - w.channel;  // the first inside tap's offset in a channel's taps
  const int64_t step = int64_t(g.dilationW) * lanes;
  for (int ic = 0; ic < g.inChannels; ++ic)
    for (int kh = 0; kh < w.rows; ++kh) {
      const int64_t fieldRow = (int64_t(ic) * gp.field.height() + (w.h0 + kh * g.dilationH - gp.field.hMin)) * gp.field.width();
      const double* tapRow = weights + ic * taps + first + int64_t(kh) * g.kernelW;
      for (int kw = 0; kw < w.cols; kw += 4) {
        const double* wk = tapRow + kw;
        double* o = field + (fieldRow + w.x0 + kw * g.dilationW - gp.field.xMin) * lanes;
        switch (std::min(4, w.cols - kw)) {
          case 4: tapsAtOnce<V, 4>(wk, terms, columns, lanes, o, step); break;
          case 3: tapsAtOnce<V, 3>(wk, terms, columns, lanes, o, step); break;
          case 2: tapsAtOnce<V, 2>(wk, terms, columns, lanes, o, step); break;
          default: tapsAtOnce<V, 1>(wk, terms, columns, lanes, o, step); break;
        }
      }
    }
}

/// S[rows, :] @ T for rows with the same columns.
GroupProduct groupProduct(const SparseRM& s, std::span<const int64_t> rows, const gbcsr::KernelBlock& k,
                          const std::vector<Window>& windows) {
  const ConvGeometry& g = k.geometry;
  GroupProduct gp;
  gp.lanes = (static_cast<int64_t>(rows.size()) + kLanes - 1) / kLanes * kLanes;
  const int begin = s.outerIndexPtr()[rows.front()];
  const int64_t n = s.outerIndexPtr()[rows.front() + 1] - begin;
  const int* inner = s.innerIndexPtr() + begin;
  // The group's values, a column's rows adjacent, transposed in 8 x 8 tiles in registers (rows
  // past the group's are 0): one value at a time, strided stores were a fifth of the product on
  // convSmall.
  std::vector<double> columns(static_cast<size_t>(n * gp.lanes), 0.0);
  const int64_t wholeColumns = n / kLanes * kLanes;
  for (int64_t i0 = 0; i0 < static_cast<int64_t>(rows.size()); i0 += kLanes) {
    const double* v[kLanes];
    for (int64_t i = 0; i < kLanes; ++i)
      v[i] = i0 + i < static_cast<int64_t>(rows.size()) ? s.valuePtr() + s.outerIndexPtr()[rows[static_cast<size_t>(i0 + i)]] : nullptr;
    for (int64_t c = 0; c < wholeColumns; c += kLanes) {
      Lanes tile[kLanes];
      for (int i = 0; i < kLanes; ++i) tile[i] = v[i] ? loadLanes(v[i] + c) : Lanes{};
      transposeTile(tile);
      for (int j = 0; j < kLanes; ++j) storeLanes(columns.data() + (c + j) * gp.lanes + i0, tile[j]);
    }
    for (int64_t i = 0; i < kLanes; ++i)
      if (v[i])
        for (int64_t c = wholeColumns; c < n; ++c) columns[static_cast<size_t>(c * gp.lanes + i0 + i)] = v[i][c];
  }
  std::vector<std::pair<int64_t, int64_t>> byPosition;  // (position, column index)
  gp.field.hMin = g.inHeight, gp.field.xMin = g.inWidth;
  for (int64_t c = 0; c < n; ++c) {
    const Window& w = windows[static_cast<size_t>(inner[c])];
    if (w.rows == 0) continue;
    byPosition.emplace_back(w.position, c);
    gp.field.cover(w);
  }
  if (byPosition.empty()) return gp;
  std::sort(byPosition.begin(), byPosition.end());
  gp.values.assign(static_cast<size_t>(g.inChannels * gp.field.height() * gp.field.width() * gp.lanes), 0.0);
  std::vector<int64_t> terms;
  for (size_t b = 0; b < byPosition.size();) {
    size_t e = b;
    terms.clear();
    for (; e < byPosition.size() && byPosition[e].first == byPosition[b].first; ++e) {
      terms.push_back(byPosition[e].second);
      terms.push_back(windows[static_cast<size_t>(inner[byPosition[e].second])].channel);
    }
    const Window& w = windows[static_cast<size_t>(inner[byPosition[b].second])];
    for (int64_t lane = 0; lane < gp.lanes;) {
      const double* c = columns.data() + lane;
      double* f = gp.values.data() + lane;
      switch (std::min<int64_t>(4, (gp.lanes - lane) / kLanes)) {
        case 4: accumulatePosition<4>(k.weight.data(), terms, c, f, w, g, gp), lane += 4 * kLanes; break;
        case 3: accumulatePosition<3>(k.weight.data(), terms, c, f, w, g, gp), lane += 3 * kLanes; break;
        case 2: accumulatePosition<2>(k.weight.data(), terms, c, f, w, g, gp), lane += 2 * kLanes; break;
        default: accumulatePosition<1>(k.weight.data(), terms, c, f, w, g, gp), lane += kLanes; break;
      }
    }
    b = e;
  }
  return gp;
}

/// Scratch space of rows of S multiplied one at a time: the accumulator over T's columns and the
/// output positions' taps.
struct RowScratch {
  std::vector<double> acc, byPosition;
  std::vector<int64_t> touched;
  std::vector<char> isTouched;
};

/// Row r of S @ T added into scratch.acc (zero before). The row's terms at one output position p
/// (any channel oc) first sum c * W[oc, :] into that position's taps, B[p, (ic, kh, kw)], with
/// contiguous multiply-adds; each touched position's taps are then added into the accumulator
/// once. Adding every term's taps straight into the accumulator was twice as slow: overlapping
/// windows of neighbouring terms stall the stores. Returns the row's receptive field.
Field accumulateRow(const SparseRM& s, int64_t r, const gbcsr::KernelBlock& k, const std::vector<Window>& windows,
                    RowScratch& scratch) {
  const ConvGeometry& g = k.geometry;
  const int inW = g.inWidth, kW = g.kernelW, dH = g.dilationH, dW = g.dilationW, inC = g.inChannels;
  const int64_t pin = int64_t(g.inHeight) * inW, taps = int64_t(g.kernelH) * kW, row = int64_t(inC) * taps;
  Field f{g.inHeight, -1, inW, -1};
  scratch.touched.clear();
  const double* weights = k.weight.data();
  for (int n = s.outerIndexPtr()[r]; n < s.outerIndexPtr()[r + 1]; ++n) {
    const int64_t j = s.innerIndexPtr()[n];
    const Window& w = windows[static_cast<size_t>(j)];
    if (w.rows == 0) continue;
    const int64_t p = w.position;
    if (!scratch.isTouched[static_cast<size_t>(p)]) {
      scratch.isTouched[static_cast<size_t>(p)] = 1;
      scratch.touched.push_back(j);
      f.cover(w);
    }
    const double c = s.valuePtr()[n];
    double* b = scratch.byPosition.data() + p * row;
    const double* wo = weights + w.channel;
    for (int64_t t = 0; t < row; ++t) b[t] += c * wo[t];
  }
  for (const int64_t j : scratch.touched) {
    const Window& w = windows[static_cast<size_t>(j)];
    const int64_t p = w.position;
    double* b = scratch.byPosition.data() + p * row;
    const int64_t first = w.weight - w.channel;
    for (int ic = 0; ic < inC; ++ic) {
      double* a = scratch.acc.data() + ic * pin + w.acc;
      const double* bk = b + ic * taps + first;
      for (int kh = 0; kh < w.rows; ++kh) {
        double* line = a + int64_t(kh) * dH * inW;
        const double* bl = bk + int64_t(kh) * kW;
        if (dW == 1)
          for (int kw = 0; kw < w.cols; ++kw) line[kw] += bl[kw];
        else
          for (int kw = 0; kw < w.cols; ++kw) line[kw * dW] += bl[kw];
      }
    }
    std::fill(b, b + row, 0.0);
    scratch.isTouched[static_cast<size_t>(p)] = 0;
  }
  return f;
}

}  // namespace

Eigen::VectorXd csrTimesKernelSummedBySign(const gbcsr::SparseRM& s, const gbcsr::KernelBlock& k,
                                           const Eigen::VectorXd& onPositive, const Eigen::VectorXd& onNegative) {
  const ConvGeometry& g = k.geometry;
  const int inW = g.inWidth, inC = g.inChannels;
  const int64_t pin = int64_t(g.inHeight) * inW, pout = int64_t(g.outHeight) * g.outWidth;
  const int64_t taps = int64_t(g.kernelH) * g.kernelW;
  const std::vector<Window> windows = windowsOf(k);
  const RowGroups groups = groupsOfSameColumns(s);
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(s.rows());
  // Per group, its lanes' sums over the field in column order, a vector of rows at a time.
  for (const std::vector<int64_t>& rows : groups.rows) {
    const GroupProduct gp = groupProduct(s, rows, k, windows);
    if (gp.values.empty()) continue;
    for (int64_t lane = 0; lane < gp.lanes; lane += kLanes) {
      Lanes sum{};
      const double* v = gp.values.data() + lane;
      for (int ic = 0; ic < inC; ++ic)
        for (int h = gp.field.hMin; h <= gp.field.hMax; ++h)
          for (int x = gp.field.xMin; x <= gp.field.xMax; ++x, v += gp.lanes) {
            const int64_t column = ic * pin + int64_t(h) * inW + x;
            const Lanes value = loadLanes(v);
            sum += value * bySign(value, onPositive[column], onNegative[column]);
          }
      for (int64_t i = 0; i < kLanes && lane + i < static_cast<int64_t>(rows.size()); ++i)
        sums[rows[static_cast<size_t>(lane + i)]] = sum[i];
    }
  }
  RowScratch scratch{std::vector<double>(static_cast<size_t>(k.cols()), 0.0),
                     std::vector<double>(static_cast<size_t>(pout * inC * taps), 0.0), {},
                     std::vector<char>(static_cast<size_t>(pout), 0)};
  for (Eigen::Index r = 0; r < s.rows(); ++r) {
    if (groups.of[static_cast<size_t>(r)] >= 0) continue;
    const Field f = accumulateRow(s, r, k, windows, scratch);
    if (f.hMax < 0) continue;
    double sum = 0;
    for (int ic = 0; ic < inC; ++ic)
      for (int h = f.hMin; h <= f.hMax; ++h)
        for (int x = f.xMin; x <= f.xMax; ++x) {
          const int64_t column = ic * pin + int64_t(h) * inW + x;
          const double value = scratch.acc[static_cast<size_t>(column)];
          scratch.acc[static_cast<size_t>(column)] = 0;
          sum += value * (value >= 0 ? onPositive[column] : onNegative[column]);
        }
    sums[r] = sum;
  }
  return sums;
}

gbcsr::SparseRM csrTimesKernel(const gbcsr::SparseRM& s, const gbcsr::KernelBlock& k) {
  return std::get<gbcsr::SparseRM>(csrTimesKernel(s, k, std::numeric_limits<double>::infinity()));
}

std::variant<gbcsr::SparseRM, Eigen::MatrixXd> csrTimesKernel(const gbcsr::SparseRM& s, const gbcsr::KernelBlock& k,
                                                              double denseAbove) {
  const ConvGeometry& g = k.geometry;
  const int inW = g.inWidth, inC = g.inChannels;
  const int64_t pin = int64_t(g.inHeight) * inW, pout = int64_t(g.outHeight) * g.outWidth;
  const int64_t taps = int64_t(g.kernelH) * g.kernelW;
  const std::vector<Window> windows = windowsOf(k);
  // Rows that share their columns first, each group at once.
  const RowGroups groups = groupsOfSameColumns(s);
  std::vector<GroupProduct> products;
  std::vector<int64_t> laneOf(groups.rows.empty() ? 0 : static_cast<size_t>(s.rows()), 0);
  for (const std::vector<int64_t>& rows : groups.rows) {
    products.push_back(groupProduct(s, rows, k, windows));
    for (size_t i = 0; i < rows.size(); ++i) laneOf[static_cast<size_t>(rows[i])] = static_cast<int64_t>(i);
  }
  // Every row with a term in a group: the product's non-zeros are known before it is written, and
  // a product that is Dense anyway (back-substitution's last step onto the input, whose fields
  // cover most of it) is written straight into a dense matrix, never as CSR first.
  bool allGrouped = !products.empty();
  for (Eigen::Index r = 0; r < s.rows() && allGrouped; ++r)
    allGrouped = groups.of[static_cast<size_t>(r)] >= 0 || s.outerIndexPtr()[r + 1] == s.outerIndexPtr()[r];
  if (allGrouped) {
    int64_t nonZeros = 0;
    for (const GroupProduct& gp : products)
      nonZeros += std::count_if(gp.values.begin(), gp.values.end(), [](double v) { return v != 0; });
    if (static_cast<double>(nonZeros) > denseAbove * static_cast<double>(s.rows()) * static_cast<double>(k.cols())) {
      Eigen::MatrixXd dense = Eigen::MatrixXd::Zero(s.rows(), k.cols());
      for (size_t group = 0; group < products.size(); ++group) {
        const GroupProduct& gp = products[group];
        const std::vector<int64_t>& rows = groups.rows[group];
        if (gp.values.empty()) continue;
        const double* v = gp.values.data();
        for (int ic = 0; ic < inC; ++ic)
          for (int h = gp.field.hMin; h <= gp.field.hMax; ++h)
            for (int x = gp.field.xMin; x <= gp.field.xMax; ++x, v += gp.lanes) {
              double* column = dense.data() + (ic * pin + int64_t(h) * inW + x) * s.rows();
              for (size_t i = 0; i < rows.size(); ++i) column[rows[i]] = v[i];
            }
      }
      return dense;
    }
  }
  RowScratch scratch{std::vector<double>(static_cast<size_t>(k.cols()), 0.0),
                     std::vector<double>(static_cast<size_t>(pout * inC * taps), 0.0), {},
                     std::vector<char>(static_cast<size_t>(pout), 0)};
  // Written in place, row by row, through raw pointers: room for a quarter of the matrix at first
  // (a denser product is made Dense by its callers), grown before a row that might not fit.
  gbcsr::SparseRM out(s.rows(), k.cols());
  int64_t capacity = std::max<int64_t>(1, std::min<int64_t>(s.nonZeros() * inC * taps, s.rows() * k.cols() / 4 + 1));
  out.resizeNonZeros(capacity);
  int64_t at = 0;
  auto reserveField = [&](const Field& f) {
    const int64_t field = int64_t(inC) * f.height() * f.width();
    if (at + field > capacity) {
      capacity = std::max(2 * capacity, at + field);
      out.data().resize(capacity);  // keeps the values and indices written so far
    }
  };
  // The field's values of a row in column order (channel, row, column), zeros left out; `next`
  // gives them in that order.
  auto emitField = [&](const Field& f, auto&& next) {
    reserveField(f);
    int* inner = out.innerIndexPtr();
    double* values = out.valuePtr();
    for (int ic = 0; ic < inC; ++ic)
      for (int h = f.hMin; h <= f.hMax; ++h) {
        const int base = static_cast<int>(ic * pin + int64_t(h) * inW);
        for (int x = f.xMin; x <= f.xMax; ++x) {
          const double v = next(base + x);
          inner[at] = base + x;
          values[at] = v;
          at += v != 0;
        }
      }
  };
  for (Eigen::Index r = 0; r < s.rows(); ++r) {
    out.outerIndexPtr()[r] = static_cast<int>(at);
    if (const int group = groups.of[static_cast<size_t>(r)]; group >= 0) {
      // The row's lane of its group's product.
      const GroupProduct& gp = products[static_cast<size_t>(group)];
      if (gp.values.empty()) continue;
      const double* v = gp.values.data() + laneOf[static_cast<size_t>(r)];
      emitField(gp.field, [&](int) {
        const double value = *v;
        v += gp.lanes;
        return value;
      });
      continue;
    }
    const Field f = accumulateRow(s, r, k, windows, scratch);
    if (f.hMax < 0) continue;
    emitField(f, [&](int column) {  // taken and cleared
      const double value = scratch.acc[static_cast<size_t>(column)];
      scratch.acc[static_cast<size_t>(column)] = 0;
      return value;
    });
  }
  out.outerIndexPtr()[s.rows()] = static_cast<int>(at);
  out.resizeNonZeros(at);
  return out;
}

}  // namespace cert::runtime::cpu
