// The z3 prover: every rule of every shipped spec is proved (Sigmoid/Tanh L, U, z may be unknown,
// never unsound); planted unsound rules are refuted, and each counterexample is checked with an
// independent evaluation of the planted rule in plain doubles.
#include <QtTest>

#include <unistd.h>

#include <cmath>
#include <functional>
#include <string>

#include "compiler/frontend.h"
#include "compiler/prove/isolated.h"
#include "compiler/prove/prove.h"
#include "tests/support/test_paths.h"

using cert::prove::CexValue;
using cert::prove::RuleVerdict;
using cert::prove::Verdict;

namespace {

const std::string kBox = "def Shape as (Float l, Float u){[(curr[l]<=curr),(curr[u]>=curr)]};\n";
const std::string kPoly =
    "def Shape as (Float l, Float u, PolyExp L, PolyExp U)"
    "{[(curr[l]<=curr),(curr[u]>=curr),(curr[L]<=curr),(curr[U]>=curr)]};\n";
const std::string kZono = "def Shape as (Float l, Float u, SymExp z){[(curr[l]<=curr),(curr[u]>=curr),(curr In curr[z])]};\n";
// A box with a constraint member (RefineZono's `Ct c`): curr[c] must hold at the concrete values.
const std::string kBoxCt = "def Shape as (Float l, Float u, Ct c){[(curr[l]<=curr),(curr[u]>=curr),curr[c]]};\n";
// The ReLU rule of the published RefineZono over that box: the constraint is exact per case.
const std::string kReluCt =
    "  Relu -> (prev[l] >= 0) ? (prev[l], prev[u], (prev[l] <= curr) and (prev[u] >= curr)) :\n"
    "    ((prev[u] <= 0) ? (0, 0, curr == 0) :\n"
    "     (0, prev[u], (prev[l] <= prev) and (prev[u] >= prev) and\n"
    "      (((prev <= 0) and (curr == 0)) or ((prev > 0) and (curr == prev)))));\n";
// RefineZono's Affine over that box: each bound an LP over the inputs' constraints.
const std::string kAffineLp =
    "func foo(Neuron n) = n[c];\n"
    "transformer t {\n"
    "  Affine -> (lp(minimize, prev.dot(curr[weight]) + curr[bias], prev.map_list(foo)),\n"
    "             lp(maximize, prev.dot(curr[weight]) + curr[bias], prev.map_list(foo)),\n"
    "             (prev.dot(curr[weight]) + curr[bias]) == curr);\n"
    "}\n";
// VeGaS's backward ReLU over a DeepPoly shape: curr is the ReLU's input, its members as the
// forward run left them; prev is the ReLU's output.
const std::string kRevRelu =
    "  rev_Relu -> (prev[l]) > 0 ?\n"
    "    ((prev[u]) >= 0 ? (max((prev[l]), curr[l]), min((prev[u]), curr[u]), curr[L], curr[U]) :\n"
    "                      (max((prev[l]), curr[l]), curr[u], curr[L], curr[U])) :\n"
    "    ((prev[u]) >= 0 ? (curr[l], min((prev[u]), curr[u]), curr[L], curr[U]) :\n"
    "                      (curr[l], curr[u], curr[L], curr[U]));\n";
// VeGaS's backward Affine: curr's bounds from LPs over the layer's equations solved for curr.
const std::string kRevAffine =
    "func create_c(Neuron n, PolyExp e) = n == e;\n"
    "transformer t {\n"
    "  rev_Affine -> (lp(minimize, curr, (curr[equations].map_list(create_c curr))),\n"
    "                 lp(maximize, curr, (curr[equations].map_list(create_c curr))), curr[L], curr[U]);\n"
    "}\n";
const std::string kBackwardFlow = "flow(backward, priority, true, t);\n";
const std::string kHelpers =
    "func priority(Neuron n) = n[layer];\n"
    "func pos(Float d) = (d > 0) ? d : 1;\n"
    "func simplify_lower(Neuron n, Float c) = (c >= 0) ? (c * n[l]) : (c * n[u]);\n"
    "func simplify_upper(Neuron n, Float c) = (c >= 0) ? (c * n[u]) : (c * n[l]);\n";
const std::string kPolyHelpers =
    "func replace_lower(Neuron n, Float c) = (c >= 0) ? (c * n[L]) : (c * n[U]);\n"
    "func replace_upper(Neuron n, Float c) = (c >= 0) ? (c * n[U]) : (c * n[L]);\n";
const std::string kFlow = "flow(forward, priority, false, t);\n";

std::vector<RuleVerdict> prove(const std::string& spec, const std::string& op = {}, double timeoutSeconds = 20) {
  const cert::FrontendResult fe = cert::runFrontend(spec);
  for (const auto& d : fe.diagnostics)
    if (d.severity == cert::Severity::Error) qWarning("%s", d.message.c_str());
  cert::prove::ProveOptions options;
  options.op = op;
  options.timeoutSeconds = timeoutSeconds;
  return cert::prove::proveSpec(fe, options).rules;
}

/// The verdict of the one rule proved for `op` (a default RuleVerdict, Unknown, with a reason
/// saying so when the prover gave not exactly one).
RuleVerdict proveOne(const std::string& spec, const std::string& op) {
  std::vector<RuleVerdict> rules = prove(spec, op);
  if (rules.size() == 1) return rules.front();
  RuleVerdict none;
  none.verdict = Verdict::Unknown;
  none.reason = std::to_string(rules.size()) + " rules proved for " + op + ", not one";
  return none;
}

/// Reads counterexample values by name (a missing name fails the test).
struct Cex {
  const std::vector<CexValue>& values;
  double operator()(const std::string& name) const {
    const double v = cert::prove::cexValue(values, name);
    if (std::isnan(v)) qWarning("no value named %s in the counterexample", name.c_str());
    return v;
  }
};

double relu(double x) { return x > 0 ? x : 0; }
// A bound that misses: lower above the value, or upper below it (by more than rounding).
bool misses(double lower, double value, double upper) { return lower > value + 1e-9 || upper < value - 1e-9; }

// IBP Affine over two inputs with a given lower-bound term function.
bool ibpAffineViolated(const Cex& v, double biasSignLower, bool dropNegativeLower) {
  double value = v("curr[bias]"), lo = biasSignLower * v("curr[bias]"), hi = v("curr[bias]");
  for (int i = 0; i < 2; ++i) {
    const std::string p = "prev[" + std::to_string(i) + "]";
    const double w = v("curr[weight][" + std::to_string(i) + "]");
    value += w * v(p);
    lo += w >= 0 ? w * v(p + "[l]") : (dropNegativeLower ? 0.0 : w * v(p + "[u]"));
    hi += w >= 0 ? w * v(p + "[u]") : w * v(p + "[l]");
  }
  return misses(lo, value, hi);
}

// A DeepPoly-shaped Relu result (l, u, and the values of L, U at the counterexample) violated?
bool polyViolated(const Cex& v, double l2, double u2, double L, double U) {
  const double curr = relu(v("prev"));
  return misses(l2, curr, u2) || misses(L, curr, U);
}

struct Planted {
  const char* name;
  std::string spec;
  std::string op;
  std::function<bool(const Cex&, const RuleVerdict&)> violated;
};

std::vector<Planted> planted() {
  std::vector<Planted> out;
  out.push_back({"relu upper without max (dropped max)", kBox + kHelpers +
                 "transformer t { Relu -> ((prev[l] >= 0) ? prev[l] : 0, prev[u]); }\n" + kFlow, "Relu",
                 [](const Cex& v, const RuleVerdict&) {
                   return misses(v("prev[l]") >= 0 ? v("prev[l]") : 0, relu(v("prev")), v("prev[u]"));
                 }});
  // ConstraintFlow's HardSigmoid is clip((x + 1) / 2, 0, 1): ONNX's default slope 0.2 is another
  // function, and bounds computed with it miss.
  out.push_back({"hard sigmoid with ONNX's default slope", kBox + kHelpers +
                 "func hs(Float r) = max(0, min(1, r / 5 + 0.5));\n"
                 "transformer t { HardSigmoid -> (hs(prev[l]), hs(prev[u])); }\n" + kFlow, "HardSigmoid",
                 [](const Cex& v, const RuleVerdict&) {
                   auto hs = [](double r) { return std::max(0.0, std::min(1.0, r / 5 + 0.5)); };
                   const double x = v("prev");
                   return misses(hs(v("prev[l]")), std::max(0.0, std::min(1.0, (x + 1) / 2)), hs(v("prev[u]")));
                 }});
  out.push_back({"product bounded by the products of like ends only", kBox + kHelpers +
                 "transformer t { Neuron_mult -> (prev_0[l] * prev_1[l], prev_0[u] * prev_1[u]); }\n" + kFlow,
                 "Neuron_mult", [](const Cex& v, const RuleVerdict&) {
                   return misses(v("prev_0[l]") * v("prev_1[l]"), v("prev_0") * v("prev_1"),
                                 v("prev_0[u]") * v("prev_1[u]"));
                 }});
  out.push_back({"McCormick lower plane through the wrong corner", kPoly + kHelpers +
                 "func lo(Neuron a, Neuron b) = min([a[l] * b[l], a[l] * b[u], a[u] * b[l], a[u] * b[u]]);\n"
                 "func hi(Neuron a, Neuron b) = max([a[l] * b[l], a[l] * b[u], a[u] * b[l], a[u] * b[u]]);\n"
                 "transformer t { Neuron_mult -> (lo(prev_0, prev_1), hi(prev_0, prev_1),"
                 " prev_1[l] * prev_0 + prev_0[u] * prev_1 - prev_0[u] * prev_1[l],"
                 " prev_1[u] * prev_0 + prev_0[l] * prev_1 - prev_0[l] * prev_1[u]); }\n" + kFlow,
                 "Neuron_mult", [](const Cex& v, const RuleVerdict&) {
                   // (x - ux)(y - ly) <= 0 on the box: the plane is above x y, not below.
                   const double x = v("prev_0"), y = v("prev_1"), ux = v("prev_0[u]"), ly = v("prev_1[l]");
                   return ly * x + ux * y - ux * ly > x * y + 1e-9;
                 }});
  out.push_back({"relu with l and u swapped", kBox + kHelpers +
                 "transformer t { Relu -> ((prev[u] >= 0) ? prev[u] : 0, (prev[l] >= 0) ? prev[l] : 0); }\n" + kFlow,
                 "Relu", [](const Cex& v, const RuleVerdict&) {
                   return misses(relu(v("prev[u]")), relu(v("prev")), relu(v("prev[l]")));
                 }});
  out.push_back({"abs upper with the wrong sign", kBox + kHelpers +
                 "transformer t { Abs -> (prev[l] >= 0) ? (prev[l], prev[u]) : ((prev[u] <= 0) ? (-prev[u], prev[l])"
                 " : (0, max(-prev[l], prev[u]))); }\n" + kFlow,
                 "Abs", [](const Cex& v, const RuleVerdict&) {
                   const double l = v("prev[l]"), u = v("prev[u]"), x = std::fabs(v("prev"));
                   if (l >= 0) return misses(l, x, u);
                   if (u <= 0) return misses(-u, x, l);
                   return misses(0, x, std::max(-l, u));
                 }});
  out.push_back({"constant placeholder for the relu lower bound", kPoly + kHelpers + kPolyHelpers +
                 "transformer t { Relu -> (prev[l] >= 0) ? (prev[l], prev[u], prev, prev) : ((prev[u] <= 0) ? (0, 0, 0, 0)"
                 " : (0, prev[u], prev[u], prev[u])); }\n" + kFlow,
                 "Relu", [](const Cex& v, const RuleVerdict&) {
                   const double l = v("prev[l]"), u = v("prev[u]"), x = v("prev");
                   if (l >= 0) return polyViolated(v, l, u, x, x);
                   if (u <= 0) return polyViolated(v, 0, 0, 0, 0);
                   return polyViolated(v, 0, u, u, u);
                 }});
  out.push_back({"wrong case of a per-neuron conditional", kPoly + kHelpers + kPolyHelpers +
                 "transformer t { Relu -> (prev[l] >= 0) ? (0, 0, 0, 0) : ((prev[u] <= 0) ? (prev[l], prev[u], prev, prev)"
                 " : (0, prev[u], 0, prev[u])); }\n" + kFlow,
                 "Relu", [](const Cex& v, const RuleVerdict&) {
                   const double l = v("prev[l]"), u = v("prev[u]"), x = v("prev");
                   if (l >= 0) return polyViolated(v, 0, 0, 0, 0);
                   if (u <= 0) return polyViolated(v, l, u, x, x);
                   return polyViolated(v, 0, u, 0, u);
                 }});
  out.push_back({"affine bias with the wrong sign", kBox + kHelpers +
                 "transformer t { Affine -> ((prev.dot(curr[weight]) - curr[bias]).map(simplify_lower),"
                 " (prev.dot(curr[weight]) + curr[bias]).map(simplify_upper)); }\n" + kFlow,
                 "Affine", [](const Cex& v, const RuleVerdict&) { return ibpAffineViolated(v, -1, false); }});
  out.push_back({"affine lower bound dropping negative terms", kBox + kHelpers +
                 "func drop_lower(Neuron n, Float c) = (c >= 0) ? (c * n[l]) : 0;\n"
                 "transformer t { Affine -> ((prev.dot(curr[weight]) + curr[bias]).map(drop_lower),"
                 " (prev.dot(curr[weight]) + curr[bias]).map(simplify_upper)); }\n" + kFlow,
                 "Affine", [](const Cex& v, const RuleVerdict&) { return ibpAffineViolated(v, 1, true); }});
  out.push_back({"division by zero at l = u (strict guards)", kPoly + kHelpers + kPolyHelpers +
                 "transformer t { Relu -> (prev[l] > 0) ? (prev[l], prev[u], prev, prev) : ((prev[u] < 0) ? (0, 0, 0, 0)"
                 " : (0, prev[u], 0, (prev[u] / (prev[u] - prev[l])) * (prev - prev[l]))); }\n" + kFlow,
                 "Relu", [](const Cex& v, const RuleVerdict& r) {
                   // The rule takes its third branch and divides by u - l = 0 there.
                   const double l = v("prev[l]"), u = v("prev[u]");
                   return r.reason.find("division by zero") != std::string::npos && !(l > 0) && !(u < 0) && u - l == 0.0;
                 }});
  out.push_back({"relu upper line without its offset", kPoly + kHelpers + kPolyHelpers +
                 "transformer t { Relu -> (prev[l] >= 0) ? (prev[l], prev[u], prev, prev) : ((prev[u] <= 0) ? (0, 0, 0, 0)"
                 " : (0, prev[u], 0, (prev[u] / pos(prev[u] - prev[l])) * prev)); }\n" + kFlow,
                 "Relu", [](const Cex& v, const RuleVerdict&) {
                   const double l = v("prev[l]"), u = v("prev[u]"), x = v("prev");
                   if (l >= 0) return polyViolated(v, l, u, x, x);
                   if (u <= 0) return polyViolated(v, 0, 0, 0, 0);
                   return polyViolated(v, 0, u, 0, u / (u - l > 0 ? u - l : 1) * x);
                 }});
  out.push_back({"deepz relu with the offset's sign flipped", kZono + kHelpers +
                 "func lam(Neuron n) = n[u] / pos(n[u] - n[l]);\n"
                 "func mu(Neuron n) = -(n[u] * n[l]) / (2 * pos(n[u] - n[l]));\n"
                 "transformer t { Relu -> (prev[l] >= 0) ? (prev[l], prev[u], prev[z]) : ((prev[u] <= 0) ? (0, 0, 0)"
                 " : (0, prev[u], lam(prev) * prev[z] - mu(prev) + mu(prev) * eps)); }\n" + kFlow,
                 "Relu", [](const Cex& v, const RuleVerdict&) {
                   // prev In prev[z]: prev[z] is prev's value at the shared noise; curr's z is
                   // centre + mu * eps with eps in [-1, 1].
                   const double l = v("prev[l]"), u = v("prev[u]"), x = v("prev"), y = relu(x);
                   if (l >= 0) return misses(l, y, u);
                   if (u <= 0) return misses(0, y, 0);
                   const double d = u - l > 0 ? u - l : 1, lambda = u / d, mu = -(u * l) / (2 * d);
                   return misses(0, y, u) || std::fabs(y - (lambda * x - mu)) > std::fabs(mu) + 1e-9;
                 }});
  out.push_back({"back-substitution replacing with the wrong bound", kPoly + kHelpers + kPolyHelpers +
                 "func bad_replace(Neuron n, Float c) = (c >= 0) ? (c * n[U]) : (c * n[L]);\n"
                 "func lower(PolyExp e, Neuron n) = (e.traverse(backward, priority, false, bad_replace){e <= n}).map(simplify_lower);\n"
                 "transformer t { Affine -> (lower(prev.dot(curr[weight]) + curr[bias], curr), 0, "
                 "prev.dot(curr[weight]) + curr[bias], prev.dot(curr[weight]) + curr[bias]); }\n" + kFlow,
                 "Affine", [](const Cex& v, const RuleVerdict& r) {
                   // One step of traverse: V <= curr before, V' > curr after.
                   if (r.reason.find("kept by one step") == std::string::npos) return false;
                   const std::string V = "traverse1.V.";
                   double before = v(V + "c0"), after = v(V + "c0");
                   for (int k = 0; k < 2; ++k) {
                     const std::string n = V + "n" + std::to_string(k);
                     const double c = v(V + "c" + std::to_string(k + 1));
                     before += c * v(n);
                     const bool active = v("traverse1.pick" + std::to_string(k)) != 0 && c != 0;
                     after += active ? c * v(n + (c >= 0 ? "[U]" : "[L]")) : c * v(n);
                   }
                   return before <= v("curr") + 1e-9 && after > v("curr") + 1e-9;
                 }});
  // Constraint members: the rule's constraint, evaluated at the concrete values, must hold.
  auto reluCt = [](const std::string& from, const std::string& to) {
    std::string rule = kReluCt;
    rule.replace(rule.find(from), from.size(), to);
    return kBoxCt + kHelpers + "transformer t {\n" + rule + "}\n" + kFlow;
  };
  out.push_back({"constraint member: an inactive ReLU's output said to be 1", reluCt("curr == 0)", "curr == 1)"), "Relu",
                 [](const Cex& v, const RuleVerdict& r) {
                   return r.reason.find("curr[c]") != std::string::npos && v("prev[u]") <= 0 && relu(v("prev")) != 1;
                 }});
  out.push_back({"constraint member: an active ReLU's output said to be above prev[u]",
                 reluCt("(prev[u] >= curr)", "(prev[u] <= curr)"), "Relu", [](const Cex& v, const RuleVerdict& r) {
                   return r.reason.find("curr[c]") != std::string::npos && v("prev[l]") >= 0 &&
                          !(v("prev[u]") <= relu(v("prev")));
                 }});
  out.push_back({"constraint member: an unstable ReLU's positive branch doubled",
                 reluCt("(curr == prev)", "(curr == 2 * prev)"), "Relu", [](const Cex& v, const RuleVerdict& r) {
                   const double x = v("prev");
                   return r.reason.find("curr[c]") != std::string::npos && v("prev[l]") < 0 && v("prev[u]") > 0 &&
                          x > 0 && relu(x) != 2 * x;
                 }});
  // lp: a bound below (above) the objective's value wherever the constraints hold.
  auto affineLp = [](const std::string& from, const std::string& to) {
    std::string rule = kAffineLp;
    rule.replace(rule.find(from), from.size(), to);
    return kBoxCt + kHelpers + rule + kFlow;
  };
  // The counterexample is an Affine execution (curr = w . prev + b) whose lower bound is above curr.
  auto lowerAboveAffineValue = [](const Cex& v, const RuleVerdict& r) {
    const double value =
        v("curr[weight][0]") * v("prev[0]") + v("curr[weight][1]") * v("prev[1]") + v("curr[bias]");
    return r.reason.find("curr[l] <= curr") != std::string::npos && std::abs(value - v("curr")) < 1e-9 &&
           v("curr[l]") > v("curr") + 1e-9;
  };
  out.push_back({"lp: the lower bound maximized", affineLp("(lp(minimize", "(lp(maximize"), "Affine", lowerAboveAffineValue});
  out.push_back({"lp: the lower bound's objective without the bias",
                 affineLp("(lp(minimize, prev.dot(curr[weight]) + curr[bias],", "(lp(minimize, prev.dot(curr[weight]),"),
                 "Affine", lowerAboveAffineValue});
  out.push_back({"lp: constraints that need not hold at the inputs' values",
                 affineLp("func foo(Neuron n) = n[c];", "func foo(Neuron n) = n[l] >= 1;"), "Affine",
                 lowerAboveAffineValue});
  // Backward (rev_) rules: the refined input's new members must hold at its value.
  auto revRelu = [](const std::string& from, const std::string& to) {
    std::string rule = kRevRelu;
    rule.replace(rule.find(from), from.size(), to);
    return kPoly + kHelpers + "transformer t {\n" + rule + "}\n" + kBackwardFlow;
  };
  out.push_back({"rev_Relu: the input's lower bound raised to the output's upper bound",
                 revRelu("(max((prev[l]), curr[l]), min((prev[u]), curr[u])", "(max((prev[u]), curr[l]), min((prev[u]), curr[u])"),
                 "rev_Relu", [](const Cex& v, const RuleVerdict& r) {
                   return r.reason.find("curr[l] <= curr") != std::string::npos &&
                          std::abs(v("prev") - relu(v("curr"))) < 1e-12 && v("curr[l]") > v("curr") + 1e-9;
                 }});
  out.push_back({"rev_Relu: the output's lower bound taken for an input that may be below it",
                 revRelu("(curr[l], min((prev[u]), curr[u])", "(max(prev[l], curr[l]), min((prev[u]), curr[u])"),
                 "rev_Relu", [](const Cex& v, const RuleVerdict& r) {
                   return r.reason.find("curr[l] <= curr") != std::string::npos &&
                          std::abs(v("prev") - relu(v("curr"))) < 1e-12 && v("curr[l]") > v("curr") + 1e-9;
                 }});
  out.push_back({"rev_Neuron_mult: an input bounded as if the output were a sum",
                 kPoly + kHelpers + "transformer t {\n  rev_Neuron_mult -> (curr[l], prev_0[u] - prev_1[l], curr[L], curr[U]);\n}\n" +
                     kBackwardFlow,
                 "rev_Neuron_mult", [](const Cex& v, const RuleVerdict& r) {
                   return r.reason.find("curr[u] >= curr") != std::string::npos &&
                          std::abs(v("prev_0") - v("curr") * v("prev_1")) < 1e-12 &&
                          v("prev_0[u]") - v("prev_1[l]") < v("curr") - 1e-9;
                 }});
  auto revAffine = [](const std::string& from, const std::string& to) {
    std::string rule = kRevAffine;
    rule.replace(rule.find(from), from.size(), to);
    return kPoly + kHelpers + rule + kBackwardFlow;
  };
  // The layer's equations make curr's value known to the LP: a lower bound above it is wrong.
  auto lowerAboveCurr = [](const Cex& v, const RuleVerdict& r) {
    return r.reason.find("curr[l] <= curr") != std::string::npos && v("curr[l]") > v("curr") + 1e-9;
  };
  out.push_back({"rev_Affine: the lower bound maximized", revAffine("(lp(minimize, curr,", "(lp(maximize, curr,"),
                 "rev_Affine", lowerAboveCurr});
  out.push_back({"rev_Affine: the lower bound of curr + 1", revAffine("(lp(minimize, curr,", "(lp(minimize, curr + 1,"),
                 "rev_Affine", lowerAboveCurr});
  // max over an argmax that keeps nothing is -inf at run time: an upper bound below any value.
  out.push_back({"maxpool upper bound from an argmax that may keep nothing",
                 kBox + kHelpers + "func f(Neuron n1, Neuron n2) = n1[l] >= n2[u];\n"
                                   "transformer t { Maxpool -> (max(prev[l]), max(argmax(prev, f)[u])); }\n" + kFlow,
                 "Maxpool", [](const Cex& v, const RuleVerdict& r) {
                   // Neither input's lower bound reaches the other's upper bound: argmax is empty.
                   return r.reason.find("max of a list that may be empty") != std::string::npos &&
                          v("prev[0][l]") < v("prev[1][u]") && v("prev[1][l]") < v("prev[0][u]");
                 }});
  out.push_back({"maxpool upper bound taking the min", kBox + kHelpers +
                 "transformer t { Maxpool -> (max(prev[l]), min(prev[u])); }\n" + kFlow, "Maxpool",
                 [](const Cex& v, const RuleVerdict&) {
                   const double x = std::max(v("prev[0]"), v("prev[1]"));
                   return misses(std::max(v("prev[0][l]"), v("prev[1][l]")), x,
                                 std::min(v("prev[0][u]"), v("prev[1][u]")));
                 }});
  return out;
}

}  // namespace

