// ItemRun: the values an instruction reads: members, neurons and metadata of curr, prev and terms.
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

bool ItemRun::isPolyMember(const std::string& name) const {
  for (size_t m = 0; m < cc_.memberNames.size(); ++m)
    if (cc_.memberNames[m] == name) return cc_.memberTypes[m] == ir::ElemType::Poly || cc_.memberTypes[m] == ir::ElemType::Sym;
  return false;
}

Value ItemRun::member(const Instr& i) {
  const bool lin = isPolyMember(i.name);
  switch (i.ref) {
    case NeuronRef::Prev:
    case NeuronRef::Prev0:
    case NeuronRef::Prev1: return states.at(static_cast<size_t>(inputOf(i.ref))).members.at(i.name);
    case NeuronRef::PrevList:
    case NeuronRef::Other: {
      const int p = inputOf(NeuronRef::Prev);
      const bool other = i.ref == NeuronRef::Other;
      if (lin) {
        if (other) throw std::runtime_error("a linear member of the other element");
        Lin l;
        l.sym = linMember(p, i.name).sym;
        l.lazy.push_back({windows_.empty() ? Tensor::full(1, listExtent_, 1, 1) : validity_,
                          Atom{windows_.empty() ? Atom::Source::ColAll : Atom::Source::Gather, p, i.name, &windows_}});
        return l;
      }
      const Tensor& src = asTensor(states.at(static_cast<size_t>(p)).members.at(i.name));
      Tensor t;
      if (windows_.empty()) {  // [n x 1 x items] and [1 x n x items] have the same storage
        if (src.c != 1) throw std::runtime_error("member '" + i.name + "' is not one value per neuron");
        t = src;
        t.c = t.r;
        t.r = 1;
      } else {
        t = Tensor::full(n_, listExtent_, src.d, 0);
        for (int64_t k = 0; k < src.d; ++k)
          for (int64_t r = 0; r < n_; ++r)
            for (size_t j = 0; j < windows_[static_cast<size_t>(r)].size(); ++j)
              t.ref(r, static_cast<int64_t>(j), k) = src.at(windows_[static_cast<size_t>(r)][j], 0, k);
      }
      if (other) std::swap(t.c, t.d);
      return t;
    }
    case NeuronRef::Term: {
      if (term_.sym) throw std::runtime_error("a member of a noise symbol");
      if (lin) {
        Lin l;
        l.sym = linMember(term_.block, i.name).sym;
        if (term_.windows)
          l.lazy.push_back({Tensor::full(1, term_.width, 1, 1), Atom{Atom::Source::Gather, term_.block, i.name, term_.windows}});
        else
          l.lazy.push_back({Tensor::full(1, term_.width, 1, 1), Atom{Atom::Source::ColAll, term_.block, i.name, nullptr}});
        return l;
      }
      const Tensor& src = asTensor(states.at(static_cast<size_t>(term_.block)).members.at(i.name));
      if (term_.windows) {  // the member at each row's terms (0 past them)
        Tensor t = Tensor::full(n_, term_.width, 1, 0);
        for (int64_t r = 0; r < n_; ++r) {
          const auto& w = (*term_.windows)[static_cast<size_t>(r)];
          for (size_t k = 0; k < w.size(); ++k) t.ref(r, static_cast<int64_t>(k), 0) = src.at(w[k], 0, 0);
        }
        return t;
      }
      if (src.d != 1) throw std::runtime_error("a tensor with an 'other' frame cannot be a matrix");
      Tensor row = src.expand(src.r, 1, 1);  // [1 x r]: the same storage as [r x 1]
      row.c = row.r;
      row.r = 1;
      return row;
    }
    case NeuronRef::Curr:
      // A reverse rule (backward flow) refines a layer that is already computed.
      if (states.size() > static_cast<size_t>(layer_->index))
        return states[static_cast<size_t>(layer_->index)].members.at(i.name);
      break;
  }
  throw std::runtime_error("curr's own members are not available while it is computed");
}

bool ItemRun::takeAsCoefficients(const Lin& term, int numId, Lin& out) {
  if (!term.blocks.empty() || term.lazy.size() != 1 || term.lazy[0].block || !dies(numId)) return false;
  if (term.c0.v.size() != 1 || term.c0.v[0] != 0) return false;
  const runtime::LazyTerm& t = term.lazy[0];
  Tensor* s = std::get_if<Tensor>(&at(numId));
  if (!s || s->d != 1 || t.coef.d != 1 || t.coef.r != 1 || s->c != t.coef.c || s->r < 1) return false;
  for (double x : t.coef.v)
    if (x != 1.0) return false;
  out.sym = term.sym;
  out.c0 = Tensor::scalar(0);
  out.lazy.push_back({std::move(*s), t.atom, nullptr});
  return true;
}

