// Seeded mutation test of the VNN-LIB reader: thousands of token and byte edits of valid
// properties, and deep nesting. No crash or hang; every diagnostic lies inside the text; when an
// accepted mutant bounds its inputs only by top-level `(assert (OP X_i NUMBER))` forms, its box
// equals the one an independent reading of those forms gives.
#include <QElapsedTimer>
#include <QtTest>

#include <limits>
#include <map>
#include <optional>
#include <random>
#include <regex>

#include "core/property/vnnlib.h"

using namespace cert;

namespace {

constexpr int64_t kInputs = 3, kOutputs = 3;

const std::vector<std::string> kSeeds = {
    "; robustness\n(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const X_2 Real)\n"
    "(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n(declare-const Y_2 Real)\n"
    "(assert (>= X_0 0.1))\n(assert (<= X_0 0.4))\n(assert (>= X_1 -1))\n(assert (<= X_1 1e-1))\n"
    "(assert (>= X_2 0))\n(assert (<= X_2 0.5))\n"
    "(assert (or (and (>= Y_1 Y_0)) (and (<= (* 2 Y_2) -0.5) (>= Y_1 0.25))))\n",
    "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const X_2 Real)\n"
    "(declare-const Y_0 Real)\n(declare-const Y_1 Real)\n(declare-const Y_2 Real)\n"
    "(assert (<= X_0 0.6))\n(assert (>= X_0 -0.3))\n(assert (<= X_1 0.5))\n(assert (>= X_1 0.45))\n"
    "(assert (<= X_2 0.0))\n(assert (>= X_2 -0.25))\n"
    "(assert (<= Y_0 Y_1))\n(assert (<= (+ Y_0 (- Y_2)) (/ 1 4)))\n",
};

const std::vector<std::string> kVocabulary = {
    "(", ")", "and", "or", "assert", "<=", ">=", "<", ">", "=", "X_0", "X_2", "X_3", "Y_1", "Y_7",
    "-", "+", "*", "/", "0.5", "-2", "1e400", "nan", "-inf", "Infinity", "declare-const", "Real",
    "Int", ";", "\n", "X_01", "1e-7", "true", "false"};

std::string mutate(std::string s, std::mt19937& rng) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const size_t at = pick(s.size() + 1);
  switch (pick(5)) {
    case 0: s.insert(at, " " + kVocabulary[pick(kVocabulary.size())] + " "); break;
    case 1: if (!s.empty()) s.erase(std::min(at, s.size() - 1), 1 + pick(6)); break;
    case 2: if (!s.empty()) s[std::min(at, s.size() - 1)] = static_cast<char>(pick(128)); break;
    case 3: s.insert(at, s.substr(std::min(at, s.size()), pick(24))); break;
    default: {  // nest the last assert's formula deeply (past the reader's limit at times)
      const size_t a = s.rfind("(assert ");
      if (a == std::string::npos) break;
      const size_t depth = 1 + pick(700);
      std::string open, close;
      for (size_t i = 0; i < depth; ++i) open += "(and ", close += ")";
      s.insert(a + 8, open);
      const size_t end = s.find('\n', a);
      s.insert(end == std::string::npos ? s.size() : end - 1, close);
      break;
    }
  }
  return s;
}

