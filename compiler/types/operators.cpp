// The operator table: names, input arity, forward/reverse.
#include "compiler/types/operators.h"

namespace cert::types {
namespace {

struct Forward {
  const char* name;
  Inputs inputs;
};

constexpr Forward kForward[] = {
    {"Affine", Inputs::List},         {"Relu", Inputs::Single},
    {"Relu6", Inputs::Single},        {"Abs", Inputs::Single},
    {"HardTanh", Inputs::Single},     {"HardSigmoid", Inputs::Single},
    {"HardSwish", Inputs::Single},    {"Sigmoid", Inputs::Single},
    {"Tanh", Inputs::Single},         {"Maxpool", Inputs::List},
    {"Minpool", Inputs::List},        {"Avgpool", Inputs::List},
    {"Neuron_add", Inputs::Pair},     {"Neuron_mult", Inputs::Pair},
    {"Neuron_max", Inputs::Pair},     {"Neuron_min", Inputs::Pair},
    {"Neuron_list_mult", Inputs::PairList},
};

const std::vector<OperatorInfo>& table() {
  static const std::vector<OperatorInfo> ops = [] {
    std::vector<OperatorInfo> v;
    for (const auto& f : kForward) v.push_back({f.name, f.inputs, false});
    for (const auto& f : kForward) {
      // In the published specs, rev_Affine reads one neuron of the layer after it.
      const Inputs in = std::string_view(f.name) == "Affine" ? Inputs::Single : f.inputs;
      v.push_back({std::string("rev_") + f.name, in, true});
    }
    return v;
  }();
  return ops;
}

}  // namespace

const OperatorInfo* findOperator(std::string_view name) {
  for (const auto& op : table())
    if (op.name == name) return &op;
  return nullptr;
}

const std::vector<std::string>& operatorNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& op : table()) v.push_back(op.name);
    return v;
  }();
  return names;
}

const std::vector<std::string>& commonOperators() {
  static const std::vector<std::string> names = {"Affine",   "Relu",    "Sigmoid", "Tanh",
                                                 "Abs",      "HardTanh", "Relu6",  "Maxpool",
                                                 "Avgpool",  "Neuron_add"};
  return names;
}

}  // namespace cert::types