class TestProver : public QObject {
  Q_OBJECT

 public:
  TestProver() {
    // A proof that failed to stop would hang its test function: QTest's watchdog then fails it.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT")) qputenv("QTEST_FUNCTION_TIMEOUT", "240000");
  }

 private slots:
  void shippedSpecsAreProved_data();
  void shippedSpecsAreProved();
  void plantedBugsAreRefuted_data();
  void plantedBugsAreRefuted();
  void noConstraintsNothingToProve();
  void constraintMembersAreProved();
  void linearProgramsBoundTheirObjective();
  void backwardRulesRefineTheirInput();
  void guardedArgmaxIsProved();
  void unsupportedIsUnknownWithReason();
  void sCurveBugsAreNeverProved();
  void sCurveZonotopeBugsAreNeverProved();
  void hangingProofIsStoppedAtTheDeadline();
  void isolatedAndInProcessAgree();
  void outcomeEncodingRoundTrips();
  void hardActivationsAsConstraintFlowDefinesThem();
};

void TestProver::shippedSpecsAreProved_data() {
  QTest::addColumn<QString>("spec");
  QTest::addColumn<QString>("op");
  for (const char* s : {"ibp", "deeppoly", "crown", "deepz", "deeppoly_deepz", "deeppoly_k", "deeppoly_eran"})
    for (const char* op : {"Affine", "Relu", "Sigmoid", "Tanh", "Abs", "HardTanh", "Relu6", "Maxpool", "Avgpool",
                           "Neuron_add", "Neuron_mult"})
      QTest::newRow((std::string(s) + " " + op).c_str()) << s << op;
}

