// The layer operators a rule may name, and what curr/prev/prev_0/prev_1/curr_list mean in each
// (LANGUAGE.md section 4).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cert::types {

/// How a rule's operator feeds its inputs.
enum class Inputs {
  Single,    ///< element-wise: prev is one Neuron
  List,      ///< Affine and pooling: prev is a Neuron List
  Pair,      ///< two-input operators: prev_0, prev_1 are Neurons
  PairList,  ///< Neuron_list_mult: prev_0, prev_1 are Neuron Lists
};

struct OperatorInfo {
  std::string name;
  Inputs inputs = Inputs::Single;
  bool reverse = false;  ///< rev_ operators (backward flows): curr_list is bound too
};

/// The operator called `name` (e.g. "Relu", "rev_Affine"), or nullptr.
const OperatorInfo* findOperator(std::string_view name);
/// Every operator name, forward ones first.
const std::vector<std::string>& operatorNames();
/// The operators a flow's transformer is expected to cover (a warning lists those missing):
/// Affine, Relu, Sigmoid, Tanh, Abs, HardTanh, Relu6, Maxpool, Avgpool, Neuron_add.
const std::vector<std::string>& commonOperators();

}  // namespace cert::types
