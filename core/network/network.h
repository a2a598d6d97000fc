// The network model: layers in execution order, a global neuron numbering, and parameters.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"

namespace cert {

/// What a layer computes. Convolutions keep their own kind (the runtime exploits the kernel);
/// specs see both Affine and Conv as the `Affine` operator.
enum class LayerOp {
  Input,      ///< the (normalized) network input
  Affine,     ///< y = W x + b (Gemm, MatMul+Add, mid-network scaling, layout permutations)
  Conv,       ///< 2-D convolution, groups = 1
  Relu,
  LeakyRelu,  ///< max(x, alpha * x)
  Sigmoid,
  Tanh,
  Abs,
  Clip,       ///< min(max(x, clipMin), clipMax): HardTanh, Relu6
  MaxPool,
  AvgPool,    ///< also GlobalAveragePool (window = whole plane)
  Add,        ///< sum of two layer outputs (residual connection): Neuron_add
  Mul,        ///< element-wise product of two layer outputs (same shape): Neuron_mult
  Concat,     ///< neurons of several layers, one after the other, read through `order` (a layout
              ///< permutation: a Transpose that no Affine absorbs, an interleaving Concat)
};

const char* layerOpName(LayerOp op);

/// Geometry of a 2-D convolution over CHW tensors (no batch).
struct ConvGeometry {
  int inChannels = 0, inHeight = 0, inWidth = 0;
  int outChannels = 0, outHeight = 0, outWidth = 0;
  int kernelH = 1, kernelW = 1;
  int strideH = 1, strideW = 1;
  int padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  int dilationH = 1, dilationW = 1;
};

/// Calls f(row, col, w) for every non-zero weight w of the convolution's Toeplitz matrix
/// ([outC*outH*outW x inC*inH*inW], neurons in CHW order), `weight` in ONNX order
/// [outC][inC][kH][kW]. Rows in ascending order, and within a row columns in ascending order
/// (a CSR matrix can be written as they come); a column reached by two taps comes twice.
template <class F>
void forEachConvTap(const ConvGeometry& g, const double* weight, F&& f) {
  int64_t row = 0;
  for (int oc = 0; oc < g.outChannels; ++oc)
    for (int oh = 0; oh < g.outHeight; ++oh)
      for (int ow = 0; ow < g.outWidth; ++ow, ++row)
        for (int ic = 0; ic < g.inChannels; ++ic)
          for (int kh = 0; kh < g.kernelH; ++kh) {
            const int h = oh * g.strideH - g.padTop + kh * g.dilationH;
            if (h < 0 || h >= g.inHeight) continue;
            for (int kw = 0; kw < g.kernelW; ++kw) {
              const int x = ow * g.strideW - g.padLeft + kw * g.dilationW;
              if (x < 0 || x >= g.inWidth) continue;
              const double w = weight[((int64_t(oc) * g.inChannels + ic) * g.kernelH + kh) * g.kernelW + kw];
              if (w != 0) f(row, (int64_t(ic) * g.inHeight + h) * g.inWidth + x, w);
            }
          }
}

/// Geometry of a 2-D pooling window over CHW tensors (no batch).
struct PoolGeometry {
  int channels = 0, inHeight = 0, inWidth = 0, outHeight = 0, outWidth = 0;
  int kernelH = 1, kernelW = 1;
  int strideH = 1, strideW = 1;
  int padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  bool countIncludePad = false;  ///< AvgPool: divide by the full window size

  /// Flat input indices (c*H*W + h*W + w) of the window of output (c, oh, ow); padding omitted.
  std::vector<int64_t> window(int c, int oh, int ow) const;
};

/// One layer: operator, inputs (indices of earlier layers), output shape, neuron range, params.
struct Layer {
  int index = 0;
  std::string name;                   ///< display name: the ONNX output (or node) name
  LayerOp op = LayerOp::Input;
  std::vector<int> inputs;            ///< producing layers; empty for Input
  std::vector<int64_t> shape;         ///< output shape without batch: {C, H, W} or {N}
  int64_t start = 0, end = 0;         ///< neurons [start, end) in the global numbering

  Eigen::MatrixXd weight;             ///< Affine: [size, input size]
  Eigen::VectorXd bias;               ///< Affine and Conv: [size] (Conv: per output neuron)
  ConvGeometry conv;                  ///< Conv
  Eigen::VectorXd kernel;             ///< Conv: weights in ONNX order [outC][inC][kH][kW]
  PoolGeometry pool;                  ///< MaxPool, AvgPool
  double alpha = 0.01;                ///< LeakyRelu
  double clipMin = 0.0, clipMax = 6.0;  ///< Clip
  /// Concat: neuron j is neuron order[j] of the inputs one after the other (an index map: a
  /// layout permutation, or a Slice, Gather or Split that selects, costs no weights); empty: that
  /// order itself (the layer then has as many neurons as its inputs together).
  std::vector<int64_t> order;
  std::vector<std::string> onnxNodes; ///< the ONNX nodes folded into this layer

  int64_t size() const { return end - start; }
  /// Concat: the position of neuron j among the inputs' neurons one after the other.
  int64_t concatSource(int64_t j) const { return order.empty() ? j : order[static_cast<size_t>(j)]; }
  /// Number of stored parameters (weights, kernel, bias).
  int64_t parameterCount() const;
};

/// x_network[i] = scale[i] * x_raw[order[i]] + shift[i] (identity when empty): leading element-wise
/// affine ops and a leading layout permutation (an input Transpose), folded into the input.
struct Normalization {
  Eigen::VectorXd scale;  ///< over the network's input neurons (empty: all 1)
  Eigen::VectorXd shift;  ///< over the network's input neurons (empty: all 0)
  /// Input neuron i reads raw element order[i] (a permutation); empty: the raw order.
  std::vector<int64_t> order;
  std::vector<std::string> origin;  ///< e.g. "Sub 'sub_0' (constant)", "Div 'div_0' (constant)"

  bool isIdentity() const;
};

/// An imported network: layers in execution order; layers[0] is the Input layer.
struct Network {
  std::string name;                 ///< file stem
  std::string inputName;            ///< ONNX graph input name
  std::vector<int64_t> inputShape;  ///< raw input shape without batch
  Normalization normalization;      ///< leading element-wise affine ops, applied to the input box
  std::vector<Layer> layers;
  Diagnostics warnings;             ///< import warnings (dropped Softmax, ...)

  int64_t neuronCount() const { return layers.empty() ? 0 : layers.back().end; }
  int64_t inputSize() const { return layers.empty() ? 0 : layers.front().size(); }
  int64_t outputSize() const { return layers.empty() ? 0 : layers.back().size(); }
  const Layer& output() const { return layers.back(); }
};

/// The dense [size x input size] matrix of an Affine or Conv layer (Conv: its Toeplitz matrix).
Eigen::MatrixXd denseWeight(const Layer& layer);
/// The bias of an Affine or Conv layer as a vector over its output neurons.
Eigen::VectorXd denseBias(const Layer& layer);

/// Applies the network's normalization to a raw input vector.
Eigen::VectorXd normalizeInput(const Network& net, const Eigen::VectorXd& raw);

/// Assigns start/end from the layer shapes in order, and layer indices. Call after building.
void assignNeuronRanges(Network& net);

}  // namespace cert
