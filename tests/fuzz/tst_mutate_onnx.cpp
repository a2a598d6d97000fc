// Seeded mutation test of the ONNX importer: a few thousand mutants of small valid models (protobuf
// field edits and raw byte edits). No mutant may crash or hang it; every mutant it accepts must
// compute what the ONNX definitions say (tests/support/onnx_reference) or carry a value warning.
#include <QElapsedTimer>
#include <QtTest>

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "core/network/forward.h"
#include "core/network/network_printer.h"
#include "core/network/onnx_builder.h"
#include "core/network/onnx_import.h"
#include "tests/support/onnx_reference.h"
#include "tests/support/tiny_models.h"

using namespace cert;

namespace {

/// The seeds: each uses a different part of the op set and opset rules.
std::vector<std::string> seedModels() {
  std::vector<std::string> out;
  {  // Gemm -> Relu -> Gemm (transB), opset 13
    OnnxBuilder b("mlp", 13);
    b.addInput("x", {1, 6});
    b.addInitializer("w1", {4, 6}, test::testWeights(24, 1));
    b.addInitializer("b1", {4}, test::testWeights(4, 2));
    b.addInitializer("w2", {3, 4}, test::testWeights(12, 3));
    b.addInitializer("b2", {3}, test::testWeights(3, 4));
    b.addNode("Gemm", {"x", "w1", "b1"}, {"h"}).attr("transB", int64_t{1});
    b.addNode("Relu", {"h"}, {"r"});
    b.addNode("Gemm", {"r", "w2", "b2"}, {"y"}).attr("transB", int64_t{1}).attr("alpha", 0.5);
    b.addOutput("y", {1, 3});
    out.push_back(b.serialize());
  }
  {  // Flatten -> MatMul -> Add -> Sigmoid -> Unsqueeze/Squeeze (axes inputs) -> Gemm, opset 13
    OnnxBuilder b("layout13", 13);
    b.addInput("x", {1, 2, 3});
    b.addInitializer("w", {6, 5}, test::testWeights(30, 5));
    b.addInitializer("b", {5}, test::testWeights(5, 6));
    b.addInitializerInt64("ax", {1}, {1});
    b.addInitializer("w2", {5, 2}, test::testWeights(10, 7));
    b.addNode("Flatten", {"x"}, {"f"}).attr("axis", int64_t{1});
    b.addNode("MatMul", {"f", "w"}, {"m"});
    b.addNode("Add", {"m", "b"}, {"a"});
    b.addNode("Sigmoid", {"a"}, {"s"});
    b.addNode("Unsqueeze", {"s", "ax"}, {"u"});
    b.addNode("Squeeze", {"u", "ax"}, {"q"});
    b.addNode("Gemm", {"q", "w2"}, {"y"});
    b.addOutput("y", {1, 2});
    out.push_back(b.serialize());
  }
  {  // Sub/Div normalization -> Transpose -> Reshape -> Gemm -> Tanh -> Unsqueeze (attr), opset 11
    OnnxBuilder b("norm11", 11);
    b.addInput("x", {1, 2, 2});
    b.addInitializer("mean", {1, 2, 2}, {0.5f, 0.25f, 0.0f, 0.75f});
    b.addInitializer("sd", {1}, {0.5f});
    b.addInitializerInt64("shape", {2}, {1, -1});
    b.addInitializer("w", {4, 3}, test::testWeights(12, 8));
    b.addInitializer("c", {3}, test::testWeights(3, 9));
    b.addNode("Sub", {"x", "mean"}, {"s"});
    b.addNode("Div", {"s", "sd"}, {"d"});
    b.addNode("Transpose", {"d"}, {"t"}).attr("perm", std::vector<int64_t>{0, 2, 1});
    b.addNode("Reshape", {"t", "shape"}, {"r"});
    b.addNode("Gemm", {"r", "w", "c"}, {"g"});
    b.addNode("Tanh", {"g"}, {"h"});
    b.addNode("Unsqueeze", {"h"}, {"y"}).attr("axes", std::vector<int64_t>{2});
    b.addOutput("y", {1, 3, 1});
    out.push_back(b.serialize());
  }
  {  // LeakyRelu, Clip (attributes), Mul, Abs, opset 10
    OnnxBuilder b("act10", 10);
    b.addInput("x", {1, 4});
    b.addInitializer("w", {4, 4}, test::testWeights(16, 10));
    b.addInitializer("k", {4}, {2.0f, -1.0f, 0.5f, 1.5f});
    b.addNode("MatMul", {"x", "w"}, {"m"});
    b.addNode("LeakyRelu", {"m"}, {"l"}).attr("alpha", 0.25);
    b.addNode("Mul", {"l", "k"}, {"p"});
    b.addNode("Clip", {"p"}, {"c"}).attr("min", -0.5).attr("max", 0.75);
    b.addNode("Abs", {"c"}, {"y"});
    b.addOutput("y", {1, 4});
    out.push_back(b.serialize());
  }
  return out;
}

const char* const kOps[] = {"Relu", "Sigmoid", "Tanh", "Abs", "Identity", "Flatten", "Unsqueeze",
                            "Squeeze", "Add", "Gemm", "MatMul", "Transpose", "Clip", "LeakyRelu"};

/// One edit of the model's fields, described in `what`.
void mutateFields(onnx::ModelProto& m, std::mt19937& rng, std::string* what) {
  auto pick = [&](int n) { return n <= 0 ? 0 : std::uniform_int_distribution<int>(0, n - 1)(rng); };
  onnx::GraphProto& g = *m.mutable_graph();
  if (g.node_size() == 0) return;
  onnx::NodeProto& n = *g.mutable_node(pick(g.node_size()));
  const double specials[] = {0.0, -1.0, 2.5, 1e-45, 1e30, 1e38, std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::quiet_NaN()};
  switch (pick(12)) {
    case 0:
      if (n.attribute_size() > 0) {
        const int i = pick(n.attribute_size());
        *what += "drop attribute " + n.attribute(i).name() + " of " + n.name() + "; ";
        n.mutable_attribute()->DeleteSubrange(i, 1);
      }
      break;
    case 1:
      if (n.attribute_size() > 0) {
        std::string& name = *n.mutable_attribute(pick(n.attribute_size()))->mutable_name();
        name[static_cast<size_t>(pick(static_cast<int>(name.size())))] ^= static_cast<char>(1 << pick(6));
        *what += "rename an attribute of " + n.name() + " to " + name + "; ";
      }
      break;
    case 2:
      for (auto& a : *n.mutable_attribute())
        if (a.type() == onnx::AttributeProto::INT) a.set_i(pick(6) - 2), *what += "int attribute; ";
        else if (a.type() == onnx::AttributeProto::INTS && a.ints_size() > 0)
          a.set_ints(pick(a.ints_size()), pick(6) - 3), *what += "ints attribute; ";
        else if (a.type() == onnx::AttributeProto::FLOAT)
          a.set_f(static_cast<float>(specials[pick(8)])), *what += "float attribute; ";
      break;
    case 3: {
      const int64_t versions[] = {-1, 0, 6, 7, 10, 11, 13, 14, 17, 18, 9999};
      m.mutable_opset_import(0)->set_version(versions[pick(11)]);
      *what += "opset " + std::to_string(m.opset_import(0).version()) + "; ";
      break;
    }
    case 4: {
      const int64_t versions[] = {0, 1, 3, 7, 8, 11, 99};
      m.set_ir_version(versions[pick(7)]);
      *what += "ir_version " + std::to_string(m.ir_version()) + "; ";
      break;
    }
    case 5:
      n.set_op_type(kOps[pick(static_cast<int>(std::size(kOps)))]);
      *what += "op of " + n.name() + " to " + n.op_type() + "; ";
      break;
    case 6:
      if (n.input_size() > 0) {
        n.mutable_input()->DeleteSubrange(pick(n.input_size()), 1);
        *what += "drop an input of " + n.name() + "; ";
      }
      break;
    case 7: {
      const onnx::NodeProto& other = g.node(pick(g.node_size()));
      n.add_input(other.output(0));
      *what += "extra input of " + n.name() + "; ";
      break;
    }
    case 8:
      if (g.initializer_size() > 0) {
        onnx::TensorProto& t = *g.mutable_initializer(pick(g.initializer_size()));
        if (t.dims_size() > 0) t.set_dims(pick(t.dims_size()), pick(7) - 1);
        *what += "dims of " + t.name() + "; ";
      }
      break;
    case 9:
      if (g.initializer_size() > 0) {
        onnx::TensorProto& t = *g.mutable_initializer(pick(g.initializer_size()));
        if (t.data_type() == onnx::TensorProto::FLOAT && t.raw_data().size() >= sizeof(float)) {
          const float v = static_cast<float>(specials[pick(8)]);
          const int at = pick(static_cast<int>(t.raw_data().size() / sizeof(float)));
          std::memcpy(t.mutable_raw_data()->data() + at * sizeof(float), &v, sizeof v);
        } else if (t.int64_data_size() > 0) {
          t.set_int64_data(pick(t.int64_data_size()), pick(7) - 2);
        }
        *what += "a value of " + t.name() + "; ";
      }
      break;
    case 10: {
      const int i = pick(g.node_size());
      *what += "drop node " + g.node(i).name() + "; ";
      g.mutable_node()->DeleteSubrange(i, 1);
      break;
    }
    default:
      if (g.node_size() > 1) {
        *g.mutable_node(0)->mutable_output(0) = g.node(1).output(0);
        *what += "first node writes the second's output; ";
      }
      break;
  }
}

/// One raw byte edit of the serialized model.
void mutateBytes(std::string& s, std::mt19937& rng, std::string* what) {
  if (s.empty()) return;
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const size_t i = pick(s.size());
  switch (pick(4)) {
    case 0: s[i] = static_cast<char>(s[i] ^ (1 << pick(8))), *what += "bit flip; "; break;
    case 1: s[i] = static_cast<char>(pick(256)), *what += "byte; "; break;
    case 2: s.erase(i, 1 + pick(4)), *what += "delete bytes; "; break;
    default: s.insert(i, s.substr(i, 1 + pick(8))), *what += "repeat bytes; "; break;
  }
}

bool hasValueWarning(const Network& net) {
  for (const Diagnostic& d : net.warnings)
    if (d.message.find("not meaningful") != std::string::npos) return true;  // the value warnings
  return false;
}

}  // namespace

