// The two routes of S @ T for a CSR S and a Kernel block T (csr_kernel_routes.h): T's windows,
// S's row groups, a group's product with the rows as vector lanes, and one row by itself.
#include "runtime/backend/cpu/csr_kernel_routes.h"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>

#include "runtime/backend/cpu/vector_lanes.h"

namespace cert::runtime::cpu::csr_kernel {

namespace {

std::vector<Window> windowsOfGeometry(const ConvGeometry& g) {
  const int inH = g.inHeight, inW = g.inWidth, dH = g.dilationH, dW = g.dilationW;
  const int64_t pout = int64_t(g.outHeight) * g.outWidth, taps = int64_t(g.kernelH) * g.kernelW;
  const int64_t rows = int64_t(g.outChannels) * pout;
  std::vector<Window> windows(static_cast<size_t>(rows));
  for (int64_t j = 0; j < rows; ++j) {
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

}  // namespace

std::shared_ptr<const std::vector<Window>> windowsOf(const gbcsr::KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  const std::array<int, 16> key{g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.outHeight, g.outWidth,
                                g.kernelH,    g.kernelW,  g.strideH, g.strideW,     g.padTop,    g.padLeft,
                                g.padBottom,  g.padRight, g.dilationH, g.dilationW};
  static std::mutex mu;
  static std::map<std::array<int, 16>, std::shared_ptr<const std::vector<Window>>> cache;
  const std::lock_guard<std::mutex> lock(mu);
  auto& windows = cache[key];
  if (!windows) windows = std::make_shared<const std::vector<Window>>(windowsOfGeometry(g));
  return windows;
}


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


namespace {

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

}  // namespace

GroupProduct groupProduct(const SparseRM& s, std::span<const int64_t> rows, const gbcsr::KernelBlock& k,
                          const std::vector<Window>& windows) {
  const int64_t lanes = (static_cast<int64_t>(rows.size()) + kLanes - 1) / kLanes * kLanes;
  const int begin = s.outerIndexPtr()[rows.front()];
  const int64_t n = s.outerIndexPtr()[rows.front() + 1] - begin;
  // The group's values, a column's rows adjacent, transposed in 8 x 8 tiles in registers (rows
  // past the group's are 0): one value at a time, strided stores were a fifth of the product on
  // convSmall.
  std::vector<double> columns(static_cast<size_t>(n * lanes), 0.0);
  const int64_t wholeColumns = n / kLanes * kLanes;
  for (int64_t i0 = 0; i0 < static_cast<int64_t>(rows.size()); i0 += kLanes) {
    const double* v[kLanes];
    for (int64_t i = 0; i < kLanes; ++i)
      v[i] = i0 + i < static_cast<int64_t>(rows.size()) ? s.valuePtr() + s.outerIndexPtr()[rows[static_cast<size_t>(i0 + i)]] : nullptr;
    for (int64_t c = 0; c < wholeColumns; c += kLanes) {
      Lanes tile[kLanes];
      for (int i = 0; i < kLanes; ++i) tile[i] = v[i] ? loadLanes(v[i] + c) : Lanes{};
      transposeTile(tile);
      for (int j = 0; j < kLanes; ++j) storeLanes(columns.data() + (c + j) * lanes + i0, tile[j]);
    }
    for (int64_t i = 0; i < kLanes; ++i)
      if (v[i])
        for (int64_t c = wholeColumns; c < n; ++c) columns[static_cast<size_t>(c * lanes + i0 + i)] = v[i][c];
  }
  return groupProductOfColumns(columns.data(), lanes, std::span<const int>(s.innerIndexPtr() + begin, static_cast<size_t>(n)),
                               k, windows);
}

GroupProduct groupProductOfColumns(const double* columns, int64_t lanes, std::span<const int> columnIndices,
                                   const gbcsr::KernelBlock& k, const std::vector<Window>& windows) {
  const ConvGeometry& g = k.geometry;
  GroupProduct gp;
  gp.lanes = lanes;
  const int64_t n = static_cast<int64_t>(columnIndices.size());
  std::vector<std::pair<int64_t, int64_t>> byPosition;  // (position, column index)
  gp.field.hMin = g.inHeight, gp.field.xMin = g.inWidth;
  for (int64_t c = 0; c < n; ++c) {
    const Window& w = windows[static_cast<size_t>(columnIndices[static_cast<size_t>(c)])];
    if (w.rows == 0) continue;
    byPosition.emplace_back(w.position, c);
    gp.field.cover(w);
  }
  if (byPosition.empty()) return gp;
  if (!std::is_sorted(byPosition.begin(), byPosition.end())) std::sort(byPosition.begin(), byPosition.end());
  gp.values.assign(static_cast<size_t>(g.inChannels * gp.field.height() * gp.field.width() * gp.lanes), 0.0);
  std::vector<int64_t> terms;
  for (size_t b = 0; b < byPosition.size();) {
    size_t e = b;
    terms.clear();
    for (; e < byPosition.size() && byPosition[e].first == byPosition[b].first; ++e) {
      terms.push_back(byPosition[e].second);
      terms.push_back(windows[static_cast<size_t>(columnIndices[static_cast<size_t>(byPosition[e].second)])].channel);
    }
    const Window& w = windows[static_cast<size_t>(columnIndices[static_cast<size_t>(byPosition[b].second)])];
    for (int64_t lane = 0; lane < gp.lanes;) {
      const double* c = columns + lane;
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

void fieldSumsBySign(const GroupProduct& gp, const gbcsr::KernelBlock& k, const double* onPositive,
                     const double* onNegative, double* sums) {
  const ConvGeometry& g = k.geometry;
  const int64_t pin = int64_t(g.inHeight) * g.inWidth;
  for (int64_t lane = 0; lane < gp.lanes; lane += kLanes) {
    Lanes sum{};
    const double* v = gp.values.data() + lane;
    gp.field.forEachColumn(g.inChannels, pin, g.inWidth, [&](int64_t column) {
      const Lanes value = loadLanes(v);
      sum += value * bySign(value, onPositive[column], onNegative[column]);
      v += gp.lanes;
    });
    storeLanes(sums + lane, sum);
  }
}

RowScratch scratchFor(const gbcsr::KernelBlock& k) {
  const ConvGeometry& g = k.geometry;
  const int64_t pout = int64_t(g.outHeight) * g.outWidth, taps = int64_t(g.kernelH) * g.kernelW;
  return RowScratch{std::vector<double>(static_cast<size_t>(k.cols()), 0.0),
                    std::vector<double>(static_cast<size_t>(pout * g.inChannels * taps), 0.0), {},
                    std::vector<char>(static_cast<size_t>(pout), 0)};
}

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

}  // namespace cert::runtime::cpu::csr_kernel
