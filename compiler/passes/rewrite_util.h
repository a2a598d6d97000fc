// What several passes share: finding definitions, replacing uses, building instructions, shapes,
// and the finiteness facts that make the domain rewrites exact.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/ir/ir.h"

namespace cert::passes {

/// id -> defining instruction, nested regions included (pointers die when a region changes).
using Defs = std::map<int, const ir::Instr*>;
Defs definitions(const ir::Program& p);

/// Calls `f(region, index, defs)` on every instruction, outer regions first; when `f` returns
/// true (it changed the program) the walk starts again with fresh definitions. True if any did.
bool rewriteEach(ir::Program& p, const std::function<bool(ir::Region&, size_t, const Defs&)>& f);

/// Every use of `from` (operands in any region, results) now reads `to`.
void replaceAllUses(ir::Program& p, int from, int to);

/// Ids read by some instruction (yields included) or returned as results.
std::set<int> usedIds(const ir::Program& p);

/// A new instruction with a fresh id (origin copied from `like`).
ir::Instr makeInstr(ir::Program& p, const ir::Instr& like, ir::Opcode op, ir::ElemType type,
                    ir::Shape shape, std::vector<int> operands, std::string name = {});

/// The shape of an element-wise result: frames of both in canonical order, materialized if
/// either is.
ir::Shape joinShapes(const ir::Shape& a, const ir::Shape& b);
ir::Shape withoutFrame(const ir::Shape& s, ir::FrameKind k);

/// `id` is a Const equal to `v`.
bool isConst(const Defs& d, int id, double v);
/// `id` is a binary `op` instruction; its operands go to `a`, `b`.
bool isBinary(const Defs& d, int id, ir::Op op, int* a = nullptr, int* b = nullptr);

/// `cond` compares some c with 0 (c >= 0, c > 0, c <= 0, c < 0, or 0 on the left); `positive`:
/// whether it holds for c > 0.
bool comparesWithZero(const Defs& d, int cond, int* c, bool* positive);

/// Provably finite on every element: constants, weights/bias/layer, the l/u members of
/// computed layers (never curr), neurons, and +, -, *, max, min, neg, select of such values.
bool isFinite(const Defs& d, int id);

}  // namespace cert::passes
