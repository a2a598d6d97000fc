// Seeded random ONNX graphs against the importer (opsets 11, 13, 14 and 17): directed acyclic graphs
// of the layout ops (Reshape, Transpose, Flatten at any axis, Squeeze/Unsqueeze, Slice, Gather,
// Split, Identity, Dropout, Cast), element-wise constants (Mul, Add, Sub, Div, BatchNormalization:
// folded into producers or readers where they can be), activations (HardSigmoid, HardSwish, Clip and
// LeakyRelu too), Gemm/MatMul, Conv (shape-keeping, or strided, dilated, asymmetrically padded
// into 1-3 channels), MaxPool and AveragePool, global pools, Add, Mul,
// Max and Min of two computed values and Concat, where
// a value has several readers (the importer's folds and pending permutations must respect every
// one). Every graph must import, and compute what the ONNX definitions say
// (tests/support/onnx_reference) on random inputs, to 1e-9; and every shipped spec with an
// independent reference certifies a share of them as the reference does (1e-9), soundly (sampled).
#include <QtTest>

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "core/network/forward.h"
#include "core/network/network_printer.h"
#include "core/network/onnx_builder.h"
#include "core/network/onnx_import.h"
#include "runtime/executor.h"
#include "tests/support/onnx_reference.h"
#include "tests/support/random_network.h"
#include "tests/support/soundness_sampler.h"
#include "tests/support/spec_references.h"
#include "tests/support/tiny_models.h"

using namespace cert;
using namespace cert::test;

namespace {

/// A value of the graph: its name and shape (24 elements: [1, 24] or [1, C, H, W]).
struct GraphValue {
  std::string name;
  std::vector<int64_t> shape;
};

class GraphGenerator {
 public:
  /// Opsets 11, 13, 14 and 17 in turn (11: Split sizes and Squeeze/Unsqueeze axes as attributes;
  /// HardSwish only from 14).
  explicit GraphGenerator(uint32_t seed) : rng_(seed), opset_(kOpsets[seed % 4]), b_("random_graph", opset_) {}

  /// A graph of `nodes` random nodes after the input, ending in Flatten -> Gemm to 3 outputs.
  std::string build(int nodes) {
    b_.addInput("x", {1, 2, 3, 4});
    values_.push_back({"x", {1, 2, 3, 4}});
    for (int k = 0; k < nodes; ++k) addRandomNode();
    // The output reads the newest value (older ones stay, read or not).
    const GraphValue last = values_.back();
    const std::string flat = fresh("flat");
    b_.addNode("Flatten", {last.name}, {flat}).attr("axis", int64_t{1});
    const std::string w = fresh("wo"), bias = fresh("bo");
    b_.addInitializer(w, {3, 24}, weights(72));
    b_.addInitializer(bias, {3}, weights(3));
    b_.addNode("Gemm", {flat, w, bias}, {"y"}).attr("transB", int64_t{1});
    b_.addOutput("y", {1, 3});
    return b_.serialize();
  }

 private:
  static constexpr int64_t kOpsets[] = {11, 13, 14, 17};

  std::string fresh(const std::string& stem) { return stem + std::to_string(name_++); }
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::vector<float> weights(int64_t n) {
    std::vector<float> w(static_cast<size_t>(n));
    for (float& v : w) v = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng_);
    return w;
  }
  /// A value chosen among the earlier ones, newer ones likelier (long chains and many readers).
  const GraphValue& anyValue() {
    const int n = static_cast<int>(values_.size());
    return values_[static_cast<size_t>(std::max(pick(n), pick(n)))];
  }
  void push(const std::string& name, std::vector<int64_t> shape) { values_.push_back({name, std::move(shape)}); }

  /// `v` as a [1, C, H, W] value (a [1, 24] one reshaped to [1, 2, 3, 4]).
  GraphValue spatial(const GraphValue& v) {
    if (v.shape.size() == 4) return v;
    const std::string target = fresh("shape"), r = fresh("r");
    b_.addInitializerInt64(target, {4}, {1, 2, 3, 4});
    b_.addNode("Reshape", {v.name, target}, {r});
    return {r, {1, 2, 3, 4}};
  }

