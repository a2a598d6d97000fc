#!/usr/bin/python3
"""certc vs auto_LiRPA, side by side: same ONNX network, same input boxes, same CPU, float64, one
thread each. Prints per case: certc time, auto_LiRPA time, their ratio and the largest difference
between the two tools' margin bounds (y_label - y_j, j != label).

The input box of every item is taken from certc's JSON (layer 0: the box after clipping to [0, 1]
and after the network's own normalization, which certc folds into the input), so both tools bound
exactly the same set. The network is read with the `onnx` package and interpreted by a small
torch module (OnnxModule below) that auto_LiRPA's BoundedModule traces; the normalization nodes
that certc folded are identity there. auto_LiRPA is not part of this project: pass its checkout
with --lirpa PATH (or PYTHONPATH). See README.md, "Benchmark against auto_LiRPA".

OpenBLAS: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (which pin OpenBLAS to one kernel set / cache
size) are removed from this process's environment and the script re-executes itself before torch
is imported, so torch's OpenBLAS picks its kernels for this CPU; one thread everywhere
(OMP/OPENBLAS/MKL_NUM_THREADS=1, torch.set_num_threads(1), certc --threads 1).
"""
import os
import sys

_PINNED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
_ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# --malloc-tuned: glibc keeps freed blocks instead of returning them with munmap (auto_LiRPA's
# large per-batch tensors otherwise page-fault on every allocation); the Python side only.
_MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(1 << 32), "MALLOC_TRIM_THRESHOLD_": str(1 << 32),
           "MALLOC_TOP_PAD_": str(1 << 30)}
if os.environ.get("_BENCH_LIRPA_ENV") != "1":
    env = {k: v for k, v in os.environ.items() if k not in _PINNED}
    env.update(_ONE_THREAD)
    if "--malloc-tuned" in sys.argv[1:]:
        env.update(_MALLOC)
    env["_BENCH_LIRPA_ENV"] = "1"
    env["_BENCH_LIRPA_UNSET"] = ",".join(f"{k}={os.environ[k]}" for k in _PINNED if k in os.environ)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import argparse
import ctypes
import json
import math
import re
import resource
import statistics
import subprocess
import tempfile
import time
import traceback
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_CERTC = os.environ.get("CERTC", "/work/main/build/app/certc/certc")
DEFAULT_DATA = os.environ.get("CERTSTUDIO_DATA", "/work/shared/data")
DEFAULT_LIRPA = os.environ.get("AUTO_LIRPA", "/work/auto_LiRPA")

MNIST_EPS = 0.01
CIFAR_EPS = 2 / 255

# name, network file (networks/), dataset (datasets/), certifier, batch, eps
CASES = [
    ("convSmall CROWN b1", "convSmallRELU__Point", "mnist_test", "CROWN", 1, MNIST_EPS),
    ("convSmall IBP b1", "convSmallRELU__Point", "mnist_test", "IBP", 1, MNIST_EPS),
    ("convSmall CROWN b100", "convSmallRELU__Point", "mnist_test", "CROWN", 100, MNIST_EPS),
    ("convSmall IBP b100", "convSmallRELU__Point", "mnist_test", "IBP", 100, MNIST_EPS),
    ("784-256x6 CROWN b1", "mnist-net_256x6", "mnist_test", "CROWN", 1, MNIST_EPS),
    ("784-256x6 CROWN b100", "mnist-net_256x6", "mnist_test", "CROWN", 100, MNIST_EPS),
    ("784-256x6 IBP b100", "mnist-net_256x6", "mnist_test", "IBP", 100, MNIST_EPS),
    ("ffnnSIGMOID 6x200 CROWN b1", "ffnnSIGMOID__Point_6x200", "mnist_test", "CROWN", 1, MNIST_EPS),
    ("ffnnSIGMOID 6x200 CROWN b100", "ffnnSIGMOID__Point_6x200", "mnist_test", "CROWN", 100, MNIST_EPS),
    ("logsig 200-50 CROWN b1", "logsig_200_50_onnx", "mnist_test", "CROWN", 1, MNIST_EPS),
    ("tansig 200-50 CROWN b1", "tansig_200_50_onnx", "mnist_test", "CROWN", 1, MNIST_EPS),
    ("cifar_convSmall CROWN b1", "cifar_convSmallRELU__Point", "cifar10_test", "CROWN", 1, CIFAR_EPS),
    ("cifar_convSmall IBP b100", "cifar_convSmallRELU__Point", "cifar10_test", "IBP", 100, CIFAR_EPS),
    ("cifar_base_kw CROWN b1", "cifar_base_kw", "cifar10_test", "CROWN", 1, CIFAR_EPS),
    ("resnet_2b CROWN b1", "resnet_2b", "cifar10_test", "CROWN", 1, CIFAR_EPS),
    ("cifar10_medium CROWN b1", "cifar10_medium", "cifar10_test", "CROWN", 1, CIFAR_EPS),
    ("cifar10_medium IBP b100", "cifar10_medium", "cifar10_test", "IBP", 100, CIFAR_EPS),
    ("cifar_convSmall CROWN b100", "cifar_convSmallRELU__Point", "cifar10_test", "CROWN", 100, CIFAR_EPS),
    ("cifar_base_kw CROWN b100", "cifar_base_kw", "cifar10_test", "CROWN", 100, CIFAR_EPS),
    ("cifar_base_kw IBP b100", "cifar_base_kw", "cifar10_test", "IBP", 100, CIFAR_EPS),
    # 10 items, not 100: auto_LiRPA's CROWN over 100 items of resnet_2b or of cifar10_medium passed
    # 24 GB and was killed for memory on a 23 GB machine (certc runs them one item at a time).
    ("resnet_2b CROWN b10", "resnet_2b", "cifar10_test", "CROWN", 10, CIFAR_EPS),
    ("resnet_2b IBP b100", "resnet_2b", "cifar10_test", "IBP", 100, CIFAR_EPS),
    ("cifar10_medium CROWN b10", "cifar10_medium", "cifar10_test", "CROWN", 10, CIFAR_EPS),
]
SPEC_FILE = {"CROWN": "crown.cf", "IBP": "ibp.cf"}

