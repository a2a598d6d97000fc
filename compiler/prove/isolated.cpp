// fork + pipe per rule: the child proves and writes its outcome; the parent polls the pipe,
// the deadline and the cancel flag, and kills the child when either runs out.
#include "compiler/prove/isolated.h"

#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace cert::prove {

namespace {

using Clock = std::chrono::steady_clock;

void putU64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void putStr(std::string& out, const std::string& s) {
  putU64(out, s.size());
  out += s;
}

struct Reader {
  const std::string& bytes;
  size_t at = 0;
  bool ok = true;
  uint64_t u64() {
    uint64_t v = 0;
    if (at + sizeof v > bytes.size()) {
      ok = false;
      return 0;
    }
    std::memcpy(&v, bytes.data() + at, sizeof v);
    at += sizeof v;
    return v;
  }
  std::string str() {
    const uint64_t n = u64();
    if (!ok || n > bytes.size() - at) {
      ok = false;
      return {};
    }
    std::string s = bytes.substr(at, n);
    at += n;
    return s;
  }
};

constexpr uint64_t kMagic = 0x43455254'50524f56ull;  // "CERTPROV"

bool writeAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

RuleOutcome unknown(std::string reason) {
  RuleOutcome o;
  o.reason = std::move(reason);
  return o;
}

}  // namespace

std::string encodeOutcome(const RuleOutcome& o) {
  std::string out;
  putU64(out, kMagic);
  putU64(out, static_cast<uint64_t>(o.verdict));
  putStr(out, o.reason);
  putU64(out, o.counterexample.size());
  for (const auto& c : o.counterexample) {
    putStr(out, c.name);
    uint64_t bits = 0;
    std::memcpy(&bits, &c.value, sizeof bits);
    putU64(out, bits);
    putStr(out, c.text);
  }
  putU64(out, kMagic);
  return out;
}

bool decodeOutcome(const std::string& bytes, RuleOutcome* out) {
  Reader r{bytes};
  if (r.u64() != kMagic) return false;
  const uint64_t v = r.u64();
  if (v > static_cast<uint64_t>(Verdict::Unknown)) return false;
  RuleOutcome o;
  o.verdict = static_cast<Verdict>(v);
  o.reason = r.str();
  const uint64_t n = r.u64();
  if (!r.ok || n > bytes.size()) return false;
  for (uint64_t i = 0; i < n && r.ok; ++i) {
    CexValue c;
    c.name = r.str();
    const uint64_t bits = r.u64();
    std::memcpy(&c.value, &bits, sizeof bits);
    c.text = r.str();
    o.counterexample.push_back(std::move(c));
  }
  if (r.u64() != kMagic || !r.ok || r.at != bytes.size()) return false;
  *out = std::move(o);
  return true;
}

RuleOutcome runIsolated(const std::function<RuleOutcome()>& work, double limitSeconds,
                        const std::function<bool()>& cancelled) {
  int fds[2];
  if (::pipe(fds) != 0) return work();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return work();
  }
  if (pid == 0) {  // the child: prove, write, leave without running the parent's exit handlers
    ::close(fds[0]);
#ifdef __linux__
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    const RuleOutcome o = work();
    const bool ok = writeAll(fds[1], encodeOutcome(o));
    ::close(fds[1]);
    ::_exit(ok ? 0 : 1);
  }
  ::close(fds[1]);
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(limitSeconds * 1000.0));
  std::string bytes;
  bool eof = false, timedOut = false, stopped = false;
  while (!eof) {
    if (cancelled && cancelled()) {
      stopped = true;
      break;
    }
    if (Clock::now() >= deadline) {
      timedOut = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, 50);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) eof = true;
    else bytes.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  if (!eof) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (stopped) return unknown("cancelled");
  if (timedOut) {
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "timeout: the proof did not end within %.3g s (its process was stopped)", limitSeconds);
    return unknown(buf);
  }
  RuleOutcome o;
  if (decodeOutcome(bytes, &o)) return o;
  if (WIFSIGNALED(status))
    return unknown("the prover's process ended with signal " + std::to_string(WTERMSIG(status)) +
                   " (" + strsignal(WTERMSIG(status)) + ")");
  return unknown("the prover's process ended without a result (exit status " +
                 std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
}

}  // namespace cert::prove
