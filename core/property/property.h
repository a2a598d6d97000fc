// Properties: input boxes (per batch item or per disjunct) and output constraints to prove.
#pragma once

#include <Eigen/Dense>

#include <optional>
#include <string>
#include <vector>

namespace cert {

/// An axis-aligned box over the network's (normalized) input neurons.
struct InputBox {
  Eigen::VectorXd lower;
  Eigen::VectorXd upper;
};

/// sum_i coeffs[i] * y_i + constant >= 0 over the network outputs y.
struct OutputInequality {
  Eigen::VectorXd coeffs;
  double constant = 0.0;
};

/// One item to certify: an input box and what must hold on the outputs over it.
/// For dataset rows: label is set; it is verified when y_label - y_j > 0 for all j != label.
/// For VNN-LIB: `unsafe` is the DNF (disjunction of conjunctions) that must be infeasible.
struct PropertyItem {
  std::string name;                       ///< "row 3", "disjunct 1 of prop_1.vnnlib"
  int index = 0;                          ///< dataset row index or disjunct number
  std::optional<int> label;               ///< dataset label
  Eigen::VectorXd center;                 ///< the (normalized) concrete point, when there is one
  InputBox box;                           ///< normalized box
  std::vector<std::vector<OutputInequality>> unsafe;  ///< VNN-LIB output constraints (DNF)
};

/// A batch of items, all over the same network.
struct Property {
  std::string source;  ///< file the property came from
  double eps = 0.0;    ///< dataset properties: the L-inf radius in raw [0, 1] units
  std::vector<PropertyItem> items;
};

}  // namespace cert
