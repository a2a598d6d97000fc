// A linear program over bounded variables and equality rows, solved by GLPK with a verified bound.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace cert::runtime {

/// One equality row: sum of coeff * x[var] == rhs.
struct LpRow {
  std::vector<std::pair<int, double>> terms;  ///< (variable, coefficient)
  double rhs = 0;
};

/// Variables x[0..n) with lower[k] <= x[k] <= upper[k] (infinite ends allowed) and equality rows.
struct LpProblem {
  std::vector<double> lower, upper;
  std::vector<LpRow> rows;
};

/// One LP problem, built once, whose objective may change between solves (the simplex restarts
/// from the previous basis). Not thread-safe; one per thread.
class LpSolver {
 public:
  explicit LpSolver(const LpProblem& problem);
  ~LpSolver();
  LpSolver(const LpSolver&) = delete;
  LpSolver& operator=(const LpSolver&) = delete;

  /// A value v with v <= min (minimize) or v >= max (maximize) of constant + sum coeff * x[var]
  /// over the feasible set, valid whatever the rounding inside GLPK: v is the Lagrangian bound of
  /// the dual multipliers GLPK returns (Neumaier & Shcherbina, "Safe bounds in linear and
  /// mixed-integer programming", 2004), evaluated with an error term for the double rounding of
  /// every product and sum. Any multipliers give a valid bound; GLPK's optimal ones make it tight.
  /// A failed or non-optimal solve gives -inf (minimize) / +inf (maximize); an infeasible problem
  /// (inconsistent rows) gives the same.
  double bound(const std::vector<std::pair<int, double>>& objective, double constant, bool maximize);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The same bound from a fresh solver (one objective).
double lpBound(const LpProblem& problem, const std::vector<std::pair<int, double>>& objective, double constant,
               bool maximize);

}  // namespace cert::runtime
