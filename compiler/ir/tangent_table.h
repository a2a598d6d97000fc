// The `sigma_tangent_table` and `tanh_tangent_table` builtins: CROWN's lower tangent point of an
// S-curve through an end point, read from a table on a 0.01 grid of that end point the way
// auto_LiRPA reads it (docs/LANGUAGE.md, "Tangent tables").
#pragma once

namespace cert::ir {

/// The S-curves with a tangent table.
enum class SCurve { Sigmoid, Tanh };

/// The grid: entry i is for the end point G_i = kTangentStep * i, i = 0 .. kTangentEntries - 1.
inline constexpr double kTangentStep = 0.01;
inline constexpr int kTangentEntries = 50005;  // 500 / 0.01 + 5, as auto_LiRPA's x_limit = 500

/// Entry i of g's table: the tangent point d <= 0 whose tangent g(d) + g'(d) (z - d) passes
/// through (G_i, g(G_i)) as found by auto_LiRPA's search (start at -1, double until the tangent
/// passes at or below the point, then 100 halvings towards 0 keeping that side; in double, with
/// its operation order), then moved left until the tangent passes at least 1e-15 below the point
/// with the gap evaluated in long double (the safe side: entries move by at most about 2e-10,
/// the lines by about 1e-12). Deterministic; each entry is solved on first use and cached
/// (thread-safe), so a run pays only for the entries it reads.
/// i out of [0, kTangentEntries) gives NaN.
double tangentTableEntry(SCurve g, int i);

/// The builtin: for a finite x, the entry at index i = max(0, trunc(x / 0.01)) + 1 (auto_LiRPA's
/// retrieve_from_precompute; G_i >= x, so the tangent is below g on all of (-inf, x]), moved one
/// entry up in the rare case where rounding of x / 0.01 gives a G_i below x. Beyond the table
/// (i >= kTangentEntries, x above about 500.04, or x = +inf): the exact tangent point through
/// (x, g(x)) on the safe side (sigma_tangent(x), or sigma_tangent(2x) / 2 for tanh), where
/// auto_LiRPA falls back to the interval's other end point. NaN gives NaN.
double tangentFromTable(SCurve g, double x);

}  // namespace cert::ir
