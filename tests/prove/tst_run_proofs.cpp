// The proofs a run relies on (compiler/prove/run_proofs.h): the rules asked for, proved with
// divisions assumed non-zero, cached on disk per spec text; a refuted rule names itself, and the
// counterexample it comes with is checked here with the rule written out in plain doubles.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <string>

#include "compiler/frontend.h"
#include "compiler/prove/run_proofs.h"
#include "tests/prove/box_spec_parts.h"

using cert::prove::RunProofs;
using cert::prove::Verdict;

namespace {

const std::string& kBox = cert::test::kBoxShape;
const std::string& kHelpers = cert::test::kBoxHelpers;
const std::string& kAffine = cert::test::kBoxAffine;
const std::string& kFlow = cert::test::kFlowOfT;

/// IBP whose Relu upper bound is its input's lower bound: unsound where l < x.
const std::string kUnsoundRelu =
    kBox + kHelpers + "transformer t {\n" + kAffine + "Relu -> (0, (prev[l] > 0) ? prev[l] : 0);\n}\n" + kFlow;
/// A Relu upper bound u (u - l) / (u - l) where l <= 0 <= u: sound wherever it divides by a
/// non-zero value, a division by zero at l = u = 0 (as the published deeppoly_priority.cf's).
const std::string kDividingRelu = kBox + kHelpers + "transformer t {\n" + kAffine +
                                  "Relu -> (0, (prev[l] > 0) ? prev[u] : ((prev[u] < 0) ? 0 : "
                                  "prev[u] * (prev[u] - prev[l]) / (prev[u] - prev[l])));\n}\n" + kFlow;

/// Proves as a run does; the process's memory of earlier proofs is forgotten first unless
/// `remembered` (the disk cache is what these tests look at).
RunProofs proveRun(const std::string& spec, const std::vector<std::string>& ops, const std::filesystem::path& cache,
                   bool remembered = false) {
  if (!remembered) cert::prove::forgetRememberedProofs();
  const cert::FrontendResult fe = cert::runFrontend(spec);
  if (!fe.ok()) qWarning("the test's spec has errors: %s", fe.diagnostics.front().message.c_str());
  return cert::prove::proveRunRules(spec, "t", ops, cache, 20.0);
}

}  // namespace

class TestRunProofs : public QObject {
  Q_OBJECT

 private slots:
  void aRefutedRuleNamesItself();
  void divisionsAreAssumedNonZero();
  void onlyTheRulesAskedForEachOnce();
  void verdictsAreCachedPerSpecText();
  void aDamagedCacheEntryIsProvedAgain();
  void theProcessRemembersItsProofs();
};

void TestRunProofs::aRefutedRuleNamesItself() {
  const RunProofs p = proveRun(kUnsoundRelu, {"Affine", "Relu"}, {});
  QCOMPARE(p.rules.size(), size_t(2));
  QCOMPARE(p.rules[0].op, std::string("Affine"));
  QCOMPARE(p.rules[0].verdict, Verdict::Proved);
  QCOMPARE(p.rules[1].verdict, Verdict::Unsound);
  const auto why = p.refutation();
  QVERIFY(why.has_value());
  QCOMPARE(*why, std::string("the rule for Relu (transformer t, line 7) is unsound: curr[u] >= curr fails (certc prove)"));
  QVERIFY2(p.summary().find("Affine proved; Relu unsound: curr[u] >= curr fails at ") == 0, p.summary().c_str());
  // The counterexample, with the rule in plain doubles: x in [l, u] and relu(x) above the upper bound.
  const auto& cex = p.rules[1].counterexample;
  const double l = cert::prove::cexValue(cex, "prev[l]"), u = cert::prove::cexValue(cex, "prev[u]");
  const double x = cert::prove::cexValue(cex, "prev");
  QVERIFY(l <= x && x <= u);
  const double upper = l > 0 ? l : 0;
  QVERIFY2((x > 0 ? x : 0) > upper, cert::prove::formatCounterexample(cex).c_str());
}

