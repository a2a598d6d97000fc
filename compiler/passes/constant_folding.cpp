// Constant folding, with the executor's arithmetic (float64; comparisons give 0/1).
#include "compiler/passes/constant_folding.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "compiler/ir/scalar_ops.h"
#include "compiler/passes/rewrite_util.h"

namespace cert::passes {


bool runConstantFolding(ir::Program& p) {
  return rewriteEach(p, [](ir::Region& r, size_t k, const Defs& d) {
    ir::Instr& i = r.body[k];
    if (i.op != ir::Opcode::Unary && i.op != ir::Opcode::Binary) return false;
    std::vector<double> args;
    for (int o : i.operands) {
      const auto it = d.find(o);
      if (it == d.end() || it->second->op != ir::Opcode::Const) return false;
      args.push_back(it->second->number);
    }
    const std::optional<double> v = i.op == ir::Opcode::Unary ? ir::applyUnary(i.name.op(), args[0]) : ir::applyBinary(i.name.op(), args[0], args[1]);
    if (!v) return false;
    i.op = ir::Opcode::Const;
    i.number = *v;
    i.operands.clear();
    i.name.clear();
    return true;
  });
}

}  // namespace cert::passes
