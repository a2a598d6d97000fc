// A spec compiled for the executor: the front end plus the lowering of every rule of the
// transformer its flow runs.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ir/ir.h"
#include "core/diagnostics/diagnostic.h"

namespace cert {

struct CompiledCertifier {
  std::string transformer;                 ///< the flow's transformer
  std::vector<std::string> memberNames;    ///< shape members in declaration order
  std::vector<ir::ElemType> memberTypes;   ///< Float/Int/Bool, Poly or Sym per member
  /// Per member: declared Ct. A Ct member is stored as a Poly member e meaning the equality
  /// e == 0 (0 for `true`; see compiler/lower's ctMemberValue); `lp` reads it.
  std::vector<bool> ctMembers;
  /// Per member: whether the input layer starts it at the box's upper end (else the lower end).
  /// From the shape's constraints: a member that bounds curr from above (curr[m] >= curr) starts
  /// at the upper end, one that bounds it from below at the lower end, whatever its name; a member
  /// the constraints do not bound by name (u and U upper, others lower: no constraint to keep).
  std::vector<bool> inputUpper;
  std::map<std::string, ir::Program> rules;  ///< operator name -> program
  /// rev_ operator name -> program: the rules of the backward flows' transformers, run after the
  /// forward flow from the output to the input (empty: no backward flow).
  std::map<std::string, ir::Program> reverseRules;
};

/// Front end, then lowering of every rule of the (first) flow's transformer, then (with
/// `optimize`) the pass pipeline; the IR verifier checks each program. Any error — in the spec or
/// an unliftable rule — is a diagnostic with its source range and no value; so is a Float or
/// PolyExp member that the shape bounds curr with from both sides (no box end holds it at the
/// input).
Result<CompiledCertifier> compileCertifier(std::string_view specText, bool optimize = true);

}  // namespace cert