void TestRunProofs::divisionsAreAssumedNonZero() {
  // certc prove states the division as an obligation and refutes it at l = u = 0 ...
  const cert::FrontendResult fe = cert::runFrontend(kDividingRelu);
  QVERIFY(fe.ok());
  cert::prove::ProveOptions options;
  options.op = "Relu";
  const auto plain = cert::prove::proveSpec(fe, options).rules;
  QCOMPARE(plain.size(), size_t(1));
  QCOMPARE(plain[0].verdict, Verdict::Unsound);
  QVERIFY2(plain[0].reason.find("division by zero") == 0, plain[0].reason.c_str());
  // ... a run proves the rule wherever it computes a finite value: proved, nothing withheld.
  const RunProofs p = proveRun(kDividingRelu, {"Relu"}, {});
  QCOMPARE(p.rules.size(), size_t(1));
  QCOMPARE(p.rules[0].verdict, Verdict::Proved);
  QVERIFY(!p.refutation());
  // Assuming divisors non-zero does not prove what fails elsewhere: the same division with an
  // upper bound of prev[l] is still refuted.
  std::string wrong = kDividingRelu;
  wrong.replace(wrong.find("prev[u] * (prev[u] - prev[l])"), 7, "prev[l]");
  const RunProofs q = proveRun(wrong, {"Relu"}, {});
  QCOMPARE(q.rules[0].verdict, Verdict::Unsound);
  QVERIFY2(q.rules[0].reason == "curr[u] >= curr", q.rules[0].reason.c_str());
}

void TestRunProofs::onlyTheRulesAskedForEachOnce() {
  // Relu asked twice, Sigmoid absent from the transformer (the run itself refuses such a network).
  const RunProofs p = proveRun(kUnsoundRelu, {"Relu", "Sigmoid", "Relu"}, {});
  QCOMPARE(p.rules.size(), size_t(1));
  QCOMPARE(p.rules[0].op, std::string("Relu"));
  QCOMPARE(p.cached.size(), size_t(1));
  QVERIFY(!p.cached[0]);
  QVERIFY(proveRun(kUnsoundRelu, {}, {}).rules.empty());
}

void TestRunProofs::verdictsAreCachedPerSpecText() {
  QTemporaryDir dir;
  const std::filesystem::path cache = dir.path().toStdString();
  const RunProofs first = proveRun(kUnsoundRelu, {"Affine", "Relu"}, cache);
  QCOMPARE(first.cached, (std::vector<bool>{false, false}));
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cache)) files += entry.path().extension() == ".proof";
  QCOMPARE(files, 2);
  const RunProofs second = proveRun(kUnsoundRelu, {"Affine", "Relu"}, cache);
  QCOMPARE(second.cached, (std::vector<bool>{true, true}));
  QCOMPARE(second.rules[0].verdict, Verdict::Proved);
  QCOMPARE(second.rules[1].verdict, Verdict::Unsound);
  QCOMPARE(second.refutation(), first.refutation());
  QCOMPARE(cert::prove::formatCounterexample(second.rules[1].counterexample),
           cert::prove::formatCounterexample(first.rules[1].counterexample));
  QCOMPARE(second.rules[1].range.begin.line, 7);
  // Another text (a comment added) is another key: proved again, and then both are cached.
  const RunProofs other = proveRun("// edited\n" + kUnsoundRelu, {"Relu"}, cache);
  QCOMPARE(other.cached, (std::vector<bool>{false}));
  QCOMPARE(other.rules[0].range.begin.line, 8);
  // Without a folder nothing is cached.
  QCOMPARE(proveRun(kUnsoundRelu, {"Relu"}, {}).cached, (std::vector<bool>{false}));
}

