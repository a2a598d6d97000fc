// Which lines of a listing are new since the previous one: one LCS line diff for certc's "+ "
// marks (--print-after-all) and the IDE's highlighted IR lines.
#pragma once

#include <string>
#include <vector>

namespace cert::ir {

/// For each line of `now`, true when it is not matched by a longest common subsequence of lines
/// with `before` (a new or moved line). Ties between equally long subsequences keep the earliest
/// lines of `before` matched to the earliest of `now`.
std::vector<bool> changedLines(const std::vector<std::string>& before, const std::vector<std::string>& now);

/// The lines of `text` as std::getline reads them (a trailing newline ends the last line; it
/// does not start an empty one).
std::vector<std::string> splitLines(const std::string& text);

/// `now` with "+ " before each changed line (changedLines) and "  " before the others, every
/// line ending in '\n'.
std::string markChangedLines(const std::string& before, const std::string& now);

}  // namespace cert::ir
