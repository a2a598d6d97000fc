// One Problems row, not hundreds, when a VNN-LIB property was written for another network size.
#pragma once

#include "core/diagnostics/diagnostic.h"

namespace cert::studio {

/// Folds the per-variable errors that a property of the wrong size produces ("X_5 is out of
/// range: the network has 5 inputs", one per name; "Y_12 is out of range..."; "X_7 has no
/// bounds", one per input) into ONE summary error, where the first of them was. Other
/// diagnostics are kept, in order. A single such error is left as it is.
cert::Diagnostics foldSizeMismatch(const cert::Diagnostics& diags);

}  // namespace cert::studio