void TestProver::shippedSpecsAreProved() {
  QFETCH(QString, spec);
  QFETCH(QString, op);
  std::string error;
  const auto text = cert::readSpecFile(cert::test::sourcePath("specs/" + spec.toStdString() + ".cf"), &error);
  QVERIFY2(text, error.c_str());
  const auto rules = prove(*text, op.toStdString());
  QCOMPARE(rules.size(), std::size_t(1));
  const RuleVerdict& r = rules.front();
  const std::string what = r.transformer + " " + r.op + ": " + cert::prove::describe(r);
  QVERIFY2(r.verdict != Verdict::Unsound, what.c_str());
  // Sigmoid and Tanh lines (chords, tangents through sigma') are beyond sigma's axioms; IBP's
  // monotone bounds are not.
  const bool sCurve = (op == "Sigmoid" || op == "Tanh") && spec != "ibp";
  // DeepPoly's chords and min-slope lines follow from sigma's shape lemmas (solve.cpp), CROWN's
  // tangents from sigma_tangent's facts (tangent_axioms.cpp); DeepZ's zonotopes (deepz,
  // deeppoly_deepz) follow from the least-slope lemmas once products are normalized
  // (monomial_check.cpp).
  const bool lemmaProved = spec == "deeppoly" || spec == "deeppoly_k" || spec == "crown" || spec == "deepz" ||
                           spec == "deeppoly_deepz";
  if (sCurve && !lemmaProved) QVERIFY2(r.verdict == Verdict::Proved || !r.reason.empty(), what.c_str());
  else QVERIFY2(r.verdict == Verdict::Proved, what.c_str());
  QVERIFY2(r.seconds < 20.0, what.c_str());
}

