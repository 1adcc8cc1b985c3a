// window_state with an injected "now": not_before/not_after, calling hours by day and time
// zone, windows crossing midnight, and both DST transitions of America/New_York.
#include <date/date.h>

#include <catch2/catch.hpp>

#include "plan/windows.h"

using namespace date::literals;
using std::chrono::hours;
using std::chrono::minutes;
using xs::plan::TimePoint;
using xs::plan::window_state;
using xs::plan::WindowState;
using Kind = WindowState::Kind;

namespace {

// An instant given in UTC.
TimePoint utc(date::year_month_day day, int h, int m = 0) {
  return date::sys_days(day) + hours(h) + minutes(m);
}

xs::CampaignWindow hours_window(int from, int to, const std::string& zone, unsigned days = 0x7f) {
  xs::CampaignWindow w;
  xs::CallingHours h;
  h.from_minute = from;
  h.to_minute = to;
  h.timezone = zone;
  h.days = days;
  w.hours = h;
  return w;
}

constexpr unsigned kWeekdays = 0x1f;  // mon..fri

}  // namespace

TEST_CASE("without a window a campaign is open for good") {
  const auto s = window_state(xs::CampaignWindow{}, "", utc(2026_y / 11 / 28, 3));
  CHECK(s.kind == Kind::open);
  CHECK(s.at == TimePoint::max());
  CHECK(s.local.empty());
}

TEST_CASE("not_before makes a campaign wait, not_after expires it") {
  xs::CampaignWindow w;
  w.not_before = utc(2026_y / 11 / 30, 14);
  w.not_after = utc(2026_y / 12 / 1, 0);
  auto s = window_state(w, "", utc(2026_y / 11 / 30, 13, 59));
  CHECK(s.kind == Kind::waiting);
  CHECK(s.at == *w.not_before);
  CHECK(s.local == "2026-11-30 14:00 UTC");
  s = window_state(w, "America/New_York", utc(2026_y / 11 / 30, 13));
  CHECK(s.local == "2026-11-30 09:00 EST");
  s = window_state(w, "", utc(2026_y / 11 / 30, 14));
  CHECK(s.kind == Kind::open);
  CHECK(s.at == *w.not_after);  // closes when the campaign expires
  s = window_state(w, "", utc(2026_y / 12 / 1, 0));
  CHECK(s.kind == Kind::expired);
  CHECK(s.at == *w.not_after);
}

TEST_CASE("calling hours open on their days in their zone") {
  const auto w = hours_window(9 * 60, 20 * 60, "America/New_York", kWeekdays);
  // Saturday 2026-11-28, 10:00 EST: waits for Monday 09:00 EST
  auto s = window_state(w, "", utc(2026_y / 11 / 28, 15));
  CHECK(s.kind == Kind::waiting);
  CHECK(s.at == utc(2026_y / 11 / 30, 14));
  CHECK(s.local == "2026-11-30 09:00 EST");
  // Monday 10:00 EST: open until 20:00 EST
  s = window_state(w, "", utc(2026_y / 11 / 30, 15));
  CHECK(s.kind == Kind::open);
  CHECK(s.at == utc(2026_y / 12 / 1, 1));
  // Monday 20:00 EST exactly: closed, waits for Tuesday 09:00
  s = window_state(w, "", utc(2026_y / 12 / 1, 1));
  CHECK(s.kind == Kind::waiting);
  CHECK(s.at == utc(2026_y / 12 / 1, 14));
}

TEST_CASE("a recipient's own zone overrides the campaign's") {
  const auto w = hours_window(9 * 60, 20 * 60, "America/New_York");
  // 15:00Z is 10:00 in New York but 07:00 in Los Angeles
  auto s = window_state(w, "America/Los_Angeles", utc(2026_y / 11 / 30, 15));
  CHECK(s.kind == Kind::waiting);
  CHECK(s.at == utc(2026_y / 11 / 30, 17));
  CHECK(s.local == "2026-11-30 09:00 PST");
  CHECK(window_state(w, "", utc(2026_y / 11 / 30, 15)).kind == Kind::open);
}

