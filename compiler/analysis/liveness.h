// Liveness: per instruction, the values it reads for the last time (Instr::lastUses).
#pragma once

#include <set>
#include <vector>

#include "compiler/ir/ir.h"

namespace cert::analysis {

/// Fills Instr::lastUses in every region of `p`: the values defined in the same region that no
/// later instruction of that region reads (directly, in a nested region, or as the region's
/// yield) and that are not results of the program. A value read inside a nested region dies at
/// the instruction that holds the region (the region runs many times), never inside it.
void computeLiveness(ir::Program& p);

/// The same for one region, without writing it: per instruction of `r` (in order), the values it
/// reads for the last time. The interpreter uses it on the programs it runs (which tests may have
/// rewritten after compileCertifier's analyses ran).
std::vector<std::vector<int>> lastUsesIn(const ir::Region& r, const std::set<int>& results);

/// Every value `i` reads: its operands and what its nested regions read.
void collectReads(const ir::Instr& i, std::set<int>& out);

}  // namespace cert::analysis
