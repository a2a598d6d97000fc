// VNN-LIB reader: S-expressions -> declarations and asserts -> DNF -> one item per input box.
#include "core/property/vnnlib.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "core/property/property_builder.h"
#include "core/property/sexpr.h"

namespace cert {
namespace {

constexpr size_t kMaxDisjuncts = 100000;
constexpr int kMaxUnboundedReports = 10;
constexpr int64_t kMaxInferredIndex = int64_t{1} << 24;  // sizes taken from the declarations

/// sum x[i] * X_i + sum y[j] * Y_j + constant.
struct Linear {
  std::map<int64_t, double> x, y;
  double constant = 0.0;

  void add(const Linear& o, double k) {
    for (auto [i, c] : o.x) x[i] += k * c;
    for (auto [j, c] : o.y) y[j] += k * c;
    constant += k * o.constant;
  }
  bool isConstant() const { return x.empty() && y.empty(); }
  bool finite() const {
    if (!std::isfinite(constant)) return false;
    for (const auto* m : {&x, &y})
      for (const auto& [i, c] : *m)
        if (!std::isfinite(c)) return false;
    return true;
  }
  void dropZeros() {
    std::erase_if(x, [](const auto& p) { return p.second == 0.0; });
    std::erase_if(y, [](const auto& p) { return p.second == 0.0; });
  }
};

struct Bound {
  int64_t input;
  bool lower;
  double value;
};

/// One conjunction: input bounds and output atoms (each `expr >= 0`, expr over Y only).
struct Term {
  std::vector<Bound> bounds;
  std::vector<Linear> outputs;

