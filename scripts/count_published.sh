#!/usr/bin/env bash
# Counts how many ConstraintFlow specs in a folder certc can check, compile and run (issue 15's
# measure against the published specs). Usage: scripts/count_published.sh DIR [CERTC] [-v]
# Identical files are counted once. `run` uses a bundled network whose operators the spec covers:
# the Affine+Relu MLP when the spec has Affine and Relu rules, else the sigmoid MLP for Sigmoid.
# With -v, each file that fails a stage is listed with the first line certc printed.
set -u
dir=${1:?usage: count_published.sh DIR [CERTC] [-v]}
root=$(cd "$(dirname "$0")/.." && pwd)
certc=${2:-$root/build/app/certc/certc}
verbose=${3:-}
net_relu=$root/resources/networks/mlp_784_50_50_10.onnx
net_sig=$root/resources/networks/mlp_sigmoid_784_50x3_10.onnx
data=$root/resources/inputs/mnist_10.csv
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
total=0; checked=0; compiled=0; ran=0; runnable=0; internal=0
declare -A seen
for f in "$dir"/*.cf; do
  sum=$(md5sum "$f" | cut -d' ' -f1)
  [[ -n ${seen[$sum]:-} ]] && continue
  seen[$sum]=1
  total=$((total + 1))
  if ! "$certc" check "$f" >"$tmp/out" 2>&1; then
    [[ -n $verbose ]] && echo "CHECK   $(basename "$f"): $(grep -m1 error "$tmp/out")"
    continue
  fi
  checked=$((checked + 1))
  if ! timeout 60 "$certc" compile "$f" --emit=ir >/dev/null 2>"$tmp/err"; then
    grep -q "IR verifier\|internal\|only available on curr" "$tmp/err" && internal=$((internal + 1))
    [[ -n $verbose ]] && echo "COMPILE $(basename "$f"): $(grep -m1 error "$tmp/err")"
    continue
  fi
  compiled=$((compiled + 1))
  net=""
  if grep -q "Affine" "$f" && grep -q "Relu *->" "$f"; then net=$net_relu
  elif grep -q "Affine" "$f" && grep -q "Sigmoid *->" "$f"; then net=$net_sig; fi
  [[ -z $net ]] && continue
  runnable=$((runnable + 1))
  if timeout 120 "$certc" run "$f" --net "$net" --data "$data" --count 2 --eps 0.01 >"$tmp/out" 2>&1; then
    ran=$((ran + 1))
  else
    [[ -n $verbose ]] && echo "RUN     $(basename "$f"): $(grep -m1 -i error "$tmp/out")"
  fi
done
echo "files $total  check $checked/$total  compile $compiled/$checked  run $ran/$runnable (specs with Affine and Relu or Sigmoid rules)  internal-errors $internal"
