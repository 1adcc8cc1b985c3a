#pragma once
// The apply report as JSON (`apply --format json`): every action with its outcome.
#include <string>
#include <vector>

#include "apply/apply.h"

namespace xs {

// A number imported by the run and whether its calls reach XUNA now (the cut-over check).
struct RoutingResult {
  std::string phone_number;
  bool ok = false;
  std::string problem;
};

// campaigns: where each campaign's recipients stood in the plan that was applied.
std::string report_to_json(const ApplyReport& report, const std::string& api_url,
                           const std::vector<RoutingResult>& routing = {},
                           const std::vector<CampaignCounts>& campaigns = {});

}  // namespace xs
