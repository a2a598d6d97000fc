// Back-substitution's three last steps at once (convolution.h): through a ReLU, through the conv
// layer before it and onto the input box, from a conv layer's rows (kernelReluKernelSummedBySign:
// the rows of one output position as vector lanes read straight from the weights) or from dense
// rows (denseReluKernelSummedBySign: eight rows as vector lanes, scaled in one pass over the rows,
// their product scattered from each output position into the input box's columns).
#include "runtime/backend/cpu/block_kinds.h"
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/csr_kernel_routes.h"
#include "runtime/backend/cpu/vector_lanes.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <vector>

namespace cert::runtime::cpu {

using namespace csr_kernel;

namespace {

/// R's weights with the output channels fastest: [inC][kH][kW][lanes], lanes = outC rounded up to
/// whole vectors (0 past outC), so that the rows of one output position at one tap are a vector.
std::vector<double> channelsFastest(const gbcsr::KernelBlock& r, int64_t lanes) {
  const ConvGeometry& g = r.geometry;
  const int64_t taps = int64_t(g.kernelH) * g.kernelW, perChannel = int64_t(g.inChannels) * taps;
  std::vector<double> out(static_cast<size_t>(perChannel * lanes), 0.0);
  for (int oc = 0; oc < g.outChannels; ++oc)
    for (int64_t t = 0; t < perChannel; ++t)
      out[static_cast<size_t>(t * lanes + oc)] = r.weight[static_cast<Eigen::Index>(oc * perChannel + t)];
  return out;
}

/// Whether the columns have the conv layer's extents, and they and its weights finite values.
bool columnsFit(const gbcsr::KernelBlock& conv, const ReluConvBoxColumns& v) {
  const int64_t n = conv.rows();
  for (const Eigen::VectorXd* c : {&v.slopePositive, &v.slopeNegative, &v.constantPositive, &v.constantNegative,
                                   &v.biasPositive, &v.biasNegative})
    if (c->size() != n || !valuesFinite(*c)) return false;
  for (const Eigen::VectorXd* c : {&v.boxPositive, &v.boxNegative})
    if (c->size() != conv.cols() || !valuesFinite(*c)) return false;
  return valuesFinite(conv.weight);
}

/// A tap's offsets from an output position's origin (row * stride, column * stride) and its
/// input channel's first column.
struct TapOffset {
  int h, w;
  int64_t channel;
};

/// What a ReLU column needs in the fused routes: Unread, inactive (both slopes 0) with no
/// constants, adds x * 0 only (0 for a finite x); Stable, slopes 1 with no constants and one conv
/// constant for both signs, is x itself plus x * bias, no sign select; General, anything else.
enum class ColumnKind { Unread, Stable, General };
ColumnKind columnKind(double sp, double sn, double cp, double cn, double bp, double bn) {
  const bool noConstants = cp == 0 && cn == 0;
  if (sp == 0 && sn == 0 && noConstants) return ColumnKind::Unread;
  if (sp == 1 && sn == 1 && noConstants && bp == bn) return ColumnKind::Stable;
  return ColumnKind::General;
}

/// Per output position p of a conv layer's rows R, a flag per vector of kLanes output channels:
/// whether it holds a row of `selected` (row oc * positions + p); nullopt for a row out of range.
std::optional<std::vector<char>> vectorsHoldingRows(const gbcsr::KernelBlock& rows, std::span<const int64_t> selected) {
  const ConvGeometry& g = rows.geometry;
  const int64_t positions = int64_t(g.outHeight) * g.outWidth;
  const int64_t vectors = (int64_t(g.outChannels) + kLanes - 1) / kLanes;
  std::vector<char> wanted(static_cast<size_t>(positions * vectors), 0);
  for (const int64_t r : selected) {
    if (r < 0 || r >= rows.rows()) return std::nullopt;
    wanted[static_cast<size_t>((r % positions) * vectors + (r / positions) / kLanes)] = 1;
  }
  return wanted;
}

/// What every vector of dense rows reads of the conv layer and the columns: each column's values
/// in one cache line (one line read per value instead of six arrays'), and per output position
/// its columns (output channels) by what they need:
///  - none: inactive (both slopes 0) with no constants: they add x * 0 only, which is 0 for a
///    finite x (X's values in them are checked finite once, not per vector of rows);
///  - identity: slopes 1 and no constants, one conv constant for both signs (a stable active
///    neuron): scaled = x, constant x * bias, no select;
///  - general: the others, each value scaled and its constants chosen by sign.
struct DensePlan {
  struct Column {
    double slopePositive, slopeNegative, constantPositive, constantNegative, biasPositive, biasNegative;
    int64_t active, pad;
  };
  std::vector<Column> columns;
  TapOffset taps[kDenseReluConvTaps];
  /// Per position p, its identity channels at identity[identityStart[p], identityStart[p + 1]),
  /// its general ones likewise; `none`: the columns of no position's lists.
  std::vector<int> identity, general, none;
  std::vector<int64_t> identityStart, generalStart;
};

DensePlan densePlanOf(const gbcsr::KernelBlock& conv, const ReluConvBoxColumns& v) {
  const ConvGeometry& g = conv.geometry;
  const int64_t positions = int64_t(g.outHeight) * g.outWidth;
  DensePlan plan;
  plan.columns.resize(static_cast<size_t>(conv.rows()));
  for (int64_t j = 0; j < conv.rows(); ++j) {
    const bool active = !(v.slopePositive[j] == 0 && v.slopeNegative[j] == 0);
    plan.columns[static_cast<size_t>(j)] = {v.slopePositive[j], v.slopeNegative[j], v.constantPositive[j],
                                            v.constantNegative[j], v.biasPositive[j],  v.biasNegative[j],
                                            active ? 1 : 0,        0};
  }
  plan.identityStart.reserve(static_cast<size_t>(positions + 1));
  plan.generalStart.reserve(static_cast<size_t>(positions + 1));
  for (int64_t p = 0; p < positions; ++p) {
    plan.identityStart.push_back(static_cast<int64_t>(plan.identity.size()));
    plan.generalStart.push_back(static_cast<int64_t>(plan.general.size()));
    for (int oc = 0; oc < g.outChannels; ++oc) {
      const int64_t j = oc * positions + p;
      const DensePlan::Column& c = plan.columns[static_cast<size_t>(j)];
      switch (columnKind(c.slopePositive, c.slopeNegative, c.constantPositive, c.constantNegative, c.biasPositive,
                         c.biasNegative)) {
        case ColumnKind::Unread: plan.none.push_back(static_cast<int>(j)); break;
        case ColumnKind::Stable: plan.identity.push_back(oc); break;
        case ColumnKind::General: plan.general.push_back(oc); break;
      }
    }
  }
  plan.identityStart.push_back(static_cast<int64_t>(plan.identity.size()));
  plan.generalStart.push_back(static_cast<int64_t>(plan.general.size()));
  for (int t = 0; t < kDenseReluConvTaps; ++t) {
    const int ic = t / (g.kernelH * g.kernelW), kh = (t / g.kernelW) % g.kernelH, kw = t % g.kernelW;
    plan.taps[t] = {kh * g.dilationH - g.padTop, kw * g.dilationW - g.padLeft, int64_t(ic) * g.inHeight * g.inWidth};
  }
  return plan;
}

/// One vector of rows (kLanes rows of X as lanes, from `row0`; `count` of them, the others 0):
/// their constants (the ReLU's and the conv layer's) plus their box sums. Per output position p
/// of the conv layer, each listed channel's value of those rows is read from X where it is and
/// scaled by the ReLU's slopes (its constants summed on the way); for an active channel
/// W[oc, tap] * scaled is summed for every tap in registers; the sums are added into the box's
/// columns the taps read (`field`: a vector per column), which are then summed by sign with the
/// box's ends. `probe` becomes NaN when a scaled value is not finite. Whole (count == kLanes)
/// reads 8 adjacent values; otherwise the values are copied one by one (the last rows).
template <int Taps, bool Whole>
Lanes rowsOntoBox(const Eigen::Ref<const Eigen::MatrixXd>& x, int64_t row0, int64_t count, const gbcsr::KernelBlock& conv,
                  const ReluConvBoxColumns& v, const DensePlan& plan, std::vector<Lanes>& field, Lanes& probe) {
  const ConvGeometry& g = conv.geometry;
  const int64_t positions = int64_t(g.outHeight) * g.outWidth, perChannel = int64_t(g.inChannels) * g.kernelH * g.kernelW;
  const int64_t ld = x.outerStride();
  std::fill(field.begin(), field.end(), Lanes{});
  Lanes constants{};
  auto load = [&](int64_t j) {
    const double* values = x.data() + j * ld + row0;
    Lanes value{};
    if constexpr (Whole) value = loadLanes(values);
    else
      for (int64_t i = 0; i < count; ++i) value[i] = values[i];
    return value;
  };
  for (int64_t p = 0; p < positions; ++p) {
    const size_t at = static_cast<size_t>(p);
    const int64_t i0 = plan.identityStart[at], i1 = plan.identityStart[at + 1];
    const int64_t g0 = plan.generalStart[at], g1 = plan.generalStart[at + 1];
    if (i0 == i1 && g0 == g1) continue;
    Lanes acc[Taps];
    for (int t = 0; t < Taps; ++t) acc[t] = Lanes{};
    bool any = i0 < i1;
    for (int64_t k = i0; k < i1; ++k) {  // scaled = x: its conv constant and its taps
      const int oc = plan.identity[static_cast<size_t>(k)];
      const int64_t j = oc * positions + p;
      const Lanes value = load(j);
      constants += value * plan.columns[static_cast<size_t>(j)].biasPositive;
      probe += value * 0;
      const double* w = conv.weight.data() + oc * perChannel;
#pragma GCC unroll 16
      for (int t = 0; t < Taps; ++t) acc[t] += w[t] * value;
    }
    for (int64_t k = g0; k < g1; ++k) {
      const int oc = plan.general[static_cast<size_t>(k)];
      const int64_t j = oc * positions + p;
      const DensePlan::Column& c = plan.columns[static_cast<size_t>(j)];
      const Lanes value = load(j);
      const Lanes scaled = value * bySign(value, c.slopePositive, c.slopeNegative);
      constants += value * bySign(value, c.constantPositive, c.constantNegative) +
                   scaled * bySign(scaled, c.biasPositive, c.biasNegative);
      probe += scaled * 0;  // NaN when scaled is not finite: so when value is not (the slopes are finite)
      if (c.active == 0) continue;
      any = true;
      const double* w = conv.weight.data() + oc * perChannel;
#pragma GCC unroll 16
      for (int t = 0; t < Taps; ++t) acc[t] += w[t] * scaled;
    }
    if (!any) continue;
    const int h0 = static_cast<int>(p / g.outWidth) * g.strideH, w0 = static_cast<int>(p % g.outWidth) * g.strideW;
    for (int t = 0; t < Taps; ++t) {
      const int h = h0 + plan.taps[t].h, w = w0 + plan.taps[t].w;
      if (h < 0 || h >= g.inHeight || w < 0 || w >= g.inWidth) continue;  // a tap in the padding
      field[static_cast<size_t>(plan.taps[t].channel + int64_t(h) * g.inWidth + w)] += acc[t];
    }
  }
  Lanes sum = constants;
  for (int64_t column = 0; column < conv.cols(); ++column) {
    const Lanes value = field[static_cast<size_t>(column)];
    sum += value * bySign(value, v.boxPositive[column], v.boxNegative[column]);
  }
  return sum;
}

}  // namespace

std::optional<Eigen::VectorXd> denseReluKernelSummedBySign(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                           const gbcsr::KernelBlock& conv,
                                                           const ReluConvBoxColumns& columns) {
  const ConvGeometry& g = conv.geometry;
  if (int64_t(g.inChannels) * g.kernelH * g.kernelW != kDenseReluConvTaps || x.rows() < kDenseReluConvMinRows ||
      x.cols() != conv.rows() || !columnsFit(conv, columns))
    return std::nullopt;
  const int64_t rows = x.rows(), vectors = (rows + kLanes - 1) / kLanes;
  const DensePlan plan = densePlanOf(conv, columns);
  // Eight rows at a time, each value read from X where it is (64 adjacent bytes of a column) and
  // scaled where it is used: no scaled copy of X (13 vectors x 2704 columns of convSmall, 2.2 MB;
  // per call within this machine's noise of the copying variant, without its memory).
  // A vector per input column, aligned (a read-modify-write across two cache lines stalls the
  // next read of the same column: half of the time at 8-byte alignment).
  std::vector<Lanes> field(static_cast<size_t>(conv.cols()));
  Eigen::VectorXd sums(rows);
  Lanes probe{};
  // The columns no vector reads (inactive, no constants) add x * 0: 0 unless x is not finite.
  for (const int j : plan.none)
    if (!valuesFinite(x.col(j))) return std::nullopt;
  for (int64_t k = 0; k < vectors; ++k) {
    const int64_t count = std::min<int64_t>(kLanes, rows - k * kLanes);
    const Lanes sum = count == kLanes
                          ? rowsOntoBox<kDenseReluConvTaps, true>(x, k * kLanes, count, conv, columns, plan, field, probe)
                          : rowsOntoBox<kDenseReluConvTaps, false>(x, k * kLanes, count, conv, columns, plan, field, probe);
    for (int64_t i = 0; i < count; ++i) sums[k * kLanes + i] = sum[i];
  }
  for (int k = 0; k < kLanes; ++k)
    if (probe[k] != 0) return std::nullopt;  // NaN: a value of x or a scaled value was not finite
  if (!sums.allFinite()) return std::nullopt;
  return sums;
}

int64_t kernelRowVectorsOf(const gbcsr::KernelBlock& rows, std::span<const int64_t> selected) {
  const std::optional<std::vector<char>> wanted = vectorsHoldingRows(rows, selected);
  return wanted ? std::count(wanted->begin(), wanted->end(), char(1)) : 0;
}

std::optional<Eigen::VectorXd> kernelReluKernelSummedBySign(const gbcsr::KernelBlock& rows, const gbcsr::KernelBlock& conv,
                                                            const ReluConvBoxColumns& v,
                                                            std::span<const int64_t> selected) {
  const ConvGeometry& g = rows.geometry;
  const int64_t n = rows.cols();
  if (conv.rows() != n || !columnsFit(conv, v) || !valuesFinite(rows.weight)) return std::nullopt;

  const int64_t positions = int64_t(g.outHeight) * g.outWidth, taps = int64_t(g.kernelH) * g.kernelW;
  const int64_t inPositions = int64_t(g.inHeight) * g.inWidth;
  const int64_t lanes = (int64_t(g.outChannels) + kLanes - 1) / kLanes * kLanes, vectors = lanes / kLanes;
  // Per position, the vectors of output channels whose rows are summed: every one, or those
  // holding a selected row.
  std::vector<char> wanted;
  if (!selected.empty()) {
    std::optional<std::vector<char>> holding = vectorsHoldingRows(rows, selected);
    if (!holding) return std::nullopt;
    wanted = std::move(*holding);
  }
  const std::vector<double> weights = channelsFastest(rows, lanes);
  const auto rowWindows = windowsOf(rows), convWindows = windowsOf(conv);
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(rows.rows());
  // A position's scaled columns (at most every tap), `used * kLanes` values each: the wanted
  // vectors side by side.
  std::vector<double> columns(static_cast<size_t>(int64_t(g.inChannels) * taps * lanes)), boxSums(static_cast<size_t>(lanes));
  std::vector<int> columnIndices;
  std::vector<int64_t> used;  // the position's wanted vectors
  std::vector<Lanes> constants(static_cast<size_t>(vectors)), probes(static_cast<size_t>(vectors));
  for (int64_t p = 0; p < positions; ++p) {
    // The rows (oc, p) over every oc: their columns are the taps of p's window inside the input.
    const Window& w = (*rowWindows)[static_cast<size_t>(p)];
    if (w.rows == 0) continue;
    used.clear();
    for (int64_t k = 0; k < vectors; ++k)
      if (selected.empty() || wanted[static_cast<size_t>(p * vectors + k)]) used.push_back(k);
    if (used.empty()) continue;
    const int64_t width = static_cast<int64_t>(used.size()) * kLanes;
    columnIndices.clear();
    std::fill(constants.begin(), constants.end(), Lanes{});
    const int64_t first = w.weight - w.channel;
    // Taps by input position, channels within: the columns come ordered as the group product
    // takes them (by the conv layer's output position), so it does not sort them.
    for (int a = 0; a < w.rows; ++a)
      for (int b = 0; b < w.cols; ++b)
        for (int ic = 0; ic < g.inChannels; ++ic) {
          const int64_t j = ic * inPositions + int64_t(w.h0 + a * g.dilationH) * g.inWidth + (w.x0 + b * g.dilationW);
          const double* x = weights.data() + ((ic * taps) + first + int64_t(a) * g.kernelW + b) * lanes;
          const double sp = v.slopePositive[j], sn = v.slopeNegative[j];
          const double cp = v.constantPositive[j], cn = v.constantNegative[j];
          const double bp = v.biasPositive[j], bn = v.biasNegative[j];
          // A column scaled by 0 on both sides (an inactive neuron) adds its constants only: none
          // at all without constants (the weights are finite: x * 0 is 0).
          const ColumnKind kind = columnKind(sp, sn, cp, cn, bp, bn);
          if (kind == ColumnKind::Unread) continue;
          const bool kept = !(sp == 0 && sn == 0);
          const size_t at = columnIndices.size() * static_cast<size_t>(width);
          if (kept) columnIndices.push_back(static_cast<int>(j));
          if (kind == ColumnKind::Stable) {  // scaled = x
            for (size_t u = 0; u < used.size(); ++u) {
              const int64_t k = used[u];
              const Lanes value = loadLanes(x + k * kLanes);
              storeLanes(columns.data() + at + u * kLanes, value);
              constants[static_cast<size_t>(k)] += value * bp;
            }
            continue;
          }
          for (size_t u = 0; u < used.size(); ++u) {
            const int64_t k = used[u];
            const Lanes value = loadLanes(x + k * kLanes);
            Lanes add = value * bySign(value, cp, cn);
            if (kept) {
              const Lanes scaled = value * bySign(value, sp, sn);
              storeLanes(columns.data() + at + u * kLanes, scaled);
              add += scaled * bySign(scaled, bp, bn);
              probes[static_cast<size_t>(k)] += scaled * 0;
            }
            constants[static_cast<size_t>(k)] += add;
          }
        }
    std::fill(boxSums.begin(), boxSums.end(), 0.0);
    if (!columnIndices.empty()) {
      const GroupProduct gp = groupProductOfColumns(columns.data(), width, columnIndices, conv, *convWindows);
      if (!gp.values.empty()) fieldSumsBySign(gp, conv, v.boxPositive.data(), v.boxNegative.data(), boxSums.data());
    }
    for (size_t u = 0; u < used.size(); ++u)
      for (int lane = 0; lane < kLanes; ++lane) {
        const int64_t oc = used[u] * kLanes + lane;
        if (oc >= g.outChannels) break;
        sums[oc * positions + p] = constants[static_cast<size_t>(used[u])][lane] + boxSums[u * kLanes + lane];
      }
  }
  for (const Lanes& probe : probes)
    for (int k = 0; k < kLanes; ++k)
      if (probe[k] != 0) return std::nullopt;  // NaN: a scaled value was not finite
  if (selected.empty()) {
    if (!sums.allFinite()) return std::nullopt;
    return sums;
  }
  Eigen::VectorXd picked(static_cast<Eigen::Index>(selected.size()));
  for (size_t k = 0; k < selected.size(); ++k) picked[static_cast<Eigen::Index>(k)] = sums[selected[k]];
  if (!picked.allFinite()) return std::nullopt;
  return picked;
}

}  // namespace cert::runtime::cpu
