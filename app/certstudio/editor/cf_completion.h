// What the editor offers to complete: the words of ConstraintFlow and of the spec being edited.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cert::ast {
struct Program;
}

namespace cert::studio {

/// The names a spec declares, for completion and highlighting.
struct SpecOutline {
  struct Func {
    std::string name;
    std::string signature;  ///< "backsubs_lower(PolyExp e, Neuron n)": the call tip
  };
  std::vector<std::string> shapeMembers;  ///< "l", "u", "L", "U" for DeepPoly
  std::vector<Func> funcs;

  friend bool operator==(const SpecOutline&, const SpecOutline&) = default;
};

/// The shape members and functions of a parsed program.
SpecOutline outlineOf(const cert::ast::Program& program);

/// The words to offer and how many bytes before the cursor they replace.
struct Completion {
  int prefixLength = 0;
  std::vector<std::string> items;  ///< byte-sorted, unique; empty: offer nothing
};

/// What to offer with the cursor after `lineBefore` (its line, up to the cursor).
/// After `[` (an index into a neuron): the shape members and metadata names. Elsewhere, once
/// `minPrefix` identifier characters are typed: keywords, types, layer operator names (from
/// compiler/types/operators.h), metadata names and the spec's functions, starting with them.
/// Nothing inside a `//` comment, and nothing when the only match is already typed out.
Completion completionsAt(std::string_view lineBefore, const SpecOutline& outline, int minPrefix);

/// The call tip when `lineBefore` ends in `f(` for one of the spec's functions `f`; else "".
std::string callTipAt(std::string_view lineBefore, const SpecOutline& outline);

}  // namespace cert::studio
