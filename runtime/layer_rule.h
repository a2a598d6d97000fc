// Which spec operator's rule a network layer runs: the executor's mapping, shared with the IDE.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "runtime/compiled_certifier.h"

namespace cert {

/// "Affine" for Affine and Conv layers, "Relu", "Sigmoid", "Tanh", "Abs", "Maxpool", "Avgpool",
/// "Neuron_add", "Neuron_mult", "Relu6"/"HardTanh" for those clips; empty for the Input and Concat layers and
/// layers no spec operator covers.
std::string ruleOperatorFor(const Layer& layer);

/// The operators whose rules a run over `net` runs, each once, in the order of first use; "Affine"
/// also when `margins` (the appended margins layer). What certc run proves before a verdict.
std::vector<std::string> ruleOperatorsRun(const Network& net, bool margins);

/// Whether the backward flow (runtime/interpreter/backward_flow.h) refines the input(s) of `layer`
/// when the spec has a rev_ rule for its operator: every layer but the input, Concat and Conv
/// layers, and layers of one input or two (Neuron_add, Neuron_mult).
bool backwardFlowRefines(const Layer& layer);

/// The rules a run of `cc` over `net` relies on, by transformer, each operator once in the order
/// of first use: the forward flow's transformer with ruleOperatorsRun(net, margins), then, for the
/// layers the backward flow refines, each rev_ rule's transformer with its operators (the rule
/// cc.reverseRules runs). What certc run and the IDE prove before a verdict.
std::vector<std::pair<std::string, std::vector<std::string>>> rulesRun(const CompiledCertifier& cc, const Network& net,
                                                                      bool margins);

/// How diagnostics name a layer: "layer 3 'relu_1' (Relu)".
std::string layerWhere(const Layer& layer);

/// An error about running `layer`: "layer 3 'relu_1' (Relu): <what>", with the node named.
Diagnostic layerError(const Layer& layer, const std::string& what);

}  // namespace cert
