#include "plan/windows.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <optional>

namespace xs::plan {
namespace {

using std::chrono::minutes;

const date::time_zone* find_zone(const std::string& zone) {
  if (zone.empty()) return nullptr;
  try {
    return date::locate_zone(zone);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string local_text(const date::time_zone* tz, TimePoint t) {
  const auto s = std::chrono::time_point_cast<minutes>(t);
  if (!tz) return date::format("%F %R UTC", s);
  return date::format("%F %R %Z", date::make_zoned(tz, s));
}

// The instant a local time stands for: the transition when it falls in a gap, the first of
// two when it is ambiguous.
TimePoint to_instant(const date::time_zone* tz, date::local_time<minutes> local) {
  if (!tz) return date::sys_time<minutes>(local.time_since_epoch());
  return tz->to_sys(local, date::choose::earliest);
}

struct Span {
  TimePoint open, close;
};

// The calling-hours openings that touch [from - 1 day, from + 8 days], in order.
std::vector<Span> openings(const CallingHours& h, const date::time_zone* tz, TimePoint from) {
  const auto from_minutes = std::chrono::time_point_cast<minutes>(from);
  const auto local_from =
      tz ? tz->to_local(from_minutes) : date::local_time<minutes>(from_minutes.time_since_epoch());
  const auto today = date::floor<date::days>(local_from);
  std::vector<Span> spans;
  for (int i = -1; i <= 8; ++i) {
    const auto day = today + date::days(i);
    const unsigned weekday = date::weekday(day).iso_encoding() - 1;  // Monday = 0
    if (!(h.days & (1u << weekday))) continue;
    const auto open = day + minutes(h.from_minute);
    const auto close =
        (h.to_minute > h.from_minute ? day : day + date::days(1)) + minutes(h.to_minute);
    const Span s{to_instant(tz, open), to_instant(tz, close)};
    if (s.close > s.open) spans.push_back(s);
  }
  return spans;
}

WindowState make(WindowState::Kind kind, TimePoint at, const date::time_zone* tz) {
  WindowState w;
  w.kind = kind;
  w.at = at;
  if (at != TimePoint::max() && at != TimePoint::min()) w.local = local_text(tz, at);
  return w;
}

}  // namespace

WindowState window_state(const CampaignWindow& window, const std::string& zone, TimePoint now) {
  const std::string name = !zone.empty() ? zone : window.hours ? window.hours->timezone : "";
  const date::time_zone* tz = find_zone(name);
  const TimePoint end = window.not_after.value_or(TimePoint::max());
  const auto expired = [&] {
    return make(WindowState::Kind::expired, window.not_after.value_or(TimePoint::min()), tz);
  };
  if (now >= end) return expired();
  const TimePoint start = std::max(now, window.not_before.value_or(now));
  std::optional<Span> span;
  if (!window.hours) {
    span = Span{start, end};
  } else {
    for (const auto& s : openings(*window.hours, tz, start)) {
      if (s.close > start) {
        span = Span{std::max(s.open, start), std::min(s.close, end)};
        break;
      }
    }
  }
  if (!span || span->open >= end) return expired();
  if (span->open <= now) return make(WindowState::Kind::open, span->close, tz);
  return make(WindowState::Kind::waiting, span->open, tz);
}

WindowState window_state(const BatchCampaign& batch, const std::string& zone, TimePoint now) {
  return window_state(batch.window, zone, now);
}

std::string effective_timezone(const BatchCampaign& batch, const BatchCallTarget& call) {
  if (!call.timezone.empty()) return call.timezone;
  return batch.window.hours ? batch.window.hours->timezone : "";
}

std::map<std::string, std::vector<std::size_t>> calls_by_timezone(const BatchCampaign& batch) {
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < batch.calls.size(); ++i) {
    groups[effective_timezone(batch, batch.calls[i])].push_back(i);
  }
  return groups;
}

}  // namespace xs::plan
