// The operator name table: one row per ir::Op, read both ways.
#include "compiler/ir/op.h"

#include <array>

namespace cert::ir {
namespace {

constexpr std::array<const char*, static_cast<size_t>(Op::All) + 1> kNames = {
    "",
    "add", "sub", "mul", "div", "min", "max", "lt", "le", "gt", "ge", "eq", "ne", "in", "and", "or",
    "neg", "not", "sigma", "sigma_tangent", "abs", "sigma_tangent_table", "tanh_tangent_table",
    "sum", "avg", "len", "all",
};

}  // namespace

const char* opName(Op op) { return kNames[static_cast<size_t>(op)]; }

Op parseOp(std::string_view name) {
  if (name.empty()) return Op::None;
  for (size_t k = 1; k < kNames.size(); ++k)
    if (name == kNames[k]) return static_cast<Op>(k);
  return Op::None;
}

}  // namespace cert::ir
