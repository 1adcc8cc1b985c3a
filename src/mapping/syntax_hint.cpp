#include "mapping/syntax_hint.h"

#include <optional>

namespace xs::mapping {
namespace {

// The 1-based column of a tab in the indentation of line (1-based) of text, if any.
std::optional<int> tab_in_indent(const std::string& text, int line) {
  std::size_t start = 0;
  for (int l = 1; l < line; ++l) {
    start = text.find('\n', start);
    if (start == std::string::npos) return std::nullopt;
    ++start;
  }
  for (std::size_t i = start; i < text.size() && (text[i] == ' ' || text[i] == '\t'); ++i) {
    if (text[i] == '\t') return static_cast<int>(i - start) + 1;
  }
  return std::nullopt;
}

}  // namespace

void report_syntax_error(Diags& diags, const std::string& text, const Location& at,
                         const std::string& message) {
  for (int line : {at.line, at.line - 1}) {
    if (line < 1) continue;
    if (auto col = tab_in_indent(text, line)) {
      diags.error(Location{at.file, line, *col}, "tabs cannot indent YAML; use spaces");
      return;
    }
  }
  diags.error(at, message);
}

}  // namespace xs::mapping
