// The shape's declared constraints (`def Shape as (...){[...]}`) in the forms a concrete sample
// can check: a member bounds curr from below or above, or curr lies in a SymExp member.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast/ast.h"
#include "runtime/compiled_certifier.h"

namespace cert {

/// One checkable constraint on a neuron's concrete value x.
struct MemberConstraint {
  enum class Relation {
    Lower,     ///< curr[m] <= curr (or <): m (Float, or PolyExp evaluated at the sample) is below x
    Upper,     ///< curr[m] >= curr (or >): m is above x
    Contains,  ///< curr In curr[m]: x is a value of the SymExp m (see checkMembersBySampling)
    Holds,     ///< curr[c] for a Ct member c: its stored equality e == 0 holds at the sample
  };
  std::string member;
  Relation relation = Relation::Lower;
  std::string text;  ///< the constraint as written ("curr[L]<=curr"), or the default's form
};

struct ShapeConstraints {
  std::vector<MemberConstraint> checkable;
  /// Constraints of other forms (a relation between two members, arithmetic), as written: a
  /// sample cannot check them member by member.
  std::vector<std::string> unchecked;
  bool declared = false;  ///< the spec declares constraints (else `checkable` is the default)
};

/// The constraints the spec text declares (conjunctions `a and b` are split; strict and
/// non-strict comparisons are both checked as non-strict). When the spec declares none, or
/// cannot be parsed, the default for the compiled shape: Float/PolyExp members named l and L
/// are Lower, u and U Upper, every SymExp member Contains.
ShapeConstraints shapeConstraints(std::string_view specText, const CompiledCertifier& cc);

/// The same for a parsed program (its spec text gives the constraints' text).
ShapeConstraints shapeConstraintsOf(const ast::Program& program, std::string_view specText, const CompiledCertifier& cc);

/// The default above, from the member names and types alone.
ShapeConstraints defaultShapeConstraints(const CompiledCertifier& cc);

}  // namespace cert
