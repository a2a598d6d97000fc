// Pieces of small box-domain (IBP) specs that the prover's tests assemble around the rule under
// test: the shape, the helper functions, the IBP Affine rule and a forward flow of transformer t.
#pragma once

#include <string>

namespace cert::test {

inline const std::string kBoxShape = "def Shape as (Float l, Float u){[(curr[l]<=curr),(curr[u]>=curr)]};\n";
inline const std::string kBoxHelpers =
    "func priority(Neuron n) = n[layer];\n"
    "func simplify_lower(Neuron n, Float c) = (c >= 0) ? (c * n[l]) : (c * n[u]);\n"
    "func simplify_upper(Neuron n, Float c) = (c >= 0) ? (c * n[u]) : (c * n[l]);\n";
inline const std::string kBoxAffine =
    "Affine -> ((prev.dot(curr[weight]) + curr[bias]).map(simplify_lower), "
    "(prev.dot(curr[weight]) + curr[bias]).map(simplify_upper));\n";
inline const std::string kFlowOfT = "flow(forward, priority, false, t);\n";

}  // namespace cert::test
