#pragma once
// A campaign's not_before, not_after and calling_hours, and the time zones of its calls
// (private to src/mapping).
#include <string>

#include "mapping/yaml_read.h"
#include "model/desired.h"

namespace xs::mapping {

// Reads the batch's window keys from r into window, reporting what would never open
// (from == to, empty days, not_after not after not_before) and unknown time zones.
void read_window(Ctx& ctx, MapReader& r, CampaignWindow& window);

// True when zone is an IANA time zone; otherwise reports "unknown time zone 'ZONE'" (with a
// did-you-mean) at `at`.
bool check_time_zone(Diags& diags, const Location& at, const std::string& zone);

}  // namespace xs::mapping