  /// `in` (`elements` values) flattened and taken back to 24 values by a MatMul, named `out`.
  void toTwentyFour(const std::string& in, int64_t elements, const std::string& out) {
    const std::string f = fresh("f"), w = fresh("w"), sh = fresh("shape");
    b_.addInitializerInt64(sh, {2}, {1, -1});
    b_.addNode("Reshape", {in, sh}, {f});
    b_.addInitializer(w, {elements, 24}, weights(elements * 24));
    b_.addNode("MatMul", {f, w}, {out});
    push(out, {1, 24});
  }

  void addRandomNode() {
    const GraphValue v = anyValue();
    const std::string out = fresh("v");
    switch (pick(20)) {
      case 0: {  // Reshape to one of the shapes
        static const std::vector<std::vector<int64_t>> kShapes = {{1, 2, 3, 4}, {1, 4, 3, 2}, {1, 3, 2, 4}, {1, 24}};
        const std::vector<int64_t>& s = kShapes[static_cast<size_t>(pick(4))];
        const std::string target = fresh("shape");
        b_.addInitializerInt64(target, {static_cast<int64_t>(s.size())}, s);
        b_.addNode("Reshape", {v.name, target}, {out});
        push(out, s);
        return;
      }
      case 1: {  // Transpose the three inner axes (rows and columns swapped half the time)
        const GraphValue x = spatial(v);
        static const std::vector<std::vector<int64_t>> kPerms = {{0, 1, 3, 2}, {0, 1, 3, 2}, {0, 2, 1, 3}, {0, 3, 2, 1},
                                                                 {0, 2, 3, 1}, {0, 3, 1, 2}};
        const std::vector<int64_t>& p = kPerms[static_cast<size_t>(pick(6))];
        b_.addNode("Transpose", {x.name}, {out}).attr("perm", p);
        push(out, {1, x.shape[size_t(p[1])], x.shape[size_t(p[2])], x.shape[size_t(p[3])]});
        return;
      }
      case 2: {
        static const char* kActs[] = {"Relu", "Sigmoid", "Tanh", "Abs", "LeakyRelu", "Clip", "HardSigmoid", "HardSwish"};
        std::string op = kActs[pick(8)];
        if (op == "HardSwish" && opset_ < 14) op = "HardSigmoid";
        if (op == "Clip") {  // Relu6 or HardTanh (the clips the specs have rules for)
          const bool relu6 = pick(2) == 0;
          const std::string lo = fresh("lo"), hi = fresh("hi");
          b_.addInitializer(lo, {}, {relu6 ? 0.0f : -1.0f});
          b_.addInitializer(hi, {}, {relu6 ? 6.0f : 1.0f});
          b_.addNode(op, {v.name, lo, hi}, {out});
        } else if (op == "LeakyRelu") {
          b_.addNode(op, {v.name}, {out}).attr("alpha", 0.125);
        } else if (op == "HardSigmoid") {
          b_.addNode(op, {v.name}, {out}).attr("alpha", 0.25).attr("beta", 0.375);
        } else {
          b_.addNode(op, {v.name}, {out});
        }
        push(out, v.shape);
        return;
      }
      case 3: {  // an element-wise constant: whole shape, the last axis, or one value
        static const char* kOps[] = {"Mul", "Add", "Sub", "Div"};
        const std::string op = kOps[pick(4)];
        const int form = pick(3);
        const std::vector<int64_t> dims = form == 0 ? v.shape : form == 1 ? std::vector<int64_t>{v.shape.back()}
                                                                          : std::vector<int64_t>{1};
        int64_t n = 1;
        for (int64_t d : dims) n *= d;
        std::vector<float> c = weights(n);
        if (op == "Div")
          for (float& x : c) x = (x < 0 ? -1.0f : 1.0f) * (0.5f + std::abs(x));  // away from 0
        const std::string cn = fresh("c");
        b_.addInitializer(cn, dims, c);
        if (op == "Div" || pick(2) == 0) b_.addNode(op, {v.name, cn}, {out});  // c / x is not affine
        else b_.addNode(op, {cn, v.name}, {out});
        push(out, v.shape);
        return;
      }
      case 4: {  // Gemm or MatMul over the flattened value
        std::string in = v.name;
        if (v.shape.size() != 2) {
          in = fresh("f");
          b_.addNode("Flatten", {v.name}, {in}).attr("axis", int64_t{1});
        }
        const std::string w = fresh("w");
        b_.addInitializer(w, {24, 24}, weights(576));
        if (pick(2) == 0) {
          const std::string bias = fresh("b");
          b_.addInitializer(bias, {24}, weights(24));
          b_.addNode("Gemm", {in, w, bias}, {out}).attr("transB", int64_t{pick(2)});
        } else {
          b_.addNode("MatMul", {in, w}, {out});
        }
        push(out, {1, 24});
        return;
      }
      case 5:
      case 6: {  // Add, Mul, Max or Min of two computed values of one shape (the second reshaped to fit)
        const GraphValue& u = anyValue();
        std::string other = u.name;
        if (u.shape != v.shape) {
          other = fresh("r");
          const std::string target = fresh("shape");
          b_.addInitializerInt64(target, {static_cast<int64_t>(v.shape.size())}, v.shape);
          b_.addNode("Reshape", {u.name, target}, {other});
        }
        static const char* kOps[] = {"Add", "Mul", "Max", "Min"};
        b_.addNode(kOps[pick(4)], {v.name, other}, {out});
        push(out, v.shape);
        return;
      }
      case 7: {  // a Conv that keeps the shape: C -> C channels, 3 x 3 (or 1 x 1), padded
        const GraphValue x = spatial(v);
        const int64_t c = x.shape[1], k = pick(3) == 0 ? 1 : 3;
        const std::string w = fresh("cw"), bias = fresh("cb");
        b_.addInitializer(w, {c, c, k, k}, weights(c * c * k * k));
        b_.addInitializer(bias, {c}, weights(c));
        const int64_t p = k / 2;
        b_.addNode("Conv", {x.name, w, bias}, {out}).attr("pads", std::vector<int64_t>{p, p, p, p});
        push(out, x.shape);
        return;
      }
      case 8: {  // a pool that keeps the shape: 3 x 3 windows or 2 x 2 (padded at the end), stride 1
        const GraphValue x = spatial(v);
        const bool big = pick(2) == 0;
        const bool isMax = pick(2) == 0;
        OnnxNodeRef node = b_.addNode(isMax ? "MaxPool" : "AveragePool", {x.name}, {out});
        node.attr("kernel_shape", big ? std::vector<int64_t>{3, 3} : std::vector<int64_t>{2, 2})
            .attr("pads", big ? std::vector<int64_t>{1, 1, 1, 1} : std::vector<int64_t>{0, 0, 1, 1});
        if (!isMax && pick(2) == 0) node.attr("count_include_pad", int64_t{1});
        push(out, x.shape);
        return;
      }
      case 10: {  // a global pool, broadcast back over the planes by an Add with the value itself
        const GraphValue x = spatial(v);
        const std::string gp = fresh("gp");
        b_.addNode(pick(2) == 0 ? "GlobalAveragePool" : "GlobalMaxPool", {x.name}, {gp});
        const std::string w = fresh("w"), f = fresh("f");
        b_.addNode("Flatten", {gp}, {f}).attr("axis", int64_t{1});
        b_.addInitializer(w, {x.shape[1], 24}, weights(x.shape[1] * 24));
        b_.addNode("MatMul", {f, w}, {out});
        push(out, {1, 24});
        return;
      }
      case 11: {  // Slice along one axis (negative bounds, steps 1, 2 or -1), back to 24 by a MatMul
        const GraphValue x = spatial(v);
        const int64_t axis = 1 + pick(3), dim = x.shape[static_cast<size_t>(axis)];
        const int64_t step = std::vector<int64_t>{1, 2, -1}[static_cast<size_t>(pick(3))];
        int64_t start = pick(static_cast<int>(dim)), end = step > 0 ? start + 1 + pick(static_cast<int>(dim - start)) : -dim - 1;
        if (pick(2) == 0) start -= dim;  // the same position, counted from the end
        const std::string st = fresh("st"), en = fresh("en"), ax = fresh("ax"), sp = fresh("sp");
        b_.addInitializerInt64(st, {1}, {start});
        b_.addInitializerInt64(en, {1}, {end});
        b_.addInitializerInt64(ax, {1}, {axis});
        b_.addInitializerInt64(sp, {1}, {step});
        const std::string sl = fresh("sl");
        b_.addNode("Slice", {x.name, st, en, ax, sp}, {sl});
        const int64_t from = start < 0 ? start + dim : start, to = step > 0 ? end : -1;
        const int64_t picked = step > 0 ? (to - from + step - 1) / step : from - to;
        toTwentyFour(sl, 24 / dim * picked, out);
        return;
      }
      case 12: {  // Gather along an axis: a permutation of it (a view), or any indices (repeats too)
        const GraphValue x = spatial(v);
        const int64_t axis = pick(3) + 1, dim = x.shape[static_cast<size_t>(axis)];
        std::vector<int64_t> idx(static_cast<size_t>(dim));
        std::iota(idx.begin(), idx.end(), 0);
        std::shuffle(idx.begin(), idx.end(), rng_);
        const bool permutation = pick(2) == 0;
        if (!permutation) {
          idx.resize(static_cast<size_t>(1 + pick(static_cast<int>(dim))));
          for (int64_t& k : idx) k = pick(2) == 0 ? k : k - dim;  // negative indices count back
          if (pick(2) == 0) idx.push_back(idx.front());           // a repeat
        }
        const std::string ind = fresh("idx");
        b_.addInitializerInt64(ind, {static_cast<int64_t>(idx.size())}, idx);
        const std::string ga = permutation ? out : fresh("ga");
        b_.addNode("Gather", {x.name, ind}, {ga}).attr("axis", axis);
        if (permutation) push(out, x.shape);
        else toTwentyFour(ga, 24 / dim * static_cast<int64_t>(idx.size()), out);
        return;
      }
      case 13: {  // Split along an axis into two parts, concatenated back the other way round
        const GraphValue x = spatial(v);
        int64_t axis = 1 + pick(3);
        if (x.shape[static_cast<size_t>(axis)] < 2) axis = 1;
        const int64_t dim = x.shape[static_cast<size_t>(axis)], first = 1 + pick(static_cast<int>(dim - 1));
        const std::string sz = fresh("sz"), p0 = fresh("p"), p1 = fresh("p");
        if (opset_ < 13) {
          b_.addNode("Split", {x.name}, {p0, p1}).attr("axis", axis).attr("split", std::vector<int64_t>{first, dim - first});
        } else {
          b_.addInitializerInt64(sz, {2}, {first, dim - first});
          b_.addNode("Split", {x.name, sz}, {p0, p1}).attr("axis", axis);
        }
        b_.addNode("Concat", {p1, p0}, {out}).attr("axis", axis);
        push(out, x.shape);
        return;
      }
      case 14: {  // a Conv that changes the shape: 1-3 output channels, kernels 1-3, strides and
                  // dilations 1-2, asymmetric pads; back to 24 by a MatMul
        const GraphValue x = spatial(v);
        const int64_t c = x.shape[1], h = x.shape[2], w = x.shape[3], m = 1 + pick(3);
        int64_t kh = 1 + pick(3), kw = 1 + pick(3), sh = 1 + pick(2), sw = 1 + pick(2), dh = 1 + pick(2), dw = 1 + pick(2);
        const int64_t top = pick(2), left = pick(2), bottom = pick(2), right = pick(2);
        if (dh * (kh - 1) + 1 > h + top + bottom) dh = 1, kh = std::min(kh, h + top + bottom);
        if (dw * (kw - 1) + 1 > w + left + right) dw = 1, kw = std::min(kw, w + left + right);
        const int64_t oh = (h + top + bottom - dh * (kh - 1) - 1) / sh + 1, ow = (w + left + right - dw * (kw - 1) - 1) / sw + 1;
        const std::string cw = fresh("cw"), cv = fresh("cv");
        b_.addInitializer(cw, {m, c, kh, kw}, weights(m * c * kh * kw));
        std::vector<std::string> inputs = {x.name, cw};
        if (pick(2) == 0) {
          inputs.push_back(fresh("cb"));
          b_.addInitializer(inputs.back(), {m}, weights(m));
        }
        b_.addNode("Conv", inputs, {cv})
            .attr("kernel_shape", std::vector<int64_t>{kh, kw})
            .attr("strides", std::vector<int64_t>{sh, sw})
            .attr("dilations", std::vector<int64_t>{dh, dw})
            .attr("pads", std::vector<int64_t>{top, left, bottom, right});
        toTwentyFour(cv, m * oh * ow, out);
        return;
      }
      case 15: {  // Unsqueeze at any axis (a Relu on the longer value half the time), Squeeze back
        const int64_t axis = pick(static_cast<int>(v.shape.size()) + 1) - (pick(2) == 0 ? 0 : static_cast<int64_t>(v.shape.size()) + 1);
        const std::string up = fresh("up"), mid = fresh("mid");
        auto withAxes = [&](const char* op, const std::string& in, const std::string& result) {
          if (opset_ < 13) {
            b_.addNode(op, {in}, {result}).attr("axes", std::vector<int64_t>{axis});
          } else {
            const std::string ax = fresh("axes");
            b_.addInitializerInt64(ax, {1}, {axis});
            b_.addNode(op, {in, ax}, {result});
          }
        };
        withAxes("Unsqueeze", v.name, up);
        std::string longer = up;
        if (pick(2) == 0) {
          b_.addNode("Relu", {up}, {mid});
          longer = mid;
        }
        withAxes("Squeeze", longer, out);
        push(out, v.shape);
        return;
      }
      case 16: {  // Identity, Dropout (inference: the identity) or a Cast to float
        const int kind = pick(3);
        if (kind == 0) b_.addNode("Identity", {v.name}, {out});
        else if (kind == 1) b_.addNode("Dropout", {v.name}, {out});
        else b_.addNode("Cast", {v.name}, {out}).attr("to", int64_t{1});
        push(out, v.shape);
        return;
      }
      case 17: {  // Flatten at an axis that gives [1, 24] (0, 1, or counted from the end)
        const int64_t r = static_cast<int64_t>(v.shape.size());
        const int64_t axis = std::vector<int64_t>{0, 1, -r, 1 - r}[static_cast<size_t>(pick(4))];
        b_.addNode("Flatten", {v.name}, {out}).attr("axis", axis);
        push(out, {1, 24});
        return;
      }
      case 9: {  // BatchNormalization (per channel)
        const GraphValue x = spatial(v);
        const int64_t c = x.shape[1];
        std::vector<float> var = weights(c);
        for (float& e : var) e = 0.25f + std::abs(e);
        const std::string sc = fresh("s"), sh = fresh("t"), mu = fresh("mu"), va = fresh("var");
        b_.addInitializer(sc, {c}, weights(c));
        b_.addInitializer(sh, {c}, weights(c));
        b_.addInitializer(mu, {c}, weights(c));
        b_.addInitializer(va, {c}, var);
        b_.addNode("BatchNormalization", {x.name, sc, sh, mu, va}, {out});
        push(out, x.shape);
        return;
      }
      default: {  // Concat of two values of one 4-D shape along an axis, then back to 24
        const GraphValue& u = anyValue();
        if (v.shape.size() != 4 || u.shape != v.shape) {
          b_.addNode("Relu", {v.name}, {out});
          push(out, v.shape);
          return;
        }
        const int64_t axis = 1 + pick(3);
        const std::string cat = fresh("cat"), flat = fresh("f"), w = fresh("w");
        b_.addNode("Concat", {v.name, u.name}, {cat}).attr("axis", axis);
        b_.addNode("Flatten", {cat}, {flat}).attr("axis", int64_t{1});
        b_.addInitializer(w, {48, 24}, weights(1152));
        b_.addNode("MatMul", {flat, w}, {out});
        push(out, {1, 24});
        return;
      }
    }
  }