  void append(const Term& o) {
    bounds.insert(bounds.end(), o.bounds.begin(), o.bounds.end());
    outputs.insert(outputs.end(), o.outputs.begin(), o.outputs.end());
  }
};
using Dnf = std::vector<Term>;

struct Decl {
  bool input;
  int64_t index;
  SourceRange range;
};

std::optional<double> parseNumber(const std::string& s) {
  std::string_view v = s;
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  double d = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || ptr != v.data() + v.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

/// NaN and infinity as number parsers spell them (nan, -inf, +Infinity, ...).
bool isNonFiniteLiteral(const std::string& s) {
  std::string v = s;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.erase(0, 1);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v == "nan" || v == "inf" || v == "infinity";
}

bool looksNumeric(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  return i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.');
}

class VnnlibParser {
 public:
  VnnlibParser(int64_t inputs, int64_t outputs) : inputs_(inputs), outputs_(outputs) {}

  Result<Property> run(const std::string& text, const std::string& source);

 private:
  void error(std::string msg, const SourceRange& r) {
    diags_.push_back(Diagnostic::error(std::move(msg), r));
  }
  void declare(const SExpr& form);
  std::optional<Linear> term(const SExpr& e);           ///< termUnchecked, then finite coefficients
  std::optional<Linear> termUnchecked(const SExpr& e);
  std::optional<std::vector<Linear>> arguments(const SExpr& e);
  std::optional<Dnf> formula(const SExpr& e);
  std::optional<Dnf> comparison(const SExpr& e);
  std::optional<Term> atom(Linear diff, const SExpr& where);
  bool conjoin(Dnf& acc, const Dnf& other, const SourceRange& where);
  std::vector<PropertyItem> items(const Dnf& dnf, const std::string& source);

  int64_t inputs_, outputs_;
  Diagnostics diags_;
  std::map<std::string, Decl> decls_;
  std::set<std::string> rejected_;  // names whose declaration failed: uses fail silently
};

void VnnlibParser::declare(const SExpr& form) {
  const bool fun = form.head() == "declare-fun";
  const size_t want = fun ? 4 : 3;
  if (form.items.size() != want || !form.items[1].isAtom()) {
    error(fun ? "expected (declare-fun NAME () Real)" : "expected (declare-const NAME Real)", form.range);
    return;
  }
  const SExpr& name = form.items[1];
  if (fun && !(form.items[2].isList() && form.items[2].items.empty())) {
    error("declare-fun with arguments is not supported; use (declare-fun NAME () Real)",
          form.items[2].range);
    rejected_.insert(name.text);
    return;
  }
  const SExpr& sort = form.items.back();
  const std::string& n = name.text;
  const bool input = n.rfind("X_", 0) == 0, output = n.rfind("Y_", 0) == 0;
  int64_t index = -1;
  if (input || output) {
    const char* b = n.data() + 2;
    const char* e = n.data() + n.size();
    auto [ptr, ec] = std::from_chars(b, e, index);
    const bool leadingZero = e - b > 1 && *b == '0';  // X_01 would alias X_1
    if (b == e || ptr != e || !std::isdigit(static_cast<unsigned char>(*b)) || leadingZero) index = -1;
    else if (ec != std::errc()) index = std::numeric_limits<int64_t>::max();
  }
  if (index < 0) {
    error("unsupported variable name '" + n + "': VNN-LIB variables are X_i (inputs) and Y_j (outputs)",
          name.range);
    rejected_.insert(n);
    return;
  }
  const int64_t limit = input ? inputs_ : outputs_;
  if (limit < 0 && index >= kMaxInferredIndex) {
    error(n + ": index too large", name.range);
    rejected_.insert(n);
    return;
  }
  if (limit >= 0 && index >= limit) {
    const char* what = input ? "inputs" : "outputs";
    error(n + " is out of range: the network has " + std::to_string(limit) + " " + what +
              (limit > 0 ? " (" + std::string(input ? "X_0..X_" : "Y_0..Y_") +
                               std::to_string(limit - 1) + ")"
                         : std::string()),
          name.range);
    rejected_.insert(n);
    return;
  }
  if (decls_.count(n)) {
    error(n + " is declared twice", name.range);
    return;
  }
  if (!sort.isAtom() || sort.text != "Real")
    error("unsupported sort '" + (sort.isAtom() ? sort.text : std::string("(...)")) +
              "': VNN-LIB variables are Real",
          sort.range);
  decls_[n] = {input, index, name.range};
}

/// The terms e.items[1..], all evaluated so that each bad one is reported.
std::optional<std::vector<Linear>> VnnlibParser::arguments(const SExpr& e) {
  std::vector<Linear> args;
  bool ok = true;
  for (size_t i = 1; i < e.items.size(); ++i) {
    auto a = term(e.items[i]);
    ok = ok && a.has_value();
    if (a) args.push_back(std::move(*a));
  }
  if (!ok) return std::nullopt;
  return args;
}

std::optional<Linear> VnnlibParser::term(const SExpr& e) {
  std::optional<Linear> out = termUnchecked(e);
  if (out && !out->finite()) {
    error("this term evaluates to a non-finite number (overflow)", e.range);
    return std::nullopt;
  }
  return out;
}

std::optional<Linear> VnnlibParser::termUnchecked(const SExpr& e) {
  Linear out;
  if (e.isAtom()) {
    if (isNonFiniteLiteral(e.text)) {
      error("'" + e.text + "' is not a finite number: VNN-LIB constants must be finite reals", e.range);
      return std::nullopt;
    }
    if (looksNumeric(e.text)) {
      auto v = parseNumber(e.text);
      if (!v) {
        error("invalid number '" + e.text + "' (not a finite double)", e.range);
        return std::nullopt;
      }
      out.constant = *v;
      return out;
    }
    auto it = decls_.find(e.text);
    if (it == decls_.end()) {
      if (!rejected_.count(e.text)) error("undeclared name '" + e.text + "'", e.range);
      return std::nullopt;
    }
    (it->second.input ? out.x : out.y)[it->second.index] = 1.0;
    return out;
  }
  const std::string& f = e.head();
  if (f.empty()) {
    error(e.items.empty() ? "empty expression '()'" : "expected a function name", e.range);
    return std::nullopt;
  }
  if (f != "+" && f != "-" && f != "*" && f != "/") {
    error("unknown function '" + f + "' in a term (supported: +, -, *, /)", e.items[0].range);
    return std::nullopt;
  }
  if (e.items.size() < 2 || (f == "/" && e.items.size() != 3)) {
    error("'" + f + "' needs " + (f == "/" ? "two arguments" : "at least one argument"), e.range);
    return std::nullopt;
  }
  auto parsed = arguments(e);
  if (!parsed) return std::nullopt;
  const std::vector<Linear>& args = *parsed;
  if (f == "+" || f == "-") {
    const bool negateAll = f == "-" && args.size() == 1;
    for (size_t i = 0; i < args.size(); ++i)
      out.add(args[i], (f == "-" && (i > 0 || negateAll)) ? -1.0 : 1.0);
    return out;
  }
  if (f == "/") {
    if (!args[1].isConstant()) {
      error("non-linear term: division by a variable", e.range);
      return std::nullopt;
    }
    if (args[1].constant == 0.0) {
      error("division by zero", e.items[2].range);
      return std::nullopt;
    }
    out.add(args[0], 1.0 / args[1].constant);
    return out;
  }
  // '*': the product of constants and at most one variable term.
  double k = 1.0;
  const Linear* variable = nullptr;
  for (const Linear& a : args) {
    if (a.isConstant()) {
      k *= a.constant;
    } else if (variable) {
      error("non-linear term: product of two variable terms", e.range);
      return std::nullopt;
    } else {
      variable = &a;
    }
  }
  if (variable)
    out.add(*variable, k);
  else
    out.constant = k;
  return out;
}

std::optional<Term> VnnlibParser::atom(Linear diff, const SExpr& where) {
  diff.dropZeros();
  Term t;
  if (diff.x.empty()) {
    t.outputs.push_back(std::move(diff));
    return t;
  }
  if (!diff.y.empty()) {
    error("a constraint mixing inputs and outputs is not supported (inputs take bounds only)",
          where.range);
    return std::nullopt;
  }
  if (diff.x.size() > 1) {
    error("a constraint over several inputs is not supported (only bounds on a single X_i)",
          where.range);
    return std::nullopt;
  }
  const auto [i, a] = *diff.x.begin();
  t.bounds.push_back({i, a > 0, -diff.constant / a});  // a x + c >= 0
  return t;
}

std::optional<Dnf> VnnlibParser::comparison(const SExpr& e) {
  const std::string& op = e.head();
  if (e.items.size() < 3) {
    error("'" + op + "' needs at least two arguments", e.range);
    return std::nullopt;
  }
  auto parsed = arguments(e);
  if (!parsed) return std::nullopt;
  const std::vector<Linear>& args = *parsed;
  // One conjunction of `diff >= 0` atoms: a <= b gives b - a; a >= b gives a - b; = gives both.
  Term all;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    std::vector<Linear> diffs;
    auto minus = [](Linear a, const Linear& b) { a.add(b, -1.0); return a; };
    if (op == "<=" || op == "<" || op == "=") diffs.push_back(minus(args[i + 1], args[i]));
    if (op == ">=" || op == ">" || op == "=") diffs.push_back(minus(args[i], args[i + 1]));
    for (Linear& d : diffs) {
      auto t = atom(std::move(d), e);
      if (!t) return std::nullopt;
      all.append(*t);
    }
  }
  return Dnf{std::move(all)};
}

bool VnnlibParser::conjoin(Dnf& acc, const Dnf& other, const SourceRange& where) {
  if (other.size() == 1) {  // the common case: extend every disjunct in place
    for (Term& t : acc) t.append(other[0]);
    return true;
  }
  if (acc.size() * other.size() > kMaxDisjuncts) {
    error("the constraints expand to more than " + std::to_string(kMaxDisjuncts) + " disjuncts", where);
    return false;
  }
  Dnf product;
  for (const Term& a : acc)
    for (const Term& b : other) {
      product.push_back(a);
      product.back().append(b);
    }
  acc = std::move(product);
  return true;
}

std::optional<Dnf> VnnlibParser::formula(const SExpr& e) {
  if (e.isAtom()) {
    if (e.text == "true") return Dnf{Term{}};
    if (e.text == "false") return Dnf{};
    error("expected a constraint, got '" + e.text + "'", e.range);
    return std::nullopt;
  }
  const std::string& op = e.head();
  if (op == "<=" || op == ">=" || op == "<" || op == ">" || op == "=") return comparison(e);
  if (op == "and" || op == "or") {
    Dnf acc = op == "and" ? Dnf{Term{}} : Dnf{};
    bool ok = true;
    for (size_t i = 1; i < e.items.size(); ++i) {
      auto d = formula(e.items[i]);
      if (!d) {
        ok = false;
      } else if (ok && op == "or") {
        acc.insert(acc.end(), d->begin(), d->end());
        if (acc.size() > kMaxDisjuncts) {
          error("the constraints expand to more than " + std::to_string(kMaxDisjuncts) + " disjuncts", e.range);
          return std::nullopt;
        }
      } else if (ok) {
        ok = conjoin(acc, *d, e.range);
      }
    }
    if (!ok) return std::nullopt;
    return acc;
  }
  if (op.empty())
    error(e.items.empty() ? "empty expression '()'" : "expected a function name", e.range);
  else
    error("unknown function '" + op + "' (constraints use and, or, <=, >=, <, >, =)", e.items[0].range);
  return std::nullopt;
}

std::vector<PropertyItem> VnnlibParser::items(const Dnf& dnf, const std::string& source) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<SourceRange> declAt(static_cast<size_t>(inputs_));
  for (const auto& [name, d] : decls_)
    if (d.input) declAt[static_cast<size_t>(d.index)] = d.range;

