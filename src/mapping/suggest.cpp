#include "mapping/suggest.h"

#include <algorithm>
#include <cctype>

namespace xs::mapping {
namespace {

// Case and '-'/'_' differences are not typos worth counting.
std::string normalize(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    out += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A clear truncation or extension ("phone", "agent_id") is a near miss too, if it is not
// much longer than what it extends.
constexpr std::size_t kMaxExtension = 12;

bool is_prefix(const std::string& shorter, const std::string& longer) {
  return shorter.size() >= 4 && shorter.size() < longer.size() &&
         longer.size() - shorter.size() <= kMaxExtension &&
         longer.compare(0, shorter.size(), shorter) == 0;
}

std::size_t difference(std::size_t a, std::size_t b) {
  return a > b ? a - b : b - a;
}

}  // namespace

int edit_distance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates,
                          SuggestWork* work) {
  SuggestWork spent;
  const std::size_t limit = word.size() <= 3 ? 1 : 2;
  // Normalizing keeps lengths, so a word longer than every candidate by more than any rule
  // allows is answered without looking at its text (a 100 KB value costs nothing).
  std::size_t longest = 0;
  for (const auto& c : candidates) longest = std::max(longest, c.size());
  if (word.size() > longest + std::max(limit, kMaxExtension)) {
    if (work) *work = spent;
    return "";
  }
  const std::string w = normalize(word);
  std::string best;
  std::size_t best_score = limit + 1;
  for (const auto& c : candidates) {
    if (c == word) continue;
    const bool near_length = difference(c.size(), w.size()) <= limit;
    if (!near_length && difference(c.size(), w.size()) > kMaxExtension) continue;
    const std::string n = normalize(c);
    std::size_t score = limit + 1;
    if (near_length) {
      const std::size_t cells = (w.size() + 1) * (n.size() + 1);
      if (spent.cells + cells > kMaxSuggestCells) break;  // enough looking: no suggestion more
      spent.cells += cells;
      ++spent.distances;
      score = static_cast<std::size_t>(edit_distance(w, n));
    }
    if (score > limit && (is_prefix(w, n) || is_prefix(n, w))) score = limit;
    if (score < best_score) {
      best_score = score;
      best = c;
    }
  }
  if (work) *work = spent;
  return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string match = closest_match(word, candidates);
  return match.empty() ? "" : " (did you mean '" + match + "'?)";
}

}  // namespace xs::mapping