  std::mt19937 rng_;
  int64_t opset_;
  OnnxBuilder b_;
  std::vector<GraphValue> values_;
  int name_ = 0;
};

}  // namespace

class TestRandomOnnxGraphs : public QObject {
  Q_OBJECT

 private slots:
  void importedGraphsComputeWhatOnnxSays() {
    constexpr uint32_t kGraphs = 3000;
    int layers = 0, concats = 0;
    std::map<std::string, int> drawn;  // op types (and Conv strides/dilations above 1, opsets) drawn
    for (uint32_t seed = 1; seed <= kGraphs; ++seed) {
      GraphGenerator g(seed);
      const std::string bytes = g.build(4 + static_cast<int>(seed % 9));
      const Result<Network> net = importOnnxBytes(bytes, "random");
      const std::string where = "seed " + std::to_string(seed);
      QVERIFY2(net.ok(), (where + ": " + (net.diagnostics.empty() ? "" : net.diagnostics.front().message)).c_str());
      onnx::ModelProto model;
      QVERIFY(model.ParseFromString(bytes));
      for (const onnx::NodeProto& n : model.graph().node()) {
        ++drawn[n.op_type()];
        for (const onnx::AttributeProto& a : n.attribute())
          if (n.op_type() == "Conv" && (a.name() == "strides" || a.name() == "dilations"))
            for (int64_t e : a.ints()) drawn["Conv " + a.name()] += e > 1;
      }
      ++drawn["opset " + std::to_string(model.opset_import(0).version())];
      std::mt19937 rng(seed);
      for (int trial = 0; trial < 3; ++trial) {
        std::vector<double> x(24);
        for (double& v : x) v = std::uniform_real_distribution<double>(-2.0, 2.0)(rng);
        std::string why;
        const auto want = test::evalOnnxReference(model, x, &why);
        QVERIFY2(want, (where + ": " + why).c_str());
        const Eigen::VectorXd got = forward(*net, normalizeInput(*net, test::toVector(x)));
        QCOMPARE(got.size(), Eigen::Index(3));
        double scale = 1.0;
        for (double v : *want) scale = std::max(scale, std::abs(v));
        for (Eigen::Index j = 0; j < 3; ++j)
          QVERIFY2(std::abs(got[j] - (*want)[static_cast<size_t>(j)]) <= 1e-9 * scale,
                   (where + ": output " + std::to_string(j) + " is " + std::to_string(got[j]) + ", ONNX says " +
                    std::to_string((*want)[static_cast<size_t>(j)]) + "\n" + printNetwork(*net))
                       .c_str());
      }
      layers += static_cast<int>(net->layers.size());
      for (const Layer& l : net->layers) concats += l.op == LayerOp::Concat;
    }
    qInfo("%d graphs, %d layers, %d Concat layers (permutations and concatenations)", int(kGraphs), layers, concats);
    QVERIFY(concats > 100);  // the graphs reach the index maps, not only the folds
    std::string tally;
    for (const auto& [what, n] : drawn) tally += (tally.empty() ? "" : ", ") + what + " " + std::to_string(n);
    qInfo("drawn: %s", tally.c_str());
    for (const char* what : {"Conv strides", "Conv dilations", "Squeeze", "Unsqueeze", "Dropout", "Cast", "Identity", "Split",
                             "Slice", "Gather", "HardSwish", "opset 11", "opset 13", "opset 14", "opset 17"})
      QVERIFY2(drawn[what] >= 50, what);
  }

