// The batch frame: every item of a chunk through the network's layers at once (runtime/batch_run.h).
#include "runtime/batch_run.h"

#include <chrono>
#include <stdexcept>

#include "runtime/interpreter/item_run.h"
#include "runtime/item_margins.h"
#include "runtime/layer_rule.h"

namespace cert::runtime {

using interp::ItemRun;
using interp::LayerSequence;
using interp::LayerState;

namespace {

/// Why `r` (with its nested regions) cannot run in a batch frame, or "".
std::string regionRefusal(const ir::Region& r) {
  for (const ir::Instr& i : r.body) {
    switch (i.op) {
      case ir::Opcode::Neuron:
      case ir::Opcode::Coeff:
      case ir::Opcode::FreshNoise:
      case ir::Opcode::Map:
      case ir::Opcode::Traverse:
      case ir::Opcode::Lp: return std::string("it uses '") + ir::opcodeName(i.op) + "'";
      default: break;
    }
    const bool otherNeuron = i.ref == ir::NeuronRef::Other || i.ref == ir::NeuronRef::Term;
    if ((i.op == ir::Opcode::Member && (otherNeuron || i.ref == ir::NeuronRef::Curr)) ||
        (i.op == ir::Opcode::Meta && otherNeuron))
      return std::string("it reads a member of the ") + ir::neuronRefName(i.ref) + " neuron";
    if (i.frame == ir::FrameKind::Other && (i.op == ir::Opcode::Reduce || i.op == ir::Opcode::MatMul))
      return "it reduces over the other frame";
    for (const auto& nested : i.regions)
      if (std::string why = regionRefusal(*nested); !why.empty()) return why;
  }
  return {};
}

double msSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// Item k's slice of a batch frame's tensor (a shared tensor as it is).
Tensor sliceOf(const Tensor& t, int64_t k) {
  if (t.d == 1) return t;
  const int64_t size = t.r * t.c;
  Tensor s = Tensor::uninitialized(t.r, t.c, 1);
  std::copy(t.v.begin() + k * size, t.v.begin() + (k + 1) * size, s.v.begin());
  return s;
}

}  // namespace

std::optional<std::string> batchFrameRefusal(const CompiledCertifier& cc, const Network& net, const RunOptions& options) {
  if (options.batchSize == 1) return "batch size 1";
  if (options.onLayer || options.trace || options.keepLayouts || options.keepMembers || options.profile)
    return "the run reports per item (layer progress, trace, layouts, members or profile)";
  if (options.dense) return "the dense executor runs item by item";
  if (!cc.reverseRules.empty()) return "the spec has a backward flow";
  bool l = false, u = false;
  for (size_t m = 0; m < cc.memberNames.size(); ++m) {
    if (cc.memberTypes[m] != ir::ElemType::Float || (m < cc.ctMembers.size() && cc.ctMembers[m]))
      return "member '" + cc.memberNames[m] + "' is not a Float";
    l = l || cc.memberNames[m] == "l";
    u = u || cc.memberNames[m] == "u";
  }
  if (!l || !u) return "the shape has no Float members named l and u";
  for (const Layer& layer : net.layers) {
    if (layer.op == LayerOp::Input || layer.op == LayerOp::Concat) continue;
    const auto it = cc.rules.find(ruleOperatorFor(layer));
    if (it == cc.rules.end()) return layerWhere(layer) + " has no rule";
    if (std::string why = regionRefusal(it->second.body); !why.empty())
      return "the rule for " + it->first + ": " + why;
  }
  if (const auto it = cc.rules.find("Affine"); it != cc.rules.end())  // the margins layer's rule
    if (std::string why = regionRefusal(it->second.body); !why.empty()) return "the rule for Affine: " + why;
  return std::nullopt;
}

Result<std::vector<ItemResult>> certifyBatch(const CompiledCertifier& cc, const Network& net,
                                             std::span<const PropertyItem> items, const RunOptions& options,
                                             SharedWeights& shared, const std::vector<BadParameter>& badParams,
                                             const Backend& backend) {
  using R = Result<std::vector<ItemResult>>;
  const auto start = std::chrono::steady_clock::now();
  const int64_t count = static_cast<int64_t>(items.size());
  std::vector<const InputBox*> boxes;
  for (const PropertyItem& item : items) {
    if (item.box.lower.size() != net.inputSize())
      return R::failure(Diagnostic::error("the input box has " + std::to_string(item.box.lower.size()) +
                                          " values; the network takes " + std::to_string(net.inputSize())));
    boxes.push_back(&item.box);
  }
  const LayerSequence layers(net);
  ItemRun batch(cc, layers, false, shared, backend);
  const RowViews views(true);
  std::vector<double> layerMs;
  for (const Layer& layer : net.layers) {
    if (options.cancel && options.cancel->load(std::memory_order_relaxed))
      return R::failure(Diagnostic::error("cancelled"));
    const auto layerStart = std::chrono::steady_clock::now();
    try {
      if (layer.op == LayerOp::Input) batch.inputBatch(boxes);
      else if (layer.op == LayerOp::Concat) batch.concat(layer);
      else batch.layer(layer, cc.rules.at(ruleOperatorFor(layer)));
    } catch (const std::exception& e) {
      Diagnostic d = Diagnostic::error(layerWhere(layer) + ": " + e.what());
      d.node = layer.name;
      return R::failure(d);
    }
    layerMs.push_back(msSince(layerStart) / static_cast<double>(count));
  }
  const double shareMs = msSince(start) / static_cast<double>(count);

  R out;
  out.value.emplace();
  for (int64_t k = 0; k < count; ++k) {
    const auto itemStart = std::chrono::steady_clock::now();
    const PropertyItem& item = items[static_cast<size_t>(k)];
    ItemResult r;
    r.index = item.index;
    r.label = item.label;
    const std::optional<OutputRows> rows = options.margins ? outputRows(item, net.outputSize()) : std::nullopt;
    const Layer marginsRows = rows ? appendedMarginsLayer(net, *rows) : Layer{};
    const LayerSequence itemLayers = rows ? LayerSequence(net, &marginsRows) : LayerSequence(net);
    ItemRun run(cc, itemLayers, false, shared, backend);  // item k's slice of every layer
    for (const LayerState& s : batch.states) {
      LayerState mine;
      for (const auto& [name, v] : s.members) mine.members[name] = sliceOf(std::get<Tensor>(v), k);
      run.states.push_back(std::move(mine));
    }
    if (rows) {
      try {
        run.layer(marginsRows, cc.rules.at(ruleOperatorFor(marginsRows)));
      } catch (const std::exception& e) {
        Diagnostic d = Diagnostic::error(layerWhere(marginsRows) + ": " + e.what());
        d.node = marginsRows.name;
        return R::failure(d);
      }
    }
    const double marginsMs = msSince(itemStart);
    for (size_t li = 0; li < run.states.size(); ++li) {
      const auto& members = run.states[li].members;
      const int64_t n = itemLayers[li].size();
      LayerBoundsResult b;
      b.lower = downloadColumn(backend, std::get<Tensor>(members.at("l")), n);
      b.upper = downloadColumn(backend, std::get<Tensor>(members.at("u")), n);
      b.runMs = li < layerMs.size() ? layerMs[li] : marginsMs;
      r.layers.push_back(std::move(b));
    }
    const auto [state, dense, referenced] = run.memory();
    r.stateBytes = state;
    r.denseStateBytes = dense;
    r.referencedWeightBytes = referenced;
    finishItem(r, net, badParams, item, rows.has_value(), shareMs + msSince(itemStart));
    out.value->push_back(std::move(r));
  }
  return out;
}

}  // namespace cert::runtime