void ItemRun::markKernel(Lin& product, const Lin& neurons, int weightId) {
  if (dense_ || (layer_->op != LayerOp::Conv && layer_->op != LayerOp::Affine) || !weightIds_.count(weightId)) return;
  if (!neurons.blocks.empty() || neurons.lazy.size() != 1 || product.lazy.size() != 1) return;
  const runtime::LazyTerm& t = neurons.lazy[0];
  if (t.atom.source != Atom::Source::ColAll || !t.atom.member.empty() || t.atom.layer != inputOf(NeuronRef::Prev)) return;
  for (double x : t.coef.v)
    if (x != 1.0) return;
  for (double x : neurons.c0.v)
    if (x != 0.0) return;
  // The layer's own weight block: its Kernel, or the Affine matrix referenced (Csr when sparse).
  product.lazy[0].block = shared_.weight(*layer_, backend_);
}

Value ItemRun::meta(const Instr& i) {
  int layer = layer_->index;
  if (i.ref == NeuronRef::Term) layer = term_.block;
  else if (i.ref != NeuronRef::Curr) layer = inputOf(i.ref);
  if (i.name == "layer") return Tensor::scalar(layer);
  if (i.name == "last_layer") return Tensor::scalar(layer + 1 == static_cast<int>(layers_.size()) ? 1 : 0);
  if (layer_->op != LayerOp::Affine && layer_->op != LayerOp::Conv)
    throw std::runtime_error("'" + i.name + "' is only defined for Affine layers");
  if (i.name == "weight") {
    weightIds_.insert(i.id);
    if (!dense_) {  // kept structured until an instruction needs it dense (see prepareOperands)
      Structured& st = structured_[i.id];
      st = Structured{};
      st.block = shared_.weight(*layer_, backend_);
      st.key = shared_.caches(*layer_) ? "w" + std::to_string(layer_->index) : layers_.keyOf(*layer_);
      st.raw = true;
      return Tensor::scalar(0);
    }
    return denseLayerWeight();
  }
  if (i.name == "bias") return bias_;
  throw std::runtime_error("unknown metadata '" + i.name + "'");
}

Value ItemRun::neuron(const Instr& i) {
  Lin l;
  switch (i.ref) {
    case NeuronRef::Prev:
    case NeuronRef::Prev0:
    case NeuronRef::Prev1: l.blocks.emplace(inputOf(i.ref), backend_.identityBlock(n_, dense_)); return l;
    case NeuronRef::Curr: l.blocks.emplace(layer_->index, backend_.identityBlock(n_, dense_)); return l;
    case NeuronRef::PrevList:
      l.lazy.push_back({windows_.empty() ? Tensor::full(1, listExtent_, 1, 1) : validity_,
                        Atom{windows_.empty() ? Atom::Source::ColAll : Atom::Source::Gather,
                             inputOf(NeuronRef::Prev), "", &windows_,
                             layers_[static_cast<size_t>(inputOf(NeuronRef::Prev))].size()}});
      return l;
    case NeuronRef::Term:
      l.sym = term_.sym;
      if (term_.windows && !term_.sym)
        l.lazy.push_back({Tensor::full(1, term_.width, 1, 1),
                          Atom{Atom::Source::Gather, term_.block, "", term_.windows, layers_[static_cast<size_t>(term_.block)].size()}});
      else if (term_.windows)
        throw std::runtime_error("a noise symbol as a term of a sparse block");
      else
        l.lazy.push_back({Tensor::full(1, term_.width, 1, 1), Atom{Atom::Source::ColAll, term_.block, "", nullptr}});
      return l;
    case NeuronRef::Other: break;
  }
  throw std::runtime_error("the other element cannot be used as a linear form");
}

bool ItemRun::lendable(const ir::Region& r, const Instr& i) {
  if (i.ref != NeuronRef::Prev && i.ref != NeuronRef::Prev0 && i.ref != NeuronRef::Prev1) return false;
  if (isPolyMember(i.name) || results_.count(i.id)) return false;
  const auto& uses = consumersOf(*program_);
  const auto it = uses.find(i.id);
  if (it == uses.end() || it->second.empty()) return false;
  const Instr* first = r.body.data();
  const Instr* end = first + r.body.size();
  for (const Instr* use : it->second)
    if (use < first || use >= end || use->op != Opcode::Binary) return false;
  const Value& v = states.at(static_cast<size_t>(inputOf(i.ref))).members.at(i.name);
  return std::holds_alternative<Tensor>(v);
}

void ItemRun::stopLending(const Instr& i) {
  for (int id : i.operands)
    if (const auto it = lent_.find(id); it != lent_.end()) {
      at(id) = *it->second;
      lent_.erase(it);
    }
}

}  // namespace cert::interp