# Networks trained on standardized inputs whose graph does not standardize: the dataset rows go
# through (x - mean) / std per channel (certc's --mean/--std), as their VNN-COMP 2021 properties'
# boxes do (the constants read back from those boxes: half-widths eps/std, clipped ends -mean/std).
STANDARDIZATION = {
    "resnet_2b": ((0.4914, 0.4822, 0.4465), (0.2471, 0.2435, 0.2616)),  # cifar10_resnet
    "cifar_base_kw": ((0.485, 0.456, 0.406), (0.225, 0.225, 0.225)),  # oval21
}


def standardization_args(net):
    """certc's --mean/--std for the network file `net` (none for the others)."""
    st = STANDARDIZATION.get(os.path.basename(net)[:-5])
    if not st:
        return []
    return ["--mean", ",".join(map(repr, st[0])), "--std", ",".join(map(repr, st[1]))]


class CaseError(Exception):
    """A case one tool cannot run; the message goes into the table."""


# ----------------------------------------------------------------------------------------------
# certc


def certc_run(certc, spec, net, data, index, count, eps, json_path=None, timeout=600, repeat=1, extra=()):
    """One `certc run` process (with --repeat N: N certifications in it, warm after the first).
    Returns (time_ms.run from certc's own report: the median of its runs, process wall ms,
    process CPU ms: user + system)."""
    cmd = [certc, "run", spec, "--net", net, "--data", data, "--index", str(index),
           "--count", str(count), "--eps", repr(eps), "--threads", "1"] + standardization_args(net) + list(extra)
    if repeat > 1:
        cmd += ["--repeat", str(repeat)]
    if json_path:
        cmd += ["--json", json_path]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k not in _MALLOC}
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise CaseError(f"certc: timed out after {timeout} s")
    wall = (time.perf_counter() - t0) * 1e3
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1e3
    m = re.search(r"\brun ([0-9.]+) ms\)", p.stdout)
    if p.returncode not in (0,) or not m:
        tail = (p.stderr.strip() or p.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise CaseError(f"certc exit {p.returncode}: {tail[0][:120]}")
    return float(m.group(1)), wall, cpu


def certc_normalization_nodes(certc, net):
    """Names of the ONNX nodes certc folds into the input ("normalization: ... from: Sub 'a',
    Div 'b'" in `certc net`): the box in certc's layer 0 is their output."""
    p = subprocess.run([certc, "net", net], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise CaseError(f"certc net exit {p.returncode}: {p.stderr.strip()[:120]}")
    m = re.search(r"^\s*from:(.*)$", p.stdout, re.M)
    return [name for _, name in re.findall(r"(\w+) '([^']*)'", m.group(1))] if m else []


def certc_logits(certc, net, data, index):
    p = subprocess.run([certc, "eval", net, "--data", data, "--index", str(index)] + standardization_args(net),
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"logits (.*)$", p.stdout, re.M)
    if p.returncode != 0 or not m:
        raise CaseError(f"certc eval exit {p.returncode}: {p.stderr.strip()[:120]}")
    return np.array([float(v) for v in m.group(1).split()])


# ----------------------------------------------------------------------------------------------
# ONNX -> torch


def build_onnx_module(torch, onnx, path, identity_nodes=()):
    """An nn.Module that runs the ONNX graph with torch ops (float64). Nodes named in
    identity_nodes (by node name or first output) pass their tensor input through."""
    from onnx import numpy_helper
    nn = torch.nn
    F = torch.nn.functional

    model = onnx.load(path)
    graph = model.graph
    inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in inits]
    if len(inputs) != 1:
        raise CaseError(f"{len(inputs)} graph inputs (one expected)")
    dims = [d.dim_value for d in inputs[0].type.tensor_type.shape.dim]
    identity_nodes = set(identity_nodes)

    class OnnxModule(nn.Module):
        def __init__(self):
            super().__init__()
            self.input_name = inputs[0].name
            self.input_shape = tuple(dims[1:])  # per item; dim 0 is the batch
            self.output_name = graph.output[0].name
            self.consts = {}  # ONNX tensor name -> attribute name of a buffer/parameter
            self.steps = []   # (op, inputs, output, attrs)
            self.folded = []
            k = 0

            def const(name, value, param=False):
                nonlocal k
                attr = f"c{k}"
                k += 1
                t = torch.as_tensor(np.asarray(value, dtype=np.float64))
                if param:
                    setattr(self, attr, nn.Parameter(t, requires_grad=False))
                else:
                    self.register_buffer(attr, t)
                self.consts[name] = attr
                return attr

            nodes = list(graph.node)
            for i, n in enumerate(nodes):
                a = {x.name: onnx.helper.get_attribute_value(x) for x in n.attribute}
                op, ins, out = n.op_type, list(n.input), n.output[0]
                if n.name in identity_nodes or out in identity_nodes:
                    src = [x for x in ins if x not in inits and x not in self.consts]
                    self.steps.append(("Identity", src[:1], out, {}))
                    self.folded.append(n.name or out)
                elif op == "Constant":
                    const(out, numpy_helper.to_array(a["value"]))
                elif op == "Gemm":
                    if a.get("transA", 0) or a.get("alpha", 1.0) != 1.0:
                        raise CaseError("Gemm with transA or alpha != 1")
                    w = inits[ins[1]]
                    w = w if a.get("transB", 0) else w.T
                    b = inits[ins[2]] * a.get("beta", 1.0) if len(ins) > 2 else None
                    self.steps.append(("Linear", ins[:1], out, {
                        "w": const(ins[1] + "#w", w, True),
                        "b": const(ins[2] + "#b", b, True) if b is not None else None}))
                elif op == "MatMul" and ins[1] in inits:
                    self.steps.append(("Linear", ins[:1], out, {
                        "w": const(ins[1] + "#w", inits[ins[1]].T, True), "b": None}))
                elif op == "Conv":
                    pads = list(a.get("pads", [0, 0, 0, 0]))
                    if len(pads) != 4 or pads[0] != pads[2] or pads[1] != pads[3]:
                        raise CaseError(f"Conv pads {pads} (symmetric 2-D only)")
                    self.steps.append(("Conv", ins[:1], out, {
                        "w": const(ins[1] + "#w", inits[ins[1]], True),
                        "b": const(ins[2] + "#b", inits[ins[2]], True) if len(ins) > 2 else None,
                        "stride": tuple(a.get("strides", [1, 1])),
                        "padding": (pads[0], pads[1]),
                        "dilation": tuple(a.get("dilations", [1, 1])),
                        "groups": a.get("group", 1)}))
                elif op == "BatchNormalization":
                    self.steps.append(("BatchNorm", ins[:1], out, {
                        "scale": const(ins[1] + "#bn", inits[ins[1]]),
                        "bias": const(ins[2] + "#bn", inits[ins[2]]),
                        "mean": const(ins[3] + "#bn", inits[ins[3]]),
                        "var": const(ins[4] + "#bn", inits[ins[4]]),
                        "eps": a.get("epsilon", 1e-5)}))
                elif op in ("Add", "Sub", "Mul", "Div"):
                    for x in ins:
                        if x in inits and x not in self.consts:
                            const(x, inits[x])
                    self.steps.append((op, ins, out, {}))
                elif op in ("Relu", "Sigmoid", "Tanh", "Identity", "Dropout"):
                    self.steps.append((op, ins[:1], out, {}))
                elif op == "Flatten":
                    self.steps.append((op, ins[:1], out, {"axis": a.get("axis", 1)}))
                elif op == "Reshape":
                    shape = inits.get(ins[1])
                    if shape is None and ins[1] in self.consts:
                        shape = getattr(self, self.consts[ins[1]]).numpy()
                    if shape is None:
                        raise CaseError("Reshape with a computed shape")
                    self.steps.append((op, ins[:1], out, {"shape": [int(s) for s in shape]}))
                elif op == "Transpose":
                    perm = list(a["perm"])
                    if perm[0] != 0:
                        raise CaseError(f"Transpose {perm} moves the batch axis")
                    self.steps.append((op, ins[:1], out, {"perm": perm}))
                elif op in ("MaxPool", "AveragePool"):
                    pads = list(a.get("pads", [0, 0, 0, 0]))
                    self.steps.append((op, ins[:1], out, {
                        "kernel": tuple(a["kernel_shape"]), "stride": tuple(a.get("strides", [1, 1])),
                        "padding": (pads[0], pads[1])}))
                elif op == "Softmax" and i == len(nodes) - 1:
                    self.steps.append(("Identity", ins[:1], out, {}))  # bounds on the logits
                    self.folded.append("Softmax (trailing)")
                else:
                    raise CaseError(f"ONNX op {op} not supported by the benchmark's interpreter")

        def value(self, env, name):
            return env[name] if name in env else getattr(self, self.consts[name])

        def leading_transpose(self):
            """The perm of a Transpose that only element-wise ops separate from the input, or None."""
            path = {self.input_name}
            for op, ins, out, attrs in self.steps:
                if not ins or ins[0] not in path:
                    continue
                if op == "Transpose":
                    return list(attrs["perm"])
                if op not in ("Sub", "Div", "Mul", "Add"):
                    return None
                path.add(out)
            return None

        def forward(self, x, until=None):
            env = {self.input_name: x}
            for op, ins, out, a in self.steps:
                v = [self.value(env, n) for n in ins]
                if op in ("Identity", "Dropout"):
                    y = v[0]
                elif op == "Linear":
                    y = F.linear(v[0], getattr(self, a["w"]), getattr(self, a["b"]) if a["b"] else None)
                elif op == "Conv":
                    y = F.conv2d(v[0], getattr(self, a["w"]), getattr(self, a["b"]) if a["b"] else None,
                                 a["stride"], a["padding"], a["dilation"], a["groups"])
                elif op == "BatchNorm":
                    y = F.batch_norm(v[0], getattr(self, a["mean"]), getattr(self, a["var"]),
                                     getattr(self, a["scale"]), getattr(self, a["bias"]), False, 0.0, a["eps"])
                elif op == "Add":
                    y = v[0] + v[1]
                elif op == "Sub":
                    y = v[0] - v[1]
                elif op == "Mul":
                    y = v[0] * v[1]
                elif op == "Div":
                    y = v[0] / v[1]
                elif op == "Relu":
                    y = torch.relu(v[0])
                elif op == "Sigmoid":
                    y = torch.sigmoid(v[0])
                elif op == "Tanh":
                    y = torch.tanh(v[0])
                elif op == "Flatten":
                    y = torch.flatten(v[0], 1) if a["axis"] == 1 else v[0].reshape(
                        int(np.prod(v[0].shape[:a["axis"]])), -1)
                elif op == "Reshape":
                    s = a["shape"]
                    rest = [int(v[0].shape[i + 1]) if d == 0 else d for i, d in enumerate(s[1:])]
                    if -1 in rest:  # the batch axis keeps -1; solve the other one here
                        known = int(np.prod([d for d in rest if d != -1]))
                        rest[rest.index(-1)] = int(np.prod(v[0].shape[1:])) // known
                    y = v[0].reshape(-1, *rest)
                elif op == "Transpose":
                    y = v[0].permute(*a["perm"])
                elif op == "MaxPool":
                    y = F.max_pool2d(v[0], a["kernel"], a["stride"], a["padding"])
                elif op == "AveragePool":
                    y = F.avg_pool2d(v[0], a["kernel"], a["stride"], a["padding"])
                env[out] = y
                if out == until:
                    return y
            return env[self.output_name]

    m = OnnxModule().double().eval()
    m.onnx_nodes = graph.node
    return m


# ----------------------------------------------------------------------------------------------
# data


def load_rows(path, index, count):
    rows = []
    with open(path) as f:
        for i, line in enumerate(f):
            if i >= index + count:
                break
            if i >= index:
                rows.append([int(v) for v in line.split(",")])
    return rows


def clean_input(row, shape, net):
    """The unperturbed input in the network's layout (pixels / 255, standardized per channel for
    the networks of STANDARDIZATION)."""
    x = np.array(row[1:], dtype=np.float64) / 255.0
    if len(shape) == 3 and shape[0] == 3 and x.size == 3072:  # ERAN CIFAR: HWC, R,G,B per pixel
        x = x.reshape(shape[1], shape[2], 3).transpose(2, 0, 1).copy()
    x = x.reshape(shape)
    st = STANDARDIZATION.get(os.path.basename(net)[:-5])
    if st:  # channels first (the networks listed are)
        x = (x - np.array(st[0]).reshape(-1, 1, 1)) / np.array(st[1]).reshape(-1, 1, 1)
    return x


def margin_matrix(labels, n):
    """C[b, k, :] = e_label - e_j for the j != label in increasing order (certc's margin order)."""
    C = np.zeros((len(labels), n - 1, n))
    for b, y in enumerate(labels):
        for k, j in enumerate(j for j in range(n) if j != y):
            C[b, k, y], C[b, k, j] = 1.0, -1.0
    return C


# ----------------------------------------------------------------------------------------------
# BLAS / threads report


def blas_report(torch):
    parts = []
    try:
        from threadpoolctl import threadpool_info
        for p in threadpool_info():
            parts.append(f"{p.get('internal_api')} {os.path.basename(p.get('filepath', ''))} "
                         f"core={p.get('architecture')} threads={p.get('num_threads')}")
    except ImportError:
        libs = set()
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if "openblas" in os.path.basename(path) and path.startswith("/"):
                    libs.add(path)
        for path in sorted(libs):
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_get_corename.restype = ctypes.c_char_p
                lib.openblas_get_config.restype = ctypes.c_char_p
                parts.append(f"{os.path.realpath(path)}: core={lib.openblas_get_corename().decode()} "
                             f"threads={lib.openblas_get_num_threads()} "
                             f"({lib.openblas_get_config().decode().strip()})")
            except (OSError, AttributeError) as e:
                parts.append(f"{path}: {e}")
        if not parts:
            blas = [l.strip() for l in torch.__config__.show().splitlines() if "BLAS" in l]
            parts.append("no OpenBLAS mapped; torch config: " + "; ".join(blas))
    return parts


# ----------------------------------------------------------------------------------------------
# one case


def timed(f):
    """(result, wall ms, CPU ms of this process)."""
    t0, c0 = time.perf_counter(), time.process_time()
    r = f()
    return r, (time.perf_counter() - t0) * 1e3, (time.process_time() - c0) * 1e3


def reps_for(args, call_ms):
    """Timed repetitions for calls of about `call_ms`: --reps, more where they would last less than
    --min-time seconds together (on a shared machine a burst of noise can hold a process for tens
    of ms: a median of 4 certc runs moved by 35% from one process to the next, one of hundreds
    does not), fewer where --reps would take more than --case-budget seconds (the row says so)."""
    call_ms = max(call_ms, 1e-3)
    wanted = max(args.reps, math.ceil(args.min_time * 1e3 / call_ms))
    return max(1, min(wanted, int(args.case_budget * 1e3 // call_ms)))


def round_shares(args, reps, least=1):
    """`reps` timed repetitions split over --rounds rounds (at least `least` each: certc's 2, so that
    a round's median of its share + 1 runs in one process is never the mean of the cold first run
    and one warm run)."""
    rounds = max(1, args.rounds)
    return [max(least, math.ceil(reps / rounds))] * rounds


def fmt(x, spec=".1f"):
    return "-" if x is None else format(x, spec)


def run_case(case, args, ctx):
    name, net_name, data_name, method, batch, eps = case
    torch, lirpa = ctx["torch"], ctx["lirpa"]
    net = os.path.join(args.data_dir, "networks", net_name + ".onnx")
    data = os.path.join(args.data_dir, "datasets", data_name + ".csv")
    spec = os.path.join(args.specs, SPEC_FILE[method])
    row = {"case": name, "certc_ms": None, "certc_cold_ms": None, "certc_wall_ms": None, "certc_cpu_ms": None,
           "lirpa_ms": None, "lirpa_all_ms": None, "certc_ru_ms": None, "delta_ru": None, "lirpa_cpu_ms": None, "ratio": None, "delta": None, "notes": []}
    for p in (net, data, spec):
        if not os.path.exists(p):
            row["notes"].append(f"missing {p}")
            return row

    # certc: the first process writes the boxes and bounds (its run is the cold time: a fresh
    # process, heap and caches). The timed runs come later, in rounds alternating with auto_LiRPA's
    # calls: per round one process certifies its share of the reps + 1 times, and
    # its median (warm, the first run included) is that round's time, as auto_LiRPA's calls after
    # a warm-up.
    ru = ["--intermediate", "relu-unstable"] if args.relu_unstable and method == "CROWN" else None
    try:
        jpath = os.path.join(ctx["tmp"], "certc.json")
        first = certc_run(args.certc, spec, net, data, 0, batch, eps, jpath)
        with open(jpath) as f:
            rep = json.load(f)
        items = rep["inputs"]
        n_certc = reps_for(args, first[0])
        if n_certc < args.reps:
            row["notes"].append(f"certc reps {n_certc}")
        row["certc_cold_ms"], row["certc_wall_ms"], row["certc_cpu_ms"] = first
        if ru:
            # certc with auto_LiRPA's default work: back-substitution only for the neurons a Relu
            # reads that its one-step interval leaves unstable (--intermediate relu-unstable).
            rpath = os.path.join(ctx["tmp"], "certc_ru.json")
            certc_run(args.certc, spec, net, data, 0, batch, eps, rpath, extra=ru)
            with open(rpath) as f:
                ru_items = json.load(f)["inputs"]
    except CaseError as e:
        row["notes"].append(str(e))
        return row

    def certc_round(share):
        """One round's certc processes: (median ms, relu-unstable median ms or None)."""
        ms = certc_run(args.certc, spec, net, data, 0, batch, eps, repeat=share + 1)[0]
        ru_ms = certc_run(args.certc, spec, net, data, 0, batch, eps, repeat=share + 1, extra=ru)[0] if ru else None
        return ms, ru_ms

    def certc_medians(times):
        """certc ms (and relu-unstable ms): the median of the rounds' medians."""
        row["certc_ms"] = statistics.median(t[0] for t in times)
        if ru:
            row["certc_ru_ms"] = statistics.median(t[1] for t in times)

    def certc_alone():
        """certc's timed rounds when auto_LiRPA cannot run the case."""
        try:
            certc_medians([certc_round(share) for share in round_shares(args, n_certc, least=2)])
        except CaseError as e:
            row["notes"].append(str(e))

    # auto_LiRPA on the same boxes.
    try:
        if net_name not in ctx["models"]:
            ctx["models"][net_name] = prepare_network(args, ctx, net, data)
        model, bounded, full = ctx["models"][net_name]
        shape = model.input_shape
        lo = np.array([it["layers"][0]["lower"] for it in items])
        hi = np.array([it["layers"][0]["upper"] for it in items])
        # certc folds a leading input Transpose into its input order: its layer 0 is then in the
        # transposed layout ("shape"); back to the ONNX input layout for auto_LiRPA.
        certc_shape = tuple(items[0]["layers"][0].get("shape", shape))
        if certc_shape != tuple(shape):
            perm = model.leading_transpose()
            if perm is None:
                raise CaseError(f"certc's input layout {certc_shape} is not the ONNX input {shape}")
            inverse = [perm.index(d) for d in range(len(perm))]
            lo = lo.reshape(len(items), *certc_shape).transpose(*inverse)
            hi = hi.reshape(len(items), *certc_shape).transpose(*inverse)
        lo = np.ascontiguousarray(lo).reshape(len(items), *shape)
        hi = np.ascontiguousarray(hi).reshape(len(items), *shape)
        labels = [it["label"] for it in items]
        if any(y is None for y in labels):
            raise CaseError("items without labels")
        # The first item's box must hold its normalized clean input (layout/normalization check).
        x0 = torch.tensor(clean_input(load_rows(data, 0, 1)[0], shape, net))[None]
        last_folded = ctx["folded_out"][net_name]
        z0 = (full(x0, until=last_folded) if last_folded else x0).detach().numpy()[0]
        off = max(float(np.max(lo[0] - z0)), float(np.max(z0 - hi[0])), 0.0)
        if off > 1e-6:
            row["notes"].append(f"WARNING clean input outside certc's box by {off:.2g}")

        n_out = len(items[0]["layers"][-1]["lower"])
        C = torch.tensor(margin_matrix(labels, n_out))
        xl, xu = torch.tensor(lo), torch.tensor(hi)
        ptb = lirpa.PerturbationLpNorm(norm=np.inf, x_L=xl, x_U=xu)
        x = lirpa.BoundedTensor((xl + xu) / 2, ptb)
        cl = np.array([it["margins"]["lower"] for it in items])
        cu = np.array([it["margins"]["upper"] for it in items])

        def bounds(with_c=True, module=bounded):
            with torch.no_grad():
                return module.compute_bounds(x=(x,), method=method, C=C if with_c else None)

        (lb, ub), first_ms, _ = timed(bounds)  # warm-up; its bounds are compared
        if ru:
            rl = np.array([it["margins"]["lower"] for it in ru_items])
            ru_ = np.array([it["margins"]["upper"] for it in ru_items])
            row["delta_ru"] = max(float(np.max(np.abs(lb.numpy() - rl))), float(np.max(np.abs(ub.numpy() - ru_))))
        n = reps_for(args, first_ms)
        if n < args.reps:
            row["notes"].append(f"auto_LiRPA reps {n}")
        # The timed runs, in --rounds rounds: certc's share, then auto_LiRPA's. A slow spell of a
        # shared machine (here up to 1.5x for a second or so) then falls on both tools' samples,
        # not on one tool's whole block. certc ms: the median of its rounds' medians; auto_LiRPA
        # ms: the median of all its calls.
        certc_times, runs = [], []
        for certc_share, lirpa_share in zip(round_shares(args, n_certc, least=2), round_shares(args, n)):
            certc_times.append(certc_round(certc_share))
            runs += [timed(bounds)[1:] for _ in range(lirpa_share)]
        certc_medians(certc_times)
        row["lirpa_ms"] = statistics.median(r[0] for r in runs)
        row["lirpa_cpu_ms"] = statistics.median(r[1] for r in runs)
        row["ratio"] = row["lirpa_ms"] / row["certc_ms"] if row["certc_ms"] else None
        if args.all_neurons and method == "CROWN":
            # The same work as certc's CROWN spec: CROWN bounds for every neuron of every layer
            # that needs them, not only for those IBP finds unstable (auto_LiRPA's default).
            every = all_neurons_module(ctx, lirpa, torch, model, shape, net_name)
            (al, _), _, _ = timed(lambda: bounds(module=every))
            runs_all = [timed(lambda: bounds(module=every))[1] for _ in range(n)]
            row["lirpa_all_ms"] = statistics.median(runs_all)
            row["notes"].append("all-neurons |d|=%.3g" % float(np.max(np.abs(al.numpy() - cl))))
        lb, ub = lb.numpy(), ub.numpy()
        d_out = None
        if method == "IBP" or args.logits:
            # Output (logit) bounds without C: IBP's comparable margins, and a per-layer check.
            ol, ou = (t.numpy() for t in bounds(with_c=False))
            col = np.array([it["layers"][-1]["lower"] for it in items])
            cou = np.array([it["layers"][-1]["upper"] for it in items])
            d_out = max(np.max(np.abs(ol - col)), np.max(np.abs(ou - cou)))
        d_folded = max(np.max(np.abs(lb - cl)), np.max(np.abs(ub - cu)))
        tight = float(np.max(lb - cl))  # > 0: auto_LiRPA's lower margin bound is higher
        if method == "IBP":
            # certc folds the margins into the last affine layer (core/network/margin_folding.h),
            # as auto_LiRPA does with C; the output box's l_y - u_j is the unfolded form.
            ml = np.stack([ol[b, y] - np.delete(ou[b], y) for b, y in enumerate(labels)])
            mu = np.stack([ou[b, y] - np.delete(ol[b], y) for b, y in enumerate(labels)])
            d_box = max(np.max(np.abs(ml - cl)), np.max(np.abs(mu - cu)))
            row["delta"] = d_folded
            row["notes"].append(f"vs the unfolded l_y - u_j: |d|={d_box:.3g}; "
                                f"auto_LiRPA lower higher by up to {tight:.3g}")
        else:
            row["delta"] = d_folded
            if d_folded > args.tol:
                row["notes"].append(f"auto_LiRPA lower - certc lower: max {tight:.3g}, "
                                    f"min {float(np.min(lb - cl)):.3g}")
                # auto_LiRPA keeps IBP bounds for neurons IBP finds stable (sparse intermediate
                # bounds); without that it is plain CROWN on every neuron.
                dense = all_neurons_module(ctx, lirpa, torch, model, shape, net_name)
                k = min(len(items), 10)  # its first 10 items at most: this call is untimed
                sub = lirpa.BoundedTensor((xl[:k] + xu[:k]) / 2,
                                          lirpa.PerturbationLpNorm(norm=np.inf, x_L=xl[:k], x_U=xu[:k]))
                with torch.no_grad():
                    dl, du = (t.numpy() for t in dense.compute_bounds(x=(sub,), method=method, C=C[:k]))
                row["notes"].append("no sparse interm. bounds (items 0-%d): |d|=%.3g" % (k - 1, max(
                    np.max(np.abs(dl - cl[:k])), np.max(np.abs(du - cu[:k])))))
        if d_out is not None:
            row["notes"].append(f"|d logits|={d_out:.3g}")
        unv = sum(1 for it in items if it["verified"])
        row["notes"].append(f"certc verified {unv}/{len(items)}, "
                            f"auto_LiRPA {int(np.sum(np.all(lb > 0, axis=1)))}")
    except CaseError as e:
        row["notes"].append(f"auto_LiRPA: {e}")
    except Exception as e:  # a tool's failure is a row, not the end of the benchmark
        row["notes"].append(f"auto_LiRPA: {type(e).__name__}: {str(e).splitlines()[0][:150] if str(e) else ''}")
        if args.verbose:
            traceback.print_exc()
    if row["certc_ms"] is None:
        certc_alone()
    return row


def all_neurons_module(ctx, lirpa, torch, model, shape, net_name):
    """auto_LiRPA without sparse intermediate bounds: plain CROWN on every neuron (made once per
    network)."""
    if net_name not in ctx["dense"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ctx["dense"][net_name] = lirpa.BoundedModule(
                model, torch.zeros(1, *shape), bound_opts={"sparse_intermediate_bounds": False}, device="cpu")
    return ctx["dense"][net_name]


def prepare_network(args, ctx, net, data):
    """The interpreted network (certc's folded normalization as identity), its BoundedModule, and
    the full network; checks the full network's logits against `certc eval` on item 0."""
    torch, onnx, lirpa = ctx["torch"], ctx["onnx"], ctx["lirpa"]
    folded = certc_normalization_nodes(args.certc, net)
    model = build_onnx_module(torch, onnx, net, folded)
    if len([f for f in model.folded if f != "Softmax (trailing)"]) != len(folded):
        raise CaseError(f"certc folds {folded}, found {model.folded}")
    full = build_onnx_module(torch, onnx, net)
    last = None
    for n in model.onnx_nodes:
        if n.name in folded or n.output[0] in folded:
            last = n.output[0]
    ctx["folded_out"][os.path.basename(net)[:-5]] = last
    x0 = torch.tensor(clean_input(load_rows(data, 0, 1)[0], model.input_shape, net))[None]
    ours = full(x0).detach().numpy().ravel()
    theirs = certc_logits(args.certc, net, data, 0)
    if ours.shape != theirs.shape or np.max(np.abs(ours - theirs)) > 1e-4 * (1 + np.max(np.abs(theirs))):
        raise CaseError(f"interpreter logits differ from certc eval: {ours[:3]} vs {theirs[:3]}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bounded = lirpa.BoundedModule(model, torch.zeros(1, *model.input_shape), device="cpu")
    return model, bounded, full


# ----------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=".", help="regex over case names (default: all)")
    ap.add_argument("--reps", type=int, default=3, help="timed repetitions (median; default 3)")
    ap.add_argument("--certc", default=DEFAULT_CERTC, help="certc binary (default: $CERTC or %(default)s)")
    ap.add_argument("--lirpa", default=DEFAULT_LIRPA, help="auto_LiRPA checkout (default: $AUTO_LIRPA or %(default)s)")
    ap.add_argument("--specs", default=os.path.join(REPO, "specs"), help="folder of ibp.cf, crown.cf")
    ap.add_argument("--data-dir", default=DEFAULT_DATA, help="folder with networks/ and datasets/")
    ap.add_argument("--quick", action="store_true", help="batch 100 cases run with 10 items")
    ap.add_argument("--logits", action="store_true",
                    help="CROWN rows also compare the logits' bounds (one more untimed call)")
    ap.add_argument("--min-time", type=float, default=1.0,
                    help="seconds the timed repetitions of a fast call should last at least (more reps "
                         "than --reps where needed; default 1)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="the timed repetitions of both tools in this many alternating rounds (default 3)")
    ap.add_argument("--case-budget", type=float, default=60.0,
                    help="seconds of timed repetitions per tool and case; slower calls get fewer reps")
    ap.add_argument("--malloc-tuned", action="store_true",
                    help="auto_LiRPA's process keeps freed memory (glibc MALLOC_MMAP/TRIM_THRESHOLD_, "
                         "TOP_PAD_); certc runs unchanged")
    ap.add_argument("--all-neurons", action="store_true",
                    help="CROWN rows also time auto_LiRPA with sparse_intermediate_bounds off (CROWN bounds "
                         "on every neuron, the work certc's crown.cf does) in a column of their own")
    ap.add_argument("--relu-unstable", action="store_true",
                    help="CROWN rows also time certc --intermediate relu-unstable (back-substitution only for "
                         "the Relu inputs IBP leaves unstable, auto_LiRPA's default) against auto_LiRPA's default, "
                         "with its own margin difference, in columns of their own")
    ap.add_argument("--mnist-eps", type=float, default=MNIST_EPS)
    ap.add_argument("--cifar-eps", type=float, default=CIFAR_EPS)
    ap.add_argument("--tol", type=float, default=1e-9, help="margin difference above which CROWN rows are diagnosed")
    ap.add_argument("--json-out", help="write the rows as JSON here")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    eps = {"mnist_test": args.mnist_eps, "cifar10_test": args.cifar_eps}
    cases = [c[:5] + (eps.get(c[2], c[5]),) for c in CASES if re.search(args.cases, c[0])]
    if args.quick:
        cases = [(c[0].replace("b100", "b10"),) + c[1:4] + (10 if c[4] == 100 else c[4],) + c[5:] for c in cases]
    if args.list:
        print("\n".join(c[0] for c in cases))
        return 0
    if not os.access(args.certc, os.X_OK):
        sys.exit(f"certc not found or not executable: {args.certc} (--certc or $CERTC)")

    if args.lirpa and os.path.isdir(args.lirpa):
        sys.path.insert(0, args.lirpa)
    try:
        import torch
        import onnx
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import auto_LiRPA as lirpa
    except ImportError as e:
        sys.exit(f"{e}: install Debian's python3-torch python3-onnx ... and give auto_LiRPA's checkout "
                 "with --lirpa PATH (see README.md); run with /usr/bin/python3")
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.ones(64, 64) @ torch.ones(64, 64)  # load BLAS before reporting it

    unset = os.environ.get("_BENCH_LIRPA_UNSET") or "none were set"
    if args.malloc_tuned:
        unset += "; auto_LiRPA side: " + " ".join(f"{k}={os.environ.get(k)}" for k in _MALLOC)
    else:
        unset += "; glibc malloc defaults (--malloc-tuned: keep freed memory on the auto_LiRPA side)"
    print(f"certc: {args.certc}")
    print(f"auto_LiRPA {getattr(lirpa, '__version__', '?')} ({os.path.dirname(os.path.dirname(lirpa.__file__))}), "
          f"torch {torch.__version__}, float64, torch threads {torch.get_num_threads()}; "
          f"certc --threads 1")
    print(f"unset for this run: {unset}; BLAS: " + " | ".join(blas_report(torch)))
    print(f"timing: both tools warm, in {args.rounds} alternating rounds: certc ms = the median over "
          f"the rounds of the median time_ms.run of `certc run --repeat N/{args.rounds}+1`; auto_LiRPA ms = "
          f"the median of N compute_bounds calls under no_grad after one warm-up (N/{args.rounds} per "
          f"round); N = {args.reps}, more where N calls would last under "
          f"{args.min_time:g} s, per tool (wall; cpu = this process's "
          f"user+system); certc cold = a fresh process's run and its whole wall / cpu; "
          f"ratio = auto_LiRPA ms / certc ms")
    print(flush=True)

    ctx = {"torch": torch, "onnx": onnx, "lirpa": lirpa, "models": {}, "dense": {}, "folded_out": {}}
    rows = []
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_lirpa_") as tmp:
        ctx["tmp"] = tmp
        for c in cases:
            t0 = time.perf_counter()
            r = run_case(c, args, ctx)
            rows.append(r)
            print(f"  {r['case']}: certc {fmt(r['certc_ms'])} ms, auto_LiRPA {fmt(r['lirpa_ms'])} ms, "
                  f"|d| {fmt(r['delta'], '.3g')} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)

    head = ["case", "eps", "certc ms", "auto_LiRPA ms", "auto_LiRPA/certc", "max |Δ margin|",
            "certc cold: run / process wall / cpu ms", "auto_LiRPA cpu ms", "notes"]
    if args.all_neurons:
        head[5:5] = ["auto_LiRPA all-neurons ms", "all-neurons/certc"]
    if args.relu_unstable:
        head[5:5] = ["certc relu-unstable ms", "auto_LiRPA/certc relu-unstable", "|Δ margin| relu-unstable"]

    def ru_cols(r):
        if not args.relu_unstable:
            return []
        ratio = r["lirpa_ms"] / r["certc_ru_ms"] if r["lirpa_ms"] and r["certc_ru_ms"] else None
        return [fmt(r["certc_ru_ms"]), fmt(ratio, ".2f"), fmt(r["delta_ru"], ".2e")]

    def all_cols(r):
        if not args.all_neurons:
            return []
        ratio = r["lirpa_all_ms"] / r["certc_ms"] if r["lirpa_all_ms"] and r["certc_ms"] else None
        return [fmt(r["lirpa_all_ms"]), fmt(ratio, ".2f")]

    table = [[r["case"], fmt(c[5], ".4g"), fmt(r["certc_ms"]), fmt(r["lirpa_ms"]), fmt(r["ratio"], ".2f")] +
             ru_cols(r) + all_cols(r) + [
              fmt(r["delta"], ".2e"),
              fmt(r["certc_cold_ms"]) + " / " + fmt(r["certc_wall_ms"]) + " / " + fmt(r["certc_cpu_ms"]),
              fmt(r["lirpa_cpu_ms"]), "; ".join(r["notes"])] for r, c in zip(rows, cases)]
    w = [max(len(x[i]) for x in table + [head]) for i in range(len(head) - 1)]
    line = lambda x: " | ".join(x[i].ljust(w[i]) if i == 0 else x[i].rjust(w[i]) for i in range(len(w))) + " | " + x[-1]
    print(line(head))
    print("-+-".join("-" * n for n in w) + "-+-" + "-" * 5)
    for x in table:
        print(line(x))
    print(f"\nIBP rows: |Δ| is against auto_LiRPA with C (both fold the margins into the last affine "
          f"layer); the notes give the difference to the unfolded l_y - u_j of the output box.")
    print(f"total {time.perf_counter() - t_start:.0f} s")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