  std::vector<PropertyItem> out;
  std::set<int64_t> reportedUnbounded;
  int unboundedMore = 0;
  bool warnedNoOutputs = false;
  for (size_t k = 0; k < dnf.size(); ++k) {
    const Term& t = dnf[k];
    InputBox box{Eigen::VectorXd::Constant(inputs_, -kInf), Eigen::VectorXd::Constant(inputs_, kInf)};
    for (const Bound& b : t.bounds) {
      double& end = b.lower ? box.lower[b.input] : box.upper[b.input];
      end = b.lower ? std::max(end, b.value) : std::min(end, b.value);
    }
    const std::string where = dnf.size() > 1 ? " in disjunct " + std::to_string(k) : "";
    bool bounded = true, empty = false;
    for (int64_t i = 0; i < inputs_; ++i) {
      const bool lo = std::isfinite(box.lower[i]), hi = std::isfinite(box.upper[i]);
      if (lo && hi) {
        empty = empty || box.lower[i] > box.upper[i];
        continue;
      }
      bounded = false;
      if (!reportedUnbounded.insert(i).second) continue;  // one report per input
      if (reportedUnbounded.size() > kMaxUnboundedReports) {
        ++unboundedMore;
        continue;
      }
      error("X_" + std::to_string(i) + " has no " +
                (!lo && !hi ? "bounds" : !lo ? "lower bound" : "upper bound") + where +
                " (every input needs both)",
            declAt[static_cast<size_t>(i)]);
    }
    if (!bounded) continue;
    if (empty) {
      diags_.push_back(Diagnostic::warning("the input box of disjunct " + std::to_string(k) +
                                           " is empty (a lower bound above its upper bound); dropped"));
      continue;
    }
    std::vector<OutputInequality> conj;
    for (const Linear& l : t.outputs) {
      OutputInequality q{Eigen::VectorXd::Zero(outputs_), l.constant};
      for (auto [j, c] : l.y) q.coeffs[j] = c;
      conj.push_back(std::move(q));
    }
    if (conj.empty() && !warnedNoOutputs) {
      warnedNoOutputs = true;
      diags_.push_back(Diagnostic::warning(
          "no output constraint" + where + ": every output is unsafe, the property cannot hold"));
    }
    auto same = std::find_if(out.begin(), out.end(), [&](const PropertyItem& it) {
      return it.box.lower == box.lower && it.box.upper == box.upper;
    });
    if (same == out.end()) {
      PropertyItem item;
      item.index = static_cast<int>(out.size());
      item.center = 0.5 * (box.lower + box.upper);
      item.box = std::move(box);
      out.push_back(std::move(item));
      same = out.end() - 1;
    }
    same->unsafe.push_back(std::move(conj));
  }
  if (unboundedMore > 0)
    error("... and " + std::to_string(unboundedMore) + " more inputs without bounds", {});
  const std::string file = std::filesystem::path(source).filename().string();
  for (PropertyItem& item : out)
    item.name = out.size() == 1 ? file : "disjunct " + std::to_string(item.index) + " of " + file;
  if (out.empty() && !hasErrors(diags_))
    error("the input region is empty: no disjunct has a satisfiable input box", {});
  return out;
}

Result<Property> VnnlibParser::run(const std::string& text, const std::string& source) {
  static const std::set<std::string> kIgnored = {"set-logic", "set-info", "set-option",
                                                 "check-sat", "get-model", "exit", "get-value"};
  auto forms = parseSExprs(text);
  diags_ = forms.diagnostics;
  Dnf all{Term{}};
  bool assertsOk = true;
  for (const SExpr& form : *forms.value) {
    const std::string& h = form.head();
    if (h == "declare-const" || h == "declare-fun") {
      declare(form);
    } else if (h == "assert") {
      if (form.items.size() != 2) {
        error("expected (assert FORMULA)", form.range);
        assertsOk = false;
        continue;
      }
      auto d = formula(form.items[1]);
      if (!d) assertsOk = false;
      else if (assertsOk) assertsOk = conjoin(all, *d, form.range);
    } else if (kIgnored.count(h) == 0) {
      if (h.empty())
        error("expected a command such as (declare-const X_0 Real) or (assert ...)", form.range);
      else
        error("unknown command '" + h + "'", form.items[0].range);
    }
  }
  auto inferred = [&](bool input) {
    int64_t n = 0;
    for (const auto& [name, d] : decls_)
      if (d.input == input) n = std::max(n, d.index + 1);
    return n;
  };
  if (inputs_ < 0) inputs_ = inferred(true);
  if (outputs_ < 0) outputs_ = inferred(false);

  Result<Property> result;
  // The whole-file checks only make sense when every form was read and understood.
  if (!hasErrors(diags_)) {
    std::vector<int64_t> missing;
    for (int64_t i = 0; i < inputs_; ++i)
      if (!decls_.count("X_" + std::to_string(i))) missing.push_back(i);
    if (inputs_ == 0) {
      error("no input is declared: declare the inputs as (declare-const X_0 Real), ...", {});
    } else if (!missing.empty()) {
      const std::string first = "X_" + std::to_string(missing.front());
      error((missing.size() == 1 ? first + " is"
                                 : std::to_string(missing.size()) + " inputs (" + first + ", ...) are") +
                " not declared; the network has " + std::to_string(inputs_) + " inputs",
            {});
    } else {
      Property prop;
      prop.source = source;
      prop.items = items(all, source);
      if (!hasErrors(diags_)) result.value = std::move(prop);
    }
  }
  result.diagnostics = std::move(diags_);
  return result;
}

}  // namespace

Result<Property> parseVnnlib(const std::string& text, int64_t inputSize, int64_t outputSize,
                             const std::string& source) {
  return VnnlibParser(inputSize, outputSize).run(text, source);
}

Result<Property> readVnnlib(const std::string& path, const Network& net) {
  if (auto d = checkPropertyNetwork(net)) return Result<Property>::failure(*d);
  const auto text = readTextFile(path);
  if (!text) return Result<Property>::failure(Diagnostic::error("cannot read " + path));
  auto result = parseVnnlib(*text, net.inputSize(), net.outputSize(), path);
  if (result.value) normalizeItems(net, result.value->items);
  return result;
}

}  // namespace cert
