// ItemRun: the input box, one layer's program, regions and the instruction dispatch.
#include "runtime/interpreter/item_run.h"
#include "runtime/interpreter/unread_members.h"

#include <chrono>
#include "compiler/analysis/liveness.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "compiler/ir/scalar_ops.h"

namespace cert::interp {

namespace {
const std::vector<analysis::IntervalProduct> kNoProducts;
}  // namespace

using ir::Instr;
using ir::NeuronRef;
using ir::Opcode;

SymbolicForm ItemRun::formOf(const Lin& l, int64_t row) const {
  SymbolicForm f;
  f.sym = l.sym;
  f.constant = l.c0.at(row, 0, 0);
  for (const auto& [k, blk] : l.blocks) {
    const std::vector<double> r = backend_.rowValues(blk, blk.rows() == 1 ? 0 : row);
    for (size_t j = 0; j < r.size(); ++j)
      if (r[j] != 0) f.terms.push_back({k, static_cast<int64_t>(j), r[j]});
  }
  return f;
}

void ItemRun::recordTracedMembers(const Layer& layer) {
  if (!trace || trace->layer != layer.index) return;
  for (size_t m = 0; m < cc_.memberNames.size(); ++m) {
    const auto it = states.back().members.find(cc_.memberNames[m]);
    if (it == states.back().members.end()) continue;
    if (const Lin* l = std::get_if<Lin>(&it->second)) trace->members.emplace_back(cc_.memberNames[m], formOf(*l, trace->neuron));
    else trace->values.emplace_back(cc_.memberNames[m], std::get<Tensor>(it->second).at(trace->neuron, 0, 0));
  }
}

void ItemRun::input(const InputBox& box) {
  LayerState s;
  const int64_t n = box.lower.size();
  const std::span<const double> hostLower(box.lower.data(), static_cast<size_t>(n));
  const std::span<const double> hostUpper(box.upper.data(), static_cast<size_t>(n));
  const Tensor lower = backend_.upload(hostLower), upper = backend_.upload(hostUpper);
  for (size_t m = 0; m < cc_.memberNames.size(); ++m) {
    const std::string& name = cc_.memberNames[m];
    const bool isUpper = cc_.inputUpper.at(m);
    const Tensor& end = isUpper ? upper : lower;
    if (isCtMember(m)) {  // the input's constraint: true (0 == 0)
      s.members[name] = trueConstraint(n);
      continue;
    }
    switch (cc_.memberTypes[m]) {
      case ir::ElemType::Poly: {
        Lin l;
        l.c0 = end;
        s.members[name] = l;
        break;
      }
      case ir::ElemType::Sym: {
        Lin z;
        z.sym = true;
        // The box as its center plus a noise symbol per input of its half width.
        std::vector<double> center(static_cast<size_t>(n)), radius(static_cast<size_t>(n));
        for (size_t k = 0; k < center.size(); ++k) {
          center[k] = (hostLower[k] + hostUpper[k]) / 2;
          radius[k] = (hostUpper[k] - hostLower[k]) / 2;
        }
        z.c0 = backend_.upload(center);
        z.blocks[0] = backend_.diagonalBlock(backend_.upload(radius), dense_);
        s.members[name] = z;
        break;
      }
      default: s.members[name] = end; break;
    }
  }
  (void)n;
  states.push_back(std::move(s));
}

void ItemRun::inputBatch(const std::vector<const InputBox*>& boxes) {
  if (boxes.empty()) throw std::logic_error("an empty batch");
  batch_ = static_cast<int64_t>(boxes.size());
  const int64_t n = boxes[0]->lower.size();
  Tensor lower = Tensor::uninitialized(n, 1, batch_), upper = Tensor::uninitialized(n, 1, batch_);
  for (int64_t k = 0; k < batch_; ++k) {
    const InputBox& box = *boxes[static_cast<size_t>(k)];
    if (box.lower.size() != n || box.upper.size() != n) throw std::logic_error("the boxes of a batch differ in size");
    std::copy(box.lower.data(), box.lower.data() + n, lower.v.data() + k * n);
    std::copy(box.upper.data(), box.upper.data() + n, upper.v.data() + k * n);
  }
  std::vector<const std::string*> lowers, uppers;
  for (size_t m = 0; m < cc_.memberNames.size(); ++m) {
    const std::string& name = cc_.memberNames[m];
    if (isCtMember(m) || cc_.memberTypes[m] != ir::ElemType::Float)
      throw std::logic_error("a batch frame holds Float members only ('" + name + "')");
    (cc_.inputUpper.at(m) ? uppers : lowers).push_back(&name);
  }
  LayerState s;  // each box copied once per member beyond the first (moved into the last)
  for (size_t k = 0; k < lowers.size(); ++k) s.members[*lowers[k]] = k + 1 < lowers.size() ? lower : std::move(lower);
  for (size_t k = 0; k < uppers.size(); ++k) s.members[*uppers[k]] = k + 1 < uppers.size() ? upper : std::move(upper);
  states.push_back(std::move(s));
}

void ItemRun::layer(const Layer& layer, const ir::Program& prog) {
  layer_ = &layer;
  n_ = layer.size();
  refinedRowsCache_.reset();
  windows_.clear();
  validity_ = Tensor::scalar(1);
  listExtent_ = 1;
  if (!reverseWindows.empty() || layer.op == LayerOp::MaxPool || layer.op == LayerOp::AvgPool) {
    const PoolGeometry& g = layer.pool;
    if (!reverseWindows.empty()) windows_ = reverseWindows;  // a rev_ rule over pooling outputs
    else
      for (int c = 0; c < g.channels; ++c)
        for (int oh = 0; oh < g.outHeight; ++oh)
          for (int ow = 0; ow < g.outWidth; ++ow) windows_.push_back(g.window(c, oh, ow));
    for (const auto& w : windows_) listExtent_ = std::max<int64_t>(listExtent_, static_cast<int64_t>(w.size()));
    validity_ = Tensor::full(n_, listExtent_, 1, 0);
    for (int64_t i = 0; i < n_; ++i)
      for (size_t j = 0; j < windows_[static_cast<size_t>(i)].size(); ++j) validity_.ref(i, static_cast<int64_t>(j), 0) = 1;
  } else if (!layer.inputs.empty()) {
    listExtent_ = layers_[static_cast<size_t>(layer.inputs[0])].size();
  }
  weightIds_.clear();
  structured_.clear();
  if (layer.op == LayerOp::Affine || layer.op == LayerOp::Conv) {
    // A conv layer's Toeplitz matrix is built only if an instruction needs the weight dense.
    convWeight_.reset();
    const auto bias = denseBias(layer);  // the network's host values (core/network)
    bias_ = backend_.upload(std::span<const double>(bias.data(), static_cast<size_t>(bias.size())));
  }
  env_.assign(static_cast<size_t>(prog.nextId), Value(Tensor::scalar(0)));
  program_ = &prog;
  if (dyingProgram_ != &prog) {  // results per program (each layer's rule); dying_ keeps every region's
    results_ = std::set<int>(prog.results.begin(), prog.results.end());
    dyingProgram_ = &prog;
  }
  unneeded_ = leaveOut.empty() ? std::set<int>{} : instructionsOnlyFor(prog, cc_.memberNames, leaveOut);
  region(prog.body);
  unneeded_.clear();
  LayerState s;
  for (size_t m = 0; m < prog.results.size(); ++m) {
    if (leaveOut.count(cc_.memberNames[m])) {
      s.members.leaveOut(cc_.memberNames[m]);
      continue;
    }
    Value& v = env_[static_cast<size_t>(prog.results[m])];
    // A result no later member reads is moved into the state, not copied.
    const bool last = std::find(prog.results.begin() + static_cast<std::ptrdiff_t>(m) + 1, prog.results.end(),
                                prog.results[m]) == prog.results.end();
    const std::string& name = cc_.memberNames[m];
    if (cc_.memberTypes[m] == ir::ElemType::Poly || cc_.memberTypes[m] == ir::ElemType::Sym) {
      Lin l = toLin(v, cc_.memberTypes[m] == ir::ElemType::Sym);
      if (!l.lazy.empty()) throw std::runtime_error("member '" + name + "' is still a list");
      for (auto& [k, blk] : l.blocks) {
        if (blk.rows() == 1 && n_ != 1) blk = backend_.repeatRow(blk, n_);
        if (!dense_) blk = backend_.compressed(blk, CoefBlock::kCsrDensity);  // sparse blocks are stored as Csr
        blk = backend_.markedFinite(std::move(blk));  // later layers' products read the mark
      }
      s.members[name] = runtime::linExpandRows(l, n_);
    } else {
      asTensor(v);  // a linear form where a number is needed is refused here
      Tensor& t = std::get<Tensor>(v);
      if (last && t.r == n_ && t.c == 1 && t.d == batch_) s.members[name] = std::move(t);
      else s.members[name] = t.expand(n_, 1, batch_);
    }
  }
  states.push_back(std::move(s));
}

int ItemRun::inputOf(NeuronRef r) const {
  const size_t k = r == NeuronRef::Prev1 ? 1 : 0;
  if (layer_->inputs.size() <= k) throw std::runtime_error("the layer has no input " + std::to_string(k));
  return layer_->inputs[k];
}

const Lin& ItemRun::linMember(int layer, const std::string& name) const {
  const Value& v = states.at(static_cast<size_t>(layer)).members.at(name);
  if (const Lin* l = std::get_if<Lin>(&v)) return *l;
  throw std::runtime_error("member '" + name + "' is not a linear form");
}

void ItemRun::region(const ir::Region& r) {
  const std::vector<std::vector<int>>& dying = dyingIn(r);
  const std::vector<int>* saved = dyingNow_;
  // Interval products: at the first of its parts, both sums at once (or, when that cannot be
  // done, its parts one by one as written).
  const std::vector<analysis::IntervalProduct>& products = dense_ ? kNoProducts : intervalProductsFor(r);
  std::vector<char> tried(products.size(), 0);
  std::vector<int> computed;
  const std::set<int> deferrable = products.empty() ? std::set<int>{} : deferrableEnds(r, products);
  std::map<int, const Instr*> deferred;
  for (size_t k = 0; k < r.body.size(); ++k) {
    const Instr& i = r.body[k];
    if (i.op == Opcode::Yield) continue;
    if (&r == &program_->body && unneeded_.count(i.id)) continue;  // only left-out members need it
    if (deferrable.count(i.id)) {
      deferred.emplace(i.id, &i);
      continue;
    }
    if (i.op == Opcode::Member && lendable(r, i)) {
      lent_[i.id] = &states.at(static_cast<size_t>(inputOf(i.ref))).members.at(i.name);
      continue;
    }
    const bool timed = profile && &r == &program_->body;
    auto start = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    const auto record = [&](std::string what) {
      if (!timed) return;
      profile->push_back(InstrTime{profileLayer, i.origin.begin.line, i.origin.begin.col, std::move(what),
                                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()});
    };
    if (!products.empty()) {
      if (std::find(computed.begin(), computed.end(), i.id) != computed.end()) continue;
      for (size_t g = 0; g < products.size(); ++g) {
        const analysis::IntervalProduct& ip = products[g];
        if (tried[g] || std::find(ip.parts.begin(), ip.parts.end(), i.id) == ip.parts.end()) continue;
        tried[g] = 1;
        if (intervalProduct(ip, deferred, computed)) record("interval product");
      }
      if (std::find(computed.begin(), computed.end(), i.id) != computed.end()) continue;
      if (timed) start = std::chrono::steady_clock::now();
    }
    dyingNow_ = &dying[k];
    const std::string what = timed ? std::string(ir::opcodeName(i.op)) + (i.name.empty() ? "" : " " + std::string(i.name)) : "";
    if (!structured_.empty()) {
      stopLending(i);
      std::optional<Value> v = structuredEval(i);
      if (v) {
        at(i.id) = std::move(*v);
        record(what);
        continue;
      }
      prepareOperands(i);
    }
    at(i.id) = eval(i);
    record(what);
  }
  dyingNow_ = saved;
  for (const Instr& i : r.body) lent_.erase(i.id);
}

const std::vector<std::vector<int>>& ItemRun::dyingIn(const ir::Region& r) {
  auto it = dying_.find(&r);
  if (it != dying_.end()) return it->second;
  return dying_.emplace(&r, analysis::lastUsesIn(r, results_)).first->second;
}

bool ItemRun::dies(int id) const {
  return dyingNow_ && std::find(dyingNow_->begin(), dyingNow_->end(), id) != dyingNow_->end();
}

Value ItemRun::yieldOf(const ir::Region& r) {
  region(r);
  const int id = r.body.back().operands.at(0);
  // A value computed by the region itself is recomputed on its next run: it is moved out,
  // not copied. A value from outside the region is copied.
  for (const Instr& i : r.body)
    if (i.op != Opcode::Yield && i.id == id) return std::move(at(id));
  return at(id);
}

Value ItemRun::eval(const Instr& i) {
  switch (i.op) {
    case Opcode::Const: return Tensor::scalar(i.number);
    case Opcode::Member: return member(i);
    case Opcode::Meta: return meta(i);
    case Opcode::Neuron: return neuron(i);
    case Opcode::Coeff:
      if (term_.coeffMovable) {
        term_.coeffMovable = false;
        return std::move(term_.coeff);
      }
      return term_.coeff;
    case Opcode::FreshNoise: {
      Lin z;
      z.sym = true;
      z.blocks.emplace(nextNoise_++, backend_.identityBlock(n_, dense_));
      return z;
    }
    case Opcode::Unary: {
      const Value& v = at(i.operands[0]);
      if (const Lin* l = std::get_if<Lin>(&v); l && i.name == ir::Op::Neg) return runtime::linScale(backend_, *l, Tensor::scalar(-1));
      if (i.name.op() == ir::Op::None) throw std::runtime_error("unknown unary operator '" + i.name + "'");
      return backend_.unary(i.name.op(), asTensor(v));  // refuses an operator that is not unary
    }
    case Opcode::Binary: return binary(i);
    case Opcode::Select: {
      const Tensor& c = asTensor(at(i.operands[0]));
      const Value& a = at(i.operands[1]);
      const Value& b = at(i.operands[2]);
      if (std::holds_alternative<Lin>(a) || std::holds_alternative<Lin>(b)) {
        const bool sym = i.type == ir::ElemType::Sym;
        Lin sa, sb;  // conversions of non-linear operands only: linear ones are read in place
        const Lin& la = std::holds_alternative<Lin>(a) ? std::get<Lin>(a) : (sa = toLin(a, sym));
        const Lin& lb = std::holds_alternative<Lin>(b) ? std::get<Lin>(b) : (sb = toLin(b, sym));
        return runtime::linSelect(backend_, c, la, lb);
      }
      return backend_.select(c, asTensor(a), asTensor(b));
    }
    case Opcode::Reduce: return reduce(i);
    case Opcode::Map: return map(i);
    case Opcode::Traverse: return traverse(i);
    case Opcode::MatMul: return matmul(i);
    case Opcode::Lp: return lp(i);
    case Opcode::Yield: break;
  }
  throw std::runtime_error(std::string("the executor does not run '") + ir::opcodeName(i.op) + "'");
}

}  // namespace cert::interp
