#include "mapping/time_values.h"

#include <date/date.h>
#include <date/tz.h>

#include <cctype>

namespace xs::mapping {
namespace {

// The number of `n` digits at s[pos], or nullopt.
std::optional<int> digits(const std::string& s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  auto year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  auto hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year{*year}, date::month(static_cast<unsigned>(*month)),
                                 date::day(static_cast<unsigned>(*day))};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  std::size_t i = 19;
  std::chrono::nanoseconds fraction{0};
  if (i < s.size() && s[i] == '.') {
    long long scale = 100'000'000;
    std::size_t start = ++i;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
      fraction += std::chrono::nanoseconds((s[i] - '0') * scale);
      scale /= 10;
    }
    if (i == start) return std::nullopt;
  }
  std::chrono::minutes offset{0};
  if (i + 1 == s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    auto oh = digits(s, i + 1, 2), om = digits(s, i + 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset = std::chrono::minutes(*oh * 60 + *om) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;  // no offset, or something after it
  }
  const auto local = date::sys_days(ymd) + std::chrono::hours(*hour) +
                     std::chrono::minutes(*minute) + std::chrono::seconds(*second) + fraction;
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(local - offset);
}

std::optional<int> parse_hhmm(const std::string& s) {
  auto h = digits(s, 0, 2), m = digits(s, 3, 2);
  if (s.size() != 5 || s[2] != ':' || !h || !m || *h > 23 || *m > 59) return std::nullopt;
  return *h * 60 + *m;
}

std::optional<int> parse_day(const std::string& s) {
  static const char* const kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  std::string lower = s;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int d = 0; d < 7; ++d) {
    if (lower == kDays[d]) return d;
  }
  return std::nullopt;
}

bool is_time_zone(const std::string& zone) {
  if (zone.empty()) return false;
  try {
    return date::locate_zone(zone) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<std::string> time_zone_names() {
  std::vector<std::string> names;
  try {
    const auto& db = date::get_tzdb();
    for (const auto& z : db.zones) names.push_back(z.name());
  } catch (const std::exception&) {
  }
  return names;
}

}  // namespace xs::mapping
