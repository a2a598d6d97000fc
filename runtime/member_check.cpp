// MemberChecker: the per-sample evaluation of Float, PolyExp and SymExp members.
#include "runtime/member_check.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cert {

MemberChecker::MemberChecker(const std::vector<LayerMembers>& members, const ShapeConstraints& constraints,
                             const InputBox& box, double relTolerance)
    : center_((box.lower + box.upper) / 2), radius_((box.upper - box.lower) / 2), tol_(relTolerance) {
  layers_.resize(members.size());
  for (const MemberConstraint& c : constraints.checkable) {
    bool used = false, applied = false;
    for (size_t k = 0; k < members.size(); ++k) {
      const DenseMember* m = members[k].find(c.member);
      if (!m) continue;
      used = true;
      if (m->kind == DenseMember::Kind::Float && (c.member == "l" || c.member == "u")) continue;
      applied = true;
      if ((m->kind == DenseMember::Kind::Sym) != (c.relation == MemberConstraint::Relation::Contains)) continue;
      Prepared p{&c, m, {}};
      for (const auto& [b, blk] : m->blocks) p.absBlocks.emplace(b, blk.cwiseAbs());
      layers_[k].push_back(std::move(p));
    }
    if (applied) checked_.push_back(c.text);  // l and u: the [l, u] check covers them
    if (!used) skipped_.push_back(c.text);
  }
}

void MemberChecker::check(const std::vector<Eigen::VectorXd>& values,
                          const std::function<void(const MemberViolation&)>& report) const {
  constexpr double inf = std::numeric_limits<double>::infinity();
  // The input's noise symbols at this sample (flat inputs: 0).
  Eigen::VectorXd eps0 = Eigen::VectorXd::Zero(center_.size());
  if (!values.empty() && values[0].size() == center_.size())
    for (Eigen::Index j = 0; j < eps0.size(); ++j)
      if (radius_[j] > 0) eps0[j] = std::clamp((values[0][j] - center_[j]) / radius_[j], -1.0, 1.0);
  const Eigen::VectorXd absEps0 = eps0.cwiseAbs();
  for (size_t k = 0; k < layers_.size() && k < values.size(); ++k) {
    const Eigen::VectorXd& x = values[k];
    for (const Prepared& p : layers_[k]) {
      const DenseMember& m = *p.member;
      const Eigen::Index n = std::min<Eigen::Index>(x.size(), m.values.size());
      Eigen::VectorXd at = m.values.head(n), mag = m.values.head(n).cwiseAbs(), slack = Eigen::VectorXd::Zero(n);
      bool ok = true;
      for (const auto& [b, blk] : m.blocks) {
        const Eigen::MatrixXd& a = p.absBlocks.at(b);
        if (blk.rows() < n) ok = false;
        if (!ok) break;
        if (m.kind == DenseMember::Kind::Poly) {  // terms over earlier layers' concrete values
          if (b < 0 || static_cast<size_t>(b) >= values.size() || values[static_cast<size_t>(b)].size() != blk.cols()) {
            ok = false;
            break;
          }
          const Eigen::VectorXd& v = values[static_cast<size_t>(b)];
          at += blk.topRows(n) * v;
          mag += a.topRows(n) * v.cwiseAbs();
        } else if (b == 0 && blk.cols() == eps0.size()) {  // the input's symbols: fixed by the sample
          at += blk.topRows(n) * eps0;
          mag += a.topRows(n) * absEps0;
        } else {  // fresh symbols: anywhere in [-1, 1]
          slack += a.topRows(n).rowwise().sum();
        }
      }
      if (!ok) continue;
      for (Eigen::Index i = 0; i < n; ++i) {
        const double v = x[i];
        double lo = -inf, hi = inf;
        switch (p.constraint->relation) {
          case MemberConstraint::Relation::Lower: lo = at[i]; break;
          case MemberConstraint::Relation::Upper: hi = at[i]; break;
          case MemberConstraint::Relation::Contains: lo = at[i] - slack[i], hi = at[i] + slack[i]; break;
          case MemberConstraint::Relation::Holds: lo = hi = 0; break;  // e(x) == 0, e includes curr
        }
        const bool holds = p.constraint->relation == MemberConstraint::Relation::Holds;
        const double got = holds ? at[i] : v;
        const double tol = tol_ * (1 + std::abs(v) + mag[i] + slack[i]);
        if (!(got >= lo - tol && got <= hi + tol))
          report({static_cast<int>(k), i, p.constraint, got, lo, hi});
      }
    }
  }
}

}  // namespace cert
