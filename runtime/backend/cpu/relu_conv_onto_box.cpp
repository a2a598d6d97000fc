// Back-substitution's three last steps at once (convolution.h): through a ReLU, through the conv
// layer before it and onto the input box, from a conv layer's rows (kernelReluKernelSummedBySign:
// the rows of one output position as vector lanes read straight from the weights) or from dense
// rows (denseReluKernelSummedBySign: eight rows as vector lanes, scaled in one pass over the rows,
// their product scattered from each output position into the input box's columns).
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/csr_kernel_routes.h"
#include "runtime/backend/cpu/vector_lanes.h"

#include <cmath>
#include <memory>
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
    if (c->size() != n || !c->allFinite()) return false;
  for (const Eigen::VectorXd* c : {&v.boxPositive, &v.boxNegative})
    if (c->size() != conv.cols() || !c->allFinite()) return false;
  return conv.weight.allFinite();
}

/// A tap's offsets from an output position's origin (row * stride, column * stride) and its
/// input channel's first column.
struct TapOffset {
  int h, w;
  int64_t channel;
};

/// What every vector of dense rows reads of the conv layer and the columns: each column's values
/// in one cache line (one line read per value instead of six arrays'), each output position's
/// active channels (not both slopes 0) in a list (the others' scaled values are 0: not multiplied).
struct DensePlan {
  struct Column {
    double slopePositive, slopeNegative, constantPositive, constantNegative, biasPositive, biasNegative, pad[2];
  };
  std::vector<Column> columns;
  std::vector<int> activeFirst, active;
  TapOffset taps[kDenseReluConvTaps];
};

DensePlan densePlanOf(const gbcsr::KernelBlock& conv, const ReluConvBoxColumns& v) {
  const ConvGeometry& g = conv.geometry;
  const int64_t positions = int64_t(g.outHeight) * g.outWidth;
  DensePlan plan;
  plan.columns.resize(static_cast<size_t>(conv.rows()));
  for (int64_t j = 0; j < conv.rows(); ++j)
    plan.columns[static_cast<size_t>(j)] = {v.slopePositive[j],    v.slopeNegative[j], v.constantPositive[j],
                                            v.constantNegative[j], v.biasPositive[j],  v.biasNegative[j], {0, 0}};
  for (int64_t p = 0; p < positions; ++p) {
    plan.activeFirst.push_back(static_cast<int>(plan.active.size()));
    for (int oc = 0; oc < g.outChannels; ++oc) {
      const int64_t j = oc * positions + p;
      if (!(v.slopePositive[j] == 0 && v.slopeNegative[j] == 0)) plan.active.push_back(oc);
    }
  }
  plan.activeFirst.push_back(static_cast<int>(plan.active.size()));
  for (int t = 0; t < kDenseReluConvTaps; ++t) {
    const int ic = t / (g.kernelH * g.kernelW), kh = (t / g.kernelW) % g.kernelH, kw = t % g.kernelW;
    plan.taps[t] = {kh * g.dilationH - g.padTop, kw * g.dilationW - g.padLeft, int64_t(ic) * g.inHeight * g.inWidth};
  }
  return plan;
}

/// The box sums of one vector of rows (kLanes rows of X as lanes) from their scaled values
/// (`scaled`: a vector per column of X, the ReLU's neurons): per output position p of the conv
/// layer, W[oc, tap] * scaled summed over p's active channels for every tap in registers and added
/// into the box's columns the taps read (`field`: a vector per column), which are then summed by
/// sign with the box's ends.
template <int Taps>
Lanes boxSums(const Lanes* scaled, const gbcsr::KernelBlock& conv, const ReluConvBoxColumns& v, const DensePlan& plan,
              std::vector<Lanes>& field) {
  const ConvGeometry& g = conv.geometry;
  const int64_t positions = int64_t(g.outHeight) * g.outWidth, perChannel = int64_t(g.inChannels) * g.kernelH * g.kernelW;
  std::fill(field.begin(), field.end(), Lanes{});
  for (int64_t p = 0; p < positions; ++p) {
    const int first = plan.activeFirst[p], last = plan.activeFirst[p + 1];
    if (first == last) continue;
    Lanes acc[Taps];
    for (int t = 0; t < Taps; ++t) acc[t] = Lanes{};
    for (int n = first; n < last; ++n) {
      const int oc = plan.active[static_cast<size_t>(n)];
      const double* w = conv.weight.data() + oc * perChannel;
      const Lanes s = scaled[oc * positions + p];
#pragma GCC unroll 16
      for (int t = 0; t < Taps; ++t) acc[t] += w[t] * s;
    }
    const int h0 = static_cast<int>(p / g.outWidth) * g.strideH, w0 = static_cast<int>(p % g.outWidth) * g.strideW;
    for (int t = 0; t < Taps; ++t) {
      const int h = h0 + plan.taps[t].h, w = w0 + plan.taps[t].w;
      if (h < 0 || h >= g.inHeight || w < 0 || w >= g.inWidth) continue;  // a tap in the padding
      field[static_cast<size_t>(plan.taps[t].channel + int64_t(h) * g.inWidth + w)] += acc[t];
    }
  }
  Lanes sum{};
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
  const int64_t rows = x.rows(), n = x.cols(), ld = x.outerStride(), vectors = (rows + kLanes - 1) / kLanes;
  const DensePlan plan = densePlanOf(conv, columns);
  // X's values column after column (X is read in its own order: read per vector of rows, a column
  // apart, the loads waited on memory for half of the time), each scaled by the ReLU's slopes into
  // the vector of its rows (`scaled`: per vector of rows, a vector per column), the constants of
  // the ReLU and of the conv layer summed on the way (an inactive neuron adds its constants only).
  std::unique_ptr<Lanes[]> scaled(new Lanes[static_cast<size_t>(vectors * n)]);
  // A vector per input column, aligned (a read-modify-write across two cache lines stalls the
  // next read of the same column: half of the time at 8-byte alignment).
  std::vector<Lanes> field(static_cast<size_t>(conv.cols()));
  Eigen::VectorXd sums(rows);
  Lanes probe{};
  const int64_t whole = rows / kLanes;
  std::vector<Lanes> constants(static_cast<size_t>(vectors));
  for (int64_t j = 0; j < n; ++j) {
    const DensePlan::Column& c = plan.columns[static_cast<size_t>(j)];
    const double* column = x.data() + j * ld;
    auto scale = [&](int64_t k, Lanes value) {
      const Lanes s = value * bySign(value, c.slopePositive, c.slopeNegative);
      constants[static_cast<size_t>(k)] +=
          value * bySign(value, c.constantPositive, c.constantNegative) + s * bySign(s, c.biasPositive, c.biasNegative);
      probe += s * 0;  // NaN when s is not finite: so when value is not (the slopes are finite)
      scaled[static_cast<size_t>(k * n + j)] = s;
    };
    for (int64_t k = 0; k < whole; ++k) scale(k, loadLanes(column + k * kLanes));
    if (whole < vectors) {  // the last rows, zero past them
      double last[kLanes] = {};
      std::copy_n(column + whole * kLanes, rows - whole * kLanes, last);
      scale(whole, loadLanes(last));
    }
  }
  for (int64_t k = 0; k < vectors; ++k) {
    const Lanes sum = constants[static_cast<size_t>(k)] +
                      boxSums<kDenseReluConvTaps>(scaled.get() + k * n, conv, columns, plan, field);
    for (int64_t i = 0; i < kLanes && k * kLanes + i < rows; ++i) sums[k * kLanes + i] = sum[i];
  }
  for (int k = 0; k < kLanes; ++k)
    if (probe[k] != 0) return std::nullopt;  // NaN: a value of x or a scaled value was not finite
  if (!sums.allFinite()) return std::nullopt;
  return sums;
}

