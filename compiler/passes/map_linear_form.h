// Map over a known linear form: map(sum_prev(prev_list * w) + b, f) becomes sum_prev(select(w != 0, f[term := prev_list, coeff := w], 0)) + b (the prev list's neurons are distinct, so this is exact).
#pragma once

#include "compiler/ir/ir.h"

namespace cert::passes {

/// Map over a known linear form: map(sum_prev(prev_list * w) + b, f) becomes sum_prev(select(w != 0, f[term := prev_list, coeff := w], 0)) + b (the prev list's neurons are distinct, so this is exact). True when it changed the program.
bool runMapLinearForm(ir::Program& p);

}  // namespace cert::passes
