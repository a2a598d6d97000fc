// The ONNX importer's state while it walks the graph: graph values (constants or views of layer
// neurons with a pending layout permutation), the network being built, the reference counts that
// say when folding into a producing layer is safe, and the diagnostics. Internal to the importer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/network/onnx_tensor.h"

namespace onnx {
class NodeProto;
}  // namespace onnx

namespace cert::onnximport {

/// A non-constant value: the neurons of one layer seen as a logical ONNX tensor.
struct LayerValue {
  int layer = 0;                          ///< producing layer (index into Network::layers)
  std::vector<int64_t> shape;             ///< logical ONNX shape, batch dim included
  std::vector<int64_t> perm;              ///< logical flat index -> neuron of `layer`; empty: same
  std::vector<std::string> layoutNodes;   ///< layout nodes (Reshape, Transpose...) not yet in a layer

  int64_t size() const { return elementCount(shape); }
  /// The neuron of `layer` holding logical flat element i.
  int64_t neuron(int64_t i) const { return perm.empty() ? i : perm[static_cast<size_t>(i)]; }
};

/// One graph value by name.
struct Value {
  enum class Kind { Constant, Layer, Failed };
  Kind kind = Kind::Failed;
  ConstTensor constant;
  LayerValue layer;
};

/// Dense matrices above this many entries are refused (a clear error instead of bad_alloc).
constexpr int64_t kMaxDenseEntries = int64_t{1} << 26;

/// The layer shape for a value of logical shape `shape`: the batch dim (a leading 1) dropped.
std::vector<int64_t> layerShapeOf(const std::vector<int64_t>& shape);

/// A node's display name: its name, or its first output when it has none.
std::string nodeLabel(const onnx::NodeProto& node);

class Context {
 public:
  /// `budget`: the values all constants and layer parameters may hold together (ImportLimits).
  Context(Network& net, int64_t opset, int64_t budget) : net(net), opset(opset), budget_(budget) {}

  Network& net;
  const int64_t opset;
  Diagnostics diagnostics;
  std::string outputName;  ///< the graph's first output: the network output

  bool isGraphOutput(const std::string& name) const { return name == outputName; }

  // --- values ------------------------------------------------------------------------------
  /// Counts one use of `name` (by a node input or a graph output).
  void countUse(const std::string& name) { ++consumers_[name]; }
  int consumers(const std::string& name) const;
  const Value* find(const std::string& name) const;
  void setConstant(const std::string& name, ConstTensor t);
  /// Binds `name` to a view of a layer; its uses become references to that layer.
  void setLayer(const std::string& name, LayerValue v);
  void setFailed(const std::string& name);

  /// Input i of `node` when it is a constant (nullptr when absent or not constant).
  const ConstTensor* constInput(const onnx::NodeProto& node, int i) const;
  /// Input i of `node` when it is a layer view (nullptr otherwise).
  const LayerValue* layerInput(const onnx::NodeProto& node, int i) const;
  /// As above, but reports an error naming the node and `role` when the input is not of that kind.
  const ConstTensor* requireConst(const onnx::NodeProto& node, int i, const std::string& role);
  const LayerValue* requireLayer(const onnx::NodeProto& node, int i, const std::string& role);

  // --- diagnostics -------------------------------------------------------------------------
  /// Reports an error about `node`; always returns false (handlers `return ctx.error(...)`).
  bool error(const onnx::NodeProto& node, const std::string& message);
  void warning(const onnx::NodeProto& node, const std::string& message);
  /// Reports an error when a dense [rows x cols] matrix (or output) would be too large, alone or
  /// with what the import already holds (the budget).
  bool checkDense(const onnx::NodeProto& node, int64_t rows, int64_t cols);

  // --- memory budget -----------------------------------------------------------------------
  /// Values still free in the import budget.
  int64_t budgetLeft() const { return budget_ - used_; }
  int64_t budget() const { return budget_; }
  /// Counts `values` against the budget; false (nothing counted) when they do not fit; the
  /// caller reports.
  bool charge(int64_t values);
  /// The error text for `values` more values than the budget has left.
  std::string budgetMessage(int64_t values) const;

