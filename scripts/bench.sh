#!/usr/bin/env bash
# Builds bench_certifiers (Release, no GUI, own build dir) and runs it; the tables from this one
# run (g-BCSR executor, dense executor and reference per certifier and network: time, state
# memory, ratios; then the 100-inputs / 1-input batch ratios) go to stdout, the per-benchmark
# lines to stderr. Extra arguments go to the benchmark (e.g. --benchmark_filter=mlp,
# --benchmark_min_time=0 for one iteration each). A full run takes about 5 minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCERTSTUDIO_BUILD_GUI=OFF >/dev/null
cmake --build "$build" --target bench_certifiers -j"${JOBS:-2}" >/dev/null
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
"$build/tests/bench/bench_certifiers" --benchmark_color=false "$@" >"$out"
# Everything up to the table is Google Benchmark's own report.
sed -n '/^compiled \/ reference/,$!p' "$out" >&2
sed -n '/^compiled \/ reference/,$p' "$out"
