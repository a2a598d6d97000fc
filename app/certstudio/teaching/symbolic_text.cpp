// Symbolic forms as text: numbers, term symbols, whole forms with truncation.
#include "app/certstudio/teaching/symbolic_text.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace cert::studio {
namespace {

const char* const kMinus = "\u2212";
const char* const kDot = "\u00b7";

std::string layerLabel(int block, const cert::Network* net) {
  if (net && block >= 0 && block < static_cast<int>(net->layers.size())) {
    const std::string& name = net->layers[static_cast<size_t>(block)].name;
    if (!name.empty()) return name;
  }
  return std::to_string(block);
}

}  // namespace

std::string formatNumber(double value) {
  if (value == 0) return "0";  // also -0
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

std::string termSymbol(const cert::SymbolicTerm& term, bool sym, const cert::Network* net) {
  if (sym) return "\u03b5[" + std::to_string(term.block) + ":" + std::to_string(term.index) + "]";
  return "x[" + layerLabel(term.block, net) + ":" + std::to_string(term.index) + "]";
}

std::string formatForm(const cert::SymbolicForm& form, const cert::Network* net, int maxTerms) {
  std::string out;
  const bool showConstant = form.constant != 0 || form.terms.empty();
  if (showConstant) out = form.constant < 0 ? kMinus + formatNumber(-form.constant) : formatNumber(form.constant);
  const size_t shown = maxTerms < 0 ? form.terms.size() : std::min(form.terms.size(), static_cast<size_t>(maxTerms));
  for (size_t i = 0; i < shown; ++i) {
    const cert::SymbolicTerm& t = form.terms[i];
    const bool negative = t.coeff < 0;
    const double magnitude = std::abs(t.coeff);
    if (out.empty()) out = negative ? kMinus : "";
    else out += negative ? std::string(" ") + kMinus + " " : std::string(" + ");
    if (magnitude != 1) out += formatNumber(magnitude) + kDot;
    out += termSymbol(t, form.sym, net);
  }
  if (shown < form.terms.size()) out += " \u2026 (+" + std::to_string(form.terms.size() - shown) + " terms)";
  return out;
}

std::string layerList(const std::vector<int>& blocks, const cert::Network* net) {
  std::string out;
  for (int b : blocks) {
    if (!out.empty()) out += ", ";
    out += layerLabel(b, net);
  }
  return out;
}

double concretizeLowerOverInputs(const cert::SymbolicForm& form, const Eigen::VectorXd& lower,
                                 const Eigen::VectorXd& upper) {
  double sum = form.constant;
  for (const cert::SymbolicTerm& t : form.terms) {
    if (t.block != 0 || t.index < 0 || t.index >= lower.size()) return std::numeric_limits<double>::quiet_NaN();
    sum += t.coeff >= 0 ? t.coeff * lower[t.index] : t.coeff * upper[t.index];
  }
  return sum;
}

}  // namespace cert::studio
