// The LCS line diff behind changedLines: a suffix table of common-subsequence lengths, then one
// walk from the top that matches equal lines and otherwise skips the side that keeps more.
#include "compiler/ir/changed_lines.h"

#include <algorithm>
#include <sstream>

namespace cert::ir {

std::vector<bool> changedLines(const std::vector<std::string>& before, const std::vector<std::string>& now) {
  const size_t n = before.size(), m = now.size();
  // lcs[i * (m + 1) + j]: the length of a longest common subsequence of before[i..] and now[j..].
  std::vector<int> lcs((n + 1) * (m + 1), 0);
  const auto at = [&](size_t i, size_t j) -> int& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      at(i, j) = before[i] == now[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  std::vector<bool> changed(m, true);
  for (size_t i = 0, j = 0; i < n && j < m;) {
    if (before[i] == now[j]) {
      changed[j] = false;
      ++i, ++j;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      ++i;
    } else {
      ++j;
    }
  }
  return changed;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(std::move(line));
  return out;
}

std::string markChangedLines(const std::string& before, const std::string& now) {
  const std::vector<std::string> lines = splitLines(now);
  const std::vector<bool> changed = changedLines(splitLines(before), lines);
  std::string out;
  for (size_t k = 0; k < lines.size(); ++k) out += (changed[k] ? "+ " : "  ") + lines[k] + "\n";
  return out;
}

}  // namespace cert::ir
