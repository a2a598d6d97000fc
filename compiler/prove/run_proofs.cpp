// The proofs a certification run relies on: cached, concurrent proofs of the rules it runs.
#include "compiler/prove/run_proofs.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "compiler/version.h"

namespace cert::prove {

namespace fs = std::filesystem;

namespace {

/// Bumped when the stored form changes.
constexpr const char* kCacheHeader = "certstudio-rule-proof 1";

/// FNV-1a, 64 bits; `basis` picks one of two independent hashes (the file name and a check stored
/// in the file, so that two keys must collide twice to be confused).
uint64_t fnv1a(std::string_view s, uint64_t basis = 1469598103934665603ull) {
  uint64_t h = basis;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

/// What identifies the prover that runs: this executable's path, size and modification time.
std::string executableIdentity() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const auto size = fs::file_size(exe, ec);
  if (ec) return {};
  const auto mtime = fs::last_write_time(exe, ec);
  if (ec) return {};
  return exe.string() + "|" + std::to_string(size) + "|" + std::to_string(mtime.time_since_epoch().count());
}

std::string oneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

/// The key of one rule's verdict: the spec text, the rule, the prover's options and (for the disk
/// cache) the executable's identity.
std::string ruleKey(std::string_view specText, const std::string& transformer, const std::string& op, double timeoutSeconds,
                    const std::string& identity) {
  const ProveOptions defaults;
  std::ostringstream key;
  key << kCacheHeader << '\n' << compilerVersion() << '\n' << identity << '\n' << transformer << '\n' << op << '\n'
      << defaults.listWidth << ' ' << defaults.termWidth << ' ' << defaults.noiseWidth << ' ' << timeoutSeconds << '\n'
      << specText;
  return key.str();
}

/// The second hash of a key, stored in its file and compared on reading.
std::string keyCheck(const std::string& key) {
  char text[24];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(fnv1a(key, 0x84222325cbf29ce4ull)));
  return text;
}

fs::path cacheFile(const fs::path& dir, const std::string& key) {
  char name[40];
  std::snprintf(name, sizeof name, "%016llx.proof", static_cast<unsigned long long>(fnv1a(key)));
  return dir / name;
}

/// Verdicts this process has already proved or read (a batch of runs over one spec, a run without
/// a disk cache), by ruleKey without the identity: the prover that runs is this one.
struct ProcessMemo {
  std::mutex mutex;
  std::map<std::string, RuleVerdict> verdicts;
};
ProcessMemo& processMemo() {
  static ProcessMemo memo;
  return memo;
}

std::optional<RuleVerdict> readCached(const fs::path& dir, const std::string& key, const std::string& transformer,
                                      const std::string& op) {
  std::ifstream in(cacheFile(dir, key));
  if (!in) return std::nullopt;
  std::string line;
  if (!std::getline(in, line) || line != kCacheHeader) return std::nullopt;
  if (!std::getline(in, line) || line != "key " + keyCheck(key)) return std::nullopt;  // another key, same name
  RuleVerdict v;
  bool haveVerdict = false, haveRule = false;
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    const std::string field = line.substr(0, space);
    const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
    if (field == "verdict") {
      if (value != "proved" && value != "unsound") return std::nullopt;
      v.verdict = value == "proved" ? Verdict::Proved : Verdict::Unsound;
      haveVerdict = true;
    } else if (field == "rule") {
      if (value != transformer + " " + op) return std::nullopt;
      v.transformer = transformer;
      v.op = op;
      haveRule = true;
    } else if (field == "line") {
      v.range.begin.line = std::atoi(value.c_str());
    } else if (field == "reason") {
      v.reason = value;
    } else if (field == "cex") {
      CexValue c;
      std::istringstream parts(value);
      if (!std::getline(parts, c.name, '\t') || !(parts >> c.value)) return std::nullopt;
      parts.get();
      std::getline(parts, c.text);
      v.counterexample.push_back(c);
    } else {
      return std::nullopt;
    }
  }
  if (!haveVerdict || !haveRule) return std::nullopt;
  return v;
}

void writeCached(const fs::path& dir, const std::string& key, const RuleVerdict& v) {
  const fs::path file = cacheFile(dir, key);
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) return;
  std::ostringstream tmpName;
  tmpName << file.string() << ".tmp." << ::getpid() << "." << std::this_thread::get_id();
  const fs::path tmp = tmpName.str();
  {
    std::ofstream out(tmp);
    if (!out) return;
    out << kCacheHeader << '\n'
        << "key " << keyCheck(key) << '\n'
        << "verdict " << verdictName(v.verdict) << '\n'
        << "rule " << v.transformer << ' ' << v.op << '\n'
        << "line " << v.range.begin.line << '\n'
        << "reason " << oneLine(v.reason) << '\n';
    out.precision(17);
    for (const CexValue& c : v.counterexample)
      out << "cex " << oneLine(c.name) << '\t' << c.value << '\t' << oneLine(c.text) << '\n';
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, file, ec);  // atomic: a concurrent reader sees the old file or the whole new one
  if (ec) fs::remove(tmp, ec);
}

std::string ruleName(const RuleVerdict& v) {
  std::string s = "the rule for " + v.op + " (transformer " + v.transformer;
  if (v.range.begin.line > 0) s += ", line " + std::to_string(v.range.begin.line);
  return s + ")";
}

}  // namespace

std::optional<std::string> RunProofs::refutation() const {
  for (const RuleVerdict& v : rules)
    if (v.verdict == Verdict::Unsound) return ruleName(v) + " is unsound: " + v.reason + " fails (certc prove)";
  return std::nullopt;
}

