// Memory plan of a run: receptive fields of earlier layers per layer, bytes per member kind.
#include "runtime/memory_plan.h"

#include <unistd.h>

#include "core/network/margin_folding.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace cert::runtime {

namespace {

/// Copies of a coefficient matrix alive at once during a back-substitution step (the form, its
/// max/min parts, the products, the result) and of a noise-term matrix (the form and its image).
constexpr int64_t kBackSubstitutionCopies = 6;
constexpr int64_t kNoiseCopies = 4;

/// A window of a layer's output grid: rows x cols positions (whole = every neuron of the layer).
struct Field {
  int64_t h = 1, w = 1;
  bool whole = false;
};

bool spatial(const Layer& l) { return l.shape.size() == 3; }

/// The window of `in` that a window `f` of layer `l`'s output reads.
Field throughLayer(const Layer& l, const Field& f) {
  if (f.whole) return f;
  switch (l.op) {
    case LayerOp::Conv: {
      const ConvGeometry& g = l.conv;
      return {std::min<int64_t>(g.inHeight, (f.h - 1) * g.strideH + int64_t(g.dilationH) * (g.kernelH - 1) + 1),
              std::min<int64_t>(g.inWidth, (f.w - 1) * g.strideW + int64_t(g.dilationW) * (g.kernelW - 1) + 1), false};
    }
    case LayerOp::MaxPool:
    case LayerOp::AvgPool: {
      const PoolGeometry& g = l.pool;
      return {std::min<int64_t>(g.inHeight, (f.h - 1) * g.strideH + g.kernelH),
              std::min<int64_t>(g.inWidth, (f.w - 1) * g.strideW + g.kernelW), false};
    }
    case LayerOp::Affine:
    case LayerOp::Concat: return {1, 1, true};
    default: return f;  // element-wise, Add and Mul: the same positions
  }
}

/// Non-zeros of a row of layer k's linear forms over each earlier layer: its receptive field
/// there (all channels), or the whole layer behind an Affine layer.
std::map<int, int64_t> rowNonZeros(const Network& net, int k) {
  std::map<int, Field> fields;
  fields[k] = spatial(net.layers[static_cast<size_t>(k)]) ? Field{1, 1, false} : Field{1, 1, true};
  for (int j = k; j >= 0; --j) {  // layers are in execution order: inputs come first
    const auto it = fields.find(j);
    if (it == fields.end()) continue;
    const Layer& l = net.layers[static_cast<size_t>(j)];
    const Field up = throughLayer(l, it->second);
    for (int in : l.inputs) {
      const auto seen = fields.find(in);  // reached by another path too: the larger window
      Field f = seen == fields.end() ? up
                                     : Field{std::max(seen->second.h, up.h), std::max(seen->second.w, up.w),
                                             seen->second.whole || up.whole};
      if (!spatial(net.layers[static_cast<size_t>(in)])) f.whole = true;
      fields[in] = f;
    }
  }
  std::map<int, int64_t> out;
  for (const auto& [j, f] : fields) {
    if (j == k) continue;
    const Layer& l = net.layers[static_cast<size_t>(j)];
    out[j] = f.whole || !spatial(l) ? l.size() : std::min<int64_t>(l.size(), l.shape[0] * f.h * f.w);
  }
  return out;
}

bool hasMember(const CompiledCertifier& cc, ir::ElemType t) {
  return std::find(cc.memberTypes.begin(), cc.memberTypes.end(), t) != cc.memberTypes.end();
}

int64_t countMembers(const CompiledCertifier& cc, ir::ElemType t) {
  return std::count(cc.memberTypes.begin(), cc.memberTypes.end(), t);
}

bool freshNoise(LayerOp op) {
  return op == LayerOp::Relu || op == LayerOp::LeakyRelu || op == LayerOp::Sigmoid || op == LayerOp::Tanh ||
         op == LayerOp::Abs || op == LayerOp::Clip || op == LayerOp::MaxPool || op == LayerOp::Mul;
}

}  // namespace

