// "did you mean 'x'?": the closest known name by edit distance.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cert::types {

/// Levenshtein distance between a and b.
int editDistance(std::string_view a, std::string_view b);
/// The candidate closest to `name` if it is close enough to be a likely typo (case-only
/// differences always are), else "".
std::string closestName(std::string_view name, const std::vector<std::string>& candidates);
/// "; did you mean 'x'?" or "".
std::string didYouMean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace cert::types
