// Back-substitution's three last steps from a conv layer's rows at once (convolution.h,
// kernelReluKernelSummedBySign): through a ReLU, through the conv layer before it and onto the
// input box, the rows of one output position as vector lanes read straight from the weights.
#include "runtime/backend/cpu/convolution.h"
#include "runtime/backend/cpu/csr_kernel_routes.h"
#include "runtime/backend/cpu/vector_lanes.h"

#include <cmath>
#include <vector>

namespace cert::runtime::cpu {

using namespace csr_kernel;

namespace {

bool allFinite(const Eigen::VectorXd& v) { return v.allFinite(); }

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

}  // namespace

std::optional<Eigen::VectorXd> kernelReluKernelSummedBySign(const gbcsr::KernelBlock& rows, const gbcsr::KernelBlock& conv,
                                                            const ReluConvBoxColumns& v) {
  const ConvGeometry& g = rows.geometry;
  const int64_t n = rows.cols();
  if (conv.rows() != n || v.slopePositive.size() != n || v.slopeNegative.size() != n || v.constantPositive.size() != n ||
      v.constantNegative.size() != n || v.biasPositive.size() != n || v.biasNegative.size() != n ||
      v.boxPositive.size() != conv.cols() || v.boxNegative.size() != conv.cols())
    return std::nullopt;
  for (const Eigen::VectorXd* c : {&v.slopePositive, &v.slopeNegative, &v.constantPositive, &v.constantNegative,
                                   &v.biasPositive, &v.biasNegative, &v.boxPositive, &v.boxNegative})
    if (!allFinite(*c)) return std::nullopt;
  if (!rows.weight.allFinite() || !conv.weight.allFinite()) return std::nullopt;

  const int64_t positions = int64_t(g.outHeight) * g.outWidth, taps = int64_t(g.kernelH) * g.kernelW;
  const int64_t inPositions = int64_t(g.inHeight) * g.inWidth;
  const int64_t lanes = (int64_t(g.outChannels) + kLanes - 1) / kLanes * kLanes, vectors = lanes / kLanes;
  const std::vector<double> weights = channelsFastest(rows, lanes);
  const std::vector<Window> rowWindows = windowsOf(rows), convWindows = windowsOf(conv);
  Eigen::VectorXd sums = Eigen::VectorXd::Zero(rows.rows());
  std::vector<double> columns, boxSums(static_cast<size_t>(lanes));
  std::vector<int> columnIndices;
  std::vector<Lanes> constants(static_cast<size_t>(vectors)), probes(static_cast<size_t>(vectors));
  for (int64_t p = 0; p < positions; ++p) {
    // The rows (oc, p) over every oc: their columns are the taps of p's window inside the input.
    const Window& w = rowWindows[static_cast<size_t>(p)];
    if (w.rows == 0) continue;
    columns.clear();
    columnIndices.clear();
    std::fill(constants.begin(), constants.end(), Lanes{});
    const int64_t first = w.weight - w.channel;
    for (int ic = 0; ic < g.inChannels; ++ic)
      for (int a = 0; a < w.rows; ++a)
        for (int b = 0; b < w.cols; ++b) {
          const int64_t j = ic * inPositions + int64_t(w.h0 + a * g.dilationH) * g.inWidth + (w.x0 + b * g.dilationW);
          const double* x = weights.data() + ((ic * taps) + first + int64_t(a) * g.kernelW + b) * lanes;
          const double sp = v.slopePositive[j], sn = v.slopeNegative[j];
          const double cp = v.constantPositive[j], cn = v.constantNegative[j];
          const double bp = v.biasPositive[j], bn = v.biasNegative[j];
          // A column scaled by 0 on both sides (an inactive neuron) adds its constants only.
          const bool kept = !(sp == 0 && sn == 0);
          const size_t at = columns.size();
          if (kept) {
            columnIndices.push_back(static_cast<int>(j));
            columns.resize(at + static_cast<size_t>(lanes));
          }
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
      const GroupProduct gp = groupProductOfColumns(columns.data(), lanes, columnIndices, conv, convWindows);
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
