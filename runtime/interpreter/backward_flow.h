// The backward flow (the spec's rev_ rules): after the forward run, from the output to the input,
// each layer whose operator has a rev_ rule refines the layer(s) it reads.
#pragma once

#include "runtime/compiled_certifier.h"
#include "runtime/interpreter/item_run.h"

namespace cert::interp {

/// A backward flow after the forward one: from the output to the input, each layer whose
/// operator has a rev_ rule refines the layer(s) it reads. The rule runs as a layer whose own
/// neurons (curr) are those of the refined input, whose prev / prev_0 is the layer's output and
/// whose prev_1 is the other input of a two-input operator; its results replace the input's
/// members. For pooling, prev is the list of outputs whose window holds curr. For rev_Affine, prev
/// is the list of the layer's outputs and the layer's W, b give curr[equations] (lp). A layer
/// without a rev_ rule keeps its forward members.
void runBackwardFlow(ItemRun& run, const CompiledCertifier& cc, const LayerSequence& layers);

}  // namespace cert::interp
