// VNN-LIB (the VNN-COMP property format, an SMT-LIB subset): input boxes and unsafe output regions.
#pragma once

#include <cstdint>
#include <string>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"

namespace cert {

/// Parses VNN-LIB text into a Property whose boxes and centers are in RAW input space.
///
/// Accepted: `(declare-const X_i Real)` / `(declare-const Y_j Real)` (also `(declare-fun N () Real)`),
/// `(assert F)`, `; comments`; set-logic, set-info, set-option, check-sat, get-model, exit are
/// ignored. F is built from and, or, true, false and the comparisons <=, >=, <, >, = (chains
/// allowed) over linear terms: numbers (decimal or scientific, possibly negative), X_i, Y_j,
/// (+ ...), (- a), (- a b ...), (* c ... t) with at most one non-constant factor, (/ t c).
///
/// Semantics: the asserts are conjoined and expanded to a disjunction of conjunctions. In each
/// conjunction, an atom over a single X_i is a bound of the input box, an atom over Y only (or
/// constants) is an output constraint written `coeffs . y + constant >= 0`; the outputs describe the
/// UNSAFE region (the property holds iff it is infeasible over the box). Strict < and > are kept
/// as <= and >= (a superset of the unsafe region, so proving infeasibility stays sound).
/// Disjuncts with the same box are merged: one PropertyItem per distinct input box (name
/// "disjunct K of FILE", index K from 0; just "FILE" when there is one), whose `unsafe` is the
/// disjunction of the output conjunctions that apply to that box. `center` is the box midpoint.
/// Input and output atoms may be mixed inside one conjunction (ACAS Xu style).
///
/// Errors carry the line:col of the offending token: unbalanced parentheses, an unknown command or
/// function, an undeclared name, a name other than X_i / Y_j, an index out of range, a sort other
/// than Real, a non-linear term, an atom over several inputs or over inputs and outputs, an
/// invalid number, a declared input without a lower or upper bound (at its declaration), an
/// input of the network never declared. Independent errors are all reported.
///
/// `inputSize` / `outputSize`: the network's; a negative size is taken from the declarations
/// (one more than the largest index declared).
Result<Property> parseVnnlib(const std::string& text, int64_t inputSize, int64_t outputSize,
                             const std::string& source = "<vnnlib>");

/// Reads a .vnnlib file, parses it against the network's input and output sizes, and maps the
/// boxes and centers through the network's normalization (normalizeItems in property_builder.h).
Result<Property> readVnnlib(const std::string& path, const Network& net);

}  // namespace cert
