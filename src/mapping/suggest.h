#pragma once
// "Did you mean" suggestions for misspelled keys, aliases and account names.
#include <cstddef>
#include <string>
#include <vector>

namespace xs::mapping {

// Optimal-string-alignment edit distance (insert, delete, substitute, swap neighbours).
int edit_distance(const std::string& a, const std::string& b);

// What a search for a suggestion cost: distances computed and their table cells. Bounded
// whatever the word's length: a candidate whose length is too far from the word's is skipped
// without a distance, and the cells of one search stop at kMaxSuggestCells.
struct SuggestWork {
  std::size_t distances = 0;
  std::size_t cells = 0;
};
inline constexpr std::size_t kMaxSuggestCells = 4'000'000;

// The candidate closest to word when it is a plausible typo of it, else "". work, when given,
// receives what the search cost.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates,
                          SuggestWork* work = nullptr);

// " (did you mean 'x'?)" for the closest plausible candidate, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace xs::mapping