  /// The imported graphs certified: each spec with a reference (IBP, DeepPoly, CROWN, DeepZ and the
  /// products) gives the reference's bounds on every layer, and no sample leaves them.
  void certifiedGraphsMatchTheReferences() {
    int compared = 0, refused = 0;
    for (uint32_t seed = 1; seed <= 120; ++seed) {
      GraphGenerator g(seed);
      const Result<Network> net = importOnnxBytes(g.build(4 + static_cast<int>(seed % 9)), "random");
      QVERIFY(net.ok());
      const InputBox box = randomBox(net->inputSize(), 0.2, seed);
      for (const std::string& spec : specsWithReferences()) {
        const std::string where = "seed " + std::to_string(seed) + " " + spec;
        const auto ref = referenceFor(spec, *net, box);
        const auto got = certifyBox(compiledSpec(spec), *net, box);
        if (!ref.ok()) {  // an operator the reference does not cover: the executor refuses it too
          QVERIFY2(!got.ok(), (where + ": the reference refuses (" + (ref.diagnostics.empty() ? "?" : ref.diagnostics.front().message) + "), the executor runs\n" + printNetwork(*net)).c_str());
          ++refused;
          continue;
        }
        QVERIFY2(got.ok(), (where + ": " + (got.diagnostics.empty() ? "?" : got.diagnostics.front().message)).c_str());
        std::string at;
        const double diff = maxRelativeDifference(toLayerBounds(*got.value), *ref.value, &at);
        QVERIFY2(diff >= 0 && diff <= 1e-9, (where + ": " + std::to_string(diff) + " at " + at).c_str());
        SamplingOptions sampling;
        sampling.uniformSamples = 60;
        sampling.randomVertices = 20;
        const SoundnessReport report = checkSoundness(*net, box, toLayerBounds(*got.value), sampling);
        QVERIFY2(report.sound(), (where + ": " + report.describe()).c_str());
        ++compared;
      }
    }
    qInfo("%d runs compared with the references and sampled, %d refused by both", compared, refused);
    QVERIFY(compared > 400);
  }
};

QTEST_GUILESS_MAIN(TestRandomOnnxGraphs)
#include "tst_random_onnx_graphs.moc"
