#pragma once
// When a campaign may be sent: its not_before/not_after and calling hours, evaluated for one
// time zone at an instant the caller passes in. Pure: no clock, no I/O.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "model/desired.h"

namespace xs::plan {

using TimePoint = std::chrono::system_clock::time_point;

struct WindowState {
  enum class Kind { open, waiting, expired };
  Kind kind = Kind::open;
  // open: when the window closes (TimePoint::max() when it never does); waiting: when it
  // opens; expired: not_after, or TimePoint::min() when there is none
  TimePoint at = TimePoint::max();
  std::string local;  // `at` in the zone, "2026-11-30 09:00 EST"; "" when `at` is max/min
};

// The state at `now` of window for recipients in zone (empty: calling_hours' own zone, or
// UTC without calling hours). Expired when not_after has passed or no opening remains before
// it. Local times that do not exist (spring forward) open at the transition; ambiguous ones
// (fall back) are taken at their first occurrence. An unknown zone counts as UTC.
WindowState window_state(const CampaignWindow& window, const std::string& zone, TimePoint now);
WindowState window_state(const BatchCampaign& batch, const std::string& zone, TimePoint now);

// The zone a call is dialled in: its own, else the campaign's calling_hours zone, else "".
std::string effective_timezone(const BatchCampaign& batch, const BatchCallTarget& call);

// The indexes of batch.calls grouped by effective_timezone, each group in call order.
std::map<std::string, std::vector<std::size_t>> calls_by_timezone(const BatchCampaign& batch);

}  // namespace xs::plan
