// Symbolic forms of Teaching mode as text: `0.5 + 0.12·x[relu1:3] − 0.4·x[conv1:17]`.
#pragma once

#include <string>
#include <vector>

#include "core/network/network.h"
#include "runtime/executor.h"

namespace cert::studio {

/// A number as the forms show it: up to 6 significant digits, no trailing zeros ("0.5", "-3",
/// "1.25e-07").
std::string formatNumber(double value);

/// What one term multiplies: `x[name:i]` (neuron i, 0-based within layer `block` of `net`, by the
/// layer's name, or its index when it has none or is out of range) or, for a SymExp, `ε[block:i]`
/// (noise symbol i of noise block `block`; block 0 is the input box).
std::string termSymbol(const cert::SymbolicTerm& term, bool sym, const cert::Network* net);

/// `c0 + c1·s1 − c2·s2 …` with `−` (U+2212) for negative coefficients, a coefficient of 1 left
/// out, the constant left out when it is 0 and there are terms. At most `maxTerms` terms are
/// written (< 0: all); the rest become ` … (+N terms)`.
std::string formatForm(const cert::SymbolicForm& form, const cert::Network* net, int maxTerms = -1);

/// The layers a back-substitution step replaced: "relu1, fc1" (by name, else the index).
std::string layerList(const std::vector<int>& blocks, const cert::Network* net);

/// The concrete lower bound of a PolyExp form whose terms are all over the input layer (block
/// 0), with every input in [lower, upper]: c0 + sum max(c, 0)·lo + min(c, 0)·hi. Terms over other
/// layers make it NaN.
double concretizeLowerOverInputs(const cert::SymbolicForm& form, const Eigen::VectorXd& lower,
                                 const Eigen::VectorXd& upper);

}  // namespace cert::studio