std::optional<Eigen::VectorXd> kernelReluKernelSummedBySign(const gbcsr::KernelBlock& rows, const gbcsr::KernelBlock& conv,
                                                            const ReluConvBoxColumns& v) {
  const ConvGeometry& g = rows.geometry;
  const int64_t n = rows.cols();
  if (conv.rows() != n || !columnsFit(conv, v) || !rows.weight.allFinite()) return std::nullopt;

  const int64_t positions = int64_t(g.outHeight) * g.outWidth, taps = int64_t(g.kernelH) * g.kernelW;
  const int64_t inPositions = int64_t(g.inHeight) * g.inWidth;
  const int64_t lanes = (int64_t(g.outChannels) + kLanes - 1) / kLanes * kLanes, vectors = lanes / kLanes;
  const std::vector<double> weights = channelsFastest(rows, lanes);
  const auto rowWindows = windowsOf(rows), convWindows = windowsOf(conv);
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(rows.rows());
  // A position's scaled columns (at most every tap), `lanes` values each.
  std::vector<double> columns(static_cast<size_t>(int64_t(g.inChannels) * taps * lanes)), boxSums(static_cast<size_t>(lanes));
  std::vector<int> columnIndices;
  std::vector<Lanes> constants(static_cast<size_t>(vectors)), probes(static_cast<size_t>(vectors));
  for (int64_t p = 0; p < positions; ++p) {
    // The rows (oc, p) over every oc: their columns are the taps of p's window inside the input.
    const Window& w = (*rowWindows)[static_cast<size_t>(p)];
    if (w.rows == 0) continue;
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
          // A column scaled by 0 on both sides (an inactive neuron) adds its constants only.
          const bool kept = !(sp == 0 && sn == 0);
          const size_t at = columnIndices.size() * static_cast<size_t>(lanes);
          if (kept) columnIndices.push_back(static_cast<int>(j));
          for (int64_t k = 0; k < vectors; ++k) {
            const Lanes value = loadLanes(x + k * kLanes);
            Lanes add = value * bySign(value, cp, cn);
            if (kept) {
              const Lanes scaled = value * bySign(value, sp, sn);
              storeLanes(columns.data() + at + k * kLanes, scaled);
              add += scaled * bySign(scaled, bp, bn);
              probes[static_cast<size_t>(k)] += scaled * 0;
            }
            constants[static_cast<size_t>(k)] += add;
          }
        }
    std::fill(boxSums.begin(), boxSums.end(), 0.0);
    if (!columnIndices.empty()) {
      const GroupProduct gp = groupProductOfColumns(columns.data(), lanes, columnIndices, conv, *convWindows);
      if (!gp.values.empty()) fieldSumsBySign(gp, conv, v.boxPositive.data(), v.boxNegative.data(), boxSums.data());
    }
    for (int oc = 0; oc < g.outChannels; ++oc)
      sums[oc * positions + p] = constants[static_cast<size_t>(oc / kLanes)][oc % kLanes] + boxSums[static_cast<size_t>(oc)];
  }
  for (const Lanes& probe : probes)
    for (int k = 0; k < kLanes; ++k)
      if (probe[k] != 0) return std::nullopt;  // NaN: a scaled value was not finite
  if (!sums.allFinite()) return std::nullopt;
  return sums;
}

}  // namespace cert::runtime::cpu