void TestProver::plantedBugsAreRefuted_data() {
  QTest::addColumn<int>("index");
  const auto all = planted();
  for (std::size_t i = 0; i < all.size(); ++i) QTest::newRow(all[i].name) << static_cast<int>(i);
}

void TestProver::plantedBugsAreRefuted() {
  QFETCH(int, index);
  const Planted p = planted()[static_cast<std::size_t>(index)];
  const auto rules = prove(p.spec, p.op);
  QCOMPARE(rules.size(), std::size_t(1));
  const RuleVerdict& r = rules.front();
  QVERIFY2(r.verdict == Verdict::Unsound, cert::prove::describe(r).c_str());
  QVERIFY(!r.counterexample.empty());
  QVERIFY2(p.violated(Cex{r.counterexample}, r), cert::prove::describe(r).c_str());
}

void TestProver::noConstraintsNothingToProve() {
  const cert::FrontendResult fe = cert::runFrontend(
      "def Shape as (Float l, Float u){[]};\nfunc priority(Neuron n) = n[layer];\n"
      "transformer t { Relu -> (prev[l], prev[u]); }\nflow(forward, priority, false, t);\n");
  QVERIFY(fe.ok());
  const auto report = cert::prove::proveSpec(fe, {});
  QVERIFY(report.rules.empty());
  QCOMPARE(report.diagnostics.size(), std::size_t(1));
  QVERIFY(report.diagnostics.front().message.find("nothing to prove") != std::string::npos);
}

