// `lp` in a spec, per neuron: the LP over neuron values with the given equalities and every
// neuron's interval, one solver per layer, each neuron's objective in turn.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace cert::runtime {

/// coeff * (neuron `index` of layer `layer`).
struct NeuronTerm {
  int layer = 0;
  int64_t index = 0;
  double coeff = 0;
};

/// constant + sum of terms.
struct NeuronForm {
  double constant = 0;
  std::vector<NeuronTerm> terms;
};

/// A neuron's interval [l, u] (infinite ends when unknown).
using NeuronInterval = std::function<std::pair<double, double>(int layer, int64_t index)>;

/// For each objective form: a value below its minimum (above its maximum with `maximize`) over
/// the neuron values x with form(x) == 0 for every form of `equalities` and every neuron that
/// occurs in a form inside its interval. Forms of `equalities` without terms are left out (a
/// weaker constraint). Each bound is LpSolver::bound's (sound under rounding; -inf / +inf when a
/// solve fails).
std::vector<double> lpBoundsPerNeuron(const std::vector<NeuronForm>& objectives,
                                      const std::vector<NeuronForm>& equalities, bool maximize,
                                      const NeuronInterval& interval);

}  // namespace cert::runtime
