#pragma once
// The apply report as JSON (`apply --format json`): every action with its outcome.
#include <string>

#include "apply/apply.h"

namespace xs {

std::string report_to_json(const ApplyReport& report, const std::string& api_url);

}  // namespace xs