void TestRunProofs::aDamagedCacheEntryIsProvedAgain() {
  QTemporaryDir dir;
  const std::filesystem::path cache = dir.path().toStdString();
  proveRun(kUnsoundRelu, {"Relu"}, cache);
  std::filesystem::path entry;
  for (const auto& e : std::filesystem::directory_iterator(cache)) entry = e.path();
  QVERIFY(!entry.empty());
  std::string header, key;  // the format line and the key's second hash
  {
    std::ifstream in(entry);
    std::getline(in, header);
    std::getline(in, key);
  }
  QCOMPARE(header, std::string("certstudio-rule-proof 1"));
  QVERIFY2(key.rfind("key ", 0) == 0, key.c_str());
  // A "proved" written over the refutation by hand, with a wrong field: not trusted.
  std::ofstream(entry) << header << "\n" << key << "\nverdict proved\nrule t Relu\nline 7\nreason \nbogus 1\n";
  const RunProofs damaged = proveRun(kUnsoundRelu, {"Relu"}, cache);
  QCOMPARE(damaged.cached, (std::vector<bool>{false}));
  QCOMPARE(damaged.rules[0].verdict, Verdict::Unsound);
  // A well-formed "proved" under another key (a file name shared by two keys) is not read either.
  std::ofstream(entry) << header << "\nkey 0123456789abcdef\nverdict proved\nrule t Relu\nline 7\nreason \n";
  QCOMPARE(proveRun(kUnsoundRelu, {"Relu"}, cache).cached, (std::vector<bool>{false}));
  // A truncated file (no verdict) is proved again too; the entry is then rewritten whole.
  std::ofstream(entry) << header << "\n" << key << "\nrule t Relu\n";
  QCOMPARE(proveRun(kUnsoundRelu, {"Relu"}, cache).cached, (std::vector<bool>{false}));
  const RunProofs again = proveRun(kUnsoundRelu, {"Relu"}, cache);
  QCOMPARE(again.cached, (std::vector<bool>{true}));
  QCOMPARE(again.rules[0].verdict, Verdict::Unsound);
}

/// Without a disk cache, a second run over the same spec in the process (the IDE's batch: one run
/// per row) does not prove again; another text does.
void TestRunProofs::theProcessRemembersItsProofs() {
  const std::string spec = "// remembered\n" + kUnsoundRelu;
  const RunProofs first = proveRun(spec, {"Affine", "Relu"}, {});
  QCOMPARE(first.cached, (std::vector<bool>{false, false}));
  const RunProofs second = proveRun(spec, {"Relu", "Affine"}, {}, true);
  QCOMPARE(second.cached, (std::vector<bool>{true, true}));
  QCOMPARE(second.rules[0].op, std::string("Relu"));
  QCOMPARE(second.rules[0].verdict, Verdict::Unsound);
  QCOMPARE(second.refutation(), first.refutation());
  QCOMPARE(proveRun("// other\n" + kUnsoundRelu, {"Relu"}, {}, true).cached, (std::vector<bool>{false}));
  // An unknown verdict (a rule reading curr's own member) is remembered in the process as well,
  // never stored on disk, and withholds nothing.
  QTemporaryDir dir;
  const std::filesystem::path cache = dir.path().toStdString();
  const std::string unknown = kBox + kHelpers + "transformer t {\n" + kAffine + "Relu -> (prev[l], curr[l]);\n}\n" + kFlow;
  const RunProofs u1 = proveRun(unknown, {"Relu"}, cache);
  QCOMPARE(u1.rules[0].verdict, Verdict::Unknown);
  QVERIFY(!u1.refutation());
  QCOMPARE(u1.cached, (std::vector<bool>{false}));
  QVERIFY(std::filesystem::is_empty(cache));
  const RunProofs u2 = proveRun(unknown, {"Relu"}, cache, true);
  QCOMPARE(u2.cached, (std::vector<bool>{true}));
  QCOMPARE(u2.rules[0].reason, u1.rules[0].reason);
}

QTEST_APPLESS_MAIN(TestRunProofs)
#include "tst_run_proofs.moc"
