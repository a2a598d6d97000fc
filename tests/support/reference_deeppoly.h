// Independent dense DeepPoly / CROWN (test code): specs/deeppoly.cf, crown.cf and deeppoly_k.cf.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

#include "core/diagnostics/diagnostic.h"
#include "core/network/network.h"
#include "core/property/property.h"
#include "tests/support/reference_bounds.h"

namespace cert::test {

/// Which way a tie goes when a relaxation chooses between the identity slope and a constant
/// (Relu's lower bound, Abs's lower bound, the knees of Clip).
enum class SlopeTie {
  Constant,  ///< DeepPoly's area rule: identity only when strictly smaller area (u > -l)
  Identity,  ///< CROWN's adaptive rule: identity when u >= -l
};

/// Linear bounds of Sigmoid and Tanh.
enum class SCurve {
  DeepPoly,       ///< DeepPoly paper: chord / lambda' = min(g'(l), g'(u)) lines, cases l > 0, u <= 0
  CrownMidpoint,  ///< chord + tangent at (l+u)/2 when l >= 0 or u <= 0; else DeepPoly's (crown.cf before issue 15)
  Crown,          ///< CROWN: as CrownMidpoint when l >= 0 or u <= 0; l < 0 < u: tangents through
                  ///< auto_LiRPA's grid point above the end point (reference_tangent.h)
};

/// The one DeepPoly implementation's parameters; deepPoly(), crown() and limited(k) are the specs.
struct DeepPolyOptions {
  SlopeTie tie = SlopeTie::Constant;
  SCurve scurve = SCurve::DeepPoly;
  /// < 0: back-substitute to the input. K >= 0: for a layer t, substitute only terms of layers
  /// >= t - K and concretize the rest with their l/u (deeppoly_k.cf uses K = 4).
  int backsubLayers = -1;
  /// ERAN-style (deeppoly_eran.cf): each bound is the best of the bounds with K = 0 .. 12 and
  /// the full back-substitution (backsubLayers is then ignored).
  bool bestOverDepths = false;
  /// Neuron_mult's l, u also meet the interval product (every spec but crown.cf).
  bool productIntervals = true;
  /// auto_LiRPA's sparse intermediate bounds (certc --intermediate relu-unstable): a linear or
  /// product layer read only by Relu and linear layers (Affine, Conv, AvgPool, Add)
  /// back-substitutes only the neurons whose interval over their inputs' final l/u has
  /// l < 0 < u (a Relu reads it) or none (only linear layers do); every other neuron keeps that
  /// interval. Layers read by any other operator back-substitute every neuron; so does the last
  /// layer, unless lastLayerIntervalOnly (a run whose margins decide: the network's output).
  bool reluUnstableOnly = false;
  bool lastLayerIntervalOnly = false;

  static DeepPolyOptions deepPoly() { return {}; }
  static DeepPolyOptions crown() { return {SlopeTie::Identity, SCurve::Crown, -1, false, false}; }
  static DeepPolyOptions limited(int k) { return {SlopeTie::Constant, SCurve::DeepPoly, k}; }
  static DeepPolyOptions eran() { return {SlopeTie::Constant, SCurve::DeepPoly, -1, true}; }
};

/// DeepPoly's state, one layer at a time (so the product with DeepZ can share l/u between steps).
class DeepPolyAnalysis {
 public:
  DeepPolyAnalysis(const Network& net, const InputBox& box, DeepPolyOptions options);

  /// Computes layer k's L/U and its l/u from the final l/u of layers 0..k-1 (bounds.size() == k).
  /// Layers must be stepped in order 0, 1, 2, ...
  Result<LayerBounds> step(int k, const std::vector<LayerBounds>& bounds);

 private:
  /// L = lowerCoeff * x[col, col + width) + lowerConst, U likewise (x: the global numbering).
  struct Linear {
    int64_t col = 0;
    Eigen::MatrixXd lowerCoeff, upperCoeff;
    Eigen::VectorXd lowerConst, upperConst;
  };

  Linear elementwise(const Layer& layer, const LayerBounds& in, LayerBounds& out) const;
  Linear maxPool(const Layer& layer, const LayerBounds& in, LayerBounds& out) const;
  Linear linearOf(const Layer& layer) const;
  /// A Mul layer's McCormick planes from its inputs' l/u.
  Linear product(const Layer& layer, const LayerBounds& x0, const LayerBounds& x1) const;
  /// Lower (or upper) bound of coeff * x + constant over layers below k, by back-substitution.
  Eigen::VectorXd backSubstitute(int k, const Linear& expr, bool lower,
                                 const std::vector<LayerBounds>& bounds) const;
  /// DeepPolyOptions::reluUnstableOnly: out's neurons that are not back-substituted get the interval.
  void keepUnstableOnly(int k, const Linear& expr, const std::vector<LayerBounds>& bounds, LayerBounds& out) const;
  /// The same with terms of layers below k - depth concretized (depth < 0: none).
  Eigen::VectorXd backSubstituteTo(int k, const Linear& expr, bool lower, const std::vector<LayerBounds>& bounds,
                                   int depth) const;

  const Network& net_;
  InputBox box_;
  DeepPolyOptions options_;
  std::vector<Linear> linear_;  ///< per layer; the input layer's entry is unused (constants)
};

/// Every layer's l/u under DeepPoly (default), CROWN or depth-limited DeepPoly.
Result<std::vector<LayerBounds>> referenceDeepPoly(const Network& net, const InputBox& box,
                                                   const DeepPolyOptions& options = {});

}  // namespace cert::test
