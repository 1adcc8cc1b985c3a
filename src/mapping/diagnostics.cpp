#include "mapping/diagnostics.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace xs {

std::string Diagnostic::str() const {
  return loc.str() + ": " + (warning ? "warning: " : "") + message;
}

bool LoadResult::ok() const {
  return std::none_of(diagnostics.begin(), diagnostics.end(),
                      [](const Diagnostic& d) { return !d.warning; });
}

namespace mapping {

std::string excerpt(const std::string& text) {
  constexpr std::size_t kChars = 40;
  std::size_t i = 0;
  for (std::size_t chars = 0; i < text.size() && chars < kChars; ++chars) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i >= text.size() ? text : text.substr(0, i) + "...";
}

void sort_diagnostics(std::vector<Diagnostic>& diags, const std::vector<std::string>& order) {
  std::unordered_map<std::string, size_t> rank;
  for (size_t i = 0; i < order.size(); ++i) rank.emplace(order[i], i);
  auto rank_of = [&](const std::string& file) {
    auto it = rank.find(file);
    return it == rank.end() ? order.size() : it->second;
  };
  std::stable_sort(diags.begin(), diags.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    return std::make_tuple(rank_of(a.loc.file), a.loc.line, a.loc.col) <
           std::make_tuple(rank_of(b.loc.file), b.loc.line, b.loc.col);
  });
}

}  // namespace mapping
}  // namespace xs
