#pragma once
// Times, time zones and days as a mapping writes them; date/tz types stay in
// time_values.cpp (private to src/mapping).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace xs::mapping {

// RFC 3339 with an offset ("2026-11-30T09:00:00-05:00", "...Z", optional fraction) as a UTC
// instant; nullopt for anything else, a local time without offset included.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& s);

// "HH:MM" (24-hour, 00:00 to 23:59) as minutes after midnight, or nullopt.
std::optional<int> parse_hhmm(const std::string& s);

// "mon".."sun" (any case) as 0..6, or nullopt.
std::optional<int> parse_day(const std::string& s);

// True when the system tzdata knows zone (an IANA name such as "America/New_York").
bool is_time_zone(const std::string& zone);

// The IANA zone names the system tzdata knows, for did-you-mean.
std::vector<std::string> time_zone_names();

}  // namespace xs::mapping