class TestMutateOnnx : public QObject {
  Q_OBJECT

 private slots:
  void seedsImportAndMatchTheReference();
  void mutants();
};

void TestMutateOnnx::seedsImportAndMatchTheReference() {
  std::mt19937 rng(7);
  for (const std::string& bytes : seedModels()) {
    const Result<Network> net = importOnnxBytes(bytes, "seed");
    QVERIFY2(net.ok(), net.diagnostics.empty() ? "" : net.diagnostics.front().message.c_str());
    onnx::ModelProto model;
    QVERIFY(model.ParseFromString(bytes));
    std::vector<double> x(static_cast<size_t>(net->inputSize()));
    for (double& v : x) v = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    std::string why;
    const auto want = test::evalOnnxReference(model, x, &why);
    QVERIFY2(want, why.c_str());
    CERT_COMPARE_VEC(forward(*net, normalizeInput(*net, test::toVector(x))), *want);
  }
}

void TestMutateOnnx::mutants() {
  const std::vector<std::string> seeds = seedModels();
  std::mt19937 rng(20261204);
  QElapsedTimer timer;
  timer.start();
  int accepted = 0, compared = 0, warned = 0;
  constexpr int kMutants = 20000;
  for (int iter = 0; iter < kMutants; ++iter) {
    const std::string& seed = seeds[static_cast<size_t>(iter) % seeds.size()];
    std::string what, bytes;
    if (iter % 3 == 2) {
      bytes = seed;
      for (int k = 0; k < 1 + iter % 2; ++k) mutateBytes(bytes, rng, &what);
    } else {
      onnx::ModelProto m;
      QVERIFY(m.ParseFromString(seed));
      for (int k = 0; k < 1 + iter % 2; ++k) mutateFields(m, rng, &what);
      bytes = m.SerializeAsString();
    }
    const Result<Network> net = importOnnxBytes(bytes, "mutant");
    if (!net.ok()) {
      QVERIFY2(hasErrors(net.diagnostics), ("rejected without an error: " + what).c_str());
      continue;
    }
    ++accepted;
    onnx::ModelProto model;
    QVERIFY2(model.ParseFromString(bytes), ("accepted bytes that are not a model: " + what).c_str());
    std::vector<double> x(static_cast<size_t>(net->inputSize()));
    for (double& v : x) v = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    std::string why;
    const auto want = test::evalOnnxReference(model, x, &why);
    QVERIFY2(want, ("accepted a model the ONNX definitions reject (" + why + "): " + what).c_str());
    const Eigen::VectorXd got = forward(*net, normalizeInput(*net, test::toVector(x)));
    QVERIFY2(got.size() == static_cast<Eigen::Index>(want->size()), ("output size differs: " + what).c_str());
    bool finite = got.allFinite();
    double scale = 1.0;
    for (double v : *want) finite = finite && std::isfinite(v), scale = std::max(scale, std::abs(v));
    if (hasValueWarning(*net)) {
      ++warned;  // reported: the run side does not trust such a network
      continue;
    }
    QVERIFY2(finite, ("non-finite output without a warning: " + what + "\n" + printNetwork(*net)).c_str());
    for (Eigen::Index j = 0; j < got.size(); ++j)
      QVERIFY2(std::abs(got[j] - (*want)[static_cast<size_t>(j)]) <= 1e-9 * scale,
               ("output differs from the ONNX reference: " + what).c_str());
    ++compared;
  }
  qInfo("%d mutants: %d accepted (%d compared with the reference, %d with value warnings) in %lld ms",
        kMutants, accepted, compared, warned, static_cast<long long>(timer.elapsed()));
  QVERIFY(compared > kMutants / 20);  // the run exercised the accepting paths, not only rejections
  QVERIFY(timer.elapsed() < 30000);
}

QTEST_GUILESS_MAIN(TestMutateOnnx)
#include "tst_mutate_onnx.moc"
