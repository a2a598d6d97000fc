// ItemRun: the layer's weight and zero-keeping maps of it kept as blocks (a Kernel, the referenced matrix or its Csr form) until something needs them dense.
#include "runtime/interpreter/item_run.h"
#include "compiler/analysis/liveness.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "compiler/ir/scalar_ops.h"

namespace cert::interp {

using ir::Instr;
using ir::NeuronRef;
using ir::Opcode;

Tensor ItemRun::denseLayerWeight() {
  if (layer_->op != LayerOp::Conv) return backend_.denseValues(*shared_.weight(*layer_, backend_));
  if (!convWeight_) convWeight_ = backend_.denseValues(*shared_.weight(*layer_, backend_));
  return *convWeight_;
}

const std::map<int, std::vector<const Instr*>>& ItemRun::consumersOf(const ir::Program& prog) {
  auto it = consumers_.find(&prog);
  if (it != consumers_.end()) return it->second;
  std::map<int, std::vector<const Instr*>> uses;
  std::function<void(const ir::Region&)> walk = [&](const ir::Region& r) {
    for (const Instr& i : r.body) {
      for (int id : i.operands) uses[id].push_back(&i);
      for (const auto& nested : i.regions) walk(*nested);
    }
  };
  walk(prog.body);
  return consumers_.emplace(&prog, std::move(uses)).first->second;
}

std::optional<Value> ItemRun::structuredEval(const Instr& i) {
  auto isStructured = [&](int id) { return structured_.count(id) > 0; };
  if (i.op == Opcode::Unary && i.name == ir::Op::Neg && isStructured(i.operands[0])) return derive(i, i.operands[0], "mul", -1.0);
  if (i.op == Opcode::Binary && i.operands.size() == 2) {
    const int a = i.operands[0], b = i.operands[1];
    if (isStructured(a) == isStructured(b)) return std::nullopt;
    const int sId = isStructured(a) ? a : b, oId = isStructured(a) ? b : a;
    const Value& other = at(oId);
    const Tensor* t = std::get_if<Tensor>(&other);
    if (t && t->v.size() == 1 && (i.name == ir::Op::Max || i.name == ir::Op::Min || i.name == ir::Op::Mul) &&
        runtime::zeroKeeping(i.name, t->v[0]))
      return derive(i, sId, i.name, t->v[0]);
    if (i.name == ir::Op::Mul && structured_.at(sId).raw && std::holds_alternative<Lin>(other))
      return layerProduct(i, sId, std::get<Lin>(other));
    return std::nullopt;
  }
  if (i.op == Opcode::MatMul && isStructured(i.operands[0]) && !isStructured(i.operands[1])) {
    const Tensor* tb = std::get_if<Tensor>(&at(i.operands[1]));
    const CoefBlock& blk = *blockOf(i.operands[0]);
    // One column per item of a batch frame (tb->d items): one product for all of them.
    if (tb && windows_.empty() && i.frame == ir::FrameKind::Prev && tb->r == 1 && tb->c == listExtent_ &&
        blk.rows() == n_ && blk.cols() == listExtent_)
      return backend_.times(blk, *tb);
  }
  return std::nullopt;
}

std::string ItemRun::derivedKey(int sId, const std::string& op, double s) const {
  const std::string& baseKey = structured_.at(sId).key;
  char suffix[64];
  std::snprintf(suffix, sizeof suffix, "|%s%.17g", op.c_str(), s);
  return baseKey.empty() ? std::string() : baseKey + suffix;
}

std::shared_ptr<const CoefBlock> ItemRun::derivedBlock(int sId, const std::string& op, double s) {
  const std::shared_ptr<const CoefBlock> base = blockOf(sId);
  return shared_.derived(derivedKey(sId, op, s), [&] { return runtime::mapStored(backend_, *base, op, s); });
}

Value ItemRun::derive(const Instr& i, int sId, const std::string& op, double s) {
  Structured& st = structured_[i.id];
  st = Structured{};
  st.key = derivedKey(sId, op, s);
  st.base = sId;
  st.op = op;
  st.s = s;
  return Tensor::scalar(0);
}

const std::shared_ptr<const CoefBlock>& ItemRun::blockOf(int id) {
  Structured& st = structured_.at(id);
  if (!st.block) st.block = derivedBlock(st.base, st.op, st.s);
  return st.block;
}

const std::vector<analysis::IntervalProduct>& ItemRun::intervalProductsFor(const ir::Region& r) {
  auto it = intervalProducts_.find(&r);
  if (it == intervalProducts_.end()) it = intervalProducts_.emplace(&r, analysis::intervalProductsIn(*program_, r)).first;
  return it->second;
}

std::set<int> ItemRun::deferrableEnds(const ir::Region& r, const std::vector<analysis::IntervalProduct>& products) {
  std::set<int> out;
  if (dense_ || !windows_.empty()) return out;
  const auto& uses = consumersOf(*program_);
  for (const analysis::IntervalProduct& ip : products)
    for (int end : {ip.lowerEnd, ip.upperEnd}) {
      const auto instr = std::find_if(r.body.begin(), r.body.end(), [&](const Instr& i) { return i.id == end; });
      if (instr == r.body.end() || instr->op != Opcode::Member || instr->ref != NeuronRef::PrevList ||
          isPolyMember(instr->name) || results_.count(end))
        continue;
      const auto it = uses.find(end);
      if (it == uses.end()) continue;
      const bool onlyParts = std::all_of(it->second.begin(), it->second.end(), [&](const Instr* use) {
        return std::find(ip.parts.begin(), ip.parts.end(), use->id) != ip.parts.end();
      });
      if (onlyParts) out.insert(end);
    }
  return out;
}

bool ItemRun::intervalProduct(const analysis::IntervalProduct& ip, std::map<int, const Instr*>& deferred,
                              std::vector<int>& computed) {
  // A deferred end is the prev layer's own [n x 1 x items] tensor; the others were evaluated.
  auto end = [&](int id) -> const Tensor* {
    if (!deferred.count(id)) return std::get_if<Tensor>(&at(id));
    return std::get_if<Tensor>(&states.at(static_cast<size_t>(inputOf(NeuronRef::Prev))).members.at(deferred.at(id)->name));
  };
  auto product = [&]() -> bool {
    if (dense_ || !windows_.empty() || !structured_.count(ip.weight) || !structured_.count(ip.positive) ||
        !structured_.count(ip.negative))
      return false;
    const Tensor* l = end(ip.lowerEnd);
    const Tensor* u = end(ip.upperEnd);
    const CoefBlock& w = *blockOf(ip.weight);
    auto overPrev = [&](const Tensor* t) { return t && t->r * t->c == listExtent_ && (t->r == 1 || t->c == 1); };
    if (!overPrev(l) || !overPrev(u) || l->d != u->d || w.rows() != n_ || w.cols() != listExtent_) return false;
    // The offset (an Affine rule's bias) added as the bounds are written where it is one value
    // per neuron; else the two adds run as written, after the product.
    const Tensor* offset = ip.offset >= 0 ? std::get_if<Tensor>(&operandOf(ip.offset)) : nullptr;
    if (offset && (offset->r != n_ || offset->c != 1 || offset->d != 1)) offset = nullptr;
    // Non-finite ends keep the four products (their inf * 0 = NaN cases as written).
    auto bounds = backend_.intervalTimes(w, *derivedBlock(ip.weight, "abs", 0), *l, *u, offset);
    if (!bounds) return false;
    auto& [lower, upper] = *bounds;
    at(offset ? ip.lowerOut : ip.lower) = std::move(lower);
    at(offset ? ip.upperOut : ip.upper) = std::move(upper);
    computed.insert(computed.end(), ip.parts.begin(), ip.parts.end());
    if (offset) computed.insert(computed.end(), {ip.lowerOut, ip.upperOut});
    return true;
  };
  if (product()) return true;
  for (int id : {ip.lowerEnd, ip.upperEnd})  // the parts run as written: their operands as evaluated
    if (const auto it = deferred.find(id); it != deferred.end()) {
      at(id) = member(*it->second);
      deferred.erase(it);
    }
  return false;
}

std::optional<Value> ItemRun::layerProduct(const Instr& i, int sId, const Lin& neurons) {
  if (!neurons.blocks.empty() || neurons.lazy.size() != 1) return std::nullopt;
  const runtime::LazyTerm& t = neurons.lazy[0];
  // The input neurons themselves (DeepPoly's W * prev) or a linear member of them (DeepZ's
  // prev[z].dot(weight): linSumList then multiplies the member's blocks by the weight's block).
  if (t.atom.source != Atom::Source::ColAll || t.atom.layer != inputOf(NeuronRef::Prev)) return std::nullopt;
  for (double x : t.coef.v)
    if (x != 1.0) return std::nullopt;
  for (double x : neurons.c0.v)
    if (x != 0.0) return std::nullopt;
  const auto& uses = consumersOf(*program_);
  const auto it = uses.find(i.id);
  if (it == uses.end() || it->second.size() != 1) return std::nullopt;
  const Instr& use = *it->second[0];
  if (use.op != Opcode::Reduce || use.name != ir::Op::Sum || use.frame != ir::FrameKind::Prev) return std::nullopt;
  const CoefBlock& blk = *blockOf(sId);
  if (blk.rows() != n_ || blk.cols() != listExtent_) return std::nullopt;
  Lin out;
  out.sym = neurons.sym;
  runtime::LazyTerm term{t.coef, t.atom, nullptr};
  if (blk.kind() == CoefBlock::Kind::Kernel || layer_->op == LayerOp::Affine) term.block = blockOf(sId);
  else return std::nullopt;
  out.lazy.push_back(std::move(term));
  return out;
}

void ItemRun::prepareOperands(const Instr& i) {
  std::set<int> reads;
  analysis::collectReads(i, reads);
  for (int id : reads) {
    const auto it = structured_.find(id);
    if (it == structured_.end()) continue;
    at(id) = it->second.raw ? denseLayerWeight() : backend_.denseValues(*blockOf(id));
    structured_.erase(it);
  }
}

}  // namespace cert::interp
