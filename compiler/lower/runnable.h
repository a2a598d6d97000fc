// Which rules of a type-checked spec cannot run: the lowering's diagnostics as positioned
// warnings, so that `certc check` says at the construct what `certc compile` would reject.
#pragma once

#include "compiler/frontend.h"
#include "core/diagnostics/diagnostic.h"

namespace cert::lower {

/// Lowers every rule of every transformer of `fe` (which must have no errors) and returns one
/// warning per distinct position and message the lowering rejects ("cannot run: ..."), in
/// source order. No warnings: `certc compile` accepts every rule.
Diagnostics runnabilityWarnings(const FrontendResult& fe);

}  // namespace cert::lower
