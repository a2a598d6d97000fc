// The executor's hook for an `lp` instruction: its constraint list (a Ct member of the prev
// neurons, or an Affine layer's equations) and objective as neuron forms, then lpBoundsPerNeuron.
#pragma once

#include <span>
#include <string>

#include "runtime/dense_values.h"
#include "runtime/lp_bounds.h"

namespace cert::runtime {

/// What an `lp` instruction reads besides its objective.
struct LpRuleInputs {
  /// "members <c>": the Ct member c of every prev neuron (rows = the prev layer's neurons).
  const Lin* ctMember = nullptr;
  int64_t ctRows = 0;
  /// "equations" (rev_Affine): the Affine layer's W [outputs x inputs] and b, the layer of curr
  /// (its input, x) and of its output (y): rows W_j x + b_j - y_j == 0.
  const Tensor* weight = nullptr;  ///< [outputs x inputs]
  std::span<const double> bias;     ///< per output (missing ones are 0)
  int currLayer = -1, outputLayer = -1;
  NeuronInterval interval;  ///< every neuron's [l, u]
};

/// The per-neuron bounds of the instruction named `name` ("minimize members c",
/// "maximize equations", ...; see ir::Opcode::Lp) over the objective's n rows, as an [n x 1]
/// tensor (blocks read through `backend`). Errors (a missing input) throw std::runtime_error, as the executor's other failures do.
Tensor lpRule(const Backend& backend, const std::string& name, const Lin& objective, int64_t n, const LpRuleInputs& in);

}  // namespace cert::runtime