/// A constraint member (Ct) of an input is assumed to hold (a free truth value: nothing about the
/// values); curr's is the rule's expression at the concrete values. RefineZono's ReLU constraint,
/// exact in each case, is proved (the planted variants above are refuted).
void TestProver::constraintMembersAreProved() {
  const RuleVerdict rule = proveOne(kBoxCt + kHelpers + "transformer t {\n" + kReluCt + "}\n" + kFlow, "Relu");
  QVERIFY2(rule.verdict == Verdict::Proved, cert::prove::describe(rule).c_str());
}

/// lp(minimize, e, cs) is a value below e's wherever cs hold (the runtime's LP keeps the concrete
/// point in its region: the inputs' constraints hold there and their values lie in [l, u]):
/// RefineZono's Affine is proved. Without `curr[l] <= curr` in the shape, the LP's intervals from
/// l need not hold the concrete value: unknown, with the reason.
void TestProver::linearProgramsBoundTheirObjective() {
  const RuleVerdict proved = proveOne(kBoxCt + kHelpers + kAffineLp + kFlow, "Affine");
  QVERIFY2(proved.verdict == Verdict::Proved, cert::prove::describe(proved).c_str());
  std::string unbounded = kBoxCt;
  unbounded.replace(unbounded.find("(curr[l]<=curr),"), 16, "");
  const RuleVerdict unknown = proveOne(unbounded + kHelpers + kAffineLp + kFlow, "Affine");
  QCOMPARE(unknown.verdict, Verdict::Unknown);
  QVERIFY2(unknown.reason.find("does not state curr[l] <= curr") != std::string::npos, unknown.reason.c_str());
}

