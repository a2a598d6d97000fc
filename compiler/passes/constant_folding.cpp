// Constant folding, with the executor's arithmetic (float64; comparisons give 0/1).
#include "compiler/passes/constant_folding.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "compiler/passes/rewrite_util.h"

namespace cert::passes {

namespace {

std::optional<double> fold(const std::string& op, double a, double b) {
  if (op == "add") return a + b;
  if (op == "sub") return a - b;
  if (op == "mul") return a * b;
  if (op == "div") return a / b;
  if (op == "min") return std::min(a, b);
  if (op == "max") return std::max(a, b);
  if (op == "lt") return a < b;
  if (op == "le") return a <= b;
  if (op == "gt") return a > b;
  if (op == "ge") return a >= b;
  if (op == "eq") return a == b;
  if (op == "ne") return a != b;
  if (op == "and") return a != 0 && b != 0;
  if (op == "or") return a != 0 || b != 0;
  return std::nullopt;
}

std::optional<double> fold(const std::string& op, double a) {
  if (op == "neg") return -a;
  if (op == "not") return a == 0 ? 1.0 : 0.0;
  if (op == "sigma") return 1.0 / (1.0 + std::exp(-a));
  if (op == "abs") return std::abs(a);
  return std::nullopt;
}

}  // namespace

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
    const std::optional<double> v = i.op == ir::Opcode::Unary ? fold(i.name, args[0]) : fold(i.name, args[0], args[1]);
    if (!v) return false;
    i.op = ir::Opcode::Const;
    i.number = *v;
    i.operands.clear();
    i.name.clear();
    return true;
  });
}

}  // namespace cert::passes
