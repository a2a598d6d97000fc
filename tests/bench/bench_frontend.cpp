// Front-end speed on a generated 2,000-line spec (DeepPoly-style blocks): lex, parse, type-check
// and the three together (target: under 50 ms), plus the canonical printer.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>

#include "compiler/frontend.h"
#include "compiler/lexer/lexer.h"
#include "compiler/parser/parser.h"
#include "compiler/printer/printer.h"
#include "compiler/types/checker.h"

namespace {

/// One block of 13 lines: eight functions, a two-rule transformer and a flow, names suffixed.
std::string block(int k) {
  const std::string s = "_" + std::to_string(k);
  return "func simplify_lower" + s + "(Neuron n, Float coeff) = (coeff >= 0) ? (coeff * n[l]) : (coeff * n[u]);\n" +
         "func simplify_upper" + s + "(Neuron n, Float coeff) = (coeff >= 0) ? (coeff * n[u]) : (coeff * n[l]);\n" +
         "func replace_lower" + s + "(Neuron n, Float coeff) = (coeff >= 0) ? (coeff * n[L]) : (coeff * n[U]);\n" +
         "func replace_upper" + s + "(Neuron n, Float coeff) = (coeff >= 0) ? (coeff * n[U]) : (coeff * n[L]);\n" +
         "func priority" + s + "(Neuron n) = n[layer];\n" +
         "func priority2" + s + "(Neuron n) = -n[layer];\n" +
         "func backsubs_lower" + s + "(PolyExp e, Neuron n) = (e.traverse(backward, priority2" + s + ", false, replace_lower" + s + "){e <= n}).map(simplify_lower" + s + ");\n" +
         "func backsubs_upper" + s + "(PolyExp e, Neuron n) = (e.traverse(backward, priority2" + s + ", false, replace_upper" + s + "){e >= n}).map(simplify_upper" + s + ");\n" +
         "transformer deeppoly" + s + " {\n" +
         "    Affine -> (backsubs_lower" + s + "(prev.dot(curr[weight]) + curr[bias], curr), backsubs_upper" + s + "(prev.dot(curr[weight]) + curr[bias], curr), prev.dot(curr[weight]) + curr[bias], prev.dot(curr[weight]) + curr[bias]);\n" +
         "    Relu -> ((prev[l]) >= 0) ? ((prev[l]), (prev[u]), (prev), (prev)) : (((prev[u]) <= 0) ? (0, 0, 0, 0) : (0, (prev[u]), 0, (((prev[u]) / ((prev[u]) - (prev[l]))) * (prev)) - (((prev[u]) * (prev[l])) / ((prev[u]) - (prev[l]))) ));\n" +
         "}\n" +
         "flow(forward, priority" + s + ", true, deeppoly" + s + ");\n";
}

const std::string& spec2000() {
  static const std::string text = [] {
    std::string t = "def Shape as (Float l, Float u, PolyExp L, PolyExp U){[(curr[l]<=curr),(curr[u]>=curr),(curr[L]<=curr),(curr[U]>=curr)]};\n";
    for (int k = 0; k < 154; ++k) t += block(k);  // 1 + 154 * 13 = 2,003 lines
    return t;
  }();
  return text;
}

void setCounters(benchmark::State& state) {
  const auto& text = spec2000();
  state.counters["lines"] = static_cast<double>(std::count(text.begin(), text.end(), '\n'));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_Lex(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cert::lexer::lex(spec2000()));
  setCounters(state);
}

void BM_Parse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cert::parser::parse(spec2000()));
  setCounters(state);
}

void BM_TypeCheck(benchmark::State& state) {
  const auto parsed = cert::parser::parse(spec2000());
  if (!parsed.diagnostics.empty()) state.SkipWithError("the generated spec does not parse");
  for (auto _ : state) benchmark::DoNotOptimize(cert::types::typeCheck(parsed.program));
  setCounters(state);
}

/// Lex + parse + check: the 50 ms target.
void BM_Frontend(benchmark::State& state) {
  for (auto _ : state) {
    const auto fe = cert::runFrontend(spec2000());
    if (!fe.ok()) state.SkipWithError("the generated spec has errors");
    benchmark::DoNotOptimize(fe.types.size());
  }
  setCounters(state);
}

void BM_Print(benchmark::State& state) {
  const auto parsed = cert::parser::parse(spec2000());
  for (auto _ : state) benchmark::DoNotOptimize(cert::printer::printProgram(parsed.program));
  setCounters(state);
}

}  // namespace

BENCHMARK(BM_Lex)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Parse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TypeCheck)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Frontend)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Print)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