  // --- layers ------------------------------------------------------------------------------
  /// Appends a layer (its index is set) and returns the index.
  int addLayer(Layer layer);
  /// True when the node being imported holds the only reference to `layer`'s neurons and no layer
  /// reads them yet: the node may change the layer (fold into it) without changing what anything
  /// else computes. (A consumer imported earlier has released its reference, but the layer it
  /// added reads `layer`.)
  bool exclusive(int layer) const {
    return refs_[static_cast<size_t>(layer)] == 1 && readers_[static_cast<size_t>(layer)] == 0;
  }
  /// Drops one reference (a node input consumed).
  void release(int layer) { --refs_[static_cast<size_t>(layer)]; }
  /// Adds one reference: a handler that reads `layer` again later keeps it from being folded into.
  void retain(int layer) { ++refs_[static_cast<size_t>(layer)]; }

  /// `v` in its producer's neuron order: a pending permutation is folded into the input order (a
  /// permutation of the input before any layer reads it), into the rows of an Affine producer or
  /// the order of a Concat producer that only `v` reads, else it becomes a one-input Concat layer
  /// (named after the value `name`) that reads its input in the permuted order: never weights.
  bool materialize(const onnx::NodeProto& node, const std::string& name, LayerValue* v);
  /// The two operands of an element-wise op of computed values (Add, Mul, Max, Min) in their
  /// producers' order. When both read their producers through one pending permutation, the op
  /// commutes with it: it stays pending (moved into `shared`; `stored` is the shape to build the
  /// op's layers with, the producers' own) and nothing is added. Otherwise each is materialized
  /// and `stored` is `shape`.
  bool commonOrder(const onnx::NodeProto& node, LayerValue* a, LayerValue* b, const std::vector<int64_t>& shape,
                   std::vector<int64_t>* stored, std::vector<int64_t>* shared);

  /// Appends y = a .* x + b over the neurons of layer `input` (stored as `shape`), named `name`:
  /// over [C, H, W] neurons with `a` one value per channel a 1x1 Conv with a diagonal C x C kernel
  /// (a Kernel block at run time: no n x n matrix), else a diagonal Affine layer (refused where
  /// its dense n x n weight would not fit). False after reporting an error.
  bool addScalingLayer(const onnx::NodeProto& node, int input, const std::vector<int64_t>& shape, const Eigen::VectorXd& a,
                       const Eigen::VectorXd& b, const std::string& name, std::vector<std::string> onnxNodes, int* out);

  /// Whether layer `layer` is a scaling layer y = a .* v + b (addScalingLayer's 1x1 Conv with a
  /// diagonal kernel, or an Affine layer with a square diagonal weight) that only one node reads:
  /// a and b per neuron, for the reader to fold it in (the layer is then pruned, read by nothing).
  bool exclusiveScaling(int layer, Eigen::VectorXd* a, Eigen::VectorXd* b) const;

  /// y = a .* x + b element-wise (a, b over x's logical elements): folded into the
  /// normalization (x is the unshared input), into the unshared producing Affine layer (or Conv,
  /// when a is uniform per channel), else a scaling layer (addScalingLayer).
  bool applyElementwiseAffine(const onnx::NodeProto& node, const LayerValue& x,
                              const std::vector<double>& a, const std::vector<double>& b,
                              const std::string& origin, LayerValue* out);

 private:
  /// Renumbers the input neurons in v's order (Normalization::order), and every view of the input.
  void foldIntoInputOrder(LayerValue* v);

  std::map<std::string, Value> values_;
  std::map<std::string, int> consumers_;
  std::vector<int> refs_;  ///< per layer: outstanding uses of values viewing it
  std::vector<int> readers_;  ///< per layer: the layers added that read it
  int64_t budget_;         ///< values constants and layer parameters may hold together (ImportLimits)
  int64_t used_ = 0;       ///< values held by them
};

}  // namespace cert::onnximport
