// ItemRun: stored bytes of the members and their storage layouts (for the IDE's sparsity view).
#include "runtime/interpreter/item_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "compiler/ir/scalar_ops.h"

namespace cert::interp {

using ir::Instr;
using ir::NeuronRef;
using ir::Opcode;

std::tuple<int64_t, int64_t, int64_t> ItemRun::memory() const {
  int64_t stored = 0, neurons = 0, noise = 0, referenced = 0;
  std::map<int, int64_t> noiseWidth;
  for (size_t k = 0; k < layers_.size(); ++k) neurons += layers_[k].size();
  std::set<const void*> counted;  // storage shared between members is stored once
  for (const LayerState& st : states)
    for (const auto& [name, v] : st.members)
      if (const Lin* l = std::get_if<Lin>(&v)) {
        stored += int64_t(l->c0.v.size()) * 8;
        for (const auto& [k, m] : l->blocks) {
          if (dense_ || counted.insert(m.storage()).second) (m.borrowed() ? referenced : stored) += m.bytes();
          if (m.kind() == CoefBlock::Kind::RowScaled && counted.insert(m.scaledBase().storage()).second)
            (m.scaledBase().borrowed() ? referenced : stored) += m.scaledBase().bytes();  // its rows, once
          if (l->sym) noiseWidth[k] = std::max<int64_t>(noiseWidth[k], m.cols());
        }
      } else {
        stored += int64_t(std::get<Tensor>(v).v.size()) * 8;
      }
  for (const auto& [k, w] : noiseWidth) noise += w;
  int64_t dense = 0;
  for (size_t k = 0; k < states.size(); ++k) {
    const int64_t n = layers_[k].size();
    for (const auto& [name, v] : states[k].members)
      if (const Lin* l = std::get_if<Lin>(&v)) dense += n * ((l->sym ? noise : neurons) + 1) * 8;
      else dense += n * 8;
    dense += n * 8 * static_cast<int64_t>(states[k].members.leftOutCount());  // the all-neurons form has them
  }
  return {stored, dense, referenced};
}

std::vector<LayerLayout> ItemRun::layouts() const {
  std::vector<LayerLayout> out;
  std::map<int, int64_t> noiseWidth;  // noise block -> widest use, for global noise offsets
  for (const LayerState& st : states)
    for (const auto& [name, v] : st.members)
      if (const Lin* l = std::get_if<Lin>(&v); l && l->sym)
        for (const auto& [k, m] : l->blocks) noiseWidth[k] = std::max<int64_t>(noiseWidth[k], m.cols());
  std::map<int, int64_t> noiseOffset;
  int64_t acc = 0;
  for (const auto& [k, w] : noiseWidth) noiseOffset[k] = acc, acc += w;
  for (size_t li = 0; li < states.size(); ++li) {
    const Layer& layer = layers_[li];
    LayerLayout ll;
    for (size_t m = 0; m < cc_.memberNames.size(); ++m) {
      const std::string& name = cc_.memberNames[m];
      const auto it = states[li].members.find(name);
      if (it == states[li].members.end()) continue;
      MemberLayout ml;
      ml.member = name;
      if (const Lin* l = std::get_if<Lin>(&it->second)) {
        for (const auto& [k, blk] : l->blocks) {
          const int64_t nnz = blk.nonZeros();
          if (nnz == 0) continue;
          const int64_t col0 = l->sym ? noiseOffset[k] : layers_[static_cast<size_t>(k)].start;
          gbcsr::BlockInfo b;
          b.box = gbcsr::Box::of(0, 1, layer.start, blk.rows(), col0, blk.cols());
          b.kind = blk.gbcsrKind();
          b.bytes = blk.bytes();
          b.density = static_cast<double>(nnz) / (static_cast<double>(blk.rows()) * static_cast<double>(blk.cols()));
          b.shared = true;
          ml.blocks.push_back(b);
        }
      } else {
        const Tensor& t = std::get<Tensor>(it->second);
        gbcsr::BlockInfo b;
        b.kind = gbcsr::Kind::Dense;
        b.box = gbcsr::Box::of(0, 1, 0, 1, layer.start, layer.size());
        b.bytes = layer.size() * 8;
        int64_t nnz = 0;
        for (int64_t i = 0; i < layer.size(); ++i) nnz += t.at(i, 0, 0) != 0 ? 1 : 0;
        b.density = layer.size() > 0 ? static_cast<double>(nnz) / static_cast<double>(layer.size()) : 0.0;
        b.shared = true;
        ml.blocks.push_back(b);
      }
      ll.members.push_back(std::move(ml));
    }
    out.push_back(std::move(ll));
  }
  return out;
}

}  // namespace cert::interp
