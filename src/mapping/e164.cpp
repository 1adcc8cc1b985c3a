#include "mapping/e164.h"

#include <cctype>

#include "mapping/diagnostics.h"

namespace xs::mapping {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Characters people use to format numbers for humans.
bool is_formatting(char c) {
  return c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '/' || c == '\t';
}

std::string hint(const std::string& s) {
  const std::string generic = "use E.164, like '+15551234567'";
  size_t start = 0;
  while (start < s.size() && is_formatting(s[start]) && s[start] != '(') ++start;
  const bool plus = start < s.size() && s[start] == '+';
  std::string digits;
  for (size_t i = plus ? start + 1 : start; i < s.size(); ++i) {
    if (is_digit(s[i])) {
      digits += s[i];
    } else if (!is_formatting(s[i])) {
      return generic;
    }
  }
  if (digits.empty()) return generic;
  if (plus) {
    if (digits[0] == '0') return "the country code after '+' cannot start with 0";
    if (digits.size() < 2) return "E.164 needs 2 to 15 digits after '+'";
    if (digits.size() > 15) return "E.164 allows at most 15 digits after '+'";
    return "use E.164 without spaces or punctuation: '+" + digits + "'";
  }
  if (digits.size() > 2 && digits.compare(0, 2, "00") == 0 && is_e164("+" + digits.substr(2))) {
    return "use '+' instead of the international prefix 00: '+" + digits.substr(2) + "'";
  }
  if (digits.size() == 10 && digits[0] != '0' && digits[0] != '1') {
    return "use E.164 with the country code, perhaps '+1" + digits + "'";
  }
  if (digits.size() >= 11 && is_e164("+" + digits)) {
    return "use E.164 with a leading '+': '+" + digits + "'";
  }
  return generic;
}

}  // namespace

bool is_e164(const std::string& s) {
  if (s.size() < 3 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (!is_digit(s[i])) return false;
  }
  return true;
}

std::string e164_error(const std::string& s) {
  if (excerpt(s) != s)
    return "invalid phone number '" + excerpt(s) + "': use E.164, like '+15551234567'";
  return "invalid phone number '" + s + "': " + hint(s);
}

}  // namespace xs::mapping