TEST_CASE("a window crossing midnight ends the next day") {
  const unsigned monday = 1;
  const auto w = hours_window(22 * 60, 6 * 60, "UTC", monday);
  // Tuesday 03:00: still inside Monday's window
  auto s = window_state(w, "", utc(2026_y / 12 / 1, 3));
  CHECK(s.kind == Kind::open);
  CHECK(s.at == utc(2026_y / 12 / 1, 6));
  // Tuesday 07:00: waits for next Monday 22:00
  s = window_state(w, "", utc(2026_y / 12 / 1, 7));
  CHECK(s.kind == Kind::waiting);
  CHECK(s.at == utc(2026_y / 12 / 7, 22));
  // Monday 21:00: waits an hour
  s = window_state(w, "", utc(2026_y / 11 / 30, 21));
  CHECK(s.kind == Kind::waiting);
  CHECK(s.at == utc(2026_y / 11 / 30, 22));
}

TEST_CASE("spring forward: hours keep their local time, a missing time opens at the jump") {
  // 2026-03-08 02:00 EST jumps to 03:00 EDT in New York
  const auto nine = hours_window(9 * 60, 20 * 60, "America/New_York");
  auto s = window_state(nine, "", utc(2026_y / 3 / 8, 12));  // 08:00 EDT
  CHECK(s.kind == Kind::waiting);
  CHECK(s.at == utc(2026_y / 3 / 8, 13));  // 09:00 EDT, not 14:00Z as the day before
  CHECK(s.local == "2026-03-08 09:00 EDT");
  CHECK(window_state(nine, "", utc(2026_y / 3 / 7, 13)).at == utc(2026_y / 3 / 7, 14));
  const auto gap = hours_window(2 * 60 + 30, 4 * 60, "America/New_York");
  s = window_state(gap, "", utc(2026_y / 3 / 8, 6));  // 01:00 EST
  CHECK(s.kind == Kind::waiting);
  CHECK(s.at == utc(2026_y / 3 / 8, 7));  // 03:00 EDT, the transition
  CHECK(s.local == "2026-03-08 03:00 EDT");
}

TEST_CASE("fall back: hours keep their local time, a repeated time is its first occurrence") {
  // 2026-11-01 02:00 EDT falls back to 01:00 EST in New York
  const auto nine = hours_window(9 * 60, 20 * 60, "America/New_York");
  auto s = window_state(nine, "", utc(2026_y / 11 / 1, 12));  // 07:00 EST
  CHECK(s.kind == Kind::waiting);
  CHECK(s.at == utc(2026_y / 11 / 1, 14));  // 09:00 EST, not 13:00Z as the day before
  CHECK(s.local == "2026-11-01 09:00 EST");
  CHECK(window_state(nine, "", utc(2026_y / 10 / 31, 12)).at == utc(2026_y / 10 / 31, 13));
  const auto twice = hours_window(60 + 30, 3 * 60, "America/New_York");
  s = window_state(twice, "", utc(2026_y / 11 / 1, 4));  // 00:00 EDT
  CHECK(s.kind == Kind::waiting);
  CHECK(s.at == utc(2026_y / 11 / 1, 5, 30));  // 01:30 EDT, the first 01:30
  CHECK(s.local == "2026-11-01 01:30 EDT");
}

TEST_CASE("a campaign whose next opening comes after not_after has expired") {
  auto w = hours_window(9 * 60, 20 * 60, "America/New_York", kWeekdays);
  w.not_after = utc(2026_y / 11 / 29, 12);                        // Sunday
  const auto s = window_state(w, "", utc(2026_y / 11 / 28, 15));  // Saturday
  CHECK(s.kind == Kind::expired);
  CHECK(s.at == *w.not_after);
  CHECK(s.local == "2026-11-29 07:00 EST");
  // open now, but only until not_after
  w.not_after = utc(2026_y / 11 / 30, 16);
  const auto open = window_state(w, "", utc(2026_y / 11 / 30, 15));
  CHECK(open.kind == Kind::open);
  CHECK(open.at == *w.not_after);
}

TEST_CASE("calls are grouped by their effective time zone") {
  xs::BatchCampaign b;
  b.window = hours_window(9 * 60, 20 * 60, "America/New_York");
  b.calls.resize(4);
  b.calls[1].timezone = "America/Los_Angeles";
  b.calls[3].timezone = "America/Los_Angeles";
  const auto groups = xs::plan::calls_by_timezone(b);
  REQUIRE(groups.size() == 2);
  CHECK(groups.at("America/New_York") == std::vector<std::size_t>{0, 2});
  CHECK(groups.at("America/Los_Angeles") == std::vector<std::size_t>{1, 3});
  CHECK(xs::plan::effective_timezone(xs::BatchCampaign{}, b.calls[0]).empty());
}