/// A rev_ rule (a backward flow) refines the input of a layer: the input's members as the forward
/// run left them are assumed to hold, the output's value is the operator applied to the input's,
/// and the rule's new members must hold at the input's value. VeGaS's backward ReLU and a sum's
/// input bounded from the output and the other input are proved; the planted variants above are
/// refuted. rev_Affine's LPs over the layer's equations (curr[equations], each equal to curr) are
/// proved; pooling (a list of outputs per input) and rev_Affine's prev are unknown with the reason.
void TestProver::backwardRulesRefineTheirInput() {
  const RuleVerdict relu = proveOne(kPoly + kHelpers + "transformer t {\n" + kRevRelu + "}\n" + kBackwardFlow, "rev_Relu");
  QVERIFY2(relu.verdict == Verdict::Proved, cert::prove::describe(relu).c_str());
  const RuleVerdict add = proveOne(kPoly + kHelpers +
                                       "transformer t {\n  rev_Neuron_add -> (max(curr[l], prev_0[l] - prev_1[u]),"
                                       " min(curr[u], prev_0[u] - prev_1[l]), curr[L], curr[U]);\n}\n" +
                                       kBackwardFlow,
                                   "rev_Neuron_add");
  QVERIFY2(add.verdict == Verdict::Proved, cert::prove::describe(add).c_str());
  // rev_Affine: each bound an LP over the layer's equations solved for curr (VeGaS's rule).
  const RuleVerdict affine = proveOne(kPoly + kHelpers + kRevAffine + kBackwardFlow, "rev_Affine");
  QVERIFY2(affine.verdict == Verdict::Proved, cert::prove::describe(affine).c_str());
  // Pooling's outputs per input, and rev_Affine's prev (the layer's outputs), are not modelled.
  const RuleVerdict pool = proveOne(
      kPoly + kHelpers + "transformer t {\n  rev_Maxpool -> (curr[l], curr[u], curr[L], curr[U]);\n}\n" + kBackwardFlow,
      "rev_Maxpool");
  QCOMPARE(pool.verdict, Verdict::Unknown);
  QVERIFY2(pool.reason.find("not modelled") != std::string::npos, pool.reason.c_str());
  const RuleVerdict readsPrev = proveOne(
      kPoly + kHelpers + "transformer t {\n  rev_Affine -> (max(curr[l], prev[l]), curr[u], curr[L], curr[U]);\n}\n" +
          kBackwardFlow,
      "rev_Affine");
  QCOMPARE(readsPrev.verdict, Verdict::Unknown);
  QVERIFY2(readsPrev.reason.find("'prev' is not defined") != std::string::npos, readsPrev.reason.c_str());
}

/// max/min of a list that an argmax filters is proved where the rule guards it with len(...) > 0
/// (the empty list, -inf / +inf at run time, is then never on the path); the unguarded rule is
/// among the planted bugs.
void TestProver::guardedArgmaxIsProved() {
  const RuleVerdict rule = proveOne(kBox + kHelpers + "func f(Neuron n1, Neuron n2) = n1[l] >= n2[u];\n"
                                                      "transformer t { Maxpool -> len(argmax(prev, f)) > 0 ?"
                                                      " (max(prev[l]), max(argmax(prev, f)[u])) : (max(prev[l]), max(prev[u])); }\n" +
                                        kFlow,
                                    "Maxpool");
  QVERIFY2(rule.verdict == Verdict::Proved, cert::prove::describe(rule).c_str());
}

