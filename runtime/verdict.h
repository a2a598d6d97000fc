// Verdicts that never lie: verified only on finite parameters, consistent bounds and margins that
// stay positive (VNN-LIB: negative) after the rounding error of the last step.
#pragma once

#include <Eigen/Dense>

#include <string>
#include <vector>

#include "core/network/finite_check.h"
#include "core/network/network.h"
#include "core/property/property.h"

namespace cert {

struct LayerBoundsResult;

/// What a run says about one property item.
enum class Verdict {
  Verified,     ///< every margin proved, on finite parameters and consistent bounds
  NotVerified,  ///< sound bounds, but some margin is not proved (or there are no margins)
  Invalid,      ///< no verdict: non-finite parameters, NaN bounds, or lower > upper somewhere
};

/// "verified", "not verified", "invalid".
const char* verdictName(Verdict v);
/// The JSON status: "verified", "not_verified", "invalid".
const char* verdictKey(Verdict v);

struct VerdictDecision {
  Verdict verdict = Verdict::NotVerified;
  /// Why (empty for Verified): "non-finite values in layer 3 'fc1' bias ...", "unsound bounds:
  /// layer 2 'relu_1' neuron 17 has lower 0.31 > upper 0.29", "smallest margin lower bound ...".
  std::string reason;
};

/// Relative slack between lower and upper before "lower > upper" makes bounds invalid:
/// lower > upper + kBoundsTolerance * (1 + |lower| + |upper|).
constexpr double kBoundsTolerance = 1e-9;

/// The rounding slack of margin row `row` (see decideVerdict): (n + 2) * DBL_EPSILON * (S + |bound|)
/// with S = sum_j |w_j| max(|l_j|, |u_j|) + |c| over the output bounds, n = non-zero w_j + 1;
/// +inf when an output bound it reads is infinite.
double marginRoundingSlack(const PropertyItem& item, const LayerBoundsResult& output, Eigen::Index row, double bound);

/// Whether every interval [lo[i], hi[i]] is certainly consistent: no NaN, no lower bound of +inf
/// or upper bound of -inf, lower <= upper (one vectorized pass). False asks for the full check
/// (decideVerdict's), which tolerates lower > upper within kBoundsTolerance.
bool intervalsConsistent(const double* lo, const double* hi, int64_t n);

/// The verdict of one item. In order: any parameter of `net` that is NaN, inf or |x| >= 1e38
/// (kFloat32Overflow) makes it Invalid; so does any layer bound (or margin bound) that is NaN,
/// a lower bound of +inf, an upper bound of -inf, or lower > upper beyond kBoundsTolerance.
/// Otherwise a labelled item is Verified when every margin row r (y_label - y_j) has
/// lower_r - slack_r > 0, a VNN-LIB item when every unsafe conjunction has an atom with
/// upper_r + slack_r < 0, where slack_r bounds the float64 error of the last step (the margin
/// row's dot product with the outputs, see marginRoundingSlack; when the margins are folded into
/// the last affine layer, the larger of the folded row's over that layer's input bounds and the
/// unfolded row's with the outputs' magnitudes bounded over the same input bounds: the outputs'
/// own bounds are then not read, and may be left out). `layers`: the network's layers;
/// empty margins: no margins were computed (NotVerified unless Invalid). A run may leave out the
/// side of the margins the verdict does not read (marginUpper for a labelled item, marginLower
/// for a VNN-LIB item): the side read is then checked alone (NaN, +inf lower, -inf upper). A
/// labelled item's margins must have one row per output but the label (else Invalid).
VerdictDecision decideVerdict(const Network& net, const PropertyItem& item, const std::vector<LayerBoundsResult>& layers,
                              const Eigen::VectorXd& marginLower, const Eigen::VectorXd& marginUpper);
/// The same with the parameter scan done once by the caller: `bad` is badParameters(net). With
/// layersConsistent, the caller has found intervalsConsistent true on every layer of `layers`
/// (a batch frame checks each layer's tensor while it is in cache) and they are not scanned again.
VerdictDecision decideVerdict(const Network& net, const std::vector<BadParameter>& bad, const PropertyItem& item,
                              const std::vector<LayerBoundsResult>& layers, const Eigen::VectorXd& marginLower,
                              const Eigen::VectorXd& marginUpper, bool layersConsistent = false);

}  // namespace cert