/// The box from top-level `(assert (OP X_i NUMBER))` / `(assert (OP NUMBER X_i))` forms, when
/// they and the declarations are the only places X_ occurs outside comments; else nullopt.
std::optional<std::pair<std::vector<double>, std::vector<double>>> boxIndependently(const std::string& withComments) {
  std::string text;  // comments (';' to the end of the line) removed
  for (size_t p = 0; p < withComments.size(); ++p) {
    if (withComments[p] == ';')
      while (p < withComments.size() && withComments[p] != '\n') ++p;
    if (p < withComments.size()) text += withComments[p];
  }
  static const std::regex kBound(
      R"(\(assert \((<=|>=|<|>) (X_(0|[1-9][0-9]*)|-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?) (X_(0|[1-9][0-9]*)|-?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?)\)\))");
  std::vector<double> lo(kInputs, -std::numeric_limits<double>::infinity()),
      hi(kInputs, std::numeric_limits<double>::infinity());
  size_t boundsX = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kBound); it != std::sregex_iterator(); ++it) {
    const std::string op = (*it)[1], a = (*it)[2], b = (*it)[6];
    const bool xFirst = a.rfind("X_", 0) == 0, xSecond = b.rfind("X_", 0) == 0;
    if (xFirst == xSecond) return std::nullopt;
    const int64_t i = std::stoll((xFirst ? a : b).substr(2));
    const double v = std::strtod((xFirst ? b : a).c_str(), nullptr);
    if (i >= kInputs || !std::isfinite(v)) return std::nullopt;
    const bool upper = (op[0] == '<') == xFirst;
    if (upper) hi[static_cast<size_t>(i)] = std::min(hi[static_cast<size_t>(i)], v);
    else lo[static_cast<size_t>(i)] = std::max(lo[static_cast<size_t>(i)], v);
    ++boundsX;
  }
  // Every X_ outside a declaration must be one of the bounds matched above.
  size_t uses = 0;
  for (size_t p = text.find("X_"); p != std::string::npos; p = text.find("X_", p + 1)) ++uses;
  size_t declared = 0;
  for (size_t p = text.find("(declare-const X_"); p != std::string::npos; p = text.find("(declare-const X_", p + 1))
    ++declared;
  if (uses != boundsX + declared) return std::nullopt;
  return std::make_pair(lo, hi);
}

}  // namespace

class TestMutateVnnlib : public QObject {
  Q_OBJECT

 private slots:
  void mutants();
};

void TestMutateVnnlib::mutants() {
  std::mt19937 rng(1234);
  QElapsedTimer timer;
  timer.start();
  int accepted = 0, compared = 0, tooDeep = 0;
  constexpr int kMutants = 20000;
  for (int iter = 0; iter < kMutants; ++iter) {
    std::string text = kSeeds[static_cast<size_t>(iter) % kSeeds.size()];
    for (int k = 0; k <= iter % 3; ++k) text = mutate(text, rng);
    const Result<Property> p = parseVnnlib(text, kInputs, kOutputs, "mutant.vnnlib");
    for (const Diagnostic& d : p.diagnostics) {
      QVERIFY2(!d.range.valid() || (d.range.begin.offset >= 0 && d.range.end.offset <= static_cast<int>(text.size())),
               ("a diagnostic outside the text: " + d.message).c_str());
      tooDeep += d.message.find("nested more than") != std::string::npos;
    }
    if (!p.ok()) continue;
    ++accepted;
    for (const PropertyItem& item : p->items)
      QVERIFY2(item.box.lower.allFinite() && item.box.upper.allFinite(), "an accepted box is not finite");
    const auto want = boxIndependently(text);
    if (!want) continue;
    QCOMPARE(p->items.size(), size_t{1});
    for (int64_t i = 0; i < kInputs; ++i) {
      QCOMPARE(p->items[0].box.lower[i], want->first[static_cast<size_t>(i)]);
      QCOMPARE(p->items[0].box.upper[i], want->second[static_cast<size_t>(i)]);
    }
    ++compared;
  }
  qInfo("%d mutants: %d accepted, %d boxes compared with the independent reading, %d too deep; %lld ms",
        kMutants, accepted, compared, tooDeep, static_cast<long long>(timer.elapsed()));
  QVERIFY(compared > kMutants / 50);
  QVERIFY(tooDeep > 0);
  QVERIFY(timer.elapsed() < 30000);
}

QTEST_GUILESS_MAIN(TestMutateVnnlib)
#include "tst_mutate_vnnlib.moc"
