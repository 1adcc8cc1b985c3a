#pragma once
// Where each campaign's recipients stand, as JSON: one shape for plan and apply reports.
// Private to src/report (Poco types).
#include <Poco/JSON/Array.h>

#include <vector>

#include "plan/plan.h"

namespace xs {

// [{"name", "to_dial", "dialled", "unknown", "failed", "suppressed", "waiting", "expired",
// "held", "waiting_by_zone": {zone: n}, "last_call_at": ISO-8601 | null}]
Poco::JSON::Array::Ptr campaigns_json(const std::vector<CampaignCounts>& campaigns);

// ISO-8601 UTC to the second.
std::string iso_utc(std::chrono::system_clock::time_point t);

}  // namespace xs
