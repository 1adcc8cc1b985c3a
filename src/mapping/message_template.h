#pragma once
// first_message templates for calls_csv: "Hi {name}" (or "{{name}}") filled from a row's
// columns (private to src/mapping).
#include <string>
#include <vector>

namespace xs::mapping {

struct TemplatePart {
  std::string text;    // literal text, or the placeholder as written ("{name}", "{{name}}")
  std::string column;  // the placeholder's column name, trimmed; empty for literal text
};

// Splits t into literal text and placeholders; `{x}` and `{{x}}` both name column x; an
// unclosed `{` is literal text.
std::vector<TemplatePart> parse_template(const std::string& t);

// A header name or placeholder as matched: trimmed of spaces and tabs, ASCII lower case.
std::string column_key(const std::string& name);

}  // namespace xs::mapping
