#pragma once
// "Did you mean" suggestions for misspelled keys, aliases and account names.
#include <string>
#include <vector>

namespace xs::mapping {

// Optimal-string-alignment edit distance (insert, delete, substitute, swap neighbours).
int edit_distance(const std::string& a, const std::string& b);

// The candidate closest to word when it is a plausible typo of it, else "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" for the closest plausible candidate, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace xs::mapping
