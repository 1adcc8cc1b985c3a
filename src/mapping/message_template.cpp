#include "mapping/message_template.h"

namespace xs::mapping {

std::string column_key(const std::string& name) {
  const auto first = name.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = name.find_last_not_of(" \t");
  std::string key = name.substr(first, last - first + 1);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::vector<TemplatePart> parse_template(const std::string& t) {
  std::vector<TemplatePart> parts;
  auto literal = [&](const std::string& s) {
    if (s.empty()) return;
    if (parts.empty() || !parts.back().column.empty()) parts.push_back({"", ""});
    parts.back().text += s;
  };
  std::size_t i = 0;
  while (i < t.size()) {
    const auto open = t.find('{', i);
    if (open == std::string::npos) break;
    const std::size_t braces = t.compare(open, 2, "{{") == 0 ? 2 : 1;
    const auto close = t.find('}', open + braces);
    if (close == std::string::npos) break;
    std::size_t end = close + 1;
    if (braces == 2 && end < t.size() && t[end] == '}') ++end;
    const std::string name = t.substr(open + braces, close - open - braces);
    literal(t.substr(i, open - i));
    if (name.find('{') != std::string::npos || column_key(name).empty()) {
      literal(t.substr(open, end - open));  // "{}" or "{a{b}": not a placeholder
    } else {
      parts.push_back({t.substr(open, end - open), column_key(name)});
    }
    i = end;
  }
  literal(t.substr(i < t.size() ? i : t.size()));
  return parts;
}

}  // namespace xs::mapping
