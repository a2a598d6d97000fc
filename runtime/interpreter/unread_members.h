// Which Float members of which layers nothing in a run reads: a run that reports only margins and
// verdicts (RunOptions::allLayerBounds false) leaves them out, with the instructions only they need.
//
// A layer's Float member is read when a later layer's rule reads it by name through its inputs
// (prev, prev_0, prev_1, the prev list, argmax's other element), a Concat copies it into a member
// that is read, or the verdict reads it (the margins and their inputs; the network's output layer and its inputs unless the
// margins are folded into it, when the verdict reads the layer they are folded over instead). A
// read through a term's neuron (n[l] in a map or traverse region) or an lp bound may reach any
// earlier layer, and counts as a read of every earlier layer's member, except in the body of a
// map over a traverse whose stop is a constant false: that traverse replaces every term, so the
// map has none (CROWN's and DeepPoly's `.map(simplify_lower)` after back-substitution). Should a
// run read a member left out all the same, it finds it marked (UnreadMemberRead,
// runtime/interpreter/layer_state.h) and the item runs again with every member: slower, never
// different. resnet_2b under CROWN leaves out the bounds of the three conv layers that only its
// Adds read (a third of its run); IBP's maps over `prev.dot(w)` read every earlier layer's l, u.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "runtime/compiled_certifier.h"
#include "runtime/interpreter/item_run.h"

namespace cert::interp {

/// Per layer of `layers` (execution order), the names of its Float members that no rule and no
/// verdict reads. Every set is empty when the spec has reverse rules (a backward flow reads every
/// layer again). `marginsMember`: where the last layer of `layers` is the margins layer, the one
/// member of it the verdict reads ("l" for a labelled item, whose margins must have lower bounds
/// > 0; "u" for a VNN-LIB item, whose atoms must have upper bounds < 0): its other Float members
/// are left out too (a label's margins: the upper back-substitution, a seventh of a one-input
/// CROWN run on convSmall). Empty: the margins layer keeps every member.
std::vector<std::set<std::string>> unreadFloatMembers(const CompiledCertifier& cc, const LayerSequence& layers,
                                                      const std::string& marginsMember = {});

/// The top-level instructions of `prog` that only the members in `leaveOut` need: those the kept
/// members' results do not read, directly or through other instructions (nested regions' reads
/// of outer values included). `memberNames`: the program's results' member names, in order.
std::set<int> instructionsOnlyFor(const ir::Program& prog, const std::vector<std::string>& memberNames,
                                  const std::set<std::string>& leaveOut);

}  // namespace cert::interp
