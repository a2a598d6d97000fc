// The IR verifier: run after every pass in tests and debug builds.
#include "compiler/ir/ir_verifier.h"

#include <map>
#include <set>

namespace cert::ir {

namespace {

class Verifier {
 public:
  std::vector<std::string> problems;

  void region(const Region& r, std::set<int> visible, bool isNested) {
    for (size_t k = 0; k < r.body.size(); ++k) {
      const Instr& i = r.body[k];
      instr(i, visible);
      if (i.op == Opcode::Yield && k + 1 != r.body.size()) fail(i, "yield is not the last instruction of its region");
      if (i.op != Opcode::Yield) {
        if (!defined_.insert(i.id).second) fail(i, "value defined twice");
        visible.insert(i.id);
        shapes_[i.id] = &i;
      }
    }
    if (isNested && (r.body.empty() || r.body.back().op != Opcode::Yield))
      problems.push_back("a region does not end with yield");
  }

 private:
  std::set<int> defined_;
  std::map<int, const Instr*> shapes_;

  void fail(const Instr& i, const std::string& msg) {
    problems.push_back("%" + std::to_string(i.id) + " (" + opcodeName(i.op) + "): " + msg);
  }

  void arity(const Instr& i, size_t n) {
    if (i.operands.size() != n)
      fail(i, "expects " + std::to_string(n) + " operands, has " + std::to_string(i.operands.size()));
  }

  void instr(const Instr& i, const std::set<int>& visible) {
    for (int o : i.operands)
      if (!visible.count(o)) fail(i, "uses %" + std::to_string(o) + " before its definition");
    switch (i.op) {
      case Opcode::Const:
      case Opcode::Member:
      case Opcode::Meta:
      case Opcode::Neuron:
      case Opcode::Coeff:
      case Opcode::FreshNoise: arity(i, 0); break;
      case Opcode::Unary:
      case Opcode::Lp:
      case Opcode::Reduce:
      case Opcode::Yield: arity(i, 1); break;
      case Opcode::Binary:
      case Opcode::MatMul: arity(i, 2); break;
      case Opcode::Select: arity(i, 3); break;
      case Opcode::Map:
        arity(i, 1);
        if (i.regions.size() != 1) fail(i, "map needs one body region");
        break;
      case Opcode::Traverse:
        arity(i, 1);
        if (i.regions.size() != 3) fail(i, "traverse needs priority, stop and replace regions");
        break;
    }
    if (i.op == Opcode::Select && !i.operands.empty()) {
      auto it = shapes_.find(i.operands[0]);
      if (it != shapes_.end() && it->second->type != ElemType::Bool) fail(i, "select condition is not bool");
    }
    if ((i.op == Opcode::Reduce || i.op == Opcode::MatMul) && !i.operands.empty()) {
      auto it = shapes_.find(i.operands[0]);
      if (it != shapes_.end() && !it->second->shape.has(i.frame))
        fail(i, std::string("reduces over frame ") + frameKindName(i.frame) + " its operand does not have");
      if (i.shape.has(i.frame)) fail(i, "result still has the reduced frame");
    }
    if (i.shape.frames.empty() || i.shape.frames.front().kind != FrameKind::Batch)
      if (i.op != Opcode::Yield) fail(i, "shape does not start with the batch frame");
    std::set<int> inner(visible);
    for (const auto& r : i.regions) region(*r, inner, true);
  }
};

}  // namespace

std::vector<std::string> verify(const Program& p) {
  Verifier v;
  v.region(p.body, {}, false);
  for (int r : p.results)
    if (!p.find(r)) v.problems.push_back("result %" + std::to_string(r) + " is not defined");
  if (!p.memberNames.empty() && p.memberNames.size() != p.results.size())
    v.problems.push_back("result count differs from the shape's member count");
  return v.problems;
}

}  // namespace cert::ir