std::string RunProofs::summary() const {
  std::string proved, others;
  int fromCache = 0;
  for (size_t k = 0; k < rules.size(); ++k) {
    const RuleVerdict& v = rules[k];
    fromCache += cached[k] ? 1 : 0;
    if (v.verdict == Verdict::Proved) {
      proved += (proved.empty() ? "" : ", ") + v.op;
    } else {
      others += (others.empty() ? "" : "; ") + v.op + " " + describe(v);
    }
  }
  char timing[64];
  std::snprintf(timing, sizeof timing, "%.1f s, %d cached", seconds, fromCache);
  std::string s;
  if (!proved.empty()) s = proved + " proved";
  if (!others.empty()) s += (s.empty() ? "" : "; ") + others;
  if (s.empty()) s = "no rule to prove";
  return s + " (" + timing + ")";
}

RunProofs proveRunRules(std::string_view specText,
                        const std::vector<std::pair<std::string, std::vector<std::string>>>& rules,
                        const fs::path& cacheDir, double timeoutSeconds, const std::function<bool()>& cancelled) {
  RunProofs out;
  for (const auto& [transformer, ops] : rules) {
    RunProofs part = proveRunRules(specText, transformer, ops, cacheDir, timeoutSeconds, cancelled);
    out.rules.insert(out.rules.end(), part.rules.begin(), part.rules.end());
    out.cached.insert(out.cached.end(), part.cached.begin(), part.cached.end());
    out.seconds += part.seconds;
  }
  return out;
}

void forgetRememberedProofs() {
  ProcessMemo& memo = processMemo();
  const std::lock_guard<std::mutex> lock(memo.mutex);
  memo.verdicts.clear();
}

fs::path defaultProofCacheDir() {
  if (const char* dir = std::getenv("CERTSTUDIO_PROOF_CACHE")) return fs::path(dir);
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "certstudio" / "proofs";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "certstudio" / "proofs";
  return {};
}

RunProofs proveRunRules(std::string_view specText, const std::string& transformer,
                        const std::vector<std::string>& ops, const fs::path& cacheDir, double timeoutSeconds,
                        const std::function<bool()>& cancelled) {
  const auto start = std::chrono::steady_clock::now();
  RunProofs out;
  const FrontendResult fe = runFrontend(specText);
  const ast::TransformerDecl* t = nullptr;
  for (const auto& candidate : fe.program.transformers)
    if (candidate.name == transformer) t = &candidate;
  if (!t || !fe.ok()) return out;
  const std::string identity = cacheDir.empty() ? std::string() : executableIdentity();
  const bool useCache = !cacheDir.empty() && !identity.empty();
  std::vector<std::string> asked;
  for (const std::string& op : ops) {
    bool has = false;
    for (const auto& rule : t->rules) has = has || rule.op == op;
    bool seen = false;
    for (const std::string& a : asked) seen = seen || a == op;
    if (has && !seen) asked.push_back(op);
  }
  out.rules.resize(asked.size());
  out.cached.assign(asked.size(), false);
  std::vector<std::future<ProveReport>> pending(asked.size());
  ProcessMemo& memo = processMemo();
  std::vector<std::string> memoKeys(asked.size());
  for (size_t k = 0; k < asked.size(); ++k) {
    memoKeys[k] = ruleKey(specText, transformer, asked[k], timeoutSeconds, {});
    {
      const std::lock_guard<std::mutex> lock(memo.mutex);
      if (const auto hit = memo.verdicts.find(memoKeys[k]); hit != memo.verdicts.end()) {
        out.rules[k] = hit->second;
        out.cached[k] = true;
        continue;
      }
    }
    if (useCache)
      if (auto hit = readCached(cacheDir, ruleKey(specText, transformer, asked[k], timeoutSeconds, identity),
                                transformer, asked[k])) {
        out.rules[k] = std::move(*hit);
        out.cached[k] = true;
        continue;
      }
    ProveOptions options;
    options.transformer = transformer;
    options.op = asked[k];
    options.timeoutSeconds = timeoutSeconds;
    options.divisionsAssumed = true;
    options.cancelled = cancelled;
    pending[k] = std::async(std::launch::async, [&fe, options] { return proveSpec(fe, options); });
  }
  for (size_t k = 0; k < asked.size(); ++k) {
    if (out.cached[k]) continue;
    ProveReport report = pending[k].get();
    if (report.rules.empty()) {
      out.rules[k].transformer = transformer;
      out.rules[k].op = asked[k];
      out.rules[k].verdict = Verdict::Unknown;
      out.rules[k].reason = report.diagnostics.empty() ? "not proved" : report.diagnostics.front().message;
      continue;
    }
    out.rules[k] = std::move(report.rules.front());
    if (out.rules[k].verdict == Verdict::Unknown) continue;
    if (useCache)
      writeCached(cacheDir, ruleKey(specText, transformer, asked[k], timeoutSeconds, identity), out.rules[k]);
  }
  // The process remembers unknown verdicts too (a rule that timed out is not tried again on every
  // run of the IDE's batch), unless the proof was cancelled.
  const bool wasCancelled = cancelled && cancelled();
  for (size_t k = 0; k < asked.size(); ++k)
    if (out.rules[k].verdict != Verdict::Unknown || !wasCancelled) {
      const std::lock_guard<std::mutex> lock(memo.mutex);
      memo.verdicts.emplace(memoKeys[k], out.rules[k]);
    }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace cert::prove
