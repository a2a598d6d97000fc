// The batch frame: every item of a chunk through the network's layers at once (runtime/batch_run.h).
#include "runtime/batch_run.h"

#include <chrono>
#include <map>
#include <stdexcept>
#include <type_traits>

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

}  // namespace

std::optional<std::string> batchFrameRefusal(const CompiledCertifier& cc, const Network& net, const RunOptions& options) {
  if (options.batchSize == 1) return "batch size 1";
  if (options.onLayer || options.trace || options.keepLayouts || options.keepMembers)
    return "the run reports per item (layer progress, trace, layouts or members)";
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
  std::vector<InstrTime> profile;  // the batch's instructions (all items at once), given to its first item
  if (options.profile) batch.profile = &profile;
  std::vector<double> layerMs;
  // Every layer's l and u on the host once: [n x items], item k in column k (read in place where
  // the backend's memory is the host's), and per item whether every layer's intervals are
  // consistent, checked while the layer is in cache (decideVerdict then skips its scan).
  std::vector<std::pair<std::vector<double>, std::vector<double>>> scratch(net.layers.size());
  std::vector<std::pair<std::span<const double>, std::span<const double>>> host;
  std::vector<char> consistent(static_cast<size_t>(count), 1);
  // The spans stay valid while later layers are appended: a reallocation moves each LayerState
  // (its map's nodes, and the tensors' storage in them, stay where they are).
  static_assert(std::is_nothrow_move_constructible_v<LayerState>);
  for (const Layer& layer : net.layers) {
    batch.profileLayer = layer.index;
    if (options.cancel && options.cancel->load(std::memory_order_relaxed))
      return R::failure(Diagnostic::error("cancelled"));
    const auto layerStart = std::chrono::steady_clock::now();
    try {
      if (layer.op == LayerOp::Input) batch.inputBatch(boxes);
      else if (layer.op == LayerOp::Concat) batch.concat(layer);
      else batch.layer(layer, cc.rules.at(ruleOperatorFor(layer)));
    } catch (const std::exception& e) {
      return R::failure(layerError(layer, e.what()));
    }
    layerMs.push_back(msSince(layerStart) / static_cast<double>(count));
    const size_t li = host.size();
    const LayerState& state = batch.states.at(li);
    host.emplace_back(backend.hostValues(std::get<Tensor>(state.members.at("l")), scratch[li].first),
                      backend.hostValues(std::get<Tensor>(state.members.at("u")), scratch[li].second));
    const int64_t n = layer.size();
    if (host[li].first.size() != static_cast<size_t>(n * count) || host[li].second.size() != static_cast<size_t>(n * count))
      return R::failure(layerError(layer, "its l and u are not one value per neuron and item"));
    if (!intervalsConsistent(host[li].first.data(), host[li].second.data(), n * count))
      for (int64_t k = 0; k < count; ++k)
        consistent[static_cast<size_t>(k)] &= intervalsConsistent(host[li].first.data() + k * n,
                                                                   host[li].second.data() + k * n, n);
  }
  const double shareMs = msSince(start) / static_cast<double>(count);

  R out;
  out.value.emplace(static_cast<size_t>(count));
  std::vector<double> marginsMs(static_cast<size_t>(count), 0.0);
  // The margins layers: items with the same rows (a label's) run theirs together as one batch
  // frame over their columns of the layer it reads; a VNN-LIB item's rows are its own.
  std::map<std::string, std::vector<int64_t>> groups;
  for (int64_t k = 0; k < count; ++k) {
    const PropertyItem& item = items[static_cast<size_t>(k)];
    if (!options.margins || !outputRows(item, net.outputSize())) continue;
    const std::string key = marginsKey(item);
    groups[key.empty() ? "item " + std::to_string(k) : key].push_back(k);
  }
  for (const auto& [name, members] : groups) {
    const auto groupStart = std::chrono::steady_clock::now();
    const PropertyItem& first = items[static_cast<size_t>(members.front())];
    const Layer margins = appendedMarginsLayer(net, *outputRows(first, net.outputSize()));
    const LayerSequence sequence(net, &margins, marginsKey(first));
    ItemRun run(cc, sequence, false, shared, backend);
    run.states.resize(batch.states.size());  // only the layers the margins layer reads are filled
    for (int in : margins.inputs)
      for (const auto& [member, v] : batch.states[static_cast<size_t>(in)].members) {
        const Tensor& t = std::get<Tensor>(v);
        Tensor mine = Tensor::uninitialized(t.r, 1, static_cast<int64_t>(members.size()));
        for (size_t g = 0; g < members.size(); ++g)
          std::copy_n(t.v.begin() + members[g] * t.r, t.r, mine.v.begin() + static_cast<int64_t>(g) * t.r);
        run.states[static_cast<size_t>(in)].members[member] = std::move(mine);
      }
    run.adoptBatch(static_cast<int64_t>(members.size()));
    if (options.profile) run.profile = &profile;
    run.profileLayer = margins.index;
    try {
      run.layer(margins, cc.rules.at(ruleOperatorFor(margins)));
    } catch (const std::exception& e) {
      return R::failure(layerError(margins, e.what()));
    }
    const std::vector<double> lower = backend.download(std::get<Tensor>(run.states.back().members.at("l")));
    const std::vector<double> upper = backend.download(std::get<Tensor>(run.states.back().members.at("u")));
    const int64_t rows = margins.size();
    const double ms = msSince(groupStart) / static_cast<double>(members.size());
    for (size_t g = 0; g < members.size(); ++g) {
      ItemResult& r = (*out.value)[static_cast<size_t>(members[g])];
      r.marginLower = Eigen::Map<const Eigen::VectorXd>(lower.data() + static_cast<int64_t>(g) * rows, rows);
      r.marginUpper = Eigen::Map<const Eigen::VectorXd>(upper.data() + static_cast<int64_t>(g) * rows, rows);
      marginsMs[static_cast<size_t>(members[g])] = ms;
    }
  }
  // Every layer's l and u tensors (or their host copies) are now owned by the items' results,
  // which view their columns of them.
  std::vector<std::pair<std::shared_ptr<const void>, std::shared_ptr<const void>>> owners;
  for (size_t li = 0; li < host.size(); ++li) {
    auto own = [&](const char* member, std::vector<double>& copy) -> std::shared_ptr<const void> {
      if (!copy.empty()) return std::make_shared<std::vector<double>>(std::move(copy));
      return std::make_shared<Tensor>(std::move(std::get<Tensor>(batch.states[li].members.at(member))));
    };
    owners.emplace_back(own("l", scratch[li].first), own("u", scratch[li].second));
  }
  // Per item: its columns of every layer, the stored bytes of its state (Float members: one
  // value per neuron each, as when it runs alone) and the verdict.
  int64_t neurons = 0;
  for (const Layer& layer : net.layers) neurons += layer.size();
  const int64_t members = static_cast<int64_t>(cc.memberNames.size());
  for (int64_t k = 0; k < count; ++k) {
    const PropertyItem& item = items[static_cast<size_t>(k)];
    ItemResult& r = (*out.value)[static_cast<size_t>(k)];
    r.index = item.index;
    r.label = item.label;
    for (size_t li = 0; li < host.size(); ++li) {
      const int64_t n = net.layers[li].size();
      LayerBoundsResult b;
      b.lower = SharedVector(owners[li].first, host[li].first.data() + k * n, n);
      b.upper = SharedVector(owners[li].second, host[li].second.data() + k * n, n);
      b.runMs = layerMs[li];
      r.layers.push_back(std::move(b));
    }
    const int64_t rows = r.marginLower.size();
    r.stateBytes = r.denseStateBytes = 8 * members * (neurons + rows);
    r.referencedWeightBytes = 0;
    finishItem(r, net, badParams, item, false, shareMs + marginsMs[static_cast<size_t>(k)],
               consistent[static_cast<size_t>(k)] != 0);
  }
  if (!out.value->empty()) out.value->front().profile = std::move(profile);
  return out;
}

}  // namespace cert::runtime
