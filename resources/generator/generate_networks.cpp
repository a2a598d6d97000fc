// Writes the bundled example networks (seeded weights) with the project's ONNX writer.
// Usage: certstudio-gennets OUTDIR. The bytes depend only on the seeds: std::mt19937's output is
// fixed by the C++ standard and the normal samples come from our own Box-Muller transform
// (std::normal_distribution differs between standard libraries).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/network/onnx_builder.h"

namespace {

using cert::OnnxBuilder;

/// Standard normal samples from a seeded Mersenne Twister via Box-Muller.
class NormalSampler {
 public:
  explicit NormalSampler(uint32_t seed) : gen_(seed) {}
  double next() {
    const double u1 = (static_cast<double>(gen_()) + 1.0) / 4294967297.0;  // (0, 1)
    const double u2 = static_cast<double>(gen_()) / 4294967296.0;          // [0, 1)
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  std::vector<float> sample(size_t n, double stddev) {
    std::vector<float> v(n);
    for (float& x : v) x = static_cast<float>(stddev * next());
    return v;
  }

 private:
  std::mt19937 gen_;
};

/// Adds a fully connected layer (Gemm with B = W [out x in], transB = 1) named `name`.
std::string gemm(OnnxBuilder& b, NormalSampler& rng, const std::string& in, const std::string& name,
                 int64_t fanIn, int64_t fanOut, double gain) {
  b.addInitializer(name + ".weight", {fanOut, fanIn},
                   rng.sample(static_cast<size_t>(fanIn * fanOut), std::sqrt(gain / fanIn)));
  b.addInitializer(name + ".bias", {fanOut}, rng.sample(static_cast<size_t>(fanOut), 0.05));
  b.addNode("Gemm", {in, name + ".weight", name + ".bias"}, {name}).attr("transB", int64_t{1});
  return name;
}

/// Adds a fully connected layer as MatMul (W [in x out]) + Add (bias).
std::string matmulAdd(OnnxBuilder& b, NormalSampler& rng, const std::string& in,
                      const std::string& name, int64_t fanIn, int64_t fanOut, double gain) {
  b.addInitializer(name + ".weight", {fanIn, fanOut},
                   rng.sample(static_cast<size_t>(fanIn * fanOut), std::sqrt(gain / fanIn)));
  b.addInitializer(name + ".bias", {fanOut}, rng.sample(static_cast<size_t>(fanOut), 0.05));
  b.addNode("MatMul", {in, name + ".weight"}, {name + "_mm"});
  b.addNode("Add", {name + "_mm", name + ".bias"}, {name});
  return name;
}

/// Adds a 2-D convolution with square kernel `k`, stride `s` and padding `p`.
std::string conv(OnnxBuilder& b, NormalSampler& rng, const std::string& in, const std::string& name,
                 int64_t inC, int64_t outC, int64_t k, int64_t s, int64_t p) {
  const int64_t fanIn = inC * k * k;
  b.addInitializer(name + ".weight", {outC, inC, k, k},
                   rng.sample(static_cast<size_t>(outC * fanIn), std::sqrt(2.0 / fanIn)));
  b.addInitializer(name + ".bias", {outC}, rng.sample(static_cast<size_t>(outC), 0.05));
  b.addNode("Conv", {in, name + ".weight", name + ".bias"}, {name})
      .attr("kernel_shape", std::vector<int64_t>{k, k})
      .attr("strides", std::vector<int64_t>{s, s})
      .attr("pads", std::vector<int64_t>{p, p, p, p});
  return name;
}

std::string act(OnnxBuilder& b, const std::string& op, const std::string& in,
                const std::string& name) {
  b.addNode(op, {in}, {name});
  return name;
}

/// An MLP 784 -> hidden... -> 10 with activation `op` (Gemm layers, or MatMul+Add).
void mlp(OnnxBuilder& b, uint32_t seed, const std::vector<int64_t>& hidden, const std::string& op,
         bool useMatMul, bool mnistNormalization) {
  NormalSampler rng(seed);
  // He gain for ReLU; sigmoid's slope at 0 is 1/4, so it needs 4x the weight scale of tanh.
  const double gain = op == "Relu" ? 2.0 : op == "Sigmoid" ? 16.0 : 1.0;
  b.addInput("input", {1, 784});
  std::string x = "input";
  if (mnistNormalization) {
    b.addInitializer("mean", {1}, {0.1307f});
    b.addInitializer("std", {1}, {0.3081f});
    b.addNode("Sub", {x, "mean"}, {"sub"});
    b.addNode("Div", {"sub", "std"}, {"div"});
    x = "div";
  }
  int64_t width = 784;
  for (size_t i = 0; i < hidden.size(); ++i) {
    const std::string fc = "fc" + std::to_string(i + 1);
    x = useMatMul ? matmulAdd(b, rng, x, fc, width, hidden[i], gain)
                  : gemm(b, rng, x, fc, width, hidden[i], gain);
    x = act(b, op, x, op == "Relu" ? "relu" + std::to_string(i + 1) : "act" + std::to_string(i + 1));
    width = hidden[i];
  }
  const std::string last = "fc" + std::to_string(hidden.size() + 1);
  x = useMatMul ? matmulAdd(b, rng, x, last, width, 10, 1.0) : gemm(b, rng, x, last, width, 10, 1.0);
  b.addOutput(x, {1, 10});
}

void cnnSmall(OnnxBuilder& b) {
  NormalSampler rng(3);
  b.addInput("input", {1, 1, 28, 28});
  std::string x = act(b, "Relu", conv(b, rng, "input", "conv1", 1, 8, 4, 2, 0), "relu1");
  x = act(b, "Relu", conv(b, rng, x, "conv2", 8, 16, 4, 2, 0), "relu2");  // [16, 5, 5]
  b.addNode("Flatten", {x}, {"flatten"}).attr("axis", int64_t{1});
  x = act(b, "Relu", gemm(b, rng, "flatten", "fc1", 400, 100, 2.0), "relu3");
  b.addOutput(gemm(b, rng, x, "fc2", 100, 10, 1.0), {1, 10});
}

void resnetSmall(OnnxBuilder& b) {
  NormalSampler rng(6);
  b.addInput("input", {1, 784});
  const std::string r1 = act(b, "Relu", gemm(b, rng, "input", "fc1", 784, 64, 2.0), "relu1");
  const std::string r2 = act(b, "Relu", gemm(b, rng, r1, "fc2", 64, 64, 1.0), "relu2");
  b.addNode("Add", {r2, r1}, {"residual"});
  b.addOutput(gemm(b, rng, "residual", "fc3", 64, 10, 1.0), {1, 10});
}

void resnetConvSmall(OnnxBuilder& b) {
  NormalSampler rng(7);
  b.addInput("input", {1, 1, 28, 28});
  const std::string a = act(b, "Relu", conv(b, rng, "input", "conv1", 1, 8, 4, 2, 0), "relu1");
  const std::string c = act(b, "Relu", conv(b, rng, a, "conv2", 8, 8, 3, 1, 1), "relu2");
  b.addNode("Add", {c, a}, {"residual"});  // [8, 13, 13]
  b.addNode("Flatten", {"residual"}, {"flatten"}).attr("axis", int64_t{1});
  b.addOutput(gemm(b, rng, "flatten", "fc1", 8 * 13 * 13, 10, 1.0), {1, 10});
}

/// The example network of DeepPoly (Singh et al., POPL 2019, Fig. 2): inputs x1, x2 in [-1, 1];
/// x3 = x1 + x2, x4 = x1 - x2, ReLU; x7 = x5 + x6, x8 = x5 - x6, ReLU; x11 = x9 + x10 + 1,
/// x12 = x10. The paper proves x11 >= x12 (output 0 >= output 1).
void deeppolyExample(OnnxBuilder& b) {
  b.addInput("input", {1, 2});
  b.addInitializer("w1", {2, 2}, {1, 1, 1, -1});
  b.addInitializer("b1", {2}, {0, 0});
  b.addInitializer("w2", {2, 2}, {1, 1, 1, -1});
  b.addInitializer("b2", {2}, {0, 0});
  b.addInitializer("w3", {2, 2}, {1, 1, 0, 1});
  b.addInitializer("b3", {2}, {1, 0});
  b.addNode("Gemm", {"input", "w1", "b1"}, {"x3_x4"}).attr("transB", int64_t{1});
  b.addNode("Relu", {"x3_x4"}, {"x5_x6"});
  b.addNode("Gemm", {"x5_x6", "w2", "b2"}, {"x7_x8"}).attr("transB", int64_t{1});
  b.addNode("Relu", {"x7_x8"}, {"x9_x10"});
  b.addNode("Gemm", {"x9_x10", "w3", "b3"}, {"x11_x12"}).attr("transB", int64_t{1});
  b.addOutput("x11_x12", {1, 2});
}

struct Bundled {
  const char* file;
  std::function<void(OnnxBuilder&)> build;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: certstudio-gennets OUTDIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const Bundled nets[] = {
      {"mlp_784_50_50_10.onnx", [](OnnxBuilder& b) { mlp(b, 1, {50, 50}, "Relu", false, true); }},
      {"mlp_784_100x6_10.onnx",
       [](OnnxBuilder& b) { mlp(b, 2, std::vector<int64_t>(6, 100), "Relu", true, false); }},
      {"cnn_small.onnx", cnnSmall},
      {"mlp_sigmoid_784_50x3_10.onnx",
       [](OnnxBuilder& b) { mlp(b, 4, {50, 50, 50}, "Sigmoid", false, false); }},
      {"mlp_tanh_784_50x3_10.onnx",
       [](OnnxBuilder& b) { mlp(b, 5, {50, 50, 50}, "Tanh", false, false); }},
      {"resnet_small.onnx", resnetSmall},
      {"resnet_conv_small.onnx", resnetConvSmall},
      {"deeppoly_example.onnx", deeppolyExample},
  };
  for (const Bundled& n : nets) {
    const std::string stem = std::filesystem::path(n.file).stem().string();
    OnnxBuilder builder(stem);
    n.build(builder);
    std::string error;
    if (!builder.save((dir / n.file).string(), &error)) {
      std::fprintf(stderr, "certstudio-gennets: %s\n", error.c_str());
      return 1;
    }
    std::printf("%s\n", (dir / n.file).string().c_str());
  }
  return 0;
}
