// Shared by the editor tests: a small valid spec and a direct line to the Scintilla editor.
#pragma once

#include "app/certstudio/editor/spec_editor.h"

namespace cert::studio::test {

/// A complete spec (interval shape, one Relu rule, a flow) that checks without diagnostics.
inline const char* kSmallSpec =
    "def Shape as (Float l, Float u) {[curr[l] <= curr, curr[u] >= curr]};\n"
    "transformer box {\n"
    "    Relu -> (prev[l] >= 0 ? prev[l] : 0, prev[u] >= 0 ? prev[u] : 0);\n"
    "}\n"
    "flow(forward, priority, false, box);\n";

/// A Scintilla message to the editor.
inline long send(SpecEditor* e, unsigned int msg, unsigned long w = 0, long l = 0) { return e->SendScintilla(msg, w, l); }

}  // namespace cert::studio::test