int64_t keptMemberBytes(const CompiledCertifier& cc, const Network& net, size_t k, int64_t outputRows) {
  const bool margins = k >= net.layers.size();
  const int64_t n = margins ? outputRows : net.layers[k].size();
  // Poly: one dense block per layer the member's form reads (its input layers; the margins rows
  // read the last layer, or its input when they are folded into it: core/network/margin_folding.h).
  // Sym: the input box's symbols and every noise block made so far.
  int64_t polyWidth = 0;
  if (margins) {
    const Layer* folded = marginFoldingLayer(net);
    polyWidth = folded ? net.layers[static_cast<size_t>(folded->inputs[0])].size()
                       : (net.layers.empty() ? 0 : net.layers.back().size());
  } else {
    for (int in : net.layers[k].inputs) polyWidth += net.layers[static_cast<size_t>(in)].size();
  }
  int64_t noiseWidth = net.inputSize();
  const size_t upTo = margins ? net.layers.size() : k + 1;
  for (size_t j = 1; j < upTo; ++j)
    if (freshNoise(net.layers[j].op)) noiseWidth += net.layers[j].size();
  // Each block twice: the dense member, and the |coefficients| the sampling check keeps beside it
  // (MemberChecker, runtime/member_check.cpp).
  int64_t bytes = 0;
  for (ir::ElemType t : cc.memberTypes) {
    switch (t) {
      case ir::ElemType::Poly: bytes += 8 * n * (1 + 2 * polyWidth); break;
      case ir::ElemType::Sym: bytes += 8 * n * (1 + 2 * noiseWidth); break;
      default: bytes += 8 * n; break;
    }
  }
  return bytes;
}

MemoryPlan planMemory(const CompiledCertifier& cc, const Network& net, int64_t outputRows, bool keepMembers) {
  MemoryPlan plan;
  const bool poly = hasMember(cc, ir::ElemType::Poly), sym = hasMember(cc, ir::ElemType::Sym);
  const int64_t floats = countMembers(cc, ir::ElemType::Float) + countMembers(cc, ir::ElemType::Int) +
                         countMembers(cc, ir::ElemType::Bool);
  const int64_t polys = countMembers(cc, ir::ElemType::Poly), syms = countMembers(cc, ir::ElemType::Sym);
  int64_t widest = 0;  // the widest layer so far (the margins rows read everything before)
  for (size_t k = 0; k < net.layers.size() + (outputRows > 0 ? 1 : 0); ++k) {
    const bool margins = k == net.layers.size();
    LayerMemory m;
    m.layer = static_cast<int>(k);
    const int64_t n = margins ? outputRows : net.layers[k].size();
    m.storedBytes = 8 * n * std::max<int64_t>(floats, 1);
    std::map<int, int64_t> nnz;
    if (margins) {
      for (size_t j = 0; j < net.layers.size(); ++j) nnz[static_cast<int>(j)] = net.layers[j].size();
    } else {
      nnz = rowNonZeros(net, static_cast<int>(k));
    }
    if (poly) {
      // Stored: the layer's own blocks (weights referenced, Kernel/Diagonal) ~ 2 values a neuron.
      m.storedBytes += 16 * n * polys;
      for (const auto& [j, c] : nnz)
        if (c > m.cols) m.cols = c, m.rows = n;
      m.workingBytes = std::max(m.workingBytes, kBackSubstitutionCopies * 8 * n * m.cols);
    }
    if (sym) {
      // Noise terms: the input box's, and one block per earlier layer that adds fresh noise.
      int64_t noise = 0;
      for (const auto& [j, c] : nnz)
        if (j == 0 || freshNoise(net.layers[static_cast<size_t>(j)].op)) noise += c;
      if (!margins && freshNoise(net.layers[k].op)) noise += 1;
      m.storedBytes += 12 * n * noise * syms;  // Csr-compressed where sparse (value + index)
      m.workingBytes = std::max(m.workingBytes, kNoiseCopies * 8 * n * noise);
      if (noise > m.cols) m.cols = noise, m.rows = n;
    }
    widest = std::max(widest, n);
    if (keepMembers) m.keptBytes = keptMemberBytes(cc, net, k, outputRows);
    plan.layers.push_back(m);
  }
  int64_t stored = 0, working = 0;
  for (const LayerMemory& m : plan.layers) {
    stored += m.storedBytes;
    if (m.workingBytes > working) working = m.workingBytes, plan.worstLayer = m.layer;
    plan.keptBytes += m.keptBytes;
    if (m.keptBytes > 0 && (plan.worstKeptLayer < 0 ||
                            m.keptBytes > plan.layers[static_cast<size_t>(plan.worstKeptLayer)].keptBytes))
      plan.worstKeptLayer = m.layer;
  }
  plan.peakBytesPerItem = stored + working + plan.keptBytes;
  return plan;
}

