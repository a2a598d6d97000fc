// unreadFloatMembers: the Float members no later rule or verdict reads (see the header).
#include "runtime/interpreter/unread_members.h"

#include <map>

#include "compiler/analysis/liveness.h"
#include "core/network/margin_folding.h"
#include "runtime/layer_rule.h"

namespace cert::interp {

namespace {

/// Whether any instruction of `r` (nested regions included) reads member `name` through an input
/// of the layer it runs for (not curr, not a term's neuron).
bool readsInputMember(const ir::Region& r, const std::string& name) {
  for (const Instr& i : r.body) {
    if (i.op == Opcode::Member && i.name == name && i.ref != NeuronRef::Curr && i.ref != NeuronRef::Term) return true;
    for (const auto& sub : i.regions)
      if (readsInputMember(*sub, name)) return true;
  }
  return false;
}

/// Whether value `id` of `p` is a traverse whose stop is a constant false: it replaces every term
/// with a non-zero coefficient, so a map over its result has no term whose members it reads.
bool completeTraverse(const ir::Program& p, int id) {
  const Instr* t = p.find(id);
  if (!t || t->op != Opcode::Traverse || t->regions.size() < 2) return false;
  const ir::Region& stop = *t->regions[1];
  if (stop.body.empty() || stop.body.back().op != Opcode::Yield || stop.body.back().operands.size() != 1) return false;
  const Instr* c = p.find(stop.body.back().operands[0]);
  return c && c->op == Opcode::Const && c->number == 0;
}

/// Whether any instruction of `r` may read member `name` of an earlier layer it does not name: of
/// a map's or traverse's term (anywhere but in the body of a map over a complete traverse), or
/// through an lp bound (which reads l and u of the layers its objective's terms are over).
bool readsAnyLayersMember(const ir::Program& p, const ir::Region& r, const std::string& name) {
  for (const Instr& i : r.body) {
    if (i.op == Opcode::Member && i.ref == NeuronRef::Term && i.name == name) return true;
    if (i.op == Opcode::Lp && (name == "l" || name == "u")) return true;
    if (i.op == Opcode::Map && !i.operands.empty() && completeTraverse(p, i.operands[0])) continue;
    for (const auto& sub : i.regions)
      if (readsAnyLayersMember(p, *sub, name)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::set<std::string>> unreadFloatMembers(const CompiledCertifier& cc, const LayerSequence& layers,
                                                      const std::string& marginsMember) {
  std::vector<std::set<std::string>> unread(layers.size());
  if (!cc.reverseRules.empty()) return unread;
  std::set<std::string> floats;
  for (size_t m = 0; m < cc.memberNames.size(); ++m)
    if (cc.memberTypes[m] == ir::ElemType::Float && !(m < cc.ctMembers.size() && cc.ctMembers[m]))
      floats.insert(cc.memberNames[m]);
  for (size_t k = 1; k < layers.size(); ++k)  // the input layer is the box itself
    if (layers[k].op != LayerOp::Input) unread[k] = floats;
  // Execution order is topological: a layer's inputs come before it.
  auto position = [&](int index) -> size_t {
    for (size_t k = 0; k < layers.size(); ++k)
      if (layers[k].index == index) return k;
    return layers.size();
  };
  auto keep = [&](size_t k) {
    if (k < unread.size()) unread[k].clear();
  };
  // The verdict reads the margins (the last layer) and their inputs; the network's output and its
  // inputs unless the margins are folded into the output layer (verdict.cpp's MarginSlack then
  // reads the layer they are folded over, the output layer's input, and not the outputs).
  const Network& net = layers.network();
  const Layer* folded = marginFoldingLayer(net);
  const size_t last = layers.size() - 1, output = net.layers.size() - 1;
  for (size_t k : {last, output}) {
    if (k == output && k != last && folded) {
      for (int in : folded->inputs) keep(position(in));
      continue;
    }
    keep(k);
    if (k < layers.size())
      for (int in : layers[k].inputs) keep(position(in));
  }
  // The margins layer (after the network's layers; no rule reads it): only the member the verdict reads.
  if (last > output && floats.count(marginsMember)) {
    unread[last] = floats;
    unread[last].erase(marginsMember);
  }
  for (size_t k = 1; k < layers.size(); ++k) {
    const Layer& layer = layers[k];
    const std::string rule = ruleOperatorFor(layer);
    const auto it = rule.empty() ? cc.rules.end() : cc.rules.find(rule);
    if (it != cc.rules.end())
      for (const std::string& name : floats)
        if (readsAnyLayersMember(it->second, it->second.body, name))
          for (size_t j = 0; j < k; ++j) unread[j].erase(name);
    for (int in : layer.inputs) {
      const size_t p = position(in);
      if (p >= unread.size()) continue;
      if (it == cc.rules.end()) {  // a Concat: below; a layer without a rule fails the run
        if (layer.op != LayerOp::Concat) keep(p);
        continue;
      }
      for (auto name = unread[p].begin(); name != unread[p].end();)
        name = readsInputMember(it->second.body, *name) ? unread[p].erase(name) : std::next(name);
    }
  }
  // A Concat copies each member its own readers read from its inputs: last to first, so that a
  // Concat read by a later one knows what it must copy.
  for (size_t k = layers.size(); k-- > 1;) {
    const Layer& layer = layers[k];
    if (layer.op != LayerOp::Concat || cc.rules.count(ruleOperatorFor(layer))) continue;
    for (int in : layer.inputs) {
      const size_t p = position(in);
      if (p >= unread.size()) continue;
      for (auto name = unread[p].begin(); name != unread[p].end();)
        name = unread[k].count(*name) ? std::next(name) : unread[p].erase(name);
    }
  }
  return unread;
}

std::set<int> instructionsOnlyFor(const ir::Program& prog, const std::vector<std::string>& memberNames,
                                  const std::set<std::string>& leaveOut) {
  std::map<int, const Instr*> byId;
  for (const Instr& i : prog.body.body) byId.emplace(i.id, &i);
  std::set<int> needed;
  std::vector<int> work;
  for (size_t m = 0; m < prog.results.size(); ++m)
    if (!leaveOut.count(memberNames[m]) && needed.insert(prog.results[m]).second) work.push_back(prog.results[m]);
  while (!work.empty()) {
    const auto it = byId.find(work.back());
    work.pop_back();
    if (it == byId.end()) continue;
    std::set<int> reads;
    analysis::collectReads(*it->second, reads);
    for (int id : reads)
      if (needed.insert(id).second) work.push_back(id);
  }
  std::set<int> unneeded;
  for (const Instr& i : prog.body.body)
    if (!needed.count(i.id)) unneeded.insert(i.id);
  return unneeded;
}

}  // namespace cert::interp
