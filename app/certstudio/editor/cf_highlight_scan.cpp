// Highlighting scan for ConstraintFlow: words from LANGUAGE.md section 2, numbers, operators, comments.
#include "app/certstudio/editor/cf_highlight_scan.h"

#include <algorithm>
#include <iterator>

namespace cert::studio {
namespace {

constexpr std::string_view kKeywords[] = {
    "def",   "Shape",  "as",     "func",    "transformer", "flow",     "forward",  "backward",
    "curr",  "prev",   "prev_0", "prev_1",  "curr_list",   "eps",      "true",     "false",
    "if",    "then",   "else",   "fi",      "and",         "or",       "In",       "sigma",
    "traverse", "map", "map_list", "dot",   "concat",      "sum",      "len",      "avg",
    "min",   "max",    "argmin", "argmax",  "lp",          "minimize", "maximize"};
constexpr std::string_view kTypes[] = {"Int",    "Float", "Bool",  "PolyExp", "SymExp",
                                       "Neuron", "Noise", "Ct",    "List"};
constexpr std::string_view kMetadata[] = {"weight", "bias", "layer", "last_layer", "equations"};
constexpr std::string_view kLayerOps[] = {
    "Affine",    "Relu",    "Relu6",   "Abs",     "HardTanh",   "HardSigmoid", "HardSwish",
    "Sigmoid",   "Tanh",    "Maxpool", "Avgpool", "Neuron_add", "Neuron_mult", "Neuron_max",
    "Neuron_min"};

template <std::size_t N>
bool contains(const std::string_view (&words)[N], std::string_view w) {
  return std::find(std::begin(words), std::end(words), w) != std::end(words);
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isWordStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isWordChar(char c) { return isWordStart(c) || isDigit(c) || c == '\''; }
bool isOperator(char c) {
  return std::string_view("+-*/=!<>?:,;.[](){}").find(c) != std::string_view::npos;
}

/// Length of the number starting at `i` (digits, optional fraction, optional exponent).
int numberLength(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && isDigit(s[j])) ++j;
  if (j + 1 < s.size() && s[j] == '.' && isDigit(s[j + 1])) {
    ++j;
    while (j < s.size() && isDigit(s[j])) ++j;
  }
  if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
    std::size_t k = j + 1;
    if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
    if (k < s.size() && isDigit(s[k])) {
      while (k < s.size() && isDigit(s[k])) ++k;
      j = k;
    }
  }
  return static_cast<int>(j - i);
}

}  // namespace

HighlightKind classifyWord(std::string_view w) {
  if (contains(kKeywords, w)) return HighlightKind::Keyword;
  if (contains(kTypes, w)) return HighlightKind::Type;
  if (contains(kMetadata, w)) return HighlightKind::Metadata;
  if (contains(kLayerOps, w) || w.starts_with("rev_")) return HighlightKind::LayerOp;
  return HighlightKind::Default;
}

LineScan scanHighlightLine(std::string_view line) {
  LineScan out;
  auto push = [&out](std::size_t begin, std::size_t length, HighlightKind kind) {
    if (kind != HighlightKind::Default && length > 0)
      out.spans.push_back({static_cast<int>(begin), static_cast<int>(length), kind});
  };
  std::size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == '/' && i + 1 < line.size() && line[i + 1] == '/') {
      push(i, line.size() - i, HighlightKind::Comment);
      break;
    }
    if (isWordStart(c)) {
      std::size_t j = i + 1;
      while (j < line.size() && isWordChar(line[j])) ++j;
      push(i, j - i, classifyWord(line.substr(i, j - i)));
      i = j;
    } else if (isDigit(c)) {
      const int n = numberLength(line, i);
      push(i, static_cast<std::size_t>(n), HighlightKind::Number);
      i += static_cast<std::size_t>(n);
    } else if (isOperator(c)) {
      if (c == '{') ++out.opens;
      if (c == '}') ++out.closes;
      push(i, 1, HighlightKind::Operator);
      ++i;
    } else {
      ++i;  // whitespace and anything unknown stay Default
    }
  }
  return out;
}

}  // namespace cert::studio