int64_t defaultMemoryLimit() {
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || size <= 0) return int64_t(8) << 30;
  return static_cast<int64_t>(pages) * size / 4 * 3;
}

Result<int> itemsWithinBudget(const MemoryPlan& plan, const Network& net, int threads, int64_t limitBytes) {
  Result<int> out;
  const int64_t per = std::max<int64_t>(plan.peakBytesPerItem, 1);
  if (per <= limitBytes) {
    out.value = static_cast<int>(std::clamp<int64_t>(limitBytes / per, 1, std::max(threads, 1)));
    return out;
  }
  auto layerName = [&net](int layer) {
    return static_cast<size_t>(layer) >= net.layers.size()
               ? std::string("the margins layer")
               : "layer " + std::to_string(layer) + " '" + net.layers[static_cast<size_t>(layer)].name + "' (" +
                     layerOpName(net.layers[static_cast<size_t>(layer)].op) + ")";
  };
  std::string where = "the run";
  if (plan.worstLayer >= 0) {
    const LayerMemory& m = plan.layers[static_cast<size_t>(plan.worstLayer)];
    where = layerName(m.layer) + ": coefficient matrices of " + std::to_string(m.rows) + " x " + std::to_string(m.cols) +
            " values need about " + formatBytes(m.workingBytes);
  }
  if (plan.worstKeptLayer >= 0) {
    const LayerMemory& m = plan.layers[static_cast<size_t>(plan.worstKeptLayer)];
    const std::string kept = "every layer's members kept dense for sampling: " + formatBytes(plan.keptBytes) +
                             ", the largest " + layerName(m.layer) + " with " + formatBytes(m.keptBytes);
    where = plan.worstLayer >= 0 ? where + "; " + kept : kept;
  }
  out.diagnostics.push_back(Diagnostic::error("the run needs about " + formatBytes(plan.peakBytesPerItem) +
                                              " per item, over the memory limit of " + formatBytes(limitBytes) + " (" +
                                              where + "); raise it with --memory-limit if the machine has more"));
  return out;
}

std::string formatBytes(int64_t bytes) {
  char buf[32];
  const double b = static_cast<double>(bytes);
  if (b >= 1e9) std::snprintf(buf, sizeof buf, "%.1f GB", b / 1e9);
  else if (b >= 1e6) std::snprintf(buf, sizeof buf, "%.0f MB", b / 1e6);
  else std::snprintf(buf, sizeof buf, "%.1f kB", b / 1e3);
  return buf;
}

std::optional<int64_t> parseBytes(const std::string& text) {
  if (text.empty()) return std::nullopt;
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (...) {
    return std::nullopt;
  }
  std::string unit = text.substr(used);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  double scale = 1;
  if (unit == "K" || unit == "k") scale = 1e3;
  else if (unit == "M" || unit == "m") scale = 1e6;
  else if (unit == "G" || unit == "g") scale = 1e9;
  else if (unit == "T" || unit == "t") scale = 1e12;
  else if (!unit.empty()) return std::nullopt;
  const double bytes = v * scale;
  if (!std::isfinite(bytes) || bytes < 1 || bytes > 9.0e18) return std::nullopt;
  return static_cast<int64_t>(bytes);
}

}  // namespace cert::runtime