void TestProver::unsupportedIsUnknownWithReason() {
  const auto rules = prove(kBox + kHelpers + "transformer t { Relu -> (prev[l], curr[l]); }\n" + kFlow, "Relu");
  QCOMPARE(rules.size(), std::size_t(1));
  QCOMPARE(rules.front().verdict, Verdict::Unknown);
  QVERIFY2(rules.front().reason.find("reads curr[l]") != std::string::npos, rules.front().reason.c_str());
}

/// HardSigmoid is clip((x + 1) / 2, 0, 1) and HardSwish x clip(x / 6 + 1 / 2, 0, 1), as ConstraintFlow's
/// published verifier and examples define them: the box rules written with those functions (the
/// end points mapped, both monotone; HardSwish's minimum -3/8 at x = -3/2 where l < -3/2 < u) are
/// proved.
void TestProver::hardActivationsAsConstraintFlowDefinesThem() {
  const auto rules = prove(kBox + kHelpers +
                           "func hs(Float r) = max(0, min(1, (r + 1) / 2));\n"
                           "func hw(Float r) = r * max(0, min(1, r / 6 + 0.5));\n"
                           "transformer t { HardSigmoid -> (hs(prev[l]), hs(prev[u]));\n"
                           "  HardSwish -> ((prev[u] <= -1.5) ? hw(prev[u]) : ((prev[l] >= -1.5) ? hw(prev[l]) : -0.375),"
                           " max(hw(prev[l]), hw(prev[u]))); }\n" +
                           kFlow);
  QCOMPARE(rules.size(), std::size_t(2));
  for (const RuleVerdict& r : rules) QVERIFY2(r.verdict == Verdict::Proved, (r.op + ": " + cert::prove::describe(r)).c_str());
}

QTEST_APPLESS_MAIN(TestProver)
#include "tst_prover.moc"

/// Sigmoid/Tanh lines that are NOT sound (the largest end slope instead of the smallest; the
/// concave chord used where the curve is not concave) are never proved: the shape lemmas are
/// facts of sigma, not assumptions that make anything provable.
void TestProver::sCurveBugsAreNeverProved() {
  std::string error;
  const auto text = cert::readSpecFile(cert::test::sourcePath("specs/deeppoly.cf"), &error);
  QVERIFY2(text, error.c_str());
  const std::pair<std::string, std::string> bugs[] = {
      {"gl + min(dl, du) * (n - n[l])", "gl + max(dl, du) * (n - n[l])"},
      {"(n[l] > 0) ? gl + ((gu - gl)", "(n[l] > -1) ? gl + ((gu - gl)"},
      {"gu + min(dl, du) * (n - n[u])", "gu + max(dl, du) * (n - n[u])"}};
  for (const auto& [from, to] : bugs) {
    std::string bad = *text;
    const size_t at = bad.find(from);
    QVERIFY2(at != std::string::npos, from.c_str());
    bad.replace(at, from.size(), to);
    for (const char* op : {"Sigmoid", "Tanh"}) {
      const auto rules = prove(bad, op);
      QCOMPARE(rules.size(), std::size_t(1));
      QVERIFY2(rules.front().verdict != Verdict::Proved, (to + " " + op).c_str());
    }
  }
}

namespace {

/// The zonotope rule of s_z in plain doubles for g on [l, u]: slope k, centre mu, radius r.
/// True when some x in [l, u] (a fine grid) has |g(x) - k x - mu| > |r| (beyond rounding).
bool zonotopeMisses(const std::function<double(double)>& g, const std::function<double(double)>& dg,
                    const std::function<double(double, double)>& slope, double centreScale, double radiusScale) {
  for (double l = -6; l <= 6; l += 0.5)
    for (double u = l + 0.5; u <= 6.5; u += 0.5) {
      const double k = slope(dg(l), dg(u));
      const double mu = (g(u) + g(l) - k * (u + l)) * centreScale;
      const double r = (g(u) - g(l) - k * (u - l)) * radiusScale;
      for (int i = 0; i <= 200; ++i) {
        const double x = l + (u - l) * i / 200.0;
        if (std::fabs(g(x) - k * x - mu) > std::fabs(r) + 1e-9) return true;
      }
    }
  return false;
}

}  // namespace

/// DeepZ's S-curve zonotopes (deepz, deeppoly_deepz) with a planted bug are never proved: the
/// largest end slope instead of the least, a halved noise term, a shifted centre. Each bug is
/// first shown unsound in plain doubles (so the test is not vacuous); the correct rule passes the
/// same check.
void TestProver::sCurveZonotopeBugsAreNeverProved() {
  const auto sig = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  const auto dsig = [&](double x) { return sig(x) * (1 - sig(x)); };
  const auto dtanh = [](double x) { return 1 - std::tanh(x) * std::tanh(x); };
  const auto tanhf = [](double x) { return std::tanh(x); };
  const auto least = [](double a, double b) { return std::min(a, b); };
  const auto most = [](double a, double b) { return std::max(a, b); };
  QVERIFY(!zonotopeMisses(sig, dsig, least, 0.5, 0.5));
  QVERIFY(!zonotopeMisses(tanhf, dtanh, least, 0.5, 0.5));
  const std::string body = "    min(dl, du) * n[z] + (gu + gl - min(dl, du) * (n[u] + n[l])) / 2\n"
                           "    + ((gu - gl - min(dl, du) * (n[u] - n[l])) / 2) * eps;";
  struct Bug {
    const char* name;
    std::string text;
    std::function<double(double, double)> slope;
    double centre, radius;
  };
  const Bug bugs[] = {
      {"largest slope", "    max(dl, du) * n[z] + (gu + gl - max(dl, du) * (n[u] + n[l])) / 2\n"
                        "    + ((gu - gl - max(dl, du) * (n[u] - n[l])) / 2) * eps;", most, 0.5, 0.5},
      {"halved noise", "    min(dl, du) * n[z] + (gu + gl - min(dl, du) * (n[u] + n[l])) / 2\n"
                       "    + ((gu - gl - min(dl, du) * (n[u] - n[l])) / 4) * eps;", least, 0.5, 0.25},
      {"shifted centre", "    min(dl, du) * n[z] + (gu + gl - min(dl, du) * (n[u] + n[l])) / 3\n"
                         "    + ((gu - gl - min(dl, du) * (n[u] - n[l])) / 2) * eps;", least, 1.0 / 3.0, 0.5}};
  for (const char* spec : {"deepz", "deeppoly_deepz"}) {
    std::string error;
    const auto text = cert::readSpecFile(cert::test::sourcePath(std::string("specs/") + spec + ".cf"), &error);
    QVERIFY2(text, error.c_str());
    const size_t at = text->find(body);
    QVERIFY2(at != std::string::npos, spec);
    for (const Bug& bug : bugs) {
      QVERIFY2(zonotopeMisses(sig, dsig, bug.slope, bug.centre, bug.radius), bug.name);
      QVERIFY2(zonotopeMisses(tanhf, dtanh, bug.slope, bug.centre, bug.radius), bug.name);
      std::string bad = *text;
      bad.replace(at, body.size(), bug.text);
      for (const char* op : {"Sigmoid", "Tanh"}) {
        const auto rules = prove(bad, op, 3);  // short: a wrong rule is never proved, however long
        QCOMPARE(rules.size(), std::size_t(1));
        const std::string what = std::string(spec) + " " + op + " " + bug.name + ": " + cert::prove::describe(rules.front());
        QVERIFY2(rules.front().verdict != Verdict::Proved, what.c_str());
        qInfo("%s", what.c_str());
      }
    }
  }
}

