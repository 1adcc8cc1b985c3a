#include "mapping/window_read.h"

#include <cstdio>

#include "mapping/suggest.h"
#include "mapping/time_values.h"

namespace xs::mapping {
namespace {

const std::vector<std::string> kHoursKeys = {"from", "to", "timezone", "days"};

std::string hhmm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

std::optional<std::chrono::system_clock::time_point> read_instant(Ctx& ctx, MapReader& r,
                                                                  const std::string& key,
                                                                  Location& loc) {
  auto f = r.text(key);
  if (!f) return std::nullopt;
  loc = f->loc;
  auto t = parse_rfc3339(f->text);
  if (!t) {
    ctx.error(f->loc, "invalid time '" + f->text + "' for '" + key +
                          "': expected RFC 3339 with an offset, like '2026-11-30T09:00:00-05:00'");
  }
  return t;
}

std::optional<int> read_clock(Ctx& ctx, MapReader& r, const std::string& key) {
  auto f = r.text(key);
  if (!f) return std::nullopt;
  auto m = parse_hhmm(f->text);
  if (!m) {
    ctx.error(f->loc, "invalid time '" + f->text + "' for '" + key +
                          "': expected HH:MM on a 24-hour clock, like '09:00'");
  }
  return m;
}

// The days bit set (bit 0 = Monday); 0 when some entry is wrong or the list is empty.
unsigned read_days(Ctx& ctx, const Entry& e) {
  if (e.value.IsSequence() && e.value.size() == 0) {
    ctx.error(e.value_loc, "empty 'days': the calling hours would never open");
    return 0;
  }
  if (!e.value.IsSequence()) {
    ctx.error(e.value_loc,
              "expected a list of days (mon, tue, wed, thu, fri, sat, sun) for "
              "'days'");
    return 0;
  }
  unsigned days = 0;
  bool ok = true;
  for (const auto& item : e.value) {
    const std::string text = item.IsScalar() ? item.Scalar() : "";
    auto d = parse_day(text);
    if (!d) {
      ctx.error(ctx.loc(item),
                "unknown day '" + text + "' (expected mon, tue, wed, thu, fri, sat or sun)");
      ok = false;
    } else {
      days |= 1u << *d;
    }
  }
  return ok ? days : 0;
}

void read_hours(Ctx& ctx, const Entry& e, CampaignWindow& window) {
  if (!e.value.IsMap()) {
    ctx.error(e.value_loc, "expected a map for 'calling_hours' (from, to, timezone, days)");
    return;
  }
  MapReader r(ctx, e.value, kHoursKeys);
  for (const char* key : {"from", "to", "timezone"}) r.require(key, e.key_loc);
  CallingHours hours;
  bool ok = true;
  auto from = read_clock(ctx, r, "from");
  auto to = read_clock(ctx, r, "to");
  ok = from && to;
  if (from && to && *from == *to) {
    ctx.error(r.find("to")->value_loc,
              "'from' and 'to' are both " + hhmm(*from) + ": the calling hours would never open");
    ok = false;
  }
  if (auto f = r.text("timezone")) {
    ok = check_time_zone(ctx.diags, f->loc, f->text) && ok;
    hours.timezone = f->text;
  } else {
    ok = false;
  }
  if (const Entry* days = r.find("days")) {
    hours.days = read_days(ctx, *days);
    ok = ok && hours.days != 0;
  }
  if (!ok) return;
  hours.from_minute = *from;
  hours.to_minute = *to;
  window.hours = hours;
}

}  // namespace

bool check_time_zone(Diags& diags, const Location& at, const std::string& zone) {
  if (is_time_zone(zone)) return true;
  const std::string hint = did_you_mean(zone, time_zone_names());
  diags.error(at,
              "unknown time zone '" + excerpt(zone) + "'" +
                  (hint.empty() ? " (expected an IANA name such as 'America/New_York')" : hint));
  return false;
}

void read_window(Ctx& ctx, MapReader& r, CampaignWindow& window) {
  Location before_loc, after_loc;
  window.not_before = read_instant(ctx, r, "not_before", before_loc);
  window.not_after = read_instant(ctx, r, "not_after", after_loc);
  if (window.not_before && window.not_after && *window.not_after <= *window.not_before) {
    ctx.error(after_loc, "'not_after' is not after 'not_before' (" + before_loc.str() +
                             "): the campaign could never be sent");
  }
  if (const Entry* e = r.find("calling_hours")) read_hours(ctx, *e, window);
}

}  // namespace xs::mapping
