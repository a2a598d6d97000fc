// The tensor IR: one straight-line SSA program (plus traverse loops) per (transformer, operator).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/op.h"
#include "core/diagnostics/diagnostic.h"

namespace cert::ir {

/// What one element of a value is. Poly and Sym values are linear forms: a constant plus
/// coefficients over neurons (Poly) or noise symbols (Sym); the runtime stores them block-sparse.
enum class ElemType { Bool, Int, Float, Poly, Sym };

/// What a dimension of a value ranges over (RUNTIME.md "IR and shape analysis").
enum class FrameKind {
  Batch,  ///< the items of the batch
  Curr,   ///< the neurons of the layer being computed
  Prev,   ///< a list: the previous layer's neurons (Affine) or a pooling window
  Poly,   ///< the terms of a PolyExp being mapped or traversed (one layer's columns at a time)
  Sym,    ///< the terms of a SymExp being mapped (noise symbols)
  Other,  ///< argmax/argmin: the second element y of the pair (x, y) over the Prev list
};

/// One dimension of a shape: materialized (values differ along it) or broadcast (they do not).
struct Frame {
  FrameKind kind = FrameKind::Curr;
  bool materialized = true;
  friend bool operator==(const Frame&, const Frame&) = default;
};

/// A stack of frames, outermost first: batch, curr, then the frames pushed by list/map.
struct Shape {
  std::vector<Frame> frames;
  friend bool operator==(const Shape&, const Shape&) = default;

  bool has(FrameKind k) const;
  bool materialized(FrameKind k) const;
  /// True when no frame is materialized: one value for the whole layer.
  bool isScalar() const;
};

/// Which neuron(s) a member, metadata or neuron-as-PolyExp reference reads.
enum class NeuronRef {
  Curr,      ///< the neuron being computed
  Prev,      ///< element-wise operators: the same-index neuron of the input layer
  Prev0,     ///< two-input operators: first input
  Prev1,     ///< two-input operators: second input
  PrevList,  ///< Affine / pooling: every neuron of the input list (frame Prev)
  Term,      ///< inside map/traverse: the neuron (or noise symbol) of the current term
  Other,     ///< argmax/argmin: the other list element y (frame Other)
};

enum class Opcode {
  Const,      ///< attr number
  Member,     ///< attr name (shape member), ref
  Meta,       ///< attr name (weight, bias, layer, last_layer), ref
  Neuron,     ///< the neuron `ref` as a PolyExp (1 * n)
  Coeff,      ///< inside a map/traverse region: the current term's coefficient (frame Poly/Sym)
  FreshNoise, ///< eps: a fresh noise symbol per element (Sym)
  Unary,      ///< attr op: neg, not, sigma, abs
  Binary,     ///< attr op: add, sub, mul, div, min, max, lt, le, gt, ge, eq, ne, and, or
  Select,     ///< operands: condition, then, else (per element)
  Reduce,     ///< attr op: sum, max, min, len, avg, all (all: over Other, y != x); attr frame
  MatMul,     ///< sum over frame `frame` of operand0 * operand1 as a matrix product
  Map,        ///< operand: a Poly/Sym value e; one region evaluated per term (frame Poly/Sym,
              ///< Coeff = the term's coefficient, ref Term = its neuron/noise symbol); result:
              ///< e's constant + the sum of the region's value over terms with non-zero coefficient
  Traverse,   ///< back-substitution loop over operand e; regions: priority, stop, replace
              ///< (each over the term frame); result: the final Poly value
  Lp,         ///< operand: the objective (Poly); attr name "<minimize|maximize> members <c>" or
              ///< "<minimize|maximize> equations": per neuron, a sound bound on the LP optimum
              ///< (runtime/lp_bounds.h); Float
  Yield,      ///< ends a region: its operand is the region's value
};

const char* opcodeName(Opcode op);
const char* elemTypeName(ElemType t);
const char* frameKindName(FrameKind k);
const char* neuronRefName(NeuronRef r);

/// What the layer-form analysis (compiler/analysis/layer_form.h) recognized in an instruction.
enum class LayerForm {
  None,
  Product,  ///< `weight * prev_list` whose only use is its sum over prev (the layer's own linear map)
  MatMul,   ///< a matmul over prev of the layer's weight or a zero-keeping map of it (max/min with 0, scaling)
};

struct Region;

/// One SSA instruction. Its result is value `id`.
struct Instr {
  int id = 0;
  Opcode op = Opcode::Const;
  std::vector<int> operands;  ///< value ids
  ElemType type = ElemType::Float;
  Shape shape;
  Name name;                  ///< member/metadata name, or the unary/binary/reduce operator (name.op())
  double number = 0.0;        ///< Const
  NeuronRef ref = NeuronRef::Curr;
  FrameKind frame = FrameKind::Poly;  ///< Reduce, MatMul: the frame summed over
  std::string direction;      ///< Traverse: "backward" or "forward"
  std::vector<std::unique_ptr<Region>> regions;  ///< Map: body; Traverse: priority, stop, replace
  SourceRange origin;         ///< the spec text this value came from
  int astNode = -1;           ///< id of the AST node it came from (-1: none)

  // Analysis results (compiler/analysis/), filled by analyze() after the passes; a pass that
  // rewrites the program leaves them stale until analyze() runs again.
  std::vector<int> lastUses;  ///< liveness: values defined in this region read here for the last time
  LayerForm layerForm = LayerForm::None;  ///< layer-form analysis
  /// sign-split analysis (compiler/analysis/sign_split.h), on a map (its body) or a traverse (its
  /// replacement): the members a term with coefficient >= 0 / < 0 is scaled by; empty otherwise.
  std::string signSplitPositive, signSplitNegative;
  /// sign-scale analysis (compiler/analysis/sign_scale.h), on a map: the factors a term's
  /// coefficient is scaled by when > 0 / < 0 (the body yields c * (c >= 0 ? a : b)).
  std::optional<std::pair<double, double>> signScale;
  /// interval-product analysis (compiler/analysis/interval_product.h), on the two sums of an
  /// interval product: "lower" or "upper"; empty otherwise.
  std::string intervalProduct;
};

/// A list of instructions; regions end with a Yield. Traverse regions see Coeff/Term refs.
struct Region {
  std::vector<Instr> body;
};

/// The compiled program of one (transformer, operator) rule: one result per shape member.
struct Program {
  std::string transformer;
  std::string op;                 ///< the rule's operator, e.g. "Affine"
  Region body;
  std::vector<int> results;       ///< value ids, in shape-member order
  std::vector<std::string> memberNames;
  int nextId = 0;

  /// The instruction defining `id`, searching nested regions; nullptr when absent.
  const Instr* find(int id) const;
};

}  // namespace cert::ir
