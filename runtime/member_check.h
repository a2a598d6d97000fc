// Checks one concrete sample against every shape member of every layer: [l, u], PolyExp members
// evaluated at the sample, SymExp members with the input's noise symbols fixed by the sample.
#pragma once

#include <Eigen/Dense>

#include <functional>
#include <string>
#include <vector>

#include "core/property/property.h"
#include "runtime/layer_members.h"
#include "runtime/shape_constraints.h"

namespace cert {

/// One member check that failed at one neuron: `value` is not in [lower, upper], the range the
/// member allows at this sample (a PolyExp lower bound L(x) gives [L(x), inf]). For a Ct member's
/// equality (Relation::Holds), `value` is its form e at the sample and the range is [0, 0].
struct MemberViolation {
  int layer = 0;
  int64_t neuron = 0;
  const MemberConstraint* constraint = nullptr;
  double value = 0, lower = 0, upper = 0;
};

/// Precomputed per-item data for MemberChecker::check (absolute coefficient matrices).
class MemberChecker {
 public:
  /// `members`: one entry per layer of the network that ran (margins included); `box`: the item's
  /// input box (SymExp noise block 0 is its center + radius * eps_0). Constraints naming a member
  /// the layers do not have, or a Float member named l or u (the [l, u] check covers those), are
  /// skipped; skipped() lists the first kind.
  MemberChecker(const std::vector<LayerMembers>& members, const ShapeConstraints& constraints, const InputBox& box,
                double relTolerance);

  /// Every violation at one sample; `values`: every layer's concrete values (forwardAll of the
  /// same network). A value v passes when it is within relTolerance * (1 + |v| + magnitude of
  /// the member's terms at the sample) of the allowed range.
  void check(const std::vector<Eigen::VectorXd>& values, const std::function<void(const MemberViolation&)>& report) const;

  /// The constraints checked besides [l, u] ("curr[L]<=curr"), and those naming no member.
  const std::vector<std::string>& checked() const { return checked_; }
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  struct Prepared {
    const MemberConstraint* constraint = nullptr;
    const DenseMember* member = nullptr;
    std::map<int, Eigen::MatrixXd> absBlocks;
  };
  std::vector<std::vector<Prepared>> layers_;  ///< per layer: the checks that apply
  Eigen::VectorXd center_, radius_;
  double tol_ = 1e-9;
  std::vector<std::string> checked_, skipped_;
};

}  // namespace cert
