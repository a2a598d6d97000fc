// Seeded mutation test of the dataset CSV reader: thousands of edits of valid files. No crash or
// hang; every diagnostic lies inside the text; every accepted file has exactly the rows an
// independent reading (written here from the documented format) finds.
#include <QElapsedTimer>
#include <QtTest>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <optional>
#include <random>
#include <regex>

#include "core/property/dataset_csv.h"

using namespace cert;

namespace {

const std::vector<std::string> kSeeds = {
    "3,0,255,128,7\n1, 12 ,13,14,15\n\n0,1,2,3,4\n",
    "7,0.5,1e2,254.75,0\r\n2,3,4,5,6\r\n",
    "0,0\n1,255\n2,127.5\n",
};

const std::vector<std::string> kVocabulary = {",", " ", "\n", "\r", "\t", "-", "+", "1e2", "0x1f", "256",
                                              "255", "nan", "inf", ".5", "5.", "9999999999", "a", "0",
                                              "1e-3", "2147483648", "12", "\r\n", ",,"};

std::string mutate(std::string s, std::mt19937& rng) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const size_t at = pick(s.size() + 1);
  switch (pick(4)) {
    case 0: s.insert(at, kVocabulary[pick(kVocabulary.size())]); break;
    case 1: if (!s.empty()) s.erase(std::min(at, s.size() - 1), 1 + pick(3)); break;
    case 2: if (!s.empty()) s[std::min(at, s.size() - 1)] = static_cast<char>(pick(128)); break;
    default: s.insert(at, s.substr(std::min(at, s.size()), pick(12))); break;
  }
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

/// The rows by the documented format: lines split at '\n' (a trailing '\r' dropped), blank lines
/// skipped, fields split at ',' and trimmed of spaces and tabs; a label that is a non-negative
/// decimal int, then decimal numbers in 0..255 that do not underflow to zero (subnormal values are
/// numbers), as many per row as in the first. nullopt: not valid.
std::optional<std::vector<DatasetRow>> readIndependently(const std::string& text) {
  static const std::regex kLabel("-?[0-9]+");  // "-0" is 0: a non-negative value
  static const std::regex kNumber("-?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
  std::vector<DatasetRow> rows;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    DatasetRow row;
    size_t start = 0;
    for (int field = 0;; ++field) {
      size_t comma = line.find(',', start);
      if (comma == std::string::npos) comma = line.size();
      const std::string f = trim(line.substr(start, comma - start));
      if (field == 0) {
        if (!std::regex_match(f, kLabel)) return std::nullopt;
        const std::string digits = f.substr(std::min(f.find_first_not_of("-0"), f.size()));
        if (digits.size() > 10 || (!digits.empty() && std::stoll(digits) > INT_MAX)) return std::nullopt;
        if (f[0] == '-' && !digits.empty()) return std::nullopt;  // negative
        row.label = digits.empty() ? 0 : static_cast<int>(std::stoll(digits));
      } else {
        if (!std::regex_match(f, kNumber)) return std::nullopt;
        errno = 0;
        const double v = std::strtod(f.c_str(), nullptr);
        const bool underflowToZero = errno == ERANGE && v == 0.0;
        if (underflowToZero || !(v >= 0 && v <= 255)) return std::nullopt;
        row.pixels.push_back(v);
      }
      if (comma == line.size()) break;
      start = comma + 1;
    }
    if (!rows.empty() && row.pixels.size() != rows.front().pixels.size()) return std::nullopt;
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return std::nullopt;
  return rows;
}

/// Every diagnostic range lies inside the text.
bool rangesInside(const Diagnostics& diags, const std::string& text) {
  for (const Diagnostic& d : diags)
    if (d.range.valid() && (d.range.begin.offset < 0 || d.range.end.offset < d.range.begin.offset ||
                            d.range.end.offset > static_cast<int>(text.size())))
      return false;
  return true;
}

}  // namespace

class TestMutateCsv : public QObject {
  Q_OBJECT

 private slots:
  void mutants();
  void fuzzFindings();
};

void TestMutateCsv::fuzzFindings() {
  // fuzz_csv: an empty last field at the very end of the text was marked one past the end.
  for (const std::string text : {"3,0,255,12 ,13,14,15,", "1,", ",", "1,2\n3,"}) {
    const auto parsed = parseDatasetCsv(text, "f.csv");
    QVERIFY(!parsed.ok());
    QVERIFY2(rangesInside(parsed.diagnostics, text), text.c_str());
  }
}

void TestMutateCsv::mutants() {
  std::mt19937 rng(4711);
  QElapsedTimer timer;
  timer.start();
  int accepted = 0;
  constexpr int kMutants = 50000;
  for (int iter = 0; iter < kMutants; ++iter) {
    std::string text = kSeeds[static_cast<size_t>(iter) % kSeeds.size()];
    for (int k = 0; k <= iter % 3; ++k) text = mutate(text, rng);
    const auto parsed = parseDatasetCsv(text, "mutant.csv");
    QVERIFY2(rangesInside(parsed.diagnostics, text), text.c_str());
    const auto want = readIndependently(text);
    QVERIFY2(parsed.ok() == want.has_value(),
             ("the reader and the independent reading disagree on validity: " + text).c_str());
    if (!parsed.ok()) continue;
    ++accepted;
    QCOMPARE(parsed->size(), want->size());
    for (size_t r = 0; r < want->size(); ++r) {
      QCOMPARE((*parsed)[r].label, (*want)[r].label);
      QVERIFY((*parsed)[r].pixels == (*want)[r].pixels);
    }
  }
  qInfo("%d mutants: %d accepted and equal to the independent reading, %lld ms", kMutants, accepted,
        static_cast<long long>(timer.elapsed()));
  QVERIFY(accepted > kMutants / 20);
  QVERIFY(timer.elapsed() < 30000);
}

QTEST_GUILESS_MAIN(TestMutateCsv)
#include "tst_mutate_csv.moc"