/// A proof stuck where z3 ignores its interrupt (simulated: the proving process blocks forever)
/// is stopped by the parent at the deadline: the call returns, and says timeout.
void TestProver::hangingProofIsStoppedAtTheDeadline() {
  const cert::FrontendResult fe =
      cert::runFrontend(kBox + kHelpers + "transformer t { Relu -> (0, max(prev[u], 0)); }\n" + kFlow);
  QVERIFY(fe.ok());
  cert::prove::ProveOptions options;
  options.timeoutSeconds = 1;
  options.beforeProof = [] {
    for (;;) ::pause();
  };
  const auto report = cert::prove::proveSpec(fe, options);  // returns: QTest's watchdog guards it
  QCOMPARE(report.rules.size(), std::size_t(1));
  QCOMPARE(report.rules.front().verdict, Verdict::Unknown);
  QVERIFY2(report.rules.front().reason.rfind("timeout", 0) == 0, report.rules.front().reason.c_str());
  // The same rule without the hang is proved in its child process.
  options.beforeProof = nullptr;
  options.timeoutSeconds = 10;
  const auto proved = cert::prove::proveSpec(fe, options);
  QCOMPARE(proved.rules.size(), std::size_t(1));
  QVERIFY2(proved.rules.front().verdict == Verdict::Proved, cert::prove::describe(proved.rules.front()).c_str());
}

/// A refuted rule gives the same verdict, failing constraint and counterexample whether it is
/// proved in a child process (its outcome read back through the pipe) or in this one.
void TestProver::isolatedAndInProcessAgree() {
  const cert::FrontendResult fe =
      cert::runFrontend(kBox + kHelpers + "transformer t { Relu -> (prev[u], prev[u]); }\n" + kFlow);
  QVERIFY(fe.ok());
  cert::prove::ProveOptions options;
  options.isolate = true;
  const auto child = cert::prove::proveSpec(fe, options);
  options.isolate = false;
  const auto here = cert::prove::proveSpec(fe, options);
  QCOMPARE(child.rules.size(), std::size_t(1));
  QCOMPARE(here.rules.size(), std::size_t(1));
  const RuleVerdict& a = child.rules.front();
  const RuleVerdict& b = here.rules.front();
  QCOMPARE(a.verdict, Verdict::Unsound);
  QCOMPARE(b.verdict, Verdict::Unsound);
  QCOMPARE(a.reason, b.reason);
  QCOMPARE(a.counterexample.size(), b.counterexample.size());
  for (size_t i = 0; i < a.counterexample.size(); ++i) QCOMPARE(a.counterexample[i].name, b.counterexample[i].name);
  // Really a counterexample: curr = relu(prev) is below curr[l] = prev[u] while prev <= prev[u].
  const double x = cert::prove::cexValue(a.counterexample, "prev");
  const double u = cert::prove::cexValue(a.counterexample, "prev[u]");
  QVERIFY(x <= u);
  QVERIFY(std::max(x, 0.0) < u);
}

void TestProver::outcomeEncodingRoundTrips() {
  cert::prove::RuleOutcome o;
  o.verdict = Verdict::Unsound;
  o.reason = std::string("curr[l] <= curr\0with a nul", 26);
  o.counterexample = {{"prev[l]", -1.5, "-1.5"}, {"curr", 1.0 / 3.0, "0.333333333333?"}, {"", -0.0, ""}};
  const std::string bytes = cert::prove::encodeOutcome(o);
  cert::prove::RuleOutcome back;
  QVERIFY(cert::prove::decodeOutcome(bytes, &back));
  QCOMPARE(back.verdict, o.verdict);
  QCOMPARE(back.reason, o.reason);
  QCOMPARE(back.counterexample.size(), o.counterexample.size());
  for (size_t i = 0; i < o.counterexample.size(); ++i) {
    QCOMPARE(back.counterexample[i].name, o.counterexample[i].name);
    QCOMPARE(back.counterexample[i].value, o.counterexample[i].value);
    QCOMPARE(back.counterexample[i].text, o.counterexample[i].text);
  }
  // A cut-off stream (the child killed mid-write) is not an outcome.
  for (size_t cut : {size_t(0), size_t(7), bytes.size() / 2, bytes.size() - 1})
    QVERIFY(!cert::prove::decodeOutcome(bytes.substr(0, cut), &back));
}
