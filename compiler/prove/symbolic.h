// Symbolic values of the prover: z3 terms for Float/Bool, linear forms over atoms for
// PolyExp/SymExp, neurons and noise symbols as atoms of one World.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <z3++.h>

#include "compiler/ast/ast.h"

namespace cert::prove {

/// Raised inside the prover for a construct it cannot model; the driver turns it into `unknown`.
struct Unsupported {
  std::string message;
  SourceRange range;
};

/// One term c * atom of a linear form.
struct Term {
  int atom = -1;
  z3::expr coef;
};

/// c0 + sum coef_j * atom_j: a PolyExp (atoms are neurons) or SymExp (atoms are noise symbols).
struct Lin {
  z3::expr c0;
  std::vector<Term> terms;  ///< at most one term per atom
};

enum class VKind { Real, Bool, Neuron, Noise, Lin, List, Func, Tuple };

/// A symbolic value. Fields not used by a kind keep their defaults.
struct Value {
  VKind kind = VKind::Real;
  z3::expr x;                   ///< Real, Bool
  int atom = -1;                ///< Neuron, Noise
  Lin lin;                      ///< Lin
  std::vector<Value> items;     ///< List elements, Tuple members, Func bound arguments
  std::vector<z3::expr> present;  ///< List: whether element i is in the list (argmax filters)
  std::string func;             ///< Func: the function's name

  explicit Value(z3::context& c) : x(c), lin{c.real_val(0), {}} {}
  static Value real(z3::expr e);
  static Value boolean(z3::expr e);
};

enum class AtomKind { Neuron, Noise, Opaque };

/// A neuron, a noise symbol, or an opaque PolyExp value (a member of a neuron whose terms are not
/// needed, or not yet: `map` expands it into a generic linear form).
struct Atom {
  Atom(AtomKind k, std::string n, z3::expr v, int d)
      : kind(k), name(std::move(n)), value(std::move(v)), depth(d) {}

  AtomKind kind = AtomKind::Neuron;
  std::string name;  ///< for counterexamples: "prev", "prev[1]", "prev[L].n0", "e0"
  z3::expr value;    ///< the concrete value
  int depth = 0;     ///< how many member expansions lie between it and the rule's inputs
  bool fresh = false;  ///< Noise: a new symbol made by `eps` in this rule (existential)
  bool isCurr = false;
  bool constrained = false;  ///< Neuron: the shape constraints hold for it (a hypothesis)
  std::map<std::string, Value> members;  ///< Neuron: members and metadata made so far
  bool assumed = false;      ///< Neuron: its constraints were added to the hypotheses
  std::vector<Lin> expansion;  ///< Opaque: its generic terms once `map` needed them (0 or 1)
};

/// Everything one rule's proof creates: atoms, named unknowns, hypotheses, shared noise.
class World {
 public:
  explicit World(z3::context& c) : ctx(c) {}

  z3::context& ctx;
  std::vector<Atom> atoms;
  /// Unknowns a counterexample reports (reals, and booleans as 1/0), in creation order.
  std::vector<std::pair<std::string, z3::expr>> named;
  std::vector<z3::expr> hypotheses;
  /// Values computed from the unknowns that a counterexample also reports ("curr", "curr[l]").
  std::vector<std::pair<std::string, z3::expr>> derived;
  std::vector<int> sharedNoise;  ///< the noise symbols input SymExps range over
  int freshNoise = -1;           ///< this rule's `eps` symbol, once made

  /// A fresh real unknown, reported in counterexamples under `name`.
  z3::expr real(const std::string& name);
  /// A fresh boolean unknown (reported as 1 or 0).
  z3::expr boolean(const std::string& name);
  int addAtom(AtomKind kind, const std::string& name, z3::expr value, int depth);
  /// A new neuron with a free concrete value; `constrained` ones get the shape's constraints.
  int neuron(const std::string& name, int depth, bool constrained = true);
  /// The value of a linear form: c0 + sum coef * value(atom).
  z3::expr valueOf(const Lin& l) const;
  /// The noise symbols SymExp members range over (made on first use, each in [-1, 1]).
  const std::vector<int>& noise(int count);
  int epsAtom();
};

/// A Neuron, Noise or Real value as a linear form; Lin unchanged. Throws Unsupported otherwise.
Lin toLin(const Value& v, const SourceRange& at);
bool isLinear(const Value& v);
Value linValue(Lin l);
Lin linAdd(const Lin& a, const Lin& b);
Lin linScale(const Lin& a, const z3::expr& k);
/// cond ? a : b, term by term.
Lin linSelect(const z3::expr& cond, const Lin& a, const Lin& b);
/// cond ? a : b for any two values of compatible kinds (tuples and lists element by element).
Value select(const z3::expr& cond, const Value& a, const Value& b, const SourceRange& at);

/// An exact rational z3 numeral for a literal's spelling ("0.25", "1e-3", "-2").
z3::expr literal(z3::context& c, const std::string& text, double fallback);

}  // namespace cert::prove
